"""The models against published values (each test names its source)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest

from fake_server.compute import atmosphere, complete_orbit
from fake_server.compute.constants import EARTH_RADIUS, G0, MU_EARTH
from fake_server.compute.orbits import j2_rates, sun_synchronous_inclination
from fake_server.compute.power import eclipse_fraction
from fake_server.compute.relative_motion import clohessy_wiltshire
from fake_server.compute.timescale import sun_right_ascension
from fake_server.compute.transfer import EdelbaumPath


@pytest.mark.parametrize(
    ("mission", "altitude_km", "inclination_deg"),
    [
        # ESA Sentinel-2 mission guide: 786 km mean altitude, 98.62 deg.
        ("Sentinel-2", 786.0, 98.62),
        # USGS Landsat 8 data users handbook: 705 km, 98.2 deg.
        ("Landsat 8", 705.0, 98.2),
        # ESA Sentinel-1: 693 km, 98.18 deg.
        ("Sentinel-1", 693.0, 98.18),
    ],
)
def test_sun_synchronous_inclination_matches_real_missions(
    mission: str, altitude_km: float, inclination_deg: float
) -> None:
    # J2-only mean theory: within 0.1 deg of the operational (full-field) values.
    inclination = math.degrees(sun_synchronous_inclination(EARTH_RADIUS + altitude_km * 1e3))
    assert inclination == pytest.approx(inclination_deg, abs=0.1), mission


def test_complete_orbit_fills_the_sun_synchronous_inclination() -> None:
    body = {
        "name": "S2",
        "type": "Circular",
        "altitude": 786e3,
        "sunSynchronousOrbit": True,
        "inclination": 0.1,
    }
    completed = complete_orbit(body)
    assert math.degrees(completed["inclination"]) == pytest.approx(98.62, abs=0.1)
    assert completed["semiMajorAxis"] == pytest.approx(EARTH_RADIUS + 786e3)
    assert completed["name"] == "S2"


def test_sso_node_drift_follows_the_sun() -> None:
    # Vallado, Fundamentals of Astrodynamics, sec. 11.4: 0.9856 deg/day (360 deg per year).
    a = EARTH_RADIUS + 700e3
    raan_rate = float(j2_rates(a, 0.0, sun_synchronous_inclination(a))[0])
    assert math.degrees(raan_rate) * 86400.0 == pytest.approx(0.9856, abs=1e-4)


def test_iss_node_regression() -> None:
    # ISS nodal regression (NASA ISS trajectory data): about -5.0 deg/day at 420 km, 51.6 deg.
    rate = float(j2_rates(EARTH_RADIUS + 420e3, 0.0, math.radians(51.6))[0])
    assert math.degrees(rate) * 86400.0 == pytest.approx(-5.0, abs=0.1)


def test_edelbaum_leo_to_geo_with_plane_change() -> None:
    # Edelbaum (1961), Kechichian (1997): LEO (7000 km) to GEO
    # with a 28.5 deg plane change costs about 5.8 km/s.
    path = EdelbaumPath(math.sqrt(MU_EARTH / 7000e3), math.radians(28.5), 0.0, 42164e3, 0.0)
    assert path.total == pytest.approx(5780.0, rel=0.01)


def test_edelbaum_path_reaches_its_target() -> None:
    path = EdelbaumPath(math.sqrt(MU_EARTH / 7000e3), math.radians(28.5), 0.0, 42164e3, 0.0)
    a, _, i = path.at(np.array([path.total, path.total / 2, 0.0]))
    assert a[0] == pytest.approx(7000e3)
    assert i[0] == pytest.approx(math.radians(28.5))
    assert a[-1] == pytest.approx(42164e3) and i[-1] == pytest.approx(0.0)
    assert 7000e3 < a[1] < 42164e3


@pytest.mark.parametrize(
    ("altitude_km", "density"),
    # Vallado 4th ed. table 8-4 (CIRA-72 exponential model, moderate activity).
    [(400, 3.725e-12), (500, 6.967e-13), (600, 1.454e-13), (700, 3.614e-14), (800, 1.170e-14)],
)
def test_density_within_a_factor_two_of_vallado_table_at_the_reference_flux(
    altitude_km: float, density: float
) -> None:
    # A ratio, not pytest.approx: its absolute default (1e-12) would accept any of these.
    # NRLMSISE-00 at Ap 15 is 1.7x CIRA-72 at 700-800 km.
    assert 0.5 < float(atmosphere.density(altitude_km * 1e3)) / density < 2.0


@pytest.mark.parametrize(
    ("altitude_km", "density"),
    # U.S. Standard Atmosphere 1976: the model's stated tolerance is a factor of 2.
    [(400, 2.803e-12), (500, 5.215e-13), (600, 1.137e-13), (700, 3.070e-14), (800, 1.136e-14)],
)
def test_density_within_a_factor_two_of_the_standard_atmosphere(
    altitude_km: float, density: float
) -> None:
    assert 0.5 < float(atmosphere.density(altitude_km * 1e3)) / density < 2.0


def test_solar_activity_raises_the_density() -> None:
    low, mid, high = (float(atmosphere.density(400e3, flux)) for flux in (70.0, 150.0, 250.0))
    assert low < mid < high


def test_rocket_equation() -> None:
    # Tsiolkovsky: dv = Isp g0 ln(m0 / m1); 100 kg with 10 kg of propellant at 1650 s.
    from fake_server.compute.transfer import ThrustArc

    arc = ThrustArc(
        0.0, 1e9, EdelbaumPath(7000.0, 0.0, 0.0, 7e6, 0.0), 1e4, 100.0, 0.1, 1650.0 * G0, None
    )
    burn_time = 10.0 / arc.mass_flow
    elements = arc.elements(np.array([burn_time]))
    assert float(elements.mass[0]) == pytest.approx(90.0)
    assert float(elements.delta_v[0]) == pytest.approx(1650.0 * G0 * math.log(100.0 / 90.0))


def test_eclipse_fraction_at_500_km() -> None:
    # Wertz, SMAD: at 500 km and beta = 0 about 37.8 % of the orbit is in the shadow.
    assert eclipse_fraction(EARTH_RADIUS + 500e3, 0.0) == pytest.approx(0.378, abs=0.003)
    assert eclipse_fraction(EARTH_RADIUS + 500e3, math.radians(80.0)) == 0.0


def test_sun_right_ascension_at_the_march_equinox() -> None:
    # The Sun crosses the equator northward at 2024-03-20 03:06 UTC (USNO): RA = 0.
    ra = float(sun_right_ascension(datetime(2024, 3, 20, 3, 6, tzinfo=UTC)))
    assert min(ra, 2 * math.pi - ra) < math.radians(0.02)


def test_clohessy_wiltshire_offset_along_track_stays_put() -> None:
    # A pure along-track offset is an equilibrium of the CW equations (Vallado sec. 6.8).
    n = math.sqrt(MU_EARTH / (EARTH_RADIUS + 500e3) ** 3)
    position, _ = clohessy_wiltshire(
        n, np.array([0.0, -100.0, 0.0]), np.zeros(3), np.linspace(0, 86400, 50)
    )
    assert np.allclose(position, [[0.0, -100.0, 0.0]] * 50)
