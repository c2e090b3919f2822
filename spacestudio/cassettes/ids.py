"""Server id numbering: the ids a server makes become numbered placeholders, and back.

UUIDs and 24-digit hex object ids become ``00000000-0000-4000-8000-000000000001`` and
``000000000000000000000001`` … in order of appearance, so re-recording an unchanged
session writes the same file. While recording, a request that names a placeholder id is
sent with the server's id again (:meth:`IdNumbering.real_ids`).
"""

from __future__ import annotations

import re

_UUID_PLACEHOLDER_PREFIX = "00000000-0000-4000-8000-"

# Ids are found on a translated copy of the text where each hex digit is "h", any other
# letter "w", "-" itself and everything else " ": then an id is a plain literal
# ("hhhhhhhh-hhhh-…" or 24 "h") that bytes.find locates at C speed, even in a 20 MB body.
# An id stands alone or after a separator ("ephemerides-<uuid>"), never inside a longer
# word, and a 24-digit object id holds at least one letter (long numbers are no ids).
_ID_CLASSES = bytearray(b" " * 256)
for _char in b"0123456789abcdefABCDEF":
    _ID_CLASSES[_char] = ord("h")
for _char in b"ghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ":
    _ID_CLASSES[_char] = ord("w")
_ID_CLASSES[ord("-")] = ord("-")
_ID_TABLE = bytes(_ID_CLASSES)
_UUID_SHAPE = b"hhhhhhhh-hhhh-hhhh-hhhh-hhhhhhhhhhhh"
_OBJECT_ID_SHAPE = b"h" * 24
_WORD = b"hw"


def id_spans(data: bytes) -> list[tuple[int, int]]:
    """Where the server-made ids (UUIDs, 24-hex object ids) are in ``data``, in order."""
    classes = data.translate(_ID_TABLE)
    spans = []
    for shape in (_UUID_SHAPE, _OBJECT_ID_SHAPE):
        start = classes.find(shape)
        while start != -1:
            end = start + len(shape)
            alone = (start == 0 or classes[start - 1] not in _WORD) and (
                end == len(classes) or classes[end] not in _WORD
            )
            if alone and (shape is _UUID_SHAPE or not data[start:end].isdigit()):
                spans.append((start, end))
                start = classes.find(shape, end)
            else:
                start = classes.find(shape, start + 1)
    return sorted(spans)


#: A placeholder id made here, wherever it stands in a text.
_PLACEHOLDER_ID = re.compile(
    rb"(?<![0-9A-Za-z])(?:" + re.escape(_UUID_PLACEHOLDER_PREFIX.encode()) + rb"[0-9]{12}"
    rb"|[0-9]{24})(?![0-9A-Za-z])"
)


def placeholder_ids_in(data: bytes) -> list[str]:
    """The placeholder ids in ``data``, in order."""
    return [match.group(0).decode("ascii") for match in _PLACEHOLDER_ID.finditer(data)]


def placeholder_id_number(value: str) -> int:
    """The number of a placeholder id (``…-000000000007`` is 7)."""
    return int(value.rsplit("-", 1)[-1])


def is_placeholder_id(value: str) -> bool:
    """Whether ``value`` is an id made here (so it is never renumbered)."""
    return value.startswith(_UUID_PLACEHOLDER_PREFIX) or (len(value) == 24 and value.isdigit())


class IdNumbering:
    """The server ids one cassette met, each with its numbered placeholder."""

    def __init__(self) -> None:
        self._placeholders: dict[str, str] = {}
        self._next = 1

    def reserve(self, highest: int) -> None:
        """Number the next ids above ``highest`` (a cassette's largest placeholder id), so
        that an id recorded now never takes the number of one recorded before."""
        self._next = max(self._next, highest + 1)

    def replace_in(self, data: bytes, *, assign: bool) -> bytes:
        """``data`` with each server id replaced by its placeholder (numbering new ones
        only with ``assign``)."""
        spans = id_spans(data)
        if not spans:
            return data
        pieces = []
        position = 0
        for start, end in spans:
            pieces.append(data[position:start])
            pieces.append(self.placeholder_of(data[start:end].decode("ascii"), assign).encode())
            position = end
        pieces.append(data[position:])
        return b"".join(pieces)

    def placeholder_of(self, value: str, assign: bool) -> str:
        """The numbered placeholder of a server-made id.

        Ids are numbered only where the server hands them out (responses); an id that a
        request carries first was made by the caller and is kept as it is.
        """
        known = self._placeholders.get(value)
        if known is not None:
            return known
        if is_placeholder_id(value) or not assign:
            return value
        number = self._next
        self._next += 1
        if "-" in value:
            placeholder = f"{_UUID_PLACEHOLDER_PREFIX}{number:012d}"
        else:
            placeholder = f"{number:024d}"
        self._placeholders[value] = placeholder
        return placeholder

    def real_ids(self, data: bytes) -> tuple[bytes, list[str]]:
        """``data`` with each placeholder id numbered here turned back into the server's
        id, and the placeholder ids not numbered here (ids no live answer gave)."""
        real_of = {placeholder: real for real, placeholder in self._placeholders.items()}
        unknown: list[str] = []

        def real(match: re.Match[bytes]) -> bytes:
            placeholder = match.group(0).decode("ascii")
            if placeholder in real_of:
                return real_of[placeholder].encode("ascii")
            unknown.append(placeholder)
            return match.group(0)

        return _PLACEHOLDER_ID.sub(real, data), unknown
