"""The ``spacestudio`` command: run a plain script against the fake server or a cassette.

spacestudio run --fake study.py                       # against a fake server
spacestudio run --cassette study.yaml --record study.py   # record (settings, or --fake)
spacestudio run --cassette study.yaml study.py        # replay: offline, no settings
spacestudio run --fake --journal run.jsonl study.py   # keep the fake's journal
spacestudio verify-fake live.yaml                      # does the fake answer as recorded?
spacestudio cassette list|show|diff|html …              # what cassettes hold
spacestudio --version                                  # which spacestudio is imported
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from spacestudio import settings

if TYPE_CHECKING:
    from fake_server.embedded import FakeServer
    from spacestudio.cassettes.session import CassetteSession

#: Exit status of a replay that met a request its cassette does not hold (or that tried
#: to use the network).
EXIT_REPLAY_REFUSED = 3
#: Exit status of a recording that was not saved (it would have held a secret …).
EXIT_NOT_RECORDED = 4


def _print_version() -> int:
    """The version and where the package is imported from; or, when the package is not
    whole (the published client installed over it, or uninstalled after it), what
    happened and the command that repairs it, with exit status 1."""
    from spacestudio.installation import inspect_installation

    installation = inspect_installation()
    problem = installation.problem()
    if problem is not None:
        print(f"spacestudio: {problem}", file=sys.stderr)
        return 1
    # Imported only now: a damaged package may not import at all.
    import spacestudio

    print(
        f"spacestudio-harness {spacestudio.__version__} "
        f"(spacestudio imported from {Path(spacestudio.__file__).parent})"
    )
    return 0


_DEBUG_HELP = (
    "print the traceback of a spacestudio error, not its message alone (as "
    "SPACESTUDIO_DEBUG=1 does)"
)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser; given ``argv``, the options of ``verify-fake`` are added
    only when it names that command: they import the verify-fake package (about 56 ms),
    which ``spacestudio run`` does not use."""
    parser = argparse.ArgumentParser(
        prog="spacestudio",
        description="Run spacestudio scripts against a fake server, or record and replay "
        "their HTTP traffic as cassettes.",
    )
    parser.add_argument(
        "--version",
        action="store_true",
        help="print the version and where the spacestudio package is imported from",
    )
    parser.add_argument("--debug", action="store_true", default=False, help=_DEBUG_HELP)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = commands.add_parser(
        "run",
        help="run a Python script (as __main__) with a fake server or a cassette",
        description="Run SCRIPT as `python SCRIPT ARGS…` would, with its spacestudio "
        "settings pointed at a fake server (--fake), or its HTTP traffic replayed from "
        "(or recorded into) a cassette (--cassette).",
    )
    run.add_argument(
        "--fake",
        action="store_true",
        help="start a fake spacestudio server on loopback and point the script's settings "
        "(LOG_BASE_URL, LOG_MAIL …) at it, overriding .env",
    )
    run.add_argument(
        "--compute-seconds",
        metavar="SECONDS",
        type=float,
        default=None,
        help="with --fake: how long each computation runs, as the real service makes a "
        "script wait (default: the fake server's own, as spacestudio-fake-server --help says; when "
        "recording, 0 on a clock that stands still, so recordings repeat exactly)",
    )
    run.add_argument(
        "--cassette",
        metavar="PATH",
        type=Path,
        help="replay the script's HTTP traffic from this cassette, offline (no settings "
        "needed); with --record, record it instead",
    )
    run.add_argument(
        "--record",
        action="store_true",
        help="record the cassette afresh, against the backend the settings name (or the "
        "fake server with --fake)",
    )
    run.add_argument(
        "--journal",
        metavar="FILE",
        type=Path,
        help="with --fake: write the fake server's request journal to FILE when the script "
        "ends (JSON lines: method, path, query, status, duration, scrubbed bodies)",
    )
    # SUPPRESS: given before the command, --debug must not be reset by the command's default.
    run.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG_HELP)
    run.add_argument("script", type=Path, help="the Python script to run")
    run.add_argument("args", nargs=argparse.REMAINDER, help="arguments passed to the script")
    # A command's options (and the modules behind them) load only when it is the one run.
    _add_verify_fake(commands, with_options=argv is None or "verify-fake" in argv)
    _add_cassette(commands, with_options=argv is None or "cassette" in argv)
    commands.add_parser(
        "doctor",
        help="check the install, the .env settings, the service, the login, the clock and "
        "the token, each with a pass/fail line and the fix",
        description="Check what a connection needs, in order: the install (no clash with "
        "spacestudio-constellation), the settings (.env: present, URLs with a scheme), the "
        "base URL (reachable, answers as spacestudio), the login (the token endpoint accepts "
        "the account), the clock (against the token's iat) and the token (issuer, client, "
        "expiry, accepted by the service). Exit status 1 when a check fails.",
    )
    return parser


def _add_verify_fake(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], *, with_options: bool
) -> None:
    command = commands.add_parser(
        "verify-fake",
        help="replay a cassette recorded against the live service on a fake server and "
        "report where its answers differ",
        description="Send the requests of CASSETTE (recorded against the live service) to "
        "a fake server, in order, and report field by field where its answers differ in "
        "status, shape, or value beyond a tolerance. Exit status: 0 the fake agrees, "
        "1 it differs, 2 the cassette or the server cannot be used. See docs/verify-fake.md.",
    )
    if with_options:
        from spacestudio.verify_fake.command import add_arguments

        add_arguments(command)


def _add_cassette(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], *, with_options: bool
) -> None:
    command = commands.add_parser(
        "cassette",
        help="list cassettes, show one's interactions, diff two, or write one as HTML",
        description="Describe cassettes: `list [DIR]`, `show FILE`, `diff A B`, "
        "`html FILE`. See docs/cassettes.md.",
    )
    if with_options:
        from spacestudio.cassette_inspector import add_arguments

        add_arguments(command)


def _load_dotenv() -> None:
    from dotenv import find_dotenv, load_dotenv

    dotenv_path = find_dotenv(usecwd=True)
    if dotenv_path:
        load_dotenv(dotenv_path, override=False)


@contextlib.contextmanager
def _script_argv(script: Path, args: Sequence[str]) -> Iterator[None]:
    saved_argv, saved_path = sys.argv[:], sys.path[:]
    sys.argv = [str(script), *args]
    sys.path.insert(0, str(script.resolve().parent))
    try:
        yield
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path


def _record_command(options: argparse.Namespace) -> str:
    """The command that records the cassette again, against the backend it was recorded
    against (the fake server when the cassette says so, though replaying needs no --fake)."""
    from spacestudio.cassettes.storage import recorded_against

    words = ["spacestudio", "run"]
    if options.fake or (
        options.cassette is not None and recorded_against(options.cassette) == "fake"
    ):
        words.append("--fake")
    if options.compute_seconds is not None:
        words += ["--compute-seconds", f"{options.compute_seconds:g}"]
    words += ["--cassette", str(options.cassette), "--record", str(options.script), *options.args]
    return shlex.join(words)


def _run_script(options: argparse.Namespace) -> int:
    from spacestudio.cassettes import (
        REPLAY_SETTINGS,
        CassetteError,
        CassetteMismatchError,
        NetworkBlockedError,
        use_cassette,
    )
    from spacestudio.script_run import (
        print_script_traceback,
        run_as_main,
        script_frame,
        warnings_once,
    )

    script: Path = options.script
    if options.record and options.cassette is None:
        print("spacestudio run: --record needs --cassette PATH to record into", file=sys.stderr)
        return 2
    if options.compute_seconds is not None and (
        not options.fake or not 0 <= options.compute_seconds <= 3600
    ):
        print(
            "spacestudio run: --compute-seconds goes with --fake and takes 0 to 3600 seconds",
            file=sys.stderr,
        )
        return 2
    if options.journal is not None and not options.fake:
        print(
            "spacestudio run: --journal FILE goes with --fake: only the embedded fake "
            "server keeps a journal; add --fake, or read a running server's with "
            "GET /__admin/journal",
            file=sys.stderr,
        )
        return 2
    if not script.is_file():
        print(f"spacestudio run: no script at {script}", file=sys.stderr)
        return 2
    _load_dotenv()
    status = 0
    session: CassetteSession | None = None
    started = time.perf_counter()
    try:
        with contextlib.ExitStack() as stack:
            stack.enter_context(warnings_once())
            if options.fake:
                server = stack.enter_context(_fake_server(options))
                if options.journal is not None:  # runs before the server stops
                    stack.callback(_write_journal, server, options.journal)
                os.environ.update(server.env())
            elif options.cassette is not None and not options.record:
                for key, value in REPLAY_SETTINGS.items():
                    os.environ.setdefault(key, value)
            if options.cassette is not None:
                session = stack.enter_context(
                    use_cassette(
                        options.cassette,
                        record=options.record,
                        record_hint=_record_command(options),
                        recorded_against=("fake" if options.fake else "live")
                        if options.record
                        else None,
                    )
                )
            with _script_argv(script, options.args):
                # A script ending in sys.exit(main()) ends here, inside the cassette, so
                # that its recording is saved (exit status 0) or its replay checked.
                status = run_as_main(script, debug=options.debug, fake=options.fake)
            if session is not None and status != 0 and not session.replaying:
                session.discard()
    except CassetteMismatchError as refusal:
        where = script_frame(refusal, script)
        doing = "replay" if session is None or session.replaying else "recording"
        print(
            f"spacestudio run: the {doing} of {script} stopped"
            + (f" at {where}" if where else "")
            + f".\n{refusal.explanation}",
            file=sys.stderr,
        )
        return EXIT_REPLAY_REFUSED
    except NetworkBlockedError as blocked:
        print(f"spacestudio run: {blocked}", file=sys.stderr)
        return EXIT_REPLAY_REFUSED
    except CassetteError as failure:
        print(f"spacestudio run: {failure}", file=sys.stderr)
        return EXIT_NOT_RECORDED
    except Exception as error:
        print_script_traceback(error, script)
        return 1
    if session is not None:
        _report(session, status, time.perf_counter() - started)
    return status


def _report(session: CassetteSession, status: int, seconds: float) -> None:
    """One line on stderr: what the cassette did, where it is, and what was scrubbed."""
    if session.replaying:
        print(
            f"spacestudio run: replayed {session.played} of {session.interactions} "
            f"interactions from {session.path} in {seconds:.2f} s, offline",
            file=sys.stderr,
        )
    elif session.saved:
        kinds = session.scrubbed_kinds
        print(
            f"spacestudio run: recorded {session.interactions} interactions into "
            f"{session.path} in {seconds:.2f} s; scrubbed: "
            + (", ".join(kinds) if kinds else "nothing (no secret crossed the wire)"),
            file=sys.stderr,
        )
    elif status != 0:
        print(
            f"spacestudio run: the script exited with status {status}, so {session.path} "
            "was not saved (the previous cassette, if any, is unchanged)",
            file=sys.stderr,
        )
    else:
        print(
            f"spacestudio run: the script sent no request, so {session.path} was not saved",
            file=sys.stderr,
        )


def _fake_server(options: argparse.Namespace) -> FakeServer:
    """The fake server of ``run --fake``.

    Recording against it, computations finish at once on a clock that stands still unless
    the user asks for a computation time, so recording the same script again gives the
    same cassette; otherwise they take the fake server's own time, as live.
    """
    # Here, not at load: a replay must not load the fake server (werkzeug, cryptography).
    from fake_server.config import DEFAULT_COMPUTE_SECONDS
    from fake_server.embedded import FakeServer, recording_clock

    recording = options.cassette is not None and options.record
    compute_seconds = options.compute_seconds
    if compute_seconds is None:
        compute_seconds = 0.0 if recording else DEFAULT_COMPUTE_SECONDS
    if recording and compute_seconds == 0:
        return FakeServer(compute_seconds=0.0, clock=recording_clock)
    return FakeServer(compute_seconds=compute_seconds)


def _write_journal(server: FakeServer, path: Path) -> None:
    """Write the embedded fake server's journal to ``path``, one JSON object a line."""
    from fake_server.journal import write_json_lines

    try:
        count = write_json_lines(server.app.journal.entries(), path)
    except OSError as error:
        print(f"spacestudio run: could not write the journal to {path}: {error}", file=sys.stderr)
        return
    print(f"spacestudio run: wrote {count} journal entries to {path}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``spacestudio`` console script; returns the exit status."""
    arguments = sys.argv[1:] if argv is None else argv
    parser = build_parser(arguments)
    options = parser.parse_args(arguments)
    options.debug = options.debug or settings.debug()
    if options.version:
        return _print_version()
    if options.command == "run":
        return _run_script(options)
    if options.command == "doctor":
        from spacestudio.doctor import run_doctor

        return run_doctor()
    if options.command == "cassette":
        from spacestudio.cassette_inspector import run as run_cassette

        return run_cassette(options)
    if options.command == "verify-fake":
        from spacestudio.verify_fake.command import run

        return run(options)
    parser.print_help()
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
