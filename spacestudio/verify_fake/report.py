"""The outcome of a verification, for people (text) and for machines (JSON)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacestudio.verify_fake.compare import Tolerance
from spacestudio.verify_fake.replay import Outcome


@dataclass
class Verification:
    """A cassette replayed against a fake: every interaction's outcome, and the settings."""

    cassette: Path
    server: str  # the fake's URL
    started: bool  # whether the fake was started for the check
    tolerance: Tolerance
    per_server: Sequence[str]
    identifiers: Sequence[str]
    outcomes: list[Outcome]

    @property
    def compared(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.skipped is None]

    @property
    def differing(self) -> list[Outcome]:
        return [outcome for outcome in self.compared if not outcome.agrees]

    @property
    def agrees(self) -> bool:
        return not self.differing

    def summary(self) -> dict[str, int]:
        return {
            "interactions": len(self.outcomes),
            "compared": len(self.compared),
            "agree": len(self.compared) - len(self.differing),
            "differ": len(self.differing),
            "skipped": len(self.outcomes) - len(self.compared),
            "differences": sum(outcome.counted for outcome in self.outcomes),
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "cassette": str(self.cassette),
            "server": self.server,
            "serverStarted": self.started,
            "agrees": self.agrees,
            "tolerance": {
                "relative": self.tolerance.relative,
                "absolute": self.tolerance.absolute,
            },
            "perServer": list(self.per_server),
            "identifiers": list(self.identifiers),
            "summary": self.summary(),
            "interactions": [_outcome_json(outcome) for outcome in self.outcomes],
        }

    def as_text(self, *, every_interaction: bool = False) -> str:
        where = "a fake server started for the check" if self.started else "the fake server"
        lines = [f"Verifying {self.cassette} against {where} at {self.server}", ""]
        for outcome in self.outcomes:
            if not every_interaction and outcome.agrees:
                continue
            lines += _outcome_lines(outcome)
        counts = self.summary()
        if every_interaction or self.differing:
            lines.append("")
        verdict = "the fake agrees" if self.agrees else "the fake differs"
        lines.append(
            f"{verdict}: {counts['compared']} interactions compared, {counts['agree']} agree, "
            f"{counts['differ']} differ ({counts['differences']} differences)"
            + (f", {counts['skipped']} skipped" if counts["skipped"] else "")
            + f"; numbers within {self.tolerance.describe()}"
        )
        return "\n".join(lines)


def _head(outcome: Outcome) -> str:
    answered = "no answer" if outcome.fake_status is None else str(outcome.fake_status)
    if outcome.skipped is not None:
        answered = "not sent"
    return (
        f"#{outcome.index} {outcome.method} {outcome.path}  "
        f"(recorded {outcome.recorded_status}, fake {answered})"
    )


def _outcome_lines(outcome: Outcome) -> list[str]:
    lines = [_head(outcome)]
    if outcome.skipped is not None:
        lines.append(f"    skipped: {outcome.skipped}")
        return lines
    if outcome.note:
        lines.append(f"    ({outcome.note})")
    width = max((len(difference.path) for difference in outcome.differences), default=0)
    for difference in outcome.differences:
        lines.append(
            f"    {difference.path.ljust(width)}  {difference.kind.value}: {difference.message}"
        )
    hidden = outcome.counted - len(outcome.differences)
    if hidden > 0:
        lines.append(f"    … and {hidden} more (--max-differences)")
    if outcome.agrees:
        lines.append("    agrees")
    return lines


def _outcome_json(outcome: Outcome) -> dict[str, Any]:
    return {
        "index": outcome.index,
        "method": outcome.method,
        "path": outcome.path,
        "recordedStatus": outcome.recorded_status,
        "fakeStatus": outcome.fake_status,
        "outcome": "skipped"
        if outcome.skipped is not None
        else ("agrees" if outcome.agrees else "differs"),
        "skipped": outcome.skipped,
        "note": outcome.note,
        "differenceCount": outcome.counted,
        "differences": [difference.as_json() for difference in outcome.differences],
    }
