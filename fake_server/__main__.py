"""``spacestudio-fake-server`` / ``python -m fake_server``: run the fake backend over HTTP(S).

It prints its URL and the ``.env`` lines that point a script at it (passwords given
with ``--user`` are not echoed: a banner ends up in CI logs), serves until SIGINT or
SIGTERM, then shuts down cleanly.  Bad flags, and a state file that is damaged or not
the server's, exit with status 2 and a message saying what to change.  ``--tls`` serves
HTTPS with a throw-away CA (removed at exit) whose bundle the ``.env`` lines name;
``--cert``/``--key`` with the user's own certificate.  Every flag has an
environment variable twin, read by the WSGI entry point :mod:`fake_server.wsgi`:
``--realm-file`` is ``SPACESTUDIO_FAKE_REALM_FILE`` (:mod:`fake_server.options`).
"""

from __future__ import annotations

import ipaddress
import logging
import signal
import sys
import tempfile
import threading
from argparse import ArgumentParser
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Literal, TextIO

from fake_server.app import FakeSpacestudioApp
from fake_server.config import (
    ServerConfig,
    demo_account,
)
from fake_server.faults import FaultSpecError
from fake_server.options import build_parser, config_from_args, tls_choice
from fake_server.serving import make_http_server
from fake_server.store import StateFileError
from fake_server.tls import (
    CertificateError,
    ServerCertificate,
    server_context,
    throwaway_certificate,
)

if TYPE_CHECKING:
    import ssl

logger = logging.getLogger("fake_server")


def env_lines(base_url: str, config: ServerConfig, ca_bundle: Path | None = None) -> dict[str, str]:
    """The ``.env`` settings that point a script at a server, for its first account
    (its password too: callers print it only for the built-in demo account), and the
    CA bundle that trusts its certificate when the server made one."""
    account = config.accounts[0]
    lines = {
        "LOG_BASE_URL": base_url,
        "SPACESTUDIO_AUTH_URL": base_url,
        "SPACESTUDIO_REALM": config.realm,
        "LOG_MAIL": account.email or account.login,
        "LOG_PASSWORD": account.password,
        "CLIENT_ID": config.first_client_id,
    }
    if ca_bundle is not None:
        lines["REQUESTS_CA_BUNDLE"] = str(ca_bundle)
    return lines


def url_for(host: str, port: int, scheme: str = "http") -> str:
    """The URL clients use: a wildcard bind is reached through loopback."""
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    if ":" in shown:
        shown = f"[{shown}]"
    return f"{scheme}://{shown}:{port}"


def serving_certificate(
    choice: ServerCertificate | Literal["throwaway"] | None, scratch: ExitStack
) -> ServerCertificate | None:
    """The certificate ``--tls`` (made in a private folder that ``scratch`` removes) or
    ``--cert``/``--key`` ask for; None for plain HTTP."""
    if choice != "throwaway":
        return choice
    folder = scratch.enter_context(tempfile.TemporaryDirectory(prefix="spacestudio-tls-"))
    return throwaway_certificate(Path(folder))


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def print_banner(
    out: TextIO, base_url: str, config: ServerConfig, ca_bundle: Path | None = None
) -> None:
    """The URL, the accounts and the ``.env`` lines.  Only the built-in demo account's
    password is shown: one given with ``--user`` is the user's to keep out of logs."""
    demo = demo_account()
    out.write(f"spacestudio fake server listening on {base_url}\n")
    out.write(f"OpenAPI document: {base_url}/openapi.json\n")
    for account in config.accounts:
        if client_id := account.service_account_client_id:
            out.write(f"service account: {account.login} (client {client_id})\n")
            continue
        notes = [] if account.scripting else ["no scripting"]
        if not account.enabled:
            notes.append("disabled")
        suffix = f" ({', '.join(notes)})" if notes else ""
        if account == demo:
            shown = account.password
        else:
            shown = "(as given)" if account.password else "(hashed in the realm file)"
        out.write(f"account: {account.email or account.login} password: {shown}{suffix}\n")
    out.write("# .env lines for a script:\n")
    for key, value in env_lines(base_url, config, ca_bundle).items():
        if key == "LOG_PASSWORD" and config.accounts[0] != demo:
            out.write(f"# {key}=<the password given with --user for {config.accounts[0].email}>\n")
            continue
        out.write(f"{key}={value}\n")
    out.flush()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        config = config_from_args(args)
        tls = tls_choice(args)
    except (ValueError, FaultSpecError) as exc:  # RealmFileError is a ValueError
        parser.error(str(exc))
    with ExitStack() as scratch:
        certificate = serving_certificate(tls, scratch)
        try:
            context = server_context(certificate) if certificate is not None else None
        except CertificateError as exc:
            parser.error(str(exc))
        return _serve(parser, config, context, certificate)


def _serve(
    parser: ArgumentParser,
    config: ServerConfig,
    context: ssl.SSLContext | None,
    certificate: ServerCertificate | None,
) -> int:
    """Serve ``config`` (over TLS with ``context``) until a signal; the exit status."""
    try:
        app = FakeSpacestudioApp.from_config(config)
    except (StateFileError, OSError, ValueError) as exc:
        parser.error(str(exc))
    try:
        server = make_http_server(app, config.host, config.port, config.limits, context)
    except OSError as exc:
        app.close()
        sys.stderr.write(
            f"spacestudio-fake-server: cannot listen on {config.host}:{config.port}: {exc}\n"
        )
        return 1
    if not _is_loopback(config.host) and config.admin_token is None:
        logger.warning(
            "listening on %s without --admin-token: anyone who reaches this address by "
            "a name the /__admin/ routes accept can change faults and read the journal",
            config.host,
        )

    def stop(signum: int, frame: FrameType | None) -> None:
        logger.info("signal %d: shutting down", signum)
        # shutdown() waits for serve_forever to return, so it cannot run on its thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    scheme = "http" if context is None else "https"
    ca_bundle = certificate.ca if certificate is not None else None
    print_banner(sys.stdout, url_for(config.host, server.server_port, scheme), config, ca_bundle)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        app.close()
    logger.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
