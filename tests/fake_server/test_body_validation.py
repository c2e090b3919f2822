"""Bodies are validated at creation: a wrong type, unit or range is a 400 naming the field's
JSON path, the value, the accepted range and the likely unit mistake, and nothing is stored."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.samples import HALL_THRUSTER, SMALL_SATELLITE, SSO_600

from .conftest import Api, assert_json_error

ORBIT: dict[str, Any] = {
    "name": "o",
    "type": "Circular",
    "altitude": 500e3,
    "inclination": 0.9,
    "orbitDateTime": "2024-01-01T00:00:00Z",
}
THRUSTER: dict[str, Any] = {
    "name": "t",
    "thrust": 14e-3,
    "isp": 850.0,
    "power": 200.0,
    "propellantMass": 10.0,
    "totalMass": 15.0,
}


def _transfer(**fields: Any) -> dict[str, Any]:
    return {
        "name": "m",
        "type": "Orbital Transfer",
        "spacecraft": {"name": "s", "platformMass": 80.0, "thruster": THRUSTER},
        "initialOrbit": ORBIT,
        "targetDefinition": "DELTA",
        "deltaSemiMajorAxis": 100e3,
        "perturbations": ["DRAG"],
        **fields,
    }


CASES = [
    ("orbitdefinitions", {**ORBIT, "inclination": 400}, "$.inclination", "degrees"),
    ("orbitdefinitions", {**ORBIT, "inclination": 97.4}, "$.inclination", "did you send degrees"),
    ("orbitdefinitions", {**ORBIT, "altitude": 500}, "$.altitude", "did you send km"),
    ("orbitdefinitions", {**ORBIT, "altitude": "five hundred km"}, "$.altitude", "number"),
    (
        "orbitdefinitions",
        {**ORBIT, "altitude": 6500e3, "sunSynchronousOrbit": True},
        "$.sunSynchronousOrbit",
        "sun-synchronous",
    ),
    ("orbitdefinitions", {**ORBIT, "ltan": 90000}, "$.ltan", "from 0 to 86400 s"),
    ("propulsionsystemdefinitions", {**THRUSTER, "thrust": 14.0}, "$.thrust", "send mN?"),
    ("simulationrequests", _transfer(deltaSemiMajorAxis=None), "$", "nothing to change"),
    ("simulationrequests", _transfer(perturbations=["DRAG", "SRP"]), "$.perturbations[1]", "SRP"),
    ("simulationrequests", _transfer(deltaInclination=5.0), "$.deltaInclination", "degrees"),
    (
        "simulationrequests",
        _transfer(type="RAAN Phasing", targetDeltaRaan=5),
        "$.targetDeltaRaan",
        "did you send degrees",
    ),
    (
        "simulationrequests",
        _transfer(initialOrbit={**ORBIT, "inclination": 400}),
        "$.initialOrbit.inclination",
        "degrees",
    ),
    (
        "simulationrequests",
        _transfer(
            spacecraft={"name": "s", "platformMass": 80.0, "thruster": {**THRUSTER, "thrust": 14}}
        ),
        "$.spacecraft.thruster.thrust",
        "mN",
    ),
]


@pytest.mark.parametrize(("segment", "body", "path", "hint"), CASES)
def test_garbage_is_refused_and_not_stored(
    api: Api, segment: str, body: dict[str, Any], path: str, hint: str
) -> None:
    error = assert_json_error(api.post(segment, body), 400)
    assert f"{path} " in error["message"] or f"{path}." in error["message"]
    assert hint in error["message"]
    assert api.get(segment).get_json() == []


@pytest.mark.parametrize(
    ("segment", "body"),
    [
        ("orbitdefinitions", ORBIT),
        ("orbitdefinitions", SSO_600),
        ("propulsionsystemdefinitions", THRUSTER),
        ("propulsionsystemdefinitions", HALL_THRUSTER),
        ("spacecraftdefinitions", SMALL_SATELLITE),
        ("simulationrequests", _transfer()),
    ],
)
def test_sound_bodies_are_stored(api: Api, segment: str, body: dict[str, Any]) -> None:
    api.create(segment, body)


def test_a_replacement_is_validated_too(api: Api) -> None:
    created = api.create("orbitdefinitions", ORBIT)
    response = api.put(f"orbitdefinitions/{created['id']}", {**ORBIT, "altitude": 500})
    assert_json_error(response, 400)
    stored = api.get(f"orbitdefinitions/{created['id']}").get_json()
    assert stored["altitude"] == 500e3
