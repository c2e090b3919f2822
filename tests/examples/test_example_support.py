"""The examples' shared plumbing: where plots go, matplotlib left optional, failed
computations stopping the script with the service's messages."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.examples.conftest import EXAMPLES


@pytest.fixture(scope="module")
def support() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "example_support", EXAMPLES / "example_support.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_plot_path_from_the_command_line(
    support: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPACESTUDIO_PLOT_DIR", "/elsewhere")
    assert support.plot_path("examples/demo.py", "Demo.", ["out/raise.png"]) == Path(
        "out/raise.png"
    )


def test_plot_path_from_the_environment(
    support: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SPACESTUDIO_PLOT_DIR", str(tmp_path))
    assert support.plot_path("examples/demo.py", "Demo.", []) == tmp_path / "demo.png"


def test_plot_path_defaults_to_the_working_directory(
    support: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SPACESTUDIO_PLOT_DIR", raising=False)
    assert support.plot_path("examples/demo.py", "Demo.", []) == Path("demo.png")


def test_plot_path_rejects_extra_arguments(
    support: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_request:
        support.plot_path("examples/demo.py", "Demo.", ["a.png", "b.png"])
    assert exit_request.value.code == 2
    assert "unrecognized arguments: b.png" in capsys.readouterr().err


def test_without_matplotlib_the_plot_is_skipped_with_a_note(
    support: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    assert support.new_figure(rows=2) is None
    note = capsys.readouterr().out
    assert note.count("\n") == 1
    assert "matplotlib is not installed" in note and "[plots]" in note


def test_a_figure_is_saved_where_asked(support: ModuleType, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    made = support.new_figure(rows=2)
    assert made is not None
    figure, axes = made
    assert len(axes) == 2
    axes[0].plot([0, 1], [0, 1])
    target = tmp_path / "new" / "plot.png"
    support.save(figure, target)
    assert target.read_bytes().startswith(b"\x89PNG")


def test_failed_computation_stops_with_the_service_messages(support: ModuleType) -> None:
    response = {
        "results": {"name": "raise"},
        "errors": [{"message": "maximumDuration (60.00 days) reached before the objective"}],
    }
    with pytest.raises(SystemExit) as exit_request:
        support.results_of(response, "raise")
    message = str(exit_request.value.code)
    assert message.startswith("raise failed:")
    assert "maximumDuration (60.00 days) reached" in message


def test_missing_results_stop_the_script(support: ModuleType) -> None:
    with pytest.raises(SystemExit, match="returned no results"):
        support.results_of({"errors": []}, "raise")


def test_results_of_a_finished_computation(support: ModuleType) -> None:
    results = {"name": "raise", "maneuverReport": {"totalConsumption": 0.3}}
    assert support.results_of({"results": results, "errors": []}, "raise") is results


def test_orbits_are_described_in_engineering_units(support: ModuleType) -> None:
    circular = {"type": "Circular", "altitude": 550e3, "inclination": 1.7}
    assert support.describe_orbit(circular) == "550.0 km circular, inclination 97.40 deg"
    elliptical = {
        "type": "Elliptical",
        "perigeeAltitude": 300e3,
        "apogeeAltitude": 1200e3,
        "inclination": 0.0,
    }
    assert support.describe_orbit(elliptical) == (
        "300.0 x 1200.0 km elliptical, inclination 0.00 deg"
    )


def test_help_names_the_script_and_where_its_plot_goes(
    support: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = "Raise an orbit.\n\nMore about it.\n"
    with pytest.raises(SystemExit) as exit_request:
        support.plot_path("examples/demo.py", doc, ["--help"])
    assert exit_request.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "Raise an orbit." in text and "More about it." not in text
    assert "$SPACESTUDIO_PLOT_DIR/demo.png, else ./demo.png" in text
