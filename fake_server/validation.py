"""Validation of request bodies at creation: types, units, ranges and consistency.

A real service checks what it is sent before storing it; so does the fake. Each rule names
a field by its JSON path, the value, the accepted range in the field's unit and, when the
value fits another unit, the likely mistake ("did you send degrees?"). The rules are data
(:data:`ORBIT`, :data:`SPACECRAFT`, ...), keyed by the catalog's collection segment, and
apply to objects embedded in missions too (``initialOrbit``, ``spacecraft.thruster`` ...).
Every value the vendor's published use-case scripts send is accepted (docs/fidelity.md).

Pure functions over a body: :func:`body_problem` returns the first problem as one
paragraph, or None.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fake_server.compute.atmosphere import SOLAR_FLUX_RANGE
from fake_server.compute.constants import EARTH_RADIUS, G0, MAX_ALTITUDE
from fake_server.compute.inputs import MissionInputError
from fake_server.compute.maneuver_plans import MAX_DURATION
from fake_server.compute.orbits import sun_synchronous_inclination
from spacestudio_contract.catalog import BY_SEGMENT

TWO_PI = 2.0 * math.pi
#: Lowest altitude (m) of an orbit object: below it the orbit re-enters at once.
LOWEST_ALTITUDE = 100e3


@dataclass(frozen=True)
class Unit:
    """Another unit a value might have been sent in: ``factor`` converts it to the rule's."""

    name: str
    factor: float


DEGREES = Unit("degrees", math.pi / 180.0)
KILOMETRES = Unit("km", 1e3)
MILLINEWTONS = Unit("mN", 1e-3)
PERCENT = Unit("percent", 1e-2)


@dataclass(frozen=True)
class Rule:
    """A number field: its unit, its accepted range, and the units it is often sent in."""

    key: str
    unit: str
    low: float
    high: float
    low_open: bool = False
    high_open: bool = False
    mistakes: tuple[Unit, ...] = ()
    integer: bool = False

    def accepts(self, value: float) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def describe_range(self) -> str:
        low = f"{'above' if self.low_open else 'from'} {_number(self.low)}"
        high = f"{'below' if self.high_open else 'to'} {_number(self.high)}"
        unit = f" {self.unit}" if self.unit else ""
        extra = ""
        if self.unit == "rad":
            extra = (
                f" ({_number(math.degrees(self.low))} to {_number(math.degrees(self.high))} deg)"
            )
        return f"{low} {high}{unit}{extra}"


def _number(value: float) -> str:
    return f"{value:.6g}"


def _angle(key: str, low: float, high: float) -> Rule:
    return Rule(key, "rad", low, high, mistakes=(DEGREES,))


def _altitude(key: str) -> Rule:
    return Rule(key, "m", LOWEST_ALTITUDE, MAX_ALTITUDE, mistakes=(KILOMETRES,))


def _duration(key: str) -> Rule:
    return Rule(key, "s", 0.0, MAX_DURATION, low_open=True)


ORBIT = (
    _altitude("altitude"),
    _altitude("perigeeAltitude"),
    _altitude("apogeeAltitude"),
    Rule(
        "semiMajorAxis",
        "m",
        EARTH_RADIUS + LOWEST_ALTITUDE,
        EARTH_RADIUS + MAX_ALTITUDE,
        mistakes=(KILOMETRES,),
    ),
    Rule("eccentricity", "", 0.0, 1.0, high_open=True),
    _angle("inclination", 0.0, math.pi),
    _angle("raan", -TWO_PI, TWO_PI),
    _angle("perigeeArgument", -TWO_PI, TWO_PI),
    _angle("anomaly", -TWO_PI, TWO_PI),
    Rule("ltan", "s", 0.0, 86400.0),
)
THRUSTER = (
    Rule("thrust", "N", 0.0, 1e4, low_open=True, mistakes=(MILLINEWTONS,)),
    Rule("isp", "s", 0.0, 1e5, low_open=True),
    Rule("power", "W", 0.0, 1e7),
    Rule("standbyPower", "W", 0.0, 1e7),
    Rule("warmUpDuration", "s", 0.0, 1e6),
    Rule("warmUpPower", "W", 0.0, 1e7),
    Rule("propellantMass", "kg", 0.0, 1e6),
    Rule("totalMass", "kg", 0.0, 1e6),
)
SPACECRAFT = (
    Rule("platformMass", "kg", 0.0, 1e6, low_open=True),
    Rule("platformPower", "W", 0.0, 1e7),
    Rule("onBoardAveragePower", "W", 0.0, 1e7),
    Rule("dutyCycle", "", 0.0, 1.0, mistakes=(PERCENT,)),
    Rule("dragCoefficient", "", 0.0, 10.0),
)
SIMULATION_MISSION = (
    Rule("deltaSemiMajorAxis", "m", -MAX_ALTITUDE, MAX_ALTITUDE),
    _angle("deltaInclination", -math.pi, math.pi),
    Rule("deltaEccentricity", "", -1.0, 1.0, low_open=True, high_open=True),
    # Half a turn either way reaches any node: beyond it, drift the other way.
    _angle("targetDeltaRaan", -math.pi, math.pi),
    Rule("targetDeltaVmax", "m/s", 0.0, 1e5, low_open=True),
    _duration("targetMissionDuration"),
    Rule("customSolarFlux", "sfu", *SOLAR_FLUX_RANGE),
    Rule("ephemeridesStepInSeconds", "s", 0.0, MAX_DURATION, low_open=True),
    _duration("maximumDuration"),
    _duration("durationUntilPause"),
    _duration("duration"),
    Rule("smaTopMargin", "m", 0.0, 1e7, low_open=True),
    Rule("smaBottomMargin", "m", 0.0, 1e7, low_open=True),
)
SUB_CONSTELLATION = (
    _altitude("altitude"),
    _angle("inclination", 0.0, math.pi),
    Rule("numberOfPlanes", "", 1.0, 1000.0, integer=True),
    Rule("numberOfSpacecraftsPerPlane", "", 1.0, 1000.0, integer=True),
    _angle("deltaRaan", -TWO_PI, TWO_PI),
    _angle("firstPlaneInitialRaan", -TWO_PI, TWO_PI),
    _angle("interPlanePhasing", -TWO_PI, TWO_PI),
)
PAYLOAD = (_angle("semiViewAngleCircularDefinition", 0.0, math.pi / 2.0),)
#: Perturbations the engine models; the published scripts send these two only.
PERTURBATIONS = ("DRAG", "EARTH_POTENTIAL")

Check = Callable[[Mapping[str, Any], str], "str | None"]


def _numbers(rules: Sequence[Rule]) -> Check:
    def check(body: Mapping[str, Any], path: str) -> str | None:
        for rule in rules:
            problem = _number_problem(rule, body.get(rule.key), f"{path}.{rule.key}")
            if problem:
                return problem
        return None

    return check


def _number_problem(rule: Rule, value: Any, path: str) -> str | None:
    if value is None:
        return None
    unit = f" {rule.unit}" if rule.unit else ""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return f"{path} must be a number{unit}, not {_shown(value)}."
    try:
        number = float(value)
    except ValueError:
        return (
            f"{path} must be a number{unit}, not {_shown(value)}: send the number alone"
            f" (a JSON number), in {rule.unit or 'the field unit'}."
        )
    if not math.isfinite(number):
        return f"{path} must be a finite number{unit}, not {_shown(value)}."
    if rule.integer and number != int(number):
        return f"{path} must be a whole number, not {_shown(value)}."
    if rule.accepts(number):
        return None
    message = (
        f"{path} = {_shown(value)}{unit} is outside the accepted range, {rule.describe_range()}"
    )
    for mistake in rule.mistakes:
        converted = number * mistake.factor
        if rule.accepts(converted):
            return (
                f"{message}: did you send {mistake.name}? {_shown(value)} {mistake.name} is"
                f" {_number(converted)}{unit}; send that."
            )
    if DEGREES in rule.mistakes and abs(number) > TWO_PI:
        return f"{message}: did you send degrees? Angles are in radians (180 deg = pi rad)."
    return f"{message}."


def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _first(*problems: Callable[[], str | None]) -> str | None:
    for problem in problems:
        found = problem()
        if found:
            return found
    return None


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().upper() == "TRUE")


def _as_float(value: Any) -> float | None:
    try:
        return None if value is None or isinstance(value, bool) else float(value)
    except (TypeError, ValueError):
        return None


def _orbit(body: Mapping[str, Any], path: str) -> str | None:
    def consistent() -> str | None:
        perigee, apogee = (
            _as_float(body.get("perigeeAltitude")),
            _as_float(body.get("apogeeAltitude")),
        )
        if perigee is not None and apogee is not None and apogee < perigee:
            return (
                f"{path}.apogeeAltitude = {_number(apogee)} m is below {path}.perigeeAltitude ="
                f" {_number(perigee)} m: the apogee is the higher of the two; swap them."
            )
        if not _truthy(body.get("sunSynchronousOrbit")):
            return None
        altitude = _as_float(body.get("altitude"))
        a = _as_float(body.get("semiMajorAxis"))
        if a is None and altitude is not None:
            a = EARTH_RADIUS + altitude
        if a is None:
            return None
        try:
            sun_synchronous_inclination(a)
        except MissionInputError as problem:
            return f"{path}.sunSynchronousOrbit is true, but {problem}."
        return None

    return _first(lambda: _numbers(ORBIT)(body, path), consistent)


def _thruster(body: Mapping[str, Any], path: str) -> str | None:
    def consistent() -> str | None:
        thrust, isp = _as_float(body.get("thrust")), _as_float(body.get("isp"))
        power = _as_float(body.get("power"))
        if thrust and isp and power:
            # An electric thruster cannot put more power in its jet than it draws.
            jet = thrust * isp * G0 / 2.0
            if jet > power:
                hint = (
                    f" Did you send mN? {_number(thrust)} mN would need {_number(jet / 1e3)} W."
                    if jet / 1e3 <= power
                    else ""
                )
                return (
                    f"{path}.thrust = {_number(thrust)} N at isp {_number(isp)} s needs a jet"
                    f" power thrust x isp x g0 / 2 = {_number(jet)} W, more than"
                    f" {path}.power = {_number(power)} W: lower the thrust or the isp, or raise"
                    f" the power.{hint}"
                )
        propellant, total = _as_float(body.get("propellantMass")), _as_float(body.get("totalMass"))
        if propellant is not None and total is not None and total < propellant:
            return (
                f"{path}.totalMass = {_number(total)} kg is below {path}.propellantMass ="
                f" {_number(propellant)} kg: totalMass is the thruster's dry mass plus its"
                " propellant."
            )
        return None

    return _first(lambda: _numbers(THRUSTER)(body, path), consistent)


def _spacecraft(body: Mapping[str, Any], path: str) -> str | None:
    return _first(
        lambda: _numbers(SPACECRAFT)(body, path),
        lambda: _embedded(body, path, "thruster", _thruster),
    )


def _simulation_mission(body: Mapping[str, Any], path: str) -> str | None:
    def perturbations() -> str | None:
        names = body.get("perturbations")
        if names is None:
            return None
        if not isinstance(names, list):
            return (
                f"{path}.perturbations must be a list of names such as"
                f" {list(PERTURBATIONS)}, not {_shown(names)}."
            )
        for index, name in enumerate(names):
            if name in PERTURBATIONS:
                continue
            guess = [
                known
                for known in PERTURBATIONS
                if isinstance(name, str)
                and "".join(c for c in name.upper() if c.isalnum()) == known.replace("_", "")
            ]
            hint = f" Did you mean {guess[0]!r}?" if guess else ""
            return (
                f"{path}.perturbations[{index}] = {_shown(name)} is not a perturbation this"
                f" service models; send any of {', '.join(PERTURBATIONS)}.{hint}"
            )
        return None

    def transfer_target() -> str | None:
        if body.get("type") != "Orbital Transfer":
            return None
        if str(body.get("targetDefinition") or "DELTA").upper() != "DELTA":
            return None
        deltas = ("deltaSemiMajorAxis", "deltaInclination", "deltaEccentricity")
        if any(_as_float(body.get(key)) for key in deltas):
            return None
        sent = ", ".join(f"{key} = {_shown(body.get(key))}" for key in deltas)
        return (
            f"{path} asks for an Orbital Transfer by DELTA with nothing to change ({sent}):"
            " give deltaSemiMajorAxis (m), deltaInclination (rad) or deltaEccentricity, or use"
            " targetDefinition TARGET_ORBIT with a targetOrbit."
        )

    return _first(
        lambda: _numbers(SIMULATION_MISSION)(body, path),
        perturbations,
        transfer_target,
        lambda: _embedded(body, path, "initialOrbit", _orbit),
        lambda: _embedded(body, path, "targetOrbit", _orbit),
        lambda: _embedded(body, path, "spacecraft", _spacecraft),
    )


def _embedded(
    body: Mapping[str, Any],
    path: str,
    key: str,
    check: Callable[[Mapping[str, Any], str], str | None],
) -> str | None:
    inner = body.get(key)
    return check(inner, f"{path}.{key}") if isinstance(inner, Mapping) else None


#: The checks of each collection (by catalog segment); other collections take any body.
CHECKS: dict[str, Check] = {
    "orbitdefinitions": _orbit,
    "propulsionsystemdefinitions": _thruster,
    "spacecraftdefinitions": _spacecraft,
    "simulationrequests": _simulation_mission,
    "subconstellationdefinitions": _numbers(SUB_CONSTELLATION),
    "payloaddefinitions": _numbers(PAYLOAD),
}


def body_problem(segment: str, body: Mapping[str, Any]) -> str | None:
    """The first problem of ``body`` sent to the collection ``segment``, as one paragraph
    naming the JSON path, the value, the accepted range and the likely mistake; None when
    the body may be stored."""
    check = CHECKS.get(segment)
    if check is None:
        return None
    problem = check(body, "$")
    if problem is None:
        return None
    spec = BY_SEGMENT.get(segment)
    what = f"the {spec.stem.replace('_', ' ')}" if spec is not None else segment
    return f"{what} was not stored: {problem}"
