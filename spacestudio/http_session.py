"""The client's HTTP session: reads the proxy and CA-bundle variables once per origin.

A client's calls, and a script's own ``spacestudio.session.get(…)``, go through one
(unless ``connect(session=…)`` gives a plain ``requests.Session`` instead).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

import requests
from requests.sessions import merge_setting
from requests.utils import get_environ_proxies

if TYPE_CHECKING:
    from requests.sessions import _Settings

# requests' own rule for a request's setting over the session's (untyped in its stubs).
_merge_setting = cast(Callable[[Any, Any], Any], merge_setting)


class Session(requests.Session):
    """A ``requests.Session`` that reads the proxy and CA-bundle variables once per origin.

    requests reads them from ``os.environ`` on every request, a scan of the whole
    environment each time; a client talks to one or two origins. Everything else is as
    in requests: the session's own settings (``proxies``, ``verify``, ``cert``,
    ``trust_env``) are read at each call, and ``no_proxy`` is honoured.
    """

    def __init__(self) -> None:
        super().__init__()
        self._environment_lock = threading.Lock()
        self._environment: dict[tuple[str, str, str | None], tuple[dict[str, str], Any]] = {}

    def merge_environment_settings(
        self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> _Settings:
        if not self.trust_env:
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        proxies = dict(proxies or {})
        environment_proxies, ca_bundle = self._environment_of(str(url), proxies.get("no_proxy"))
        for scheme, proxy in environment_proxies.items():
            proxies.setdefault(scheme, proxy)
        if verify is True or verify is None:
            verify = ca_bundle or verify
        return {
            "proxies": _merge_setting(proxies, self.proxies),
            "stream": _merge_setting(stream, self.stream),
            "verify": _merge_setting(verify, self.verify),
            "cert": _merge_setting(cert, self.cert),
        }

    def _environment_of(self, url: str, no_proxy: str | None) -> tuple[dict[str, str], Any]:
        parts = urlsplit(url)
        origin = (parts.scheme, parts.netloc, no_proxy)
        with self._environment_lock:
            found = self._environment.get(origin)
            if found is None:
                found = self._environment[origin] = (
                    get_environ_proxies(url, no_proxy=no_proxy),
                    os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE"),
                )
            return found
