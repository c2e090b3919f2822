"""How ``spacestudio run`` runs a script as ``__main__`` and tells what stopped it.

What a script raises is told as ``python SCRIPT`` tells it, without the command's own
frames; a spacestudio error, which is a user's mistake to correct (a wrong password, a
refused port, a URL without a scheme), as its one-paragraph message, the traceback only
on request; Ctrl-C as what it actually stopped.
"""

from __future__ import annotations

import contextlib
import logging
import runpy
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

from spacestudio import settings
from spacestudio.errors import SpacestudioError, WaitInterrupted

#: Exit status after Ctrl-C, as a shell reports a process ended by SIGINT.
EXIT_INTERRUPTED = 130


def run_as_main(script: Path, *, debug: bool, fake: bool) -> int:
    """Run ``script`` as ``__main__``; its exit status (``sys.exit(n)`` included).

    ``debug`` prints a spacestudio error's traceback too; ``fake`` says the script's
    server lives in this process (``run --fake``). Any other exception goes on to the
    caller: a cassette explains its own refusals (:func:`print_script_traceback` tells
    the rest).
    """
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit as exit_request:
        return exit_status(exit_request)
    except KeyboardInterrupt as interrupt:
        print(f"spacestudio run: {_interrupted(interrupt, fake=fake)}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except SpacestudioError as error:
        if debug:
            print_script_traceback(error, script)
        where = script_frame(error, script)
        print(
            f"spacestudio run: {script} stopped"
            + (f" at {where}" if where else "")
            + f": {type(error).__name__}: {error}",
            file=sys.stderr,
        )
        if not debug:
            hint = f"(The traceback: spacestudio run --debug, or {settings.DEBUG_VARIABLE}=1.)"
            print(hint, file=sys.stderr)
        return 1
    return 0


def script_frame(error: BaseException, script: Path) -> str | None:
    """``file:line`` of the script's deepest frame in ``error`` or the errors behind it."""
    target = script.resolve()
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = [
            frame
            for frame in traceback.extract_tb(current.__traceback__)
            if Path(frame.filename).resolve() == target
        ]
        if frames:
            return f"{script}:{frames[-1].lineno}"
        current = current.__cause__ or current.__context__
    return None


def exit_status(exit_request: SystemExit) -> int:
    """The status ``sys.exit(code)`` gives, as Python's own exit gives it."""
    code = exit_request.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _interrupted(interrupt: KeyboardInterrupt, *, fake: bool) -> str:
    """What Ctrl-C stopped. Under --fake the server lived in this process: it stopped
    with the script, and any computation with it, whatever a wait's message says."""
    if not fake:
        return str(interrupt) if isinstance(interrupt, WaitInterrupted) else "interrupted"
    stopped = (
        f"stopped waiting for the {interrupt.subject}"
        if isinstance(interrupt, WaitInterrupted) and interrupt.subject
        else "interrupted"
    )
    return (
        f"{stopped}; the fake server of --fake stopped with the script, so its "
        "computations and objects are gone: run the script again to compute them."
    )


def print_script_traceback(error: BaseException, script: Path) -> None:
    """The traceback from the script's own frames down, as ``python SCRIPT`` prints it."""
    target = script.resolve()
    tb = error.__traceback__
    while tb is not None and Path(tb.tb_frame.f_code.co_filename).resolve() != target:
        tb = tb.tb_next
    traceback.print_exception(type(error), error, tb or error.__traceback__, file=sys.stderr)


class _WarningsOnce(logging.Handler):
    """The client's warnings on stderr, as Python prints them when logging is not set
    up, but a warning that repeats the one before but for its numeric arguments (the
    retries of a refused connection: "trying again in 1.0 s (attempt 3 of 5)") is said
    once. A script that sets up logging gets its own handlers' output alone."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self._previous: tuple[object, ...] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if logging.getLogger().handlers:
            return  # the script set up logging: its handlers say everything
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        words = tuple(a for a in args if isinstance(a, bool) or not isinstance(a, int | float))
        shape = (record.name, record.msg, *words)
        if shape == self._previous:
            return
        self._previous = shape
        print(self.format(record), file=sys.stderr)


@contextlib.contextmanager
def warnings_once() -> Iterator[None]:
    """Within the block, the ``spacestudio`` logger's repeated warnings are said once."""
    handler = _WarningsOnce()
    logger = logging.getLogger("spacestudio")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
