"""The fake server inside a test: on a loopback thread, or mounted into ``responses``.

:class:`FakeServer` runs the real HTTP server on a free loopback port in a daemon
thread::

    with FakeServer() as server:
        spacestudio.connect(server.url, server.account.email, server.account.password)

``FakeServer(tls=True)`` speaks HTTPS with a throw-away certificate whose CA bundle is
``server.ca_bundle`` (and ``REQUESTS_CA_BUNDLE`` in ``server.env()``).

:func:`mount_in_responses` answers requests made through ``requests`` with the same
WSGI application, in process and without a socket.
"""

from __future__ import annotations

import http.client
import re
import ssl
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit

from werkzeug.serving import BaseWSGIServer
from werkzeug.test import EnvironBuilder, run_wsgi_app

from fake_server.app import FakeSpacestudioApp
from fake_server.background import BackgroundServer, wait_until
from fake_server.config import Limits, ServerConfig
from fake_server.faults import ConnectionDropped, FaultRule
from fake_server.representations import Account
from fake_server.serving import make_http_server
from fake_server.tls import server_context, throwaway_certificate
from spacestudio_contract.endpoints import DEFAULT_CLIENT_ID, DEFAULT_REALM, realm_path

if TYPE_CHECKING:
    import requests
    import responses

__all__ = ["FakeServer", "mount_in_responses"]

#: How long :meth:`FakeServer.start` waits for the server to answer.
START_TIMEOUT = 10.0

#: 2099-01-01T00:00:00Z: where the clock of a fake server being recorded stands, so the times
#: it stamps (creation dates, token times) do not change between recordings. It lies ahead
#: of the real time, or the client would find every token expired.
RECORDING_CLOCK = 4070908800.0


def recording_clock() -> float:
    """The clock of a fake server being recorded: it stands still at :data:`RECORDING_CLOCK`.

    Computations on it must finish at once (``compute_seconds=0``): its time never passes.
    """
    return RECORDING_CLOCK


class FakeServer(BackgroundServer):
    """A fake spacestudio backend on ``http://127.0.0.1:<free port>``, in a daemon thread.

    A context manager; ready when its OpenID configuration answers.  ``url`` and
    ``auth_url`` (the same host) have no trailing slash; ``env()`` gives the settings
    that point a script at it.  ``compute_seconds`` defaults to 0 so computations finish
    at once.
    """

    def __init__(
        self,
        *,
        accounts: Sequence[Account] | None = None,
        client_ids: Sequence[str] = (DEFAULT_CLIENT_ID,),
        compute_seconds: float = 0.0,
        state: str | None = None,
        keys: str | None = None,
        token_lifetime: int = 300,
        refresh_lifetime: int = 1800,
        realm: str = DEFAULT_REALM,
        faults: Sequence[FaultRule] = (),
        limits: Limits | None = None,
        clock: Callable[[], float] = time.time,
        tls: bool = False,
    ) -> None:
        base = ServerConfig()
        self.config = ServerConfig(
            accounts=tuple(accounts) if accounts else base.accounts,
            client_ids=tuple(client_ids),
            realm=realm,
            host="127.0.0.1",
            port=0,
            token_lifetime=token_lifetime,
            refresh_lifetime=refresh_lifetime,
            compute_seconds=compute_seconds,
            state_path=state,
            keys_path=keys,
            faults=tuple(rule.definition() for rule in faults),
            limits=limits or Limits(),
        )
        self._clock = clock
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._app: FakeSpacestudioApp | None = None
        self.tls = tls
        self._tls_folder: tempfile.TemporaryDirectory[str] | None = None
        #: The CA bundle that trusts the server's certificate, while a TLS server runs.
        self.ca_bundle: Path | None = None
        self.url = ""

    @property
    def accounts(self) -> list[Account]:
        return list(self.config.accounts)

    @property
    def account(self) -> Account:
        """The first account (the one ``env()`` logs in with)."""
        return self.config.accounts[0]

    @property
    def client_id(self) -> str:
        return self.config.client_ids[0]

    @property
    def realm(self) -> str:
        return self.config.realm

    @property
    def auth_url(self) -> str:
        return self.url

    @property
    def app(self) -> FakeSpacestudioApp:
        """The WSGI application (``.store``, ``.idp``, ``.faults``, ``.journal``, ``.config``)."""
        if self._app is None:
            raise RuntimeError("the fake server is not running; call start() or use `with`")
        return self._app

    def env(self) -> dict[str, str]:
        """``LOG_BASE_URL``, ``SPACESTUDIO_AUTH_URL``, ``SPACESTUDIO_REALM``, ``LOG_MAIL``,
        ``LOG_PASSWORD`` and ``CLIENT_ID`` for this server and its first account, and
        ``REQUESTS_CA_BUNDLE`` when it speaks TLS."""
        tls = {"REQUESTS_CA_BUNDLE": str(self.ca_bundle)} if self.ca_bundle else {}
        return {
            **tls,
            "LOG_BASE_URL": self.url,
            "SPACESTUDIO_AUTH_URL": self.auth_url,
            "SPACESTUDIO_REALM": self.realm,
            "LOG_MAIL": self.account.email,
            "LOG_PASSWORD": self.account.password,
            "CLIENT_ID": self.client_id,
        }

    def start(self) -> Self:
        """Start serving; returns once the server answers."""
        if self._server is not None:
            return self
        app = FakeSpacestudioApp.from_config(self.config, clock=self._clock)
        try:
            context = self._tls_context()
            server = make_http_server(app, "127.0.0.1", 0, self.config.limits, context)
        except BaseException:
            app.close()
            self._remove_certificate()
            raise
        self._app, self._server = app, server
        scheme = "http" if context is None else "https"
        self.url = f"{scheme}://127.0.0.1:{server.server_port}"
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-spacestudio-{server.server_port}",
            daemon=True,
        )
        self._thread.start()
        try:
            self._wait_until_ready(server.server_port)
        except BaseException:
            self.stop()
            raise
        return self

    def _tls_context(self) -> ssl.SSLContext | None:
        """A throw-away certificate's TLS settings when asked for TLS, else None."""
        if not self.tls:
            return None
        self._tls_folder = tempfile.TemporaryDirectory(prefix="spacestudio-tls-")
        certificate = throwaway_certificate(Path(self._tls_folder.name))
        self.ca_bundle = certificate.ca
        return server_context(certificate)

    def _remove_certificate(self) -> None:
        folder, self._tls_folder, self.ca_bundle = self._tls_folder, None, None
        if folder is not None:
            folder.cleanup()

    def _wait_until_ready(self, port: int) -> None:
        path = f"{realm_path(self.realm)}/.well-known/openid-configuration"
        trust = (
            None if self.ca_bundle is None else ssl.create_default_context(cafile=self.ca_bundle)
        )
        if not wait_until(lambda: _answers(port, path, trust), START_TIMEOUT, 0.02):
            raise RuntimeError(f"the fake server on port {port} did not answer {path}")

    def stop(self) -> None:
        """Stop serving and release the port and the state file."""
        server, thread, app = self._server, self._thread, self._app
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        if app is not None:
            app.close()
            self._app = None
        self._remove_certificate()


def _answers(port: int, path: str, trust: ssl.SSLContext | None = None) -> bool:
    """Whether ``GET path`` on the loopback ``port`` answers 200 (over TLS, checked
    with ``trust``, when given)."""
    try:
        connection = (
            http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            if trust is None
            else http.client.HTTPSConnection("127.0.0.1", port, timeout=2, context=trust)
        )
        try:
            connection.request("GET", path)
            return connection.getresponse().status == 200
        finally:
            connection.close()
    except OSError:
        return False


_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")


def mount_in_responses(
    app: Callable[..., Any], base_url: str, mock: responses.RequestsMock
) -> None:
    """Answer every request to ``base_url`` made through ``requests`` with ``app``.

    The WSGI application runs in process (no socket); a dropped-connection fault
    raises ``requests.ConnectionError`` as a real drop would.
    """
    import requests  # the test extra's dependency; imported only when mounting

    root = base_url.rstrip("/")
    split = urlsplit(root)
    prefix = split.path
    pattern = re.compile(re.escape(root) + r"(?:[/?#].*)?\Z")

    def answer(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        url = urlsplit(request.url or "")
        path = url.path[len(prefix) :] if url.path.startswith(prefix) else url.path
        body = request.body
        if isinstance(body, str):
            body = body.encode()
        elif body is not None and not isinstance(body, bytes):
            body = b"".join(body)  # a generator or file-like body
        builder = EnvironBuilder(
            path=path or "/",
            base_url=f"{split.scheme}://{split.netloc}{prefix}",
            query_string=url.query,
            method=request.method or "GET",
            headers=list(request.headers.items()),
            data=body,
        )
        try:
            environ = builder.get_environ()
        finally:
            builder.close()
        try:
            app_iter, status, headers = run_wsgi_app(app, environ, buffered=True)
        except ConnectionDropped as exc:
            raise requests.ConnectionError(f"connection to {root} dropped: {exc}") from exc
        try:
            content = b"".join(app_iter)
        finally:
            close = getattr(app_iter, "close", None)
            if close is not None:
                close()
        return int(status.split(" ", 1)[0]), dict(headers.items()), content

    for method in _METHODS:
        mock.add_callback(method, pattern, callback=answer, content_type=None)
