"""The client's environment settings, read at the moment they are asked for.

Scripts call python-dotenv's ``load_dotenv()`` before or after ``import spacestudio``;
reading the environment lazily makes both orders work.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from spacestudio.errors import ConfigurationError
from spacestudio_contract.endpoints import DEFAULT_AUTH_URL, DEFAULT_REALM

#: The package attributes of the published client and the variable each one reads.
LOG_ATTRIBUTES: dict[str, str] = {
    "log_base_url": "LOG_BASE_URL",
    "log_mail": "LOG_MAIL",
    "log_password": "LOG_PASSWORD",
    "log_client_id": "CLIENT_ID",
    "log_verify_ssl_certificate": "VERIFY_SSL_CERTIFICATE",
    # 3.4.0 to 3.4.2 named the client id so.
    "client_id": "CLIENT_ID",
}

#: Values of SPACESTUDIO_STRICT that turn strict mode on.
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def log_attribute(name: str) -> str | None:
    """The current value of the environment variable behind ``spacestudio.<name>``."""
    return os.environ.get(LOG_ATTRIBUTES[name])


def base_url() -> str | None:
    """``LOG_BASE_URL``: the scripting API's base URL."""
    return os.environ.get("LOG_BASE_URL")


def checked_url(what: str, url: str) -> str:
    """``url`` when it is an http(s) URL with a host; else a ConfigurationError that says
    what is wrong with it and how to write it (``what`` names it: "LOG_BASE_URL" …)."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() in ("http", "https") and parts.hostname:
        return url
    if not parts.scheme or "://" not in url:
        # urlsplit reads "host:8080/x" as scheme "host": the user left the scheme out.
        fix = f"write it as https://{url.strip()} (or http://… for a server without TLS)"
        problem = "has no scheme"
    elif parts.scheme.lower() not in ("http", "https"):
        fix = "write it with https:// (or http:// for a server without TLS)"
        problem = f"has the scheme {parts.scheme}://, which is not HTTP"
    else:
        fix = "write it as https://<host>[:port][/path]"
        problem = "has no host name"
    raise ConfigurationError(
        f"The URL in {what}, {url!r}, {problem}", hint=f"Nothing was sent; {fix}."
    )


def client_id() -> str | None:
    """``CLIENT_ID``: the OIDC client the password grant is made for."""
    return os.environ.get("CLIENT_ID")


def auth_url() -> str:
    """``SPACESTUDIO_AUTH_URL``, else Exotrail's identity provider."""
    return os.environ.get("SPACESTUDIO_AUTH_URL") or DEFAULT_AUTH_URL


def realm() -> str:
    """``SPACESTUDIO_REALM``, else the realm of spacestudio's users."""
    return os.environ.get("SPACESTUDIO_REALM") or DEFAULT_REALM


def verify_ssl_certificate() -> bool:
    """False only when ``VERIFY_SSL_CERTIFICATE`` is ``FALSE`` (in any case), as before."""
    return (os.environ.get("VERIFY_SSL_CERTIFICATE") or "").strip().upper() != "FALSE"


def strict() -> bool:
    """``SPACESTUDIO_STRICT``: 1 (or true, yes, on) makes the module functions raise every
    error instead of following the published client's warn-and-go-on flow."""
    return (os.environ.get("SPACESTUDIO_STRICT") or "").strip().lower() in TRUE_WORDS


#: 1 (or true, yes, on): the ``spacestudio`` command prints a spacestudio error's
#: traceback, not its message alone (as ``--debug`` does).
DEBUG_VARIABLE = "SPACESTUDIO_DEBUG"


def debug() -> bool:
    """``SPACESTUDIO_DEBUG``: whether the command prints tracebacks of spacestudio errors."""
    return (os.environ.get(DEBUG_VARIABLE) or "").strip().lower() in TRUE_WORDS


#: Seconds between two lines telling a wait when stderr is no terminal (CI logs).
DEFAULT_PROGRESS_INTERVAL = 10.0


def progress_interval() -> float:
    """``SPACESTUDIO_PROGRESS_INTERVAL``: seconds between two lines telling a wait in a
    log (stderr no terminal); 10 by default."""
    text = (os.environ.get("SPACESTUDIO_PROGRESS_INTERVAL") or "").strip()
    if not text:
        return DEFAULT_PROGRESS_INTERVAL
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < float("inf"):
        raise ConfigurationError(
            f"SPACESTUDIO_PROGRESS_INTERVAL is {text!r}, not a number of seconds above 0",
            hint="Set it to the seconds between two progress lines in a log, such as 10, "
            "or unset it for the default (10).",
        )
    return seconds
