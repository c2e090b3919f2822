"""Every spacecraft input the published scripts set changes what is simulated, as physics says.

The published ``createSpacecraft`` sends a 1 m box, thruster along +X, arrays on the -Z face
defined by their maximum power, a battery by ``nominalCapacity``, and both ``dutyCycle`` and
``onBoardAveragePower``. Expected values are worked out here by hand.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import pytest

from fake_server.compute import compute_mission
from fake_server.compute.constants import ASTRONOMICAL_UNIT, SOLAR_CONSTANT
from fake_server.compute.spacecraft import read_spacecraft
from fake_server.compute.timescale import sun_direction

SIM = "simulationrequests"


def published_spacecraft(**geometry: Any) -> dict[str, Any]:
    """A spacecraft body as the published createSpacecraft builds it."""
    shape = {
        "type": "BOX", "x": 1, "y": 1, "z": 1,
        "thrusterAxisInSatelliteFrameX": 1.0, "thrusterAxisInSatelliteFrameY": 0.0,
        "thrusterAxisInSatelliteFrameZ": 0.0,
        "solarArrayType": "SOLAR_ARRAY_TYPE_DEPLOYABLE_FIXED",
        "solarArrayNormalInSatelliteFrameX": 0.0, "solarArrayNormalInSatelliteFrameY": 0.0,
        "solarArrayNormalInSatelliteFrameZ": -1.0,
        "solarArrayDefinitionType": "MAXIMUM_POWER", "solarArrayMaximumPower": 260,
        "solarArrayEfficiency": 0.3,
    }  # fmt: skip
    shape.update(geometry)
    return {
        "name": "sat", "platformMass": 80, "platformPower": 30, "onBoardAveragePower": 200,
        "dutyCycle": 0.7, "powerSystemDefined": "TRUE", "dragModelDefined": True,
        "dragCoefficient": 2.2, "srpModelDefined": "FALSE", "attitudeModelDefined": True,
        "thruster": {
            "name": "t", "thrust": 14e-3, "isp": 850, "power": 200, "standbyPower": 0,
            "warmUpDuration": 0, "warmUpPower": 0, "propellantCapacityChoice": "PROPELLANT",
            "propellantMass": 10, "totalMass": 15,
        },
        "spacecraftGeometry": shape,
        "batteryDefinition": {"name": "b", "nominalCapacity": 560, "depthOfDischarge": 0.3},
    }  # fmt: skip


ORBIT = {
    "name": "SSO-600", "type": "Circular", "sunSynchronousOrbit": True, "altitude": 600e3,
    "ascendingNodeDefinitionType": "LTAN", "ltan": 12 * 3600,
    "definitionType": "EllipticalWithPerigeeApogee", "inclination": None,
    "orbitDateTime": "2022-01-01T12:00:00.000Z", "meanOscType": "MEAN", "repeatOrbit": "FALSE",
    "perigeeArgument": 0, "anomalyType": "TRUE", "anomaly": 0,
}  # fmt: skip


def strategy(spacecraft: dict[str, Any]) -> dict[str, Any]:
    body = {
        "name": "msd", "type": "Maneuvering Strategy Design", "spacecraft": spacecraft,
        "initialOrbit": ORBIT, "ephemeridesStepInSeconds": 60, "thrustAttitudeMode": "PROGRADE",
        "restAttitudeMode": "SUN_POINTING", "attitudeAndSystemSimulated": "True",
        "withEclipse": "True",
    }  # fmt: skip
    computation = compute_mission(SIM, body)
    assert not computation.errors, computation.errors
    return computation.results


@pytest.mark.parametrize(
    ("axis", "area"),
    [((1, 0, 0), 6.0), ((0, 0, 1), 2.0), ((0, 1, 0), 3.0), ((1, 1, 0), (6.0 + 3.0) / 2**0.5)],
)
def test_the_box_face_across_the_thruster_axis_meets_the_flow(
    axis: tuple[int, int, int], area: float
) -> None:
    # A 1 x 2 x 3 m box: the faces across X, Y, Z are 6, 3 and 2 m^2; a tilted axis sees
    # the projections of two faces (|ax| A_x + |ay| A_y).
    geometry = {"x": 1, "y": 2, "z": 3}
    geometry.update(
        {f"thrusterAxisInSatelliteFrame{k}": v for k, v in zip("XYZ", axis, strict=True)}
    )
    craft = read_spacecraft(published_spacecraft(**geometry))
    assert craft.cross_section == pytest.approx(area)
    assert craft.ballistic_factor == pytest.approx(2.2 * area)


def test_the_thruster_fires_what_the_power_left_for_it_allows() -> None:
    body = published_spacecraft()
    assert read_spacecraft(body).duty_cycle == pytest.approx(0.7)  # 200 W of 200: dutyCycle
    body["onBoardAveragePower"] = 98.5  # what computeOAPWithMSD leaves: 49 %
    assert read_spacecraft(body).duty_cycle == pytest.approx(98.5 / 200)
    body["onBoardAveragePower"] = -5.0
    with pytest.raises(ValueError, match="nothing is left for the thruster"):
        read_spacecraft(body)


def test_rest_and_thrust_powers_follow_the_array_power_and_its_normal() -> None:
    results = strategy(published_spacecraft())
    beta = results["strategy"]["betaAngle"]
    _, distance = sun_direction(datetime.fromisoformat("2022-01-01T12:00:00+00:00"))
    scale = 260.0 * (ASTRONOMICAL_UNIT / float(distance)) ** 2
    # Wertz eq. 5-5 (cylindrical shadow) at 600 km.
    radius = 6378137.0 + 600e3
    limit = math.sqrt(radius**2 - 6378137.0**2) / radius
    eclipse = math.acos(limit / math.cos(beta)) / math.pi
    assert results["restModeMeanPower"] == pytest.approx(scale * (1 - eclipse), rel=0.01)
    assert results["thrustModeMeanPower"] == pytest.approx(
        scale * math.cos(beta) / math.pi, rel=0.01
    )
    # Twice the array power, twice both means.
    doubled = strategy(published_spacecraft(solarArrayMaximumPower=520))
    for key in ("restModeMeanPower", "thrustModeMeanPower"):
        assert doubled[key] == pytest.approx(2 * results[key], rel=1e-9)
    # Arrays facing the orbit normal (+/-Y when thrusting prograde) see the Sun at beta above
    # the plane, lit (1 - eclipse) of the orbit, on one side only.
    sides = [
        strategy(published_spacecraft(
            solarArrayNormalInSatelliteFrameY=sign, solarArrayNormalInSatelliteFrameZ=0.0
        ))["thrustModeMeanPower"]
        for sign in (1.0, -1.0)
    ]  # fmt: skip
    assert min(sides) == pytest.approx(0.0, abs=1e-9)
    assert max(sides) == pytest.approx(scale * abs(math.sin(beta)) * (1 - eclipse), rel=0.02)


def test_arrays_defined_by_area_use_their_efficiency() -> None:
    body = published_spacecraft(
        solarArrayDefinitionType="AREA", solarArrayArea=1.5, solarArrayEfficiency=0.3
    )
    craft = read_spacecraft(body)
    assert craft.array_peak_power == pytest.approx(SOLAR_CONSTANT * 1.5 * 0.3)
    body["spacecraftGeometry"]["solarArrayEfficiency"] = 0.15
    assert read_spacecraft(body).array_peak_power == pytest.approx(SOLAR_CONSTANT * 1.5 * 0.15)
    assert read_spacecraft(published_spacecraft()).array_peak_power == 260.0
    assert read_spacecraft(published_spacecraft()).battery_capacity_wh == 560.0
