"""The benchmarks run end to end at a tiny size, so their code cannot rot.

No timing is asserted (figures belong to ``make bench``, as ratios within one run); what
is checked is that each benchmark measures what it says and reports a verdict.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench import timing
from bench.__main__ import BENCHMARKS, main, run_benchmarks
from bench.scaling import crud_session
from bench.timing import SMOKE, Measurement, Ratio, at_least, at_most, fit_exponent
from bench.workflow import (
    Backend,
    fake_server,
    record,
    replay,
    reset_user_objects,
    run_session,
    seed_workflow,
)


@pytest.fixture(scope="module")
def reports() -> dict[str, timing.Report]:
    printed: list[str] = []
    done = run_benchmarks(list(BENCHMARKS), SMOKE, emit=printed.append)
    assert len(printed) == len(BENCHMARKS)
    return dict(zip(BENCHMARKS, done, strict=True))


@pytest.mark.parametrize("name", list(BENCHMARKS))
def test_each_benchmark_measures_and_judges(reports: dict[str, timing.Report], name: str) -> None:
    report = reports[name]
    assert report.measurements and report.ratios
    for measurement in report.measurements:
        assert measurement.samples and all(sample > 0 for sample in measurement.samples)
    for ratio in report.ratios:
        assert math.isfinite(ratio.value)
        assert ratio.verdict in ({"PASS", "MISS"} if ratio.goal else {"info"})
    text = report.render()
    assert report.title in text and "verdict" in text
    assert all(ratio.label in text for ratio in report.ratios)


def test_every_goal_of_the_brief_is_reported(reports: dict[str, timing.Report]) -> None:
    goals = {
        (name, ratio.label): str(ratio.goal)
        for name, report in reports.items()
        for ratio in report.ratios
        if ratio.goal
    }
    assert goals[("workflow", "live / replay (speed-up)")] == "≥ 50.0×"
    assert goals[("large-body", "replay / json.loads")] == "≤ 1.10×"
    assert (
        goals[("large-body", "peak memory: replay / json.loads (its bytes counted)")] == "≤ 1.30×"
    )
    assert goals[("server", "authenticated GET / hello-world")] == "≥ 0.60×"
    assert goals[("ephemerides", "compute / json.dumps")] == "≤ 1.00×"
    assert sum(1 for name, _ in goals if name == "scaling") == 4
    assert goals[("growth", "exponent: time of N writes vs N")] == "≤ 1.05"
    assert goals[("growth", "POST /s, full ÷ empty store")] == "≥ 0.90×"
    replay_call = {label: goal for (name, label), goal in goals.items() if name == "replay-call"}
    assert list(replay_call.values()) == ["≤ 1.50×", "≤ 1.50×"]


def test_the_replayed_workflow_gives_the_live_results(tmp_path: Path) -> None:
    # The workflow benchmark's replay must do the work it claims, not fail fast.
    cassette = tmp_path / "workflow.yaml"
    with fake_server() as server:
        live = run_session(Backend.of(server), seed_workflow)
        reset_user_objects(server)
        record(cassette, server, seed_workflow)
    replayed = replay(cassette, seed_workflow)
    assert isinstance(live, dict) and isinstance(replayed, dict)
    assert replayed["finalOrbit"]["altitude"] == pytest.approx(live["finalOrbit"]["altitude"])
    assert len(replayed["ephemerides"]) == len(live["ephemerides"])


def test_fit_exponent_recovers_a_power_law() -> None:
    sizes = [10.0, 100.0, 1000.0]
    assert fit_exponent(sizes, [3 * size**1.5 for size in sizes]) == pytest.approx(1.5)
    assert fit_exponent(sizes, [7.0, 7.0, 7.0]) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="two"):
        fit_exponent([5.0], [1.0])


def test_goals_and_statistics() -> None:
    assert Ratio("speed-up", 60, at_least(50)).verdict == "PASS"
    assert Ratio("speed-up", 40, at_least(50)).verdict == "MISS"
    assert Ratio("cost", 1.6, at_most(1.5)).verdict == "MISS"
    assert Ratio("cost", 0.2).verdict == "info"
    assert Measurement("t", (3.0, 1.0, 2.0)).value == 2.0
    assert Measurement("t", (3.0, 1.0, 2.0), statistic="min").value == 1.0
    assert Measurement("r", (1500.0,), unit="/s").formatted() == "1,500 /s"


def test_an_unknown_benchmark_name_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["no-such-benchmark"])
    assert exit_info.value.code == 2
    assert "choose from server, ephemerides" in capsys.readouterr().err


# -- replay cost per request must not grow with the cassette ---------------------------------


def _matcher_calls_to_replay(tmp_path: Path, calls: int, monkeypatch: pytest.MonkeyPatch) -> int:
    from spacestudio.cassettes.matching import MATCHERS

    cassette = tmp_path / f"crud-{calls}.yaml"
    with fake_server() as server:
        record(cassette, server, crud_session(calls, "recorded"))
    count = 0

    def counting(matcher: Any) -> Any:
        def counted(sent: Any, recorded: Any) -> Any:
            nonlocal count
            count += 1
            return matcher(sent, recorded)

        counted.__name__ = matcher.__name__
        return counted

    with monkeypatch.context() as patch:
        # use_cassette hands vcrpy the matchers its own module imported.
        patch.setattr("spacestudio.cassettes.session.MATCHERS", tuple(map(counting, MATCHERS)))
        replay(cassette, crud_session(calls, "recorded"))
    return count


def test_replay_compares_each_request_with_a_bounded_number_of_recordings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    short = _matcher_calls_to_replay(tmp_path, 20, monkeypatch)
    long = _matcher_calls_to_replay(tmp_path, 80, monkeypatch)
    # Four times the interactions: about four times the comparisons when each request is
    # compared with a bounded number of recordings, sixteen times when with all of them.
    assert long <= 5 * short


@pytest.fixture(autouse=True)
def _no_default_client() -> Iterator[None]:
    import spacestudio

    yield
    spacestudio.set_default_client(None)
