"""Benchmark 8: what the pytest plugin adds to every pytest start, in a project not using it.

The plugin loads in every pytest run wherever the harness is installed, so it must cost
next to nothing where no test uses it. ``pytest --co -q`` runs in an empty folder with the
plugin and without it (``-p no:spacestudio``), in turns; the difference of the medians is
what every pytest start pays for the plugin (goal: under 0.1 s), and the run with it may
print no warning. Both sides load pytest-recording, and no other installed plugin
(``PYTEST_DISABLE_PLUGIN_AUTOLOAD``): the others (hypothesis, schemathesis) take seconds
to load, whose noise on a shared machine would hide a tenth of a second.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable

from bench.timing import Profile, Ratio, Report, at_most, measure_side_by_side

TITLE = "8. pytest start-up with the plugin, in a project that does not use it"
#: The most the plugin may add to a pytest start, in seconds.
GOAL_SECONDS = 0.1


def _collect_nothing(folder: str, *options: str) -> Callable[[], str]:
    def run() -> str:
        command = [sys.executable, "-m", "pytest", "--co", "-q", "-p", "no:cacheprovider"]
        result = subprocess.run(
            [*command, "-p", "pytest_recording", *options],
            cwd=folder,
            env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        return result.stdout + result.stderr

    return run


def run(profile: Profile) -> Report:
    with tempfile.TemporaryDirectory(prefix="spacestudio-startup-") as folder:
        with_plugin = _collect_nothing(folder, "-p", "spacestudio_pytest")
        without_plugin = _collect_nothing(folder)
        measured = measure_side_by_side(
            [
                ("pytest --co -q, plugin loaded", with_plugin),
                ("pytest --co -q, without the plugin", without_plugin),
            ],
            profile,
            repeats=profile.pick(5, 3, 1),
        )
        printed = with_plugin()
    loaded, alone = (measurement.value for measurement in measured)
    report = Report(TITLE, measured)
    report.ratios.append(
        Ratio("start-up the plugin adds", loaded - alone, at_most(GOAL_SECONDS, " s"), " s")
    )
    report.ratios.append(Ratio("start-up with / without the plugin", loaded / alone))
    warned = "warning" in printed.lower()
    report.notes.append(
        "the run with the plugin printed a warning" if warned else "no warning printed"
    )
    return report
