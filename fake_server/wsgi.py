"""The fake server for a production WSGI server: ``gunicorn -w 4 fake_server.wsgi:application``.

Configured from the environment, as Keycloak is from its ``KC_*`` variables: each flag of
``spacestudio-fake-server`` has a ``SPACESTUDIO_FAKE_*`` twin (``--state`` is
``SPACESTUDIO_FAKE_STATE``, ``--realm-file`` is ``SPACESTUDIO_FAKE_REALM_FILE``; a
repeatable flag takes one value per line). ``--host`` and ``--port`` are the WSGI server's
business (``gunicorn -b``).

Every worker process opens the same state file (``SPACESTUDIO_FAKE_STATE``; by default
``spacestudio-fake-server-<user id>/state.sqlite`` in the temporary directory, named in
the log; that folder is made private, mode 0700, and refused if another user made it)
and the same key file beside it, so the workers share signing keys, users, clients,
sign-in sessions, revoked tokens, fault rules, the journal and every object: a login on
one worker is good on all, and a logout or a fault reaches all. Logs go to standard output.
``/health/ready`` and ``/health/live`` answer as Keycloak's do.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import sys
import tempfile
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from fake_server.app import FakeSpacestudioApp
from fake_server.config import ServerConfig
from fake_server.faults import FaultSpecError
from fake_server.oidc.realm_model import PasswordHashing
from fake_server.options import ENV_PREFIX, argv_from_environment, build_parser, config_from_args

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

logger = logging.getLogger("fake_server.wsgi")

#: The exit status gunicorn's master reads as "App failed to load" (its
#: ``Arbiter.APP_LOAD_ERROR``): it then stops rather than restarting the worker.
APP_LOAD_ERROR_STATUS = 4

LOG_FORMAT = "%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"


class ConfigurationError(Exception):
    """The ``SPACESTUDIO_FAKE_*`` variables cannot be used; the message says which and why."""


class _ParserError(Exception):
    pass


def default_state_path() -> Path:
    """Where the workers share their state when ``SPACESTUDIO_FAKE_STATE`` is not set."""
    owner = os.getuid() if hasattr(os, "getuid") else os.getlogin()
    return Path(tempfile.gettempdir()) / f"spacestudio-fake-server-{owner}" / "state.sqlite"


def make_private_folder(folder: Path) -> None:
    """Make ``folder`` (mode 0700), or check that the one found there is this user's own.

    The default folder's name is known to everyone who can list the temporary directory:
    anyone could have made it first, writable by all, and planted a key file that would
    sign every token. A folder that is a link, another user's, or one others may write is
    refused; one of this user's that others may only read is made private.
    """
    with contextlib.suppress(FileExistsError):
        os.mkdir(folder, 0o700)
    status = os.lstat(folder)
    problem = ""
    if not stat.S_ISDIR(status.st_mode):
        problem = "is not a folder (a link, or a file)"
    elif hasattr(os, "getuid") and status.st_uid != os.getuid():
        problem = f"belongs to another user (uid {status.st_uid})"
    elif status.st_mode & 0o022:
        problem = f"is open to other users (mode {stat.S_IMODE(status.st_mode):o})"
    elif status.st_mode & 0o077:  # this user's own, made readable by an older version
        os.chmod(folder, 0o700)
    if problem:
        raise ConfigurationError(
            f"The default state folder {folder} {problem}, so another user could plant the "
            f"key file that signs tokens. Remove it (it may have been made by someone else) "
            f"and start again, or set {ENV_PREFIX}STATE to a file in a folder of your own."
        )


def config_from_environment(environ: Mapping[str, str] | None = None) -> ServerConfig:
    """The configuration the ``SPACESTUDIO_FAKE_*`` variables describe."""
    environ = os.environ if environ is None else environ
    parser = build_parser()

    def refuse(message: str) -> None:
        raise _ParserError(message)

    parser.error = refuse  # type: ignore[method-assign,assignment]
    try:
        argv = argv_from_environment(parser, environ)
        if not environ.get(f"{ENV_PREFIX}STATE", "").strip():
            state = default_state_path()
            make_private_folder(state.parent)
            argv.append(f"--state={state}")
        args = parser.parse_args(argv)
        if args.tls or args.cert or args.key:
            raise ValueError(
                f"{ENV_PREFIX}TLS, _CERT and _KEY are the command's: under gunicorn, HTTPS "
                "is gunicorn's own --certfile FILE --keyfile FILE"
            )
        return config_from_args(args)
    except (_ParserError, ValueError, FaultSpecError) as exc:
        message = str(exc).replace("argument --", "--")
        raise ConfigurationError(
            f"{message} (flags are set as {ENV_PREFIX}* variables: --realm-file is "
            f"{ENV_PREFIX}REALM_FILE)"
        ) from None


def configure_logging(level: str) -> None:
    """Send the fake server's log to standard output, once."""
    root = logging.getLogger("fake_server")
    if any(getattr(h, "_spacestudio_stdout", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler._spacestudio_stdout = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False


class PerProcessApplication:
    """The WSGI application, built anew in each process that serves it.

    A server that imports the application before forking its workers (``gunicorn
    --preload``) must not hand them the SQLite connections of its own process.
    """

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._app = self._build()

    def _build(self) -> FakeSpacestudioApp:
        app = FakeSpacestudioApp.from_config(self.config)
        # Workers hash passwords in turn, and a sync worker never waits for its turn: two
        # logins hashing at once would leave no worker for anyone else.
        app.idp.model.password_hashing = PasswordHashing(
            f"{self.config.state_path}.logins.lock", wait=False
        )
        return app

    @property
    def app(self) -> FakeSpacestudioApp:
        """The application of the current process."""
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._app = self._build()
                    self._pid = os.getpid()
        return self._app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        return self.app(environ, start_response)


def create_application(environ: Mapping[str, str] | None = None) -> PerProcessApplication:
    """The application the environment describes, logging to standard output."""
    environ = os.environ if environ is None else environ
    configure_logging(environ.get(f"{ENV_PREFIX}LOG_LEVEL", "INFO").upper() or "INFO")
    config = config_from_environment(environ)
    application = PerProcessApplication(config)
    logger.info(
        "serving realm %s from state %s (keys %s), %d users, %d fault rules",
        config.realm,
        config.state_path,
        config.keys_path,
        len(application.app.idp.accounts),
        len(application.app.faults.rules()),
    )
    return application


def __getattr__(name: str) -> PerProcessApplication:
    """``application`` is built when a WSGI server first asks for it, so importing this
    module (to test it, or for its functions) opens no state file."""
    if name != "application":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        built = create_application()
    except ConfigurationError as error:
        # Said plainly, instead of a traceback in every worker's log; the status is
        # gunicorn's "App failed to load", which stops its master instead of forking
        # new workers to fail again (fake_server.gunicorn_conf checks before any fork).
        sys.stderr.write(f"spacestudio fake server: {error}\n")
        raise SystemExit(APP_LOAD_ERROR_STATUS) from None
    globals()["application"] = built
    return built
