"""Prints the measured agreement of the fake with each oracle, the figures behind the
tolerances of ``tests/oracles`` and the table in docs/fidelity.md.

    .venv/bin/python -m tests.oracles.report
"""

from __future__ import annotations

from collections.abc import Iterator

from fake_server.compute import atmosphere

from .msis import orbit_mean_density
from .test_constellations import GRID as CONSTELLATIONS
from .test_constellations import fly_walker
from .test_phasing import LEAST_DELTA_V, fly_least_delta_v
from .test_station_keeping import fly_station_keeping
from .test_transfers import GRID as TRANSFERS
from .test_transfers import fly_transfer


def transfers() -> Iterator[str]:
    for start, end, inclination, turn, drag in TRANSFERS:
        results, flight = fly_transfer(start, end, inclination, turn, drag)
        report = results["maneuverReport"]
        yield (
            f"| transfer {start:.0f}->{end:.0f} km, i {inclination} deg, di {turn} deg,"
            f" drag {drag} | {report['totalDeltaV']:.3f} / {flight.delta_v:.3f} m/s |"
            f" {report['totalDeltaV'] / flight.delta_v - 1:+.2e} |"
            f" {report['simulationDuration'] / flight.duration - 1:+.2e} |"
        )


def densities() -> Iterator[str]:
    for flux in (70.0, 150.0, 250.0):
        ratios = [
            float(atmosphere.density(h * 1e3, flux)) / orbit_mean_density(h, flux)
            for h in (200.0, 300.0, 400.0, 500.0, 600.0, 800.0, 1000.0)
        ]
        yield (
            f"| density / NRLMSISE-00 at {flux:.0f} sfu, 200..1000 km | "
            + " ".join(f"{r:.3f}" for r in ratios)
            + " | | |"
        )


def station_keeping() -> Iterator[str]:
    for flux in (70.0, 150.0, 250.0):
        for altitude in (250.0, 500.0, 800.0):
            _, given, oracle = fly_station_keeping(altitude, flux)
            yield (
                f"| station keeping {altitude:.0f} km, {flux:.0f} sfu, 30 d |"
                f" {given:.4f} / {oracle:.4f} m/s | {given / oracle - 1:+.2e} | |"
            )


def phasing() -> Iterator[str]:
    for target, days in LEAST_DELTA_V:
        results, delta_v = fly_least_delta_v(target, days)
        spent = results["maneuverReport"]["totalDeltaV"]
        yield (
            f"| phasing least delta-v {target} rad, {days:.0f} d |"
            f" {spent:.3f} / {delta_v:.3f} m/s | {spent / delta_v - 1:+.2e} | |"
        )


def constellations() -> Iterator[str]:
    for altitude, inclination, planes, per_plane, f, eta, _, _ in CONSTELLATIONS:
        total = planes * per_plane
        points, oracle = fly_walker(altitude, inclination, planes, per_plane, f, eta)
        metrics = [p["metrics"]["statisticalMetrics"] for p in points]
        coverage = max(
            abs(m["COVERAGE"]["average"] - o.coverage) for m, o in zip(metrics, oracle, strict=True)
        )
        revisit = max(
            abs(m["REVISIT_TIME"]["average"] / o.mean_revisit - 1)
            for m, o in zip(metrics, oracle, strict=True)
        )
        yield (
            f"| Walker {total} sats, {eta:.0f} deg | coverage, revisit |"
            f" {coverage:.4f} | {revisit:.2e} |"
        )


def main() -> None:
    print("| scenario | fake / oracle | relative (or absolute) | second figure |")
    print("| --- | --- | --- | --- |")
    for rows in (transfers(), densities(), station_keeping(), phasing(), constellations()):
        for row in rows:
            print(row)


if __name__ == "__main__":
    main()
