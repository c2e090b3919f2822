"""Each example, replayed from its cassette: it prints the summary it printed when it was
recorded, its numbers agree with textbook astrodynamics, and it writes its plot.

The reference figures below are worked out here, independently of the fake server's
models: Edelbaum's circular-to-circular delta-v, the rocket equation, the J2 secular node
rate and the swath geometry of a nadir payload.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.examples.conftest import EXPECTED, PNG_SIGNATURE, ExampleRun

# Each example plots what it computed; matplotlib is what an install without it lacks.
pytest.importorskip("matplotlib")

MU = 3.986004418e14  # m^3/s^2
EARTH_RADIUS = 6_378_137.0  # m
J2 = 1.08262668e-3
G0 = 9.80665  # m/s^2
DAY = 86_400.0
SUN_MEAN_MOTION = math.radians(0.9856473) / DAY  # rad/s

RunExample = Callable[[str], ExampleRun]


def circular_speed(altitude: float) -> float:
    return math.sqrt(MU / (EARTH_RADIUS + altitude))


def node_rate(altitude: float, inclination: float) -> float:
    """J2 secular node rate (rad/s) of a circular orbit."""
    a = EARTH_RADIUS + altitude
    return -1.5 * math.sqrt(MU / a**3) * J2 * (EARTH_RADIUS / a) ** 2 * math.cos(inclination)


def sun_synchronous_inclination(altitude: float) -> float:
    a = EARTH_RADIUS + altitude
    return math.acos(-SUN_MEAN_MOTION / (1.5 * math.sqrt(MU / a**3) * J2 * (EARTH_RADIUS / a) ** 2))


def propellant_for(delta_v: float, initial_mass: float, isp: float) -> float:
    return initial_mass * (1.0 - math.exp(-delta_v / (isp * G0)))


def check_output(run: ExampleRun) -> None:
    """The run printed what the recording printed, and wrote its plot in the working
    directory (the default place)."""
    expected = (EXPECTED / f"{run.name}.txt").read_text(encoding="utf-8")
    assert run.stdout == expected
    assert f"Plot written to {run.name}.png" in run.stdout.splitlines()
    check_plot(run)


def check_plot(run: ExampleRun) -> None:
    assert run.plot.is_file(), f"{run.name} wrote no plot at {run.plot}"
    data = run.plot.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width >= 800 and height >= 400, (width, height)
    assert len(data) > 20_000, "the plot is suspiciously small: is it empty?"


def test_orbital_transfer_agrees_with_edelbaum(example_run: RunExample) -> None:
    run = example_run("orbital_transfer")
    start, end = 500e3, 550e3
    initial_altitude, initial_inclination = run.summary["initial orbit"][:2]
    assert initial_altitude == 500.0
    assert initial_inclination == pytest.approx(
        math.degrees(sun_synchronous_inclination(start)), abs=0.006
    )
    assert run.value("final orbit") == pytest.approx(550.0, abs=0.05)
    assert run.value("altitude gained") == pytest.approx(50.0, abs=0.05)
    # Edelbaum, coplanar circular orbits: |v0 - v1|; drag adds a little on the way up.
    edelbaum = circular_speed(start) - circular_speed(end)
    delta_v = run.value("delta-V")
    assert edelbaum <= delta_v <= 1.03 * edelbaum
    wet_mass, isp = 150.0 + 8.0, 1300.0
    used = run.value("propellant used")
    assert used == pytest.approx(propellant_for(delta_v, wet_mass, isp), rel=0.01)
    assert used + run.value("propellant left") == pytest.approx(3.0, abs=0.002)
    # 15 mN at a 50 % duty cycle: the time to deliver that delta-v to the mean mass.
    mean_thrust = 0.015 * 0.5
    expected_days = delta_v * (wet_mass - used / 2) / mean_thrust / DAY
    assert run.value("duration") == pytest.approx(expected_days, rel=0.02)
    assert run.value("thrusting time") == pytest.approx(0.5 * run.value("duration"), rel=0.02)
    period = 2 * math.pi * math.sqrt((EARTH_RADIUS + 525e3) ** 3 / MU)
    orbits = run.value("duration") * DAY / period
    assert 1 <= run.value("burns") <= orbits + 2
    assert run.value("final orbit saved") == pytest.approx(550.0, abs=0.05)
    check_output(run)


def test_raan_phasing_reaches_its_target_within_budget(example_run: RunExample) -> None:
    run = example_run("raan_phasing")
    target = run.value("target relative RAAN")
    assert target == 1.0
    assert run.value("relative RAAN reached") == pytest.approx(target, abs=0.005)
    delta_v = run.value("delta-V")
    assert 0 < delta_v <= run.value("delta-V budget")
    legs = [run.summary["leg 1 (until the pause)"], run.summary["leg 2 (resumed)"]]
    assert legs[0][0] == pytest.approx(20.0, abs=0.01)  # paused at durationUntilPause
    for position, label in enumerate(("duration", "delta-V", "propellant used")):
        total = legs[0][position] + legs[1][position]
        assert run.value(label) == pytest.approx(total, abs=0.011), label
    # Down to the drift orbit and back: twice Edelbaum's delta-v.
    drop = run.value("drift orbit below start") * 1e3
    assert drop > 0
    edelbaum = circular_speed(500e3 - drop) - circular_speed(500e3)
    assert delta_v == pytest.approx(2 * edelbaum, rel=0.03)
    # The node of the lower orbit outruns the reference at the differential J2 rate; the
    # transfers, at part of that rate, make the mission somewhat longer than drift alone.
    inclination = sun_synchronous_inclination(500e3)
    relative_rate = node_rate(500e3 - drop, inclination) - node_rate(500e3, inclination)
    drift_alone = math.radians(target) / relative_rate / DAY
    assert drift_alone < run.value("duration") < 1.3 * drift_alone
    assert run.value("final orbit") == pytest.approx(500.0, abs=0.05)
    # The resumed mission, its orbit and its spacecraft.
    assert run.value("intermediate objects deleted") == 3
    check_output(run)


def test_station_keeping_stays_in_its_box(example_run: RunExample) -> None:
    run = example_run("station_keeping")
    assert run.value("duration") == pytest.approx(60.0, abs=0.01)
    lowest, highest = run.value("lowest semi-major axis"), run.value("highest semi-major axis")
    assert -505 <= lowest <= -400, "drag takes the orbit down to the bottom margin"
    assert 400 <= highest <= 505, "each reboost ends at the top margin"
    cycles = run.value("reboost cycles")
    assert 2 <= cycles <= run.value("burns")
    # Each reboost climbs the 1,000 m band: v / (2 a) per metre of semi-major axis.
    a = EARTH_RADIUS + 400e3
    per_cycle = 1000.0 * circular_speed(400e3) / (2 * a)
    assert cycles * per_cycle <= run.value("delta-V") <= 1.15 * cycles * per_cycle
    used = run.value("propellant used")
    assert used == pytest.approx(propellant_for(run.value("delta-V"), 158.0, 1300.0), rel=0.02)
    assert run.value("propellant per year") == pytest.approx(used * 365.25 / 60.0, rel=0.01)
    check_output(run)


def test_constellation_revisit_follows_the_walker_geometry(example_run: RunExample) -> None:
    run = example_run("constellation_revisit")
    assert run.value("satellites") == 24
    assert run.value("mesh points") == 33 * 72
    # Swath of a 45 deg half-cone payload at 550 km (Wertz, SMAD eqs. 5-17 to 5-19).
    altitude, half_cone, inclination = 550e3, math.radians(45.0), 53.0
    sin_rho = EARTH_RADIUS / (EARTH_RADIUS + altitude)
    elevation = math.acos(math.sin(half_cone) / sin_rho)
    swath = math.degrees(math.pi / 2 - half_cone - elevation)
    highest_seen = 5.0 * math.floor((inclination + swath) / 5.0)  # on the 5 deg mesh
    assert run.summary["revisited latitudes"] == [-highest_seen, highest_seen]
    best, mean, worst = (
        run.value("best revisit time"),
        run.value("mean revisit time"),
        run.value("worst revisit time"),
    )
    assert 0 < best < mean < worst < 24 * 60
    # Ground tracks bunch up near the inclination: the 50 deg band is revisited most often.
    assert run.value("mean revisit at 50 deg N") < run.value("mean revisit at 0 deg N")
    # At the equator, each satellite crosses twice per orbit, sweeping 2 * swath / sin(i)
    # of longitude each time: passes per day, hence the mean gap between them.
    period = 2 * math.pi * math.sqrt((EARTH_RADIUS + altitude) ** 3 / MU)
    sweep = 2 * swath / math.sin(math.radians(inclination)) / 360.0
    passes_per_day = 24 * 2 * (DAY / period) * sweep
    assert run.value("mean revisit at 0 deg N") == pytest.approx(24 * 60 / passes_per_day, rel=0.25)
    share = run.value("points within 45 min")
    assert 0 < share < 100 * run.value("points revisited") / run.value("mesh points")
    check_output(run)


def test_plot_goes_where_the_command_line_says(tmp_path: Path) -> None:
    from tests.examples.conftest import run_example

    target = tmp_path / "plots" / "raise.png"
    done = run_example("orbital_transfer", tmp_path, str(target))
    assert done.returncode == 0, done.stderr
    assert f"Plot written to {target}" in done.stdout
    assert target.read_bytes().startswith(PNG_SIGNATURE)
    assert not (tmp_path / "orbital_transfer.png").exists()
