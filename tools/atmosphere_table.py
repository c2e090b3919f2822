"""Writes ``fake_server/compute/atmosphere_table.py``: NRLMSISE-00 mean densities against
altitude for a ladder of solar fluxes, the table the fake's atmosphere interpolates.

Source: NRLMSISE-00 (Picone, Hedin, Drob and Aikin, 2002, J. Geophys. Res. 107(A12), 1468)
as the ``pymsis`` package computes it (``version=0``), with the solar and geomagnetic
activity given explicitly (no space-weather file): F10.7 = its 81-day mean = the table's
flux, Ap = 15 for all seven of NRLMSISE's Ap inputs (Kp 3, the moderate activity GMAT and
most mission tools assume by default). Each density is the mean over what an orbit flies
through: 12 local times, latitudes -80..80 deg every 10 deg weighted by cos(latitude), and
four days of 2020 (the equinoxes and solstices, 00:00 UT).

Run with the test extra installed: ``.venv/bin/python tools/atmosphere_table.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pymsis

#: Fluxes (F10.7, sfu) of the table's profiles: the range the fake accepts, every 25 sfu.
FLUXES = np.arange(50.0, 400.0 + 1.0, 25.0)
#: Altitudes (km): every 10 km up to 1,000 km, every 50 km above, to the drag ceiling.
ALTITUDES_KM = np.concatenate([np.arange(0.0, 1000.0, 10.0), np.arange(1000.0, 2501.0, 50.0)])
GEOMAGNETIC_AP = 15.0
DATES = np.array(
    ["2020-03-20T00:00", "2020-06-21T00:00", "2020-09-22T00:00", "2020-12-21T00:00"],
    dtype="datetime64[m]",
)
LONGITUDES = np.arange(0.0, 360.0, 30.0)
LATITUDES = np.arange(-80.0, 80.0 + 1.0, 10.0)
TARGET = Path(__file__).resolve().parents[1] / "fake_server" / "compute" / "atmosphere_table.py"


def mean_density(flux: float) -> np.ndarray:
    """Mean NRLMSISE-00 density (kg/m^3) at each of :data:`ALTITUDES_KM` for ``flux``."""
    weights = np.cos(np.radians(LATITUDES))
    total = np.zeros(ALTITUDES_KM.size)
    for date in DATES:
        output = pymsis.calculate(
            date,
            LONGITUDES,
            LATITUDES,
            ALTITUDES_KM,
            f107s=flux,
            f107as=flux,
            aps=[[GEOMAGNETIC_AP] * 7],
            version=0,
        )
        rho = np.squeeze(output[..., pymsis.Variable.MASS_DENSITY])  # (lon, lat, alt)
        total += np.einsum("ola,l->a", rho, weights) / (LONGITUDES.size * weights.sum())
    return total / DATES.size


def _numbers(values: np.ndarray, form: str, per_line: int, indent: str) -> list[str]:
    """``values`` as implicitly concatenated string lines (stable under the formatter)."""
    chunks = np.array_split(values, int(np.ceil(values.size / per_line)))
    return [f'{indent}"{" ".join(format(v, form) for v in chunk)} "' for chunk in chunks]


def render(log_density: np.ndarray) -> str:
    lines = [
        '"""NRLMSISE-00 mean densities: written by ``tools/atmosphere_table.py`` (its docstring',
        "gives the source and the averaging); do not edit by hand. Numbers are kept as text,",
        "one string per profile, so the table stays a table.",
        '"""',
        "",
        "#: Geomagnetic Ap the profiles assume.",
        f"GEOMAGNETIC_AP = {GEOMAGNETIC_AP!r}",
        "#: F10.7 (sfu) of each profile.",
        f'FLUXES = "{" ".join(format(v, ".0f") for v in FLUXES)}"',
        "#: Altitudes (km) of every profile's nodes.",
        "ALTITUDES_KM = (",
        *_numbers(ALTITUDES_KM, ".0f", 16, "    "),
        ")",
        "#: log10 of the density (kg/m^3), one profile per flux.",
        "LOG10_DENSITY = (",
    ]
    for profile in log_density:
        lines += ["    (", *_numbers(profile, ".4f", 9, "        "), "    ),"]
    lines.append(")")
    return "\n".join(lines) + "\n"


def main() -> None:
    table = np.array([np.log10(mean_density(float(flux))) for flux in FLUXES])
    TARGET.write_text(render(table), encoding="utf-8")
    print(f"wrote {TARGET} ({table.shape[0]} fluxes x {table.shape[1]} altitudes)")


if __name__ == "__main__":
    main()
