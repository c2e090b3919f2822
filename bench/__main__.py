"""Run the benchmarks: ``python -m bench [--quick] [NAME ...]`` (``make bench`` runs them all).

Each benchmark prints a table of what it measured and the ratios that matter, each with
its goal and PASS or MISS. The exit status is 0 even when a goal is missed (the figures
are for reading, not a test); it is 2 for a mistyped benchmark name.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from types import ModuleType

from bench import (
    console_journal,
    ephemerides,
    large_body,
    plugin_startup,
    replay_call,
    replay_workflow,
    revisit,
    scaling,
    server_throughput,
    store_growth,
    workers,
)
from bench.timing import FULL, QUICK, Profile, Report

#: The benchmarks by name, in the order a full run takes them.
BENCHMARKS: dict[str, ModuleType] = {
    "server": server_throughput,
    "ephemerides": ephemerides,
    "workflow": replay_workflow,
    "large-body": large_body,
    "scaling": scaling,
    "revisit": revisit,
    "workers": workers,
    "plugin-startup": plugin_startup,
    "growth": store_growth,
    "console-journal": console_journal,
    "replay-call": replay_call,
}


def machine_description() -> str:
    """The machine the figures come from: cores, CPU model, Python."""
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} {platform.release()}"
    )


def run_benchmarks(
    names: Sequence[str], profile: Profile, emit: Callable[[str], None] = print
) -> list[Report]:
    """Run the named benchmarks (all when empty) and emit each report as it is ready."""
    reports = []
    for name in names or list(BENCHMARKS):
        started = time.perf_counter()
        report: Report = BENCHMARKS[name].run(profile)
        report.notes.append(f"benchmark took {time.perf_counter() - started:.1f} s")
        emit(report.render() + "\n")
        reports.append(report)
    return reports


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Measure the harness's speed as ratios within one run.",
    )
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"benchmarks to run (default: all): {', '.join(BENCHMARKS)}",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes and fewer repeats: a look, not figures"
    )
    arguments = parser.parse_args(argv)
    unknown = [name for name in arguments.names if name not in BENCHMARKS]
    if unknown:
        parser.error(
            f"no benchmark named {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}"
        )
    logging.basicConfig(level=logging.WARNING)
    profile = QUICK if arguments.quick else FULL
    print(f"spacestudio harness benchmarks ({profile.name} run) on {machine_description()}\n")
    started = time.perf_counter()
    reports = run_benchmarks(arguments.names, profile)
    missed = [f"{report.title}: {ratio.label}" for report in reports for ratio in report.missed]
    print(f"{len(reports)} benchmarks in {time.perf_counter() - started:.0f} s; ", end="")
    print("every goal met" if not missed else f"goals missed: {'; '.join(missed)}")
    return 0


if __name__ == "__main__":  # guarded: benchmark 3's client processes import this module
    sys.exit(main())
