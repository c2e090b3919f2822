"""The fake server's settings as flags and as ``SPACESTUDIO_FAKE_*`` variables.

One parser serves both entry points: ``spacestudio-fake-server`` reads the flags, the
WSGI entry point (:mod:`fake_server.wsgi`) the environment variable twin of each flag
(``--realm-file`` is ``SPACESTUDIO_FAKE_REALM_FILE``, see :func:`argv_from_environment`);
:func:`config_from_args` turns either into a :class:`~fake_server.config.ServerConfig`.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from fake_server.config import (
    DEFAULT_COMPUTE_SECONDS,
    DEFAULT_HOST,
    DEFAULT_PORT,
    Limits,
    ServerConfig,
    demo_account,
)
from fake_server.faults import FaultRule, parse_fault_spec
from fake_server.oidc.realm_file import RealmImport, load_realm_file
from fake_server.representations import Account, Client, RealmSettings
from fake_server.tls import ServerCertificate
from spacestudio_contract.endpoints import DEFAULT_CLIENT_ID, DEFAULT_REALM

#: Prefix of the environment variables that mirror the flags, as Keycloak's ``KC_``.
ENV_PREFIX = "SPACESTUDIO_FAKE_"
#: Where the admin token may come from instead of the command line (seen by ``ps``).
ADMIN_TOKEN_VARIABLE = "SPACESTUDIO_ADMIN_TOKEN"

_USER_RESTRICTIONS = ("no-scripting", "disabled")


def parse_user(spec: str) -> Account:
    """An account from ``EMAIL:PASSWORD[:no-scripting][:disabled]``."""
    email, sep, rest = spec.partition(":")
    if not sep or not email or "@" not in email:
        raise ValueError(
            f"--user {spec!r}: write it as EMAIL:PASSWORD, e.g. ana@example.com:s3cret"
        )
    restrictions: set[str] = set()
    while True:
        head, sep, last = rest.rpartition(":")
        if not sep or last not in _USER_RESTRICTIONS:
            break
        restrictions.add(last)
        rest = head
    if not rest:
        raise ValueError(f"--user {spec!r}: the password is empty")
    return Account(
        email,
        rest,
        scripting="no-scripting" not in restrictions,
        enabled="disabled" not in restrictions,
    )


def parse_confidential_client(spec: str) -> Client:
    """A confidential client from ``ID:SECRET`` (password, client-credentials grants)."""
    client_id, sep, secret = spec.partition(":")
    if not sep or not client_id or not secret:
        raise ValueError(
            f"--confidential-client {spec!r}: write it as ID:SECRET, e.g. ci-robot:s3cret"
        )
    return Client(client_id, secret)


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be zero or more seconds")
    return value


def _integer(text: str, noun: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {noun}") from None


def _lifetime(text: str) -> int:
    value = _integer(text, "a whole number of seconds")
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1 second")
    return value


def _count(text: str) -> int:
    value = _integer(text, "a whole number")
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _timeout(text: str) -> float:
    value = _positive_seconds(text)
    if value == 0:
        raise argparse.ArgumentTypeError("a timeout must be more than 0 seconds")
    return value


def _port(text: str) -> int:
    value = _integer(text, "a port number")
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is outside 0..65535 (0 picks a free port)")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="spacestudio-fake-server",
        description="A fake spacestudio backend: OpenID Connect realm, scripting API, "
        "computations, faults and a request journal, on one HTTP port.",
    )
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help="address to listen on (default %(default)s: this machine only)",
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help="port to listen on; 0 picks a free one (default %(default)s)",
    )
    parser.add_argument(
        "--user",
        action="append",
        default=[],
        metavar="EMAIL:PASSWORD",
        help="an account; append :no-scripting or :disabled to restrict it "
        "(repeatable; default: a demo account)",
    )
    parser.add_argument(
        "--client-id",
        action="append",
        default=[],
        metavar="ID",
        help=f"an accepted OIDC client id (repeatable; default: {DEFAULT_CLIENT_ID})",
    )
    parser.add_argument(
        "--confidential-client",
        action="append",
        default=[],
        metavar="ID:SECRET",
        help="a confidential OIDC client with its secret (repeatable)",
    )
    parser.add_argument(
        "--realm",
        help=f"realm name (default {DEFAULT_REALM}, or the realm file's); picks the realm "
        "of a realm file that holds several",
    )
    parser.add_argument(
        "--realm-file",
        metavar="FILE",
        help="a Keycloak realm export (JSON): its name, token settings, clients and users",
    )
    parser.add_argument(
        "--token-lifetime",
        type=_lifetime,
        metavar="SECONDS",
        help="access token lifetime (default 300, or the realm file's)",
    )
    parser.add_argument(
        "--refresh-lifetime",
        type=_lifetime,
        metavar="SECONDS",
        help="refresh token lifetime and session idle timeout (default 1800, or the realm file's)",
    )
    parser.add_argument(
        "--revoke-refresh-token",
        action="store_true",
        default=None,
        help="Keycloak's 'Revoke Refresh Token': each refresh token works once and only "
        "while it is the newest (default off, or the realm file's)",
    )
    parser.add_argument(
        "--compute-seconds",
        type=_positive_seconds,
        default=DEFAULT_COMPUTE_SECONDS,
        metavar="SECONDS",
        help="how long a computation runs before it finishes (default "
        "%(default)s; 0 finishes at once)",
    )
    parser.add_argument(
        "--state",
        metavar="FILE",
        help="keep objects and results in this SQLite file (default: memory)",
    )
    parser.add_argument(
        "--keys",
        metavar="FILE",
        help="signing keys (PEM), created if missing (default: beside --state, "
        "else fresh keys each start)",
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SPEC",
        help="inject a fault, e.g. '/exoops/*:status=503:share=0.5:retry-after=1' "
        "(repeatable; see docs/fake-server.md)",
    )
    parser.add_argument(
        "--admin-token",
        metavar="TOKEN",
        default=os.environ.get(ADMIN_TOKEN_VARIABLE) or None,
        help="require 'Authorization: Bearer TOKEN' on the /__admin/ routes (default: "
        f"${ADMIN_TOKEN_VARIABLE}; without it they answer only requests whose Host is "
        "this machine)",
    )
    parser.add_argument(
        "--admin-host",
        action="append",
        default=[],
        metavar="NAME",
        help="another host name the /__admin/ routes answer to (repeatable)",
    )
    parser.add_argument(
        "--idle-timeout",
        type=_timeout,
        default=Limits.idle_timeout,
        metavar="SECONDS",
        help="longest wait for a client's next bytes (default %(default)s)",
    )
    parser.add_argument(
        "--request-timeout",
        type=_timeout,
        default=Limits.request_timeout,
        metavar="SECONDS",
        help="longest total wait for one request's line, headers and body (default %(default)s)",
    )
    parser.add_argument(
        "--max-connections",
        type=_count,
        default=Limits.max_connections,
        metavar="N",
        help="most connections held at once; lowered to fit the open-file limit "
        "(default %(default)s)",
    )
    parser.add_argument(
        "--quota-mib",
        type=_count,
        default=Limits.max_user_bytes // 2**20,
        metavar="MIB",
        help="most object JSON one user may store, in MiB (default %(default)s)",
    )
    parser.add_argument(
        "--results-quota-mib",
        type=_count,
        default=Limits.max_user_result_bytes // 2**20,
        metavar="MIB",
        help="most computation results (logs' JSON) one user may store, apart from "
        "objects, in MiB; deleting a mission frees its results (default %(default)s)",
    )
    parser.add_argument(
        "--tls",
        action="store_true",
        help="serve HTTPS with a throw-away CA and certificate for 127.0.0.1, ::1 and "
        "localhost, made at start in a private folder; prints REQUESTS_CA_BUNDLE",
    )
    parser.add_argument(
        "--cert",
        metavar="FILE",
        help="serve HTTPS with this PEM certificate (and its chain); needs --key",
    )
    parser.add_argument(
        "--key",
        metavar="FILE",
        help="the PEM private key of --cert",
    )
    parser.add_argument(
        "--log-level",
        default="INFO",
        type=str.upper,
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="logging level (default %(default)s)",
    )
    return parser  # fmt: skip


def _realm_import(args: argparse.Namespace) -> RealmImport:
    """The realm file's contents, or an empty realm named by ``--realm``."""
    if not args.realm_file:
        return RealmImport(realm=args.realm or DEFAULT_REALM, settings=RealmSettings())
    imported = load_realm_file(args.realm_file, args.realm)
    if args.realm and imported.realm != args.realm:
        raise ValueError(
            f"--realm {args.realm!r}: the realm file {args.realm_file} holds realm "
            f"{imported.realm!r}; drop --realm or name that realm"
        )
    return imported


def config_from_args(args: argparse.Namespace) -> ServerConfig:
    """The server configuration the parsed flags describe (ValueError when they clash)."""
    imported = _realm_import(args)
    accounts = (*imported.accounts, *(parse_user(spec) for spec in args.user))
    clients = (*imported.clients, *(parse_confidential_client(s) for s in args.confidential_client))
    # A realm file's clients replace the default public client; --confidential-client adds.
    client_ids = tuple(args.client_id) or (() if imported.clients else (DEFAULT_CLIENT_ID,))
    faults: list[FaultRule] = [parse_fault_spec(spec) for spec in args.fault]
    keys = args.keys or (f"{args.state}.keys.pem" if args.state else None)
    settings = imported.settings
    overrides = {
        "access_token_lifespan": args.token_lifetime,
        "sso_session_idle_timeout": args.refresh_lifetime,
        "revoke_refresh_token": args.revoke_refresh_token,
    }
    settings = dataclasses.replace(
        settings, **{name: value for name, value in overrides.items() if value is not None}
    )
    return ServerConfig(
        accounts=accounts or (demo_account(),),
        client_ids=client_ids,
        realm=imported.realm,
        host=args.host,
        port=args.port,
        token_lifetime=settings.access_token_lifespan,
        refresh_lifetime=settings.sso_session_idle_timeout,
        compute_seconds=args.compute_seconds,
        state_path=args.state,
        keys_path=keys,
        faults=tuple(rule.definition() for rule in faults),
        clients=clients,
        realm_settings=settings,
        scripting_role_required=imported.scripting_role_required,
        limits=dataclasses.replace(
            Limits(),
            idle_timeout=args.idle_timeout,
            request_timeout=args.request_timeout,
            max_connections=args.max_connections,
            max_user_bytes=args.quota_mib * 2**20,
            max_user_result_bytes=args.results_quota_mib * 2**20,
        ),
        admin_token=args.admin_token,
        admin_hosts=tuple(args.admin_host),
    )


def tls_choice(args: argparse.Namespace) -> ServerCertificate | Literal["throwaway"] | None:
    """How the server speaks TLS: ``"throwaway"`` (``--tls``), the user's certificate
    and key files, or None for plain HTTP (ValueError when they clash)."""
    if args.tls and (args.cert or args.key):
        raise ValueError("--tls makes its own certificate: give either --tls or --cert/--key")
    if bool(args.cert) != bool(args.key):
        raise ValueError("--cert and --key go together: the certificate and its private key")
    if args.cert:
        return ServerCertificate(Path(args.cert), Path(args.key))
    return "throwaway" if args.tls else None


def argv_from_environment(parser: argparse.ArgumentParser, environ: Mapping[str, str]) -> list[str]:
    """The command line that the ``SPACESTUDIO_FAKE_*`` variables of ``environ`` spell.

    Each flag ``--some-flag`` has the variable ``SPACESTUDIO_FAKE_SOME_FLAG``. A repeatable
    flag takes one value per line; a switch is on for ``true``, ``1`` or ``yes``.
    Unknown ``SPACESTUDIO_FAKE_*`` variables are refused, as a mistyped flag is.
    """
    argv: list[str] = []
    known: set[str] = set()
    for action in parser._actions:
        flags = [flag for flag in action.option_strings if flag.startswith("--")]
        if not flags or flags[0] == "--help":
            continue
        name = ENV_PREFIX + flags[0][2:].upper().replace("-", "_")
        known.add(name)
        value = environ.get(name)
        if value is None or not value.strip():
            continue
        if isinstance(action, argparse._StoreTrueAction):
            if value.strip().lower() in ("true", "1", "yes"):
                argv.append(flags[0])
            elif value.strip().lower() not in ("false", "0", "no"):
                raise ValueError(f"{name}={value!r}: write true or false")
        elif isinstance(action, argparse._AppendAction):
            for line in value.splitlines():
                if line.strip():
                    argv.append(f"{flags[0]}={line.strip()}")
        else:
            argv.append(f"{flags[0]}={value.strip()}")
    unknown = sorted(name for name in environ if name.startswith(ENV_PREFIX) and name not in known)
    if unknown:
        raise ValueError(
            f"unknown setting(s) {', '.join(unknown)}; the variables are {', '.join(sorted(known))}"
        )
    return argv
