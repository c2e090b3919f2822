"""The command that writes the generated modules: ``python -m spacestudio._codegen``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from spacestudio._codegen.render import COMMAND, generated_files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=COMMAND, description="Write the modules generated from the catalog."
    )
    parser.add_argument("--check", action="store_true", help="only report stale modules")
    arguments = parser.parse_args(argv)
    files = generated_files()
    stale = [path for path, text in files.items() if _read(path) != text]
    if arguments.check:
        for path in stale:
            sys.stderr.write(f"stale: {path} (run {COMMAND})\n")
        return 1 if stale else 0
    for path in stale:
        path.write_text(files[path], encoding="utf-8")
        sys.stderr.write(f"wrote {path}\n")
    return 0


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


if __name__ == "__main__":
    raise SystemExit(main())
