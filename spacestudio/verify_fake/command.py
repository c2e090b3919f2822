"""The ``spacestudio verify-fake`` command: its options, its report and its exit status."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from spacestudio.verify_fake.compare import Tolerance
from spacestudio.verify_fake.paths import PatternError
from spacestudio.verify_fake.replay import Account, UnusableSetup
from spacestudio.verify_fake.verify import (
    DEFAULT_IDENTIFIERS,
    DEFAULT_PER_SERVER,
    Settings,
    UnusableCassette,
    verify_cassette,
)

#: Exit statuses of the command.
EXIT_AGREES, EXIT_DIFFERS, EXIT_UNUSABLE = 0, 1, 2


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
