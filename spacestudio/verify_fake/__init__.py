"""``spacestudio verify-fake CASSETTE``: does the fake answer as the live service did?

A cassette recorded against the live service holds its answers. This sends the
cassette's requests, in order, to a fake server (one started for the check, with a fresh
store and computations that finish at once, or a running one with ``--url``), and
reports, interaction by interaction and field by field, where the fake's answers differ:
status code, shape (missing or extra field, JSON type, list length) and values beyond a
tolerance. See ``docs/verify-fake.md``.

    from spacestudio.verify_fake import verify_cassette

    verification = verify_cassette("cassettes/live-session.yaml")
    print(verification.as_text())

This is the one place on the client's side, besides the ``spacestudio`` command and the
pytest plugin, that starts a fake server; it imports :mod:`fake_server` only to do so.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from vcr.persisters.filesystem import CassetteNotFoundError

from spacestudio.cassettes.errors import CassetteFormatError
from spacestudio.cassettes.storage import CassettePersister
from spacestudio.verify_fake.compare import Comparison, Difference, Kind, Tolerance
from spacestudio.verify_fake.identities import IdentityMap
from spacestudio.verify_fake.paths import PathPattern, PatternError
from spacestudio.verify_fake.replay import (
    Account,
    Outcome,
    Replay,
    UnusableSetup,
    is_spacestudio_call,
)
from spacestudio.verify_fake.report import Verification

__all__ = [
    "DEFAULT_IDENTIFIERS",
    "DEFAULT_PER_SERVER",
    "Account",
    "Difference",
    "Kind",
    "Outcome",
    "Settings",
    "Tolerance",
    "UnusableCassette",
    "UnusableSetup",
    "Verification",
    "verify_cassette",
]

#: Places holding what a server makes up for itself, that later requests may carry back:
#: compared by shape, and learned (recorded value ↔ the fake's) to rewrite those requests.
#: Besides these, any recorded string that is a whole server-made id counts as one.
DEFAULT_IDENTIFIERS: tuple[str, ...] = (
    "id",
    "*Id",
    "$..*Ids[*]",
    "ephemeridesFileName",
    "access_token",
    "refresh_token",
    "id_token",
    "session_state",
)
#: Places whose value is per-server by nature (when, not what): compared by shape only.
#: Besides these, the recording account's scrubbed identity (e-mail, names, client id)
#: is compared by shape, as are the wording of error messages and computation progress.
DEFAULT_PER_SERVER: tuple[str, ...] = ("creationDate", "endDate", "timestamp")

#: Exit statuses of the command.
EXIT_AGREES, EXIT_DIFFERS, EXIT_UNUSABLE = 0, 1, 2


class UnusableCassette(Exception):
    """The cassette cannot be verified; the message says what is wrong and what to do."""


@dataclass
class Settings:
    """How a verification compares (everything the command's options set)."""

    tolerance: Tolerance = field(default_factory=Tolerance)
    ignore: Sequence[str] = ()
    identifiers: Sequence[str] = ()
    max_differences: int = 20
    computation_timeout: float = 120.0

    def patterns(self) -> tuple[list[PathPattern], list[PathPattern]]:
        """The per-server and identifier patterns: the defaults and the user's."""
        per_server = [PathPattern.parse(text) for text in (*DEFAULT_PER_SERVER, *self.ignore)]
        identifiers = [
            PathPattern.parse(text) for text in (*DEFAULT_IDENTIFIERS, *self.identifiers)
        ]
        return per_server, identifiers


def load_interactions(path: Path) -> tuple[list[Any], list[Any]]:
    """The recorded requests and responses of the cassette at ``path``.

    :class:`UnusableCassette` when there is no cassette there, it is not one, or it
    holds no spacestudio call.
    """
    record_hint = f"record one with: spacestudio run --cassette {path} --record SCRIPT.py"
    if path.is_dir():
        raise UnusableCassette(f"{path} is a directory, not a cassette; {record_hint}")
    try:
        requests_, responses = CassettePersister().load_cassette(path)
    except CassetteNotFoundError:
        if path.exists():
            raise UnusableCassette(f"{path} is empty; {record_hint}") from None
        raise UnusableCassette(f"no cassette at {path}; {record_hint}") from None
    except CassetteFormatError as error:
        raise UnusableCassette(str(error)) from None
    if not any(is_spacestudio_call(urlsplit(request.uri).path) for request in requests_):
        raise UnusableCassette(
            f"{path} holds no spacestudio call ({len(requests_)} interactions, none under "
            "/exoops/ or /realms/): nothing to verify. Record a script that logs in and "
            f"calls the service; {record_hint}"
        )
    return list(requests_), list(responses)


def verify_cassette(
    cassette: Path | str,
    *,
    url: str | None = None,
    account: Account | None = None,
    settings: Settings | None = None,
) -> Verification:
    """Replay ``cassette`` against a fake server and compare every answer.

    Without ``url``, a fake server is started for the check (fresh store, computations
    finish at once) and its own account is used; with ``url``, ``account`` is required.
    Raises :class:`UnusableCassette` or :class:`UnusableSetup` when there is nothing to
    compare.
    """
    path = Path(cassette)
    settings = settings or Settings()
    per_server, identifiers = settings.patterns()
    requests_, responses = load_interactions(path)
    with _fake_server(url, account) as (base_url, login):
        comparison = Comparison(
            tolerance=settings.tolerance,
            per_server=per_server,
            identifiers=identifiers,
            identities=IdentityMap(),
            limit=settings.max_differences,
        )
        replay = Replay(
            base_url, login, comparison, computation_timeout=settings.computation_timeout
        )
        try:
            replay.log_in(requests_)
            outcomes = list(replay.replay(requests_, responses))
        finally:
            replay.close()
    return Verification(
        cassette=path,
        server=base_url,
        started=url is None,
        tolerance=settings.tolerance,
        per_server=[pattern.text for pattern in per_server],
        identifiers=[pattern.text for pattern in identifiers],
        outcomes=outcomes,
    )


@contextlib.contextmanager
def _fake_server(url: str | None, account: Account | None) -> Iterator[tuple[str, Account]]:
    if url is not None:
        if account is None:
            raise UnusableSetup(
                "--url needs the fake's account: --mail, --password and --client-id "
                "(or LOG_MAIL, LOG_PASSWORD and CLIENT_ID)"
            )
        yield url, account
        return
    from fake_server.embedded import FakeServer  # only here: the client does not need it

    with FakeServer(compute_seconds=0.0) as server:
        yield server.url, Account(server.account.email, server.account.password, server.client_id)


# -- the command -------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``spacestudio verify-fake``."""
    parser.add_argument("cassette", type=Path, help="a cassette recorded against the live service")
    parser.add_argument(
        "--url",
        metavar="URL",
        help="verify the fake server running at URL (default: start one for the check, "
        "with a fresh store and computations that finish at once)",
    )
    parser.add_argument(
        "--mail", metavar="EMAIL", help="with --url: the fake's account e-mail (default: LOG_MAIL)"
    )
    parser.add_argument(
        "--password", metavar="PASSWORD", help="with --url: its password (default: LOG_PASSWORD)"
    )
    parser.add_argument(
        "--client-id", metavar="ID", help="with --url: the client id (default: CLIENT_ID)"
    )
    parser.add_argument(
        "--relative-tolerance",
        "--rtol",
        metavar="FRACTION",
        type=float,
        default=Tolerance.relative,
        help="numbers agree within this fraction of the larger one (default: %(default)g, 1 %%)",
    )
    parser.add_argument(
        "--absolute-tolerance",
        "--atol",
        metavar="AMOUNT",
        type=float,
        default=Tolerance.absolute,
        help="… or within this amount (default: %(default)g)",
    )
    parser.add_argument(
        "--ignore",
        metavar="PATH",
        action="append",
        default=[],
        help="compare the places PATH selects by shape only (repeatable): a field name "
        "(elapsedTime, *Date) or a JSON path ($.results.name, $..points[*].id); added to "
        f"the defaults {', '.join(DEFAULT_PER_SERVER)}",
    )
    parser.add_argument(
        "--identifier",
        metavar="PATH",
        action="append",
        default=[],
        help="a place holding a value the server makes up that later requests carry back "
        "(repeatable): compared by shape, learned, and rewritten in later requests; added "
        f"to the defaults {', '.join(DEFAULT_IDENTIFIERS)}",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--all", action="store_true", help="list every interaction, not only those that differ"
    )
    parser.add_argument(
        "--max-differences",
        metavar="N",
        type=int,
        default=20,
        help="differences shown per interaction (all are counted; default: %(default)s)",
    )
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=float,
        default=120.0,
        help="longest wait, in seconds, for a computation to finish (default: %(default)g)",
    )


def run(options: argparse.Namespace) -> int:
    """Run ``spacestudio verify-fake`` with parsed ``options``; returns the exit status."""
    try:
        settings = _settings(options)
        account = _account(options)
        verification = verify_cassette(
            options.cassette, url=options.url, account=account, settings=settings
        )
    except (UnusableCassette, UnusableSetup, PatternError, ValueError) as error:
        print(f"spacestudio verify-fake: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    if options.json:
        print(json.dumps(verification.as_json(), indent=2, ensure_ascii=False))
    else:
        print(verification.as_text(every_interaction=options.all))
    return EXIT_AGREES if verification.agrees else EXIT_DIFFERS


def _settings(options: argparse.Namespace) -> Settings:
    relative, absolute = options.relative_tolerance, options.absolute_tolerance
    if not (relative >= 0 and absolute >= 0):
        raise ValueError("tolerances cannot be negative; give 0 to compare exactly")
    if options.max_differences < 1 or options.timeout <= 0:
        raise ValueError("--max-differences must be at least 1 and --timeout above 0")
    settings = Settings(
        tolerance=Tolerance(relative, absolute),
        ignore=tuple(options.ignore),
        identifiers=tuple(options.identifier),
        max_differences=options.max_differences,
        computation_timeout=options.timeout,
    )
    settings.patterns()  # a malformed pattern is reported before anything starts
    return settings


def _account(options: argparse.Namespace) -> Account | None:
    if options.url is None:
        return None
    email = options.mail or os.environ.get("LOG_MAIL")
    password = options.password or os.environ.get("LOG_PASSWORD")
    client_id = options.client_id or os.environ.get("CLIENT_ID")
    if not (email and password and client_id):
        return None
    return Account(email, password, client_id)
