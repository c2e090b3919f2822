"""spacestudio: a drop-in client for Exotrail's spacestudio scripting API.

This package replaces ``spacestudio-constellation`` (which installs the same import name
``spacestudio``; install one or the other). Scripts written for it run unchanged::

    from dotenv import load_dotenv
    load_dotenv()
    import spacestudio
    spacestudio.connect(spacestudio.log_base_url, spacestudio.log_mail,
                        spacestudio.log_password)   # client_id from CLIENT_ID
    orbit = spacestudio.simulation.get_orbit("SSO-600")

and get what that client lacks: typed exceptions instead of prints and ``exit()``,
tokens refreshed before they expire, retries with backoff, timeouts, atomic downloads,
progress bars on a terminal, and :class:`Client` objects for several accounts in one
process (``client.simulation.orbits.get("SSO-600")``).

``spacestudio.log_base_url``, ``log_mail``, ``log_password``, ``log_client_id`` and
``log_verify_ssl_certificate`` read ``LOG_BASE_URL``, ``LOG_MAIL``, ``LOG_PASSWORD``,
``CLIENT_ID`` and ``VERIFY_SSL_CERTIFICATE`` each time they are read, so ``load_dotenv()``
may run before or after the import (``client_id`` is the name 3.4.0 to 3.4.2 gave the
client id). Everything else of the published package is here too: ``spacestudio.urls``
with its URL constants, ``load_modules``, the shared ``session``, and the modules it
imports (``spacestudio.requests``, ``spacestudio.json`` …).
"""

import importlib  # noqa: F401 - the published package has it, and so its scripts may
from typing import TYPE_CHECKING

from spacestudio import (
    api_requests,
    constellation,
    deployment,
    formation_flying,
    gridfs,
    inspection,
    parametric_study,
    simulation,
    urls,
)
from spacestudio._version import __version__

# The published client's request-level helpers, one list: api_requests.__all__.
from spacestudio.api_requests import *  # noqa: F403
from spacestudio.client import Client, default_client, set_default_client
from spacestudio.errors import (
    AuthenticationError,
    ComputationTimeoutError,
    ConfigurationError,
    ConflictError,
    InvalidRequestError,
    NotConnectedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ScriptingNotEnabledError,
    ServerError,
    SpacestudioError,
    TransportError,
)
from spacestudio.settings import LOG_ATTRIBUTES, log_attribute
from spacestudio.transport import RetryPolicy

# The log_* settings are not listed: they are read from the environment on access.
__all__ = [
    "AuthenticationError",
    "Client",
    "ComputationTimeoutError",
    "ConfigurationError",
    "ConflictError",
    "InvalidRequestError",
    "NotConnectedError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitedError",
    "RetryPolicy",
    "ScriptingNotEnabledError",
    "ServerError",
    "SpacestudioError",
    "TransportError",
    "__version__",
    "constellation",
    "default_client",
    "deployment",
    "formation_flying",
    "gridfs",
    "inspection",
    "parametric_study",
    "set_default_client",
    "simulation",
    "urls",
]
__all__ += api_requests.__all__


# Declared for type checkers and editors only: an annotation without a value creates no
# attribute, so each read goes to __getattr__ below and sees the environment as it is now.
log_base_url: str | None
log_mail: str | None
log_password: str | None
log_client_id: str | None
log_verify_ssl_certificate: str | None
client_id: str | None

if not TYPE_CHECKING:  # hidden from type checkers, so a misspelt attribute stays an error

    def __getattr__(name: str) -> str | None:
        # PEP 562: spacestudio.log_mail etc. read the environment now, not at import time.
        if name in LOG_ATTRIBUTES:
            return log_attribute(name)
        raise AttributeError(f"module 'spacestudio' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *LOG_ATTRIBUTES})
