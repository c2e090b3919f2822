"""Comparing a fake answer with a recorded one, field by field.

Differences are named by JSON path (:mod:`~spacestudio.verify_fake.paths`) and are of
these kinds: the status code, a field missing from the fake's answer or extra in it,
another JSON type, another list length, a value beyond the tolerance (numbers: relative
*or* absolute tolerance, as :func:`math.isclose`; strings, booleans exactly), and an id
that refers to another object than before. Per-server places (ids, tokens, dates …) are
compared by shape only: present, of the same JSON type, ids consistently paired.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any

from spacestudio.cassettes.messages import is_json_content
from spacestudio.cassettes.placeholders import is_placeholder_token
from spacestudio.verify_fake.identities import IDENTITY_PLACEHOLDERS, IdentityMap, is_server_id
from spacestudio.verify_fake.paths import JsonPath, PathPattern, render
from spacestudio_contract.json_types import json_type

#: Longest rendering of a value in a difference's message.
_BRIEF_LENGTH = 60


@dataclass(frozen=True)
class Tolerance:
    """How far apart two numbers may be and still agree: within ``relative`` of the
    larger one, or within ``absolute``."""

    relative: float = 0.01
    absolute: float = 1e-9

    def agrees(self, recorded: float, fake: float) -> bool:
        return math.isclose(recorded, fake, rel_tol=self.relative, abs_tol=self.absolute)

    def describe(self) -> str:
        return f"{self.relative * 100:g} % or {self.absolute:g}"


class Kind(StrEnum):
    """What differs."""

    STATUS = "status"
    MISSING = "missing"
    EXTRA = "extra"
    TYPE = "type"
    LENGTH = "length"
    VALUE = "value"
    REFERENCE = "reference"
    UNFINISHED = "unfinished"


@dataclass(frozen=True)
class Difference:
    """One place where the fake's answer is not the recorded one."""

    path: str
    kind: Kind
    message: str
    recorded: Any = None
    fake: Any = None

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind.value,
            "message": self.message,
            "recorded": self.recorded,
            "fake": self.fake,
        }


def brief(value: Any, length: int = _BRIEF_LENGTH) -> str:
    """A short rendering (at most ``length`` characters) of a JSON value for a message."""
    if isinstance(value, dict):
        return f"an object of {len(value)} field{'s' if len(value) != 1 else ''}"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= length else text[: length - 1] + "…"


def _leaf(value: Any) -> Any:
    """``value`` itself when it is small, else its brief rendering (kept in reports)."""
    if isinstance(value, dict | list):
        return brief(value)
    if isinstance(value, str) and len(value) > 200:
        return value[:199] + "…"
    return value


#: Fields that hold an angle (rad) defined modulo 2 pi: 0.1 and 0.1 + 2 pi are one angle.
PERIODIC_FIELDS = frozenset(
    {
        "raan",
        "perigeeArgument",
        "anomaly",
        "meanAnomaly",
        "trueAnomaly",
        "argumentOfLatitude",
        "longitude",
        "firstPlaneInitialRaan",
        "minInitialRaan",
        "maxInitialRaan",
    }
)
#: Ephemeris columns (named by the answer's ``fieldIndexes``) that are angles modulo 2 pi;
#: the relative RAAN is unwrapped on purpose, so a whole turn there is a real difference.
PERIODIC_COLUMNS = frozenset(
    {
        "LONGITUDE",
        "EQUINOCTIAL_LM",
        "KEPLERIAN_RAAN",
        "KEPLERIAN_PERIGEE_ARGUMENT",
        "KEPLERIAN_MEAN_ANOMALY",
        "KEPLERIAN_TRUE_ANOMALY",
        "ARGUMENT_OF_LATITUDE",
        "REFERENCE_RAAN",
        "SUN_RIGHT_ASCENSION",
    }
)
_TURN = 2.0 * math.pi


def _turn_difference(recorded: float, fake: float) -> float:
    """``fake - recorded`` brought into [-pi, pi): how far apart two angles are."""
    return (fake - recorded + math.pi) % _TURN - math.pi


#: Python types of JSON numbers (``bool`` is not one, though a subclass of ``int``).
_NUMBER_TYPES = (int, float)


class _Mode(Enum):
    VALUE = 0  # compare values
    SHAPE = 1  # per-server: shape only
    IDENTIFIER = 2  # per-server, and learned into the identity map


@dataclass
class Body:
    """An answer's body as the comparison sees it: JSON, CSV rows, text or bytes."""

    kind: str  # "empty", "JSON", "CSV", "text" or "binary"
    content: Any = None

    @classmethod
    def decode(cls, data: bytes, content_type: str | None) -> Body:
        media = (content_type or "").split(";", 1)[0].strip().lower()
        if not data.strip():
            return cls("empty")
        if is_json_content(media) or data.lstrip()[:1] in (b"{", b"["):
            try:
                return cls("JSON", json.loads(data))
            except ValueError:
                pass
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return cls("binary", data)
        if media == "text/csv":
            return cls(
                "CSV", [[_cell(cell) for cell in row] for row in csv.reader(io.StringIO(text))]
            )
        return cls("text", text)


def _cell(text: str) -> Any:
    try:
        number = float(text)
    except ValueError:
        return text
    return number if math.isfinite(number) else text


@dataclass
class Comparison:
    """Compares answers under one tolerance, one list of per-server places, one identity map.

    ``limit`` bounds the differences kept per answer (``counted`` has them all).
    """

    tolerance: Tolerance
    per_server: Sequence[PathPattern]
    identifiers: Sequence[PathPattern]
    identities: IdentityMap
    limit: int = 20
    differences: list[Difference] = field(default_factory=list)
    counted: int = 0
    #: The fake's origin, written back as the recording's in strings (URLs in answers).
    fake_origin: str = ""
    recorded_origin: str = ""
    _alike: bool = False
    #: Indexes of the periodic columns of the ephemerides being walked (from ``fieldIndexes``).
    _periodic_columns: frozenset[int] = frozenset()

    def start(self) -> None:
        self.differences = []
        self.counted = 0

    def add(self, difference: Difference) -> None:
        self.counted += 1
        if len(self.differences) < self.limit:
            self.differences.append(difference)

    def bodies(self, recorded: Body, fake: Body, *, shape_only: Sequence[JsonPath] = ()) -> None:
        """Compare two bodies; ``shape_only`` names places compared by shape whatever
        the patterns say (a progress value, the status a compute request answers)."""
        if recorded.kind != fake.kind:
            self.add(
                Difference(
                    "$",
                    Kind.TYPE,
                    f"the recorded body is {_kind_phrase(recorded)}, the fake's "
                    f"{_kind_phrase(fake)}",
                    recorded.kind,
                    fake.kind,
                )
            )
            return
        if recorded.kind in ("JSON", "CSV"):
            places = frozenset(shape_only)
            self._alike = self._items_alike(places)
            mode = self._mode((), _Mode.VALUE, places)
            self._walk(recorded.content, fake.content, (), mode, places)
        elif recorded.kind == "text":
            fake_text = self._to_recorded(fake.content)
            if fake_text != recorded.content:
                self.add(
                    Difference(
                        "$",
                        Kind.VALUE,
                        f"the text differs: recorded {brief(recorded.content)}, "
                        f"fake {brief(fake_text)}",
                        _leaf(recorded.content),
                        _leaf(fake_text),
                    )
                )
        elif recorded.kind == "binary" and recorded.content != fake.content:
            self.add(
                Difference(
                    "$",
                    Kind.VALUE,
                    f"the bytes differ ({len(recorded.content)} recorded, "
                    f"{len(fake.content)} from the fake)",
                )
            )

    def _mode(self, path: JsonPath, parent: _Mode, shape_only: frozenset[JsonPath]) -> _Mode:
        """How the place ``path`` is compared, under a parent compared as ``parent``."""
        if shape_only and path in shape_only:
            return _Mode.SHAPE
        if parent is not _Mode.VALUE:
            return parent
        if any(pattern.matches(path) for pattern in self.identifiers):
            return _Mode.IDENTIFIER
        if any(pattern.matches(path) for pattern in self.per_server):
            return _Mode.SHAPE
        return _Mode.VALUE

    def _items_alike(self, shape_only: frozenset[JsonPath]) -> bool:
        """Whether every item of a list is compared as its first is (no pattern names an
        index): then a list of numbers is compared without a call per number."""
        return not any(
            pattern.names_an_index for pattern in (*self.identifiers, *self.per_server)
        ) and not any(isinstance(step, int) for place in shape_only for step in place)

    def _walk(
        self,
        recorded: Any,
        fake: Any,
        path: JsonPath,
        mode: _Mode,
        shape_only: frozenset[JsonPath],
    ) -> None:
        recorded_type, fake_type = json_type(recorded), json_type(fake)
        if recorded_type != fake_type:
            self.add(
                Difference(
                    render(path),
                    Kind.TYPE,
                    f"recorded {recorded_type} {brief(recorded)}, fake {fake_type} {brief(fake)}",
                    _leaf(recorded),
                    _leaf(fake),
                )
            )
            return
        if recorded_type == "object":
            self._walk_object(recorded, fake, path, mode, shape_only)
        elif recorded_type == "array":
            self._walk_array(recorded, fake, path, mode, shape_only)
        elif recorded_type == "string":
            self._compare_strings(recorded, fake, path, mode)
        elif mode is _Mode.VALUE and recorded_type == "number":
            if not self._numbers_agree(recorded, fake, self._is_periodic(path)):
                self._add_number(recorded, fake, path)
        elif mode is _Mode.VALUE and recorded != fake:
            self.add(
                Difference(
                    render(path),
                    Kind.VALUE,
                    f"recorded {recorded!r}, fake {fake!r}",
                    recorded,
                    fake,
                )
            )

    def _numbers_agree(self, recorded: float, fake: float, periodic: bool) -> bool:
        if recorded == fake or self.tolerance.agrees(recorded, fake):
            return True
        # An angle compares as the nearest of its turns to the recorded one.
        return periodic and self.tolerance.agrees(
            recorded, recorded + _turn_difference(recorded, fake)
        )

    def _is_periodic(self, path: JsonPath) -> bool:
        if not path:
            return False
        last = path[-1]
        if isinstance(last, str):
            return last in PERIODIC_FIELDS
        return len(path) >= 3 and path[-3] == "ephemerides" and last in self._periodic_columns

    def _add_number(self, recorded: float, fake: float, path: JsonPath) -> None:
        if len(self.differences) >= self.limit:  # counted, not described: results are long
            self.counted += 1
            return
        self.add(
            Difference(
                render(path),
                Kind.VALUE,
                f"recorded {recorded!r}, fake {fake!r} ({_apart(recorded, fake)}; "
                f"tolerance {self.tolerance.describe()})",
                recorded,
                fake,
            )
        )

    def _walk_array(
        self,
        recorded: list[Any],
        fake: list[Any],
        path: JsonPath,
        mode: _Mode,
        shape_only: frozenset[JsonPath],
    ) -> None:
        if len(recorded) != len(fake):
            self.add(
                Difference(
                    render(path),
                    Kind.LENGTH,
                    f"recorded a list of {len(recorded)}, the fake a list of {len(fake)}",
                    len(recorded),
                    len(fake),
                )
            )
        if not recorded or not fake:
            return
        if not self._alike:
            for index, (recorded_item, fake_item) in enumerate(zip(recorded, fake, strict=False)):
                item_path = (*path, index)
                item_mode = self._mode(item_path, mode, shape_only)
                self._walk(recorded_item, fake_item, item_path, item_mode, shape_only)
            return
        # Results hold long lists of numbers (ephemerides: rows of tens of columns).
        item_mode = self._mode((*path, 0), mode, shape_only)
        compare_numbers = item_mode is _Mode.VALUE
        relative, absolute = self.tolerance.relative, self.tolerance.absolute
        periodic = (
            self._periodic_columns
            if len(path) >= 2 and path[-2] == "ephemerides"
            else frozenset[int]()
        )
        for index, (recorded_item, fake_item) in enumerate(zip(recorded, fake, strict=False)):
            if type(recorded_item) in _NUMBER_TYPES and type(fake_item) in _NUMBER_TYPES:
                if (
                    compare_numbers
                    and not (
                        recorded_item == fake_item
                        or math.isclose(
                            recorded_item, fake_item, rel_tol=relative, abs_tol=absolute
                        )
                    )
                    and not self._numbers_agree(recorded_item, fake_item, index in periodic)
                ):
                    self._add_number(recorded_item, fake_item, (*path, index))
                continue
            self._walk(recorded_item, fake_item, (*path, index), item_mode, shape_only)

    def _walk_object(
        self,
        recorded: dict[str, Any],
        fake: dict[str, Any],
        path: JsonPath,
        mode: _Mode,
        shape_only: frozenset[JsonPath],
    ) -> None:
        columns = recorded.get("fieldIndexes")
        outer_columns = self._periodic_columns
        if isinstance(columns, dict):
            self._periodic_columns = frozenset(
                index
                for name, index in columns.items()
                if name in PERIODIC_COLUMNS and isinstance(index, int)
            )
        try:
            self._walk_fields(recorded, fake, path, mode, shape_only)
        finally:
            self._periodic_columns = outer_columns

    def _walk_fields(
        self,
        recorded: dict[str, Any],
        fake: dict[str, Any],
        path: JsonPath,
        mode: _Mode,
        shape_only: frozenset[JsonPath],
    ) -> None:
        for key, recorded_item in recorded.items():
            if key in fake:
                item_path = (*path, key)
                item_mode = self._mode(item_path, mode, shape_only)
                self._walk(recorded_item, fake[key], item_path, item_mode, shape_only)
            else:
                self.add(
                    Difference(
                        render((*path, key)),
                        Kind.MISSING,
                        f"recorded {brief(recorded_item)}; the fake's answer has no such field",
                        recorded=_leaf(recorded_item),
                    )
                )
        for key, fake_item in fake.items():
            if key not in recorded:
                self.add(
                    Difference(
                        render((*path, key)),
                        Kind.EXTRA,
                        f"the fake answers {brief(fake_item)}; the recording has no such field",
                        fake=_leaf(fake_item),
                    )
                )

    def _compare_strings(self, recorded: str, fake: str, path: JsonPath, mode: _Mode) -> None:
        if recorded in IDENTITY_PLACEHOLDERS:
            return  # the recording account's scrubbed identity; the fake's account has its own
        if mode is _Mode.IDENTIFIER or is_placeholder_token(recorded) or is_server_id(recorded):
            # Learned even under an ignored place: later requests may carry it back.
            conflict = self.identities.pair(recorded, fake)
            if conflict is not None and mode is not _Mode.SHAPE:
                self.add(Difference(render(path), Kind.REFERENCE, conflict, recorded, fake))
            return
        if mode is _Mode.SHAPE:
            return
        fake_text = self._to_recorded(fake)
        if fake_text != recorded:
            self.add(
                Difference(
                    render(path),
                    Kind.VALUE,
                    f"recorded {brief(recorded)}, fake {brief(fake_text)}",
                    _leaf(recorded),
                    _leaf(fake_text),
                )
            )

    def _to_recorded(self, text: str) -> str:
        if self.fake_origin and self.fake_origin in text:
            text = text.replace(self.fake_origin, self.recorded_origin)
        return self.identities.to_recorded(text)


def _apart(recorded: float, fake: float) -> str:
    scale = max(abs(recorded), abs(fake))
    if scale == 0:
        return "0 apart"
    return f"{abs(recorded - fake) / scale * 100:.3g} % apart"


def _kind_phrase(body: Body) -> str:
    return (
        "empty"
        if body.kind == "empty"
        else f"{body.kind}" + (" text" if body.kind == "CSV" else "")
    )
