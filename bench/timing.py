"""What every benchmark shares: run profiles, timing, ratios against goals, the printed table.

Figures are ratios of two measurements taken in the same run, so a slow or busy machine
moves both sides alike. A measurement warms up, then repeats, and keeps the median of its
samples (the minimum for micro-benchmarks, where noise only ever adds time); the table
says which.
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

T = TypeVar("T")

Statistic = Literal["median", "min"]


@dataclass(frozen=True)
class Profile:
    """How hard a run works: ``full`` for the figures, ``quick`` to look, ``smoke`` to test."""

    name: str
    #: Timed samples per measurement.
    repeats: int
    #: Untimed runs before the samples (imports, caches, connection pools).
    warmups: int

    def pick(self, full: T, quick: T, smoke: T) -> T:
        """The value of a size parameter for this profile."""
        return {"full": full, "quick": quick, "smoke": smoke}[self.name]


FULL = Profile("full", repeats=5, warmups=1)
QUICK = Profile("quick", repeats=3, warmups=1)
SMOKE = Profile("smoke", repeats=1, warmups=0)


@dataclass(frozen=True)
class Measurement:
    """Samples of one quantity: seconds per run, or a rate in events per second."""

    label: str
    samples: tuple[float, ...]
    statistic: Statistic = "median"
    unit: Literal["s", "/s"] = "s"
    #: A remark shown beside the figure (sizes, counts).
    detail: str = ""

    @property
    def value(self) -> float:
        if self.statistic == "min":
            return min(self.samples)
        return median(self.samples)

    def formatted(self) -> str:
        if self.unit == "/s":
            return f"{self.value:,.0f} /s"
        return format_seconds(self.value)

    def describe_statistic(self) -> str:
        count = len(self.samples)
        if count == 1:
            return "1 run"
        return f"{self.statistic} of {count}"


@dataclass(frozen=True)
class Goal:
    """What a ratio must reach: ``at least`` or ``at most`` a bound."""

    bound: float
    at_most: bool
    suffix: str = "×"

    def met_by(self, ratio: float) -> bool:
        return ratio <= self.bound if self.at_most else ratio >= self.bound

    def __str__(self) -> str:
        return f"{'≤' if self.at_most else '≥'} {format_number(self.bound)}{self.suffix}"


def at_least(bound: float, suffix: str = "×") -> Goal:
    return Goal(bound, at_most=False, suffix=suffix)


def at_most(bound: float, suffix: str = "×") -> Goal:
    return Goal(bound, at_most=True, suffix=suffix)


@dataclass(frozen=True)
class Ratio:
    """One figure of merit: a ratio (or exponent) and, when it has one, its goal."""

    label: str
    value: float
    goal: Goal | None = None
    suffix: str = "×"

    @property
    def verdict(self) -> str:
        if self.goal is None:
            return "info"
        return "PASS" if self.goal.met_by(self.value) else "MISS"

    def formatted(self) -> str:
        return f"{format_number(self.value)}{self.suffix}"


@dataclass
class Report:
    """What one benchmark prints: its measurements, its ratios with goals, and notes."""

    title: str
    measurements: list[Measurement] = field(default_factory=list)
    ratios: list[Ratio] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def missed(self) -> list[Ratio]:
        return [ratio for ratio in self.ratios if ratio.verdict == "MISS"]

    def render(self) -> str:
        lines = [self.title, "=" * len(self.title)]
        if self.measurements:
            rows = [
                (item.label, item.formatted(), item.describe_statistic(), item.detail)
                for item in self.measurements
            ]
            lines += _table(("measured", "value", "statistic", "detail"), rows)
            lines.append("")
        if self.ratios:
            rows = [
                (r.label, r.formatted(), str(r.goal) if r.goal else "—", r.verdict)
                for r in self.ratios
            ]
            lines += _table(("ratio", "value", "goal", "verdict"), rows)
        for note in self.notes:
            lines.append(f"  note: {note}")
        return "\n".join(lines)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        padded = (cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
        return ("  " + "  ".join(padded)).rstrip()

    return [line(header), "  " + "  ".join("-" * width for width in widths), *map(line, rows)]


def median(samples: Sequence[float]) -> float:
    ordered = sorted(samples)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def format_seconds(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def format_number(value: float) -> str:
    if value == 0 or not math.isfinite(value):
        return str(value)
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def time_once(action: Callable[[], object]) -> float:
    """Seconds one call of ``action`` takes.

    Garbage from earlier runs is collected first; the collector stays on while it runs,
    because the collections a workload triggers are part of what its user waits for.
    """
    gc.collect()
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def measure(
    label: str,
    action: Callable[[], object],
    profile: Profile,
    *,
    statistic: Statistic = "median",
    repeats: int | None = None,
    warmups: int | None = None,
    before: Callable[[], object] | None = None,
    detail: str = "",
) -> Measurement:
    """Warm up, then time ``action`` ``repeats`` times (defaults: the profile's counts).

    ``before`` runs, untimed, before each run (to reset what a run changed).
    """

    def prepared() -> None:
        if before is not None:
            before()

    for _ in range(profile.warmups if warmups is None else warmups):
        prepared()
        action()
    samples = []
    for _ in range(max(1, repeats if repeats is not None else profile.repeats)):
        prepared()
        samples.append(time_once(action))
    return Measurement(label, tuple(samples), statistic, "s", detail)


def measure_side_by_side(
    actions: Sequence[tuple[str, Callable[[], object]]],
    profile: Profile,
    *,
    statistic: Statistic = "median",
    repeats: int | None = None,
) -> list[Measurement]:
    """Time several actions in turns (A, B, A, B …) rather than one after the other.

    For the two sides of a ratio: whatever else loads the machine meanwhile weighs on
    both alike, so the ratio stays steady even when the times do not.
    """
    for _ in range(profile.warmups):
        for _, action in actions:
            action()
    samples: list[list[float]] = [[] for _ in actions]
    for _ in range(max(1, repeats if repeats is not None else profile.repeats)):
        for index, (_, action) in enumerate(actions):
            samples[index].append(time_once(action))
    return [
        Measurement(label, tuple(taken), statistic, "s")
        for (label, _), taken in zip(actions, samples, strict=True)
    ]


def measure_rates(
    windows: Sequence[tuple[str, Callable[[], tuple[int, float]]]],
    profile: Profile,
    *,
    repeats: int | None = None,
) -> list[Measurement]:
    """Rates from timed windows, taken in turns like :func:`measure_side_by_side`; each
    window returns (events, seconds)."""
    for _ in range(profile.warmups):
        for _, window in windows:
            window()
    samples: list[list[float]] = [[] for _ in windows]
    for _ in range(max(1, repeats if repeats is not None else profile.repeats)):
        for index, (_, window) in enumerate(windows):
            events, seconds = window()
            samples[index].append(events / seconds)
    return [
        Measurement(label, tuple(taken), "median", "/s")
        for (label, _), taken in zip(windows, samples, strict=True)
    ]


def fit_exponent(sizes: Sequence[float], times: Sequence[float]) -> float:
    """The exponent k of ``time ≈ c · size^k``, by least squares on the logarithms."""
    if len(sizes) != len(times) or len(sizes) < 2:
        raise ValueError("fitting an exponent needs at least two (size, time) pairs")
    xs = [math.log(size) for size in sizes]
    ys = [math.log(value) for value in times]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        raise ValueError("fitting an exponent needs at least two different sizes")
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
