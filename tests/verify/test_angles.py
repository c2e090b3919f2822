"""Angles compare modulo 2 pi: a whole turn apart is the same angle, not "131 % apart"."""

from __future__ import annotations

import math

from spacestudio.verify_fake.compare import Body, Comparison, Tolerance
from spacestudio.verify_fake.identities import IdentityMap


def _differences(recorded: object, fake: object) -> list[str]:
    comparison = Comparison(Tolerance(), (), (), IdentityMap())
    comparison.start()
    comparison.bodies(Body("JSON", recorded), Body("JSON", fake))
    return [difference.path for difference in comparison.differences]


def test_an_angle_a_turn_apart_agrees() -> None:
    recorded = {"finalOrbit": {"raan": 6.2, "inclination": 1.7}}
    fake = {"finalOrbit": {"raan": 6.2 - 2 * math.pi + 1e-4, "inclination": 1.7}}
    assert _differences(recorded, fake) == []


def test_an_angle_really_apart_and_a_non_angle_a_turn_apart_differ() -> None:
    recorded = {"finalOrbit": {"raan": 3.0, "inclination": 0.1}}
    fake = {"finalOrbit": {"raan": 3.5, "inclination": 0.1 + 2 * math.pi}}
    assert _differences(recorded, fake) == ["$.finalOrbit.raan", "$.finalOrbit.inclination"]


def test_ephemeris_angle_columns_compare_modulo_a_turn_and_unwrapped_ones_do_not() -> None:
    columns = {"ELAPSED_TIME": 0, "KEPLERIAN_RAAN": 1, "RELATIVE_RAAN": 2}
    recorded = {"fieldIndexes": columns, "ephemerides": [[0.0, 0.05, 0.05], [60.0, 6.28, 7.0]]}
    fake = {
        "fieldIndexes": columns,
        "ephemerides": [
            [0.0, 0.05 + 2 * math.pi, 0.05],
            [60.0, 6.28 - 2 * math.pi, 7.0 - 2 * math.pi],
        ],
    }
    assert _differences(recorded, fake) == ["$.ephemerides[1][2]"]
