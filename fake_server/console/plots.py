"""Plots of a computation's ephemerides as inline SVG, drawn on the server: altitude,
mass, RAAN and thrust duty cycle (the share of each day spent thrusting) over time, the
figures a mission engineer looks at."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

#: Points a plot keeps: the ephemerides are averaged over this many slices of time.
PLOT_POINTS = 240
_WIDTH, _HEIGHT = 460, 200
_LEFT, _RIGHT, _TOP, _BOTTOM = 60, 10, 24, 30
DAY = 86400.0


@dataclass(frozen=True)
class Series:
    """One plotted quantity: its title, unit, and how to read it from a row."""

    title: str
    unit: str
    columns: tuple[str, ...]  # the columns it needs, all present in the ephemerides
    value: Callable[[Sequence[float]], float]  # from those columns' values, in order
    #: Averaged over this many days around each row: a 0/1 flag reads as a duty cycle.
    window_days: float = 0.0


SERIES: tuple[Series, ...] = (
    Series("Mean altitude", "km", ("MEAN_ALTITUDE",), lambda v: v[0] / 1000.0),
    Series("Total mass", "kg", ("TOTAL_MASS",), lambda v: v[0]),
    Series("RAAN", "deg", ("KEPLERIAN_RAAN",), lambda v: math.degrees(v[0])),
    # The share of each day spent thrusting: the daily mean of a 0/1 flag.
    Series("Thrust duty cycle", "%", ("THRUST_ON",), lambda v: 100.0 * v[0], 1.0),
)
TIME_COLUMN = "ELAPSED_TIME"


def ephemerides_plots(results: dict[str, Any]) -> list[str]:
    """An SVG plot of each series of :data:`SERIES` the results' ephemerides hold."""
    rows = results.get("ephemerides")
    indexes = results.get("fieldIndexes")
    if not isinstance(rows, list) or not rows or not isinstance(indexes, dict):
        return []
    if TIME_COLUMN not in indexes:
        return []
    plots = []
    for series in SERIES:
        if not all(column in indexes for column in series.columns):
            continue
        at = [indexes[column] for column in series.columns]
        points = [
            (row[indexes[TIME_COLUMN]] / DAY, series.value([row[i] for i in at])) for row in rows
        ]
        if series.window_days and len(points) > 1:
            step = (points[-1][0] - points[0][0]) / (len(points) - 1) or 1.0  # days a row
            points = moving_mean(points, max(1, round(series.window_days / step)))
        plots.append(line_plot(series.title, series.unit, binned(points, PLOT_POINTS)))
    return plots


def moving_mean(points: list[tuple[float, float]], window: int) -> list[tuple[float, float]]:
    """Each point's y averaged with the ``window`` points centred on it (fewer at the ends)."""
    sums = [0.0]
    for _, y in points:
        sums.append(sums[-1] + y)
    half = window // 2
    averaged = []
    for index, (x, _) in enumerate(points):
        low, high = max(0, index - half), min(len(points), index + half + 1)
        averaged.append((x, (sums[high] - sums[low]) / (high - low)))
    return averaged


def binned(points: list[tuple[float, float]], count: int) -> list[tuple[float, float]]:
    """``points`` averaged over ``count`` equal slices of x (empty slices left out)."""
    if len(points) <= count:
        return points
    start, end = points[0][0], points[-1][0]
    span = (end - start) or 1.0
    sums = [[0.0, 0.0, 0] for _ in range(count)]
    for x, y in points:
        slot = sums[min(int((x - start) / span * count), count - 1)]
        slot[0] += x
        slot[1] += y
        slot[2] += 1
    return [(sx / n, sy / n) for sx, sy, n in sums if n]


def line_plot(title: str, unit: str, points: list[tuple[float, float]]) -> str:
    """A line plot of ``points`` (x in days) with its axes' ranges written at the ends."""
    xs = [x for x, _ in points]
    ys = [y for _, y in points if math.isfinite(y)]
    if not ys:
        return ""
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    if y1 - y0 < 1e-9 * max(1.0, abs(y1)):
        y0, y1 = y0 - 1.0, y1 + 1.0
    width = _WIDTH - _LEFT - _RIGHT
    height = _HEIGHT - _TOP - _BOTTOM

    def place(x: float, y: float) -> str:
        px = _LEFT + (x - x0) / ((x1 - x0) or 1.0) * width
        py = _TOP + (1.0 - (y - y0) / (y1 - y0)) * height
        return f"{px:.1f},{py:.1f}"

    line = " ".join(place(x, y) for x, y in points if math.isfinite(y))
    label = escape(f"{title} ({unit})")
    bottom = _TOP + height
    return (
        f'<svg class="plot" role="img" aria-label="{label} over days" '
        f'viewBox="0 0 {_WIDTH} {_HEIGHT}" width="{_WIDTH}" height="{_HEIGHT}" '
        'xmlns="http://www.w3.org/2000/svg">'
        f'<text x="{_LEFT}" y="15" font-size="13" font-weight="bold">{label}</text>'
        f'<rect x="{_LEFT}" y="{_TOP}" width="{width}" height="{height}" fill="none" '
        'stroke="#999"/>'
        f'<polyline points="{line}" fill="none" stroke="#1f5fa8" stroke-width="1.5"/>'
        f'<text x="{_LEFT - 4}" y="{_TOP + 10}" font-size="11" text-anchor="end">'
        f"{y1:.4g}</text>"
        f'<text x="{_LEFT - 4}" y="{bottom}" font-size="11" text-anchor="end">{y0:.4g}</text>'
        f'<text x="{_LEFT}" y="{bottom + 14}" font-size="11">{x0:.3g} d</text>'
        f'<text x="{_LEFT + width}" y="{bottom + 14}" font-size="11" text-anchor="end">'
        f"{x1:.3g} d</text>"
        "</svg>"
    )
