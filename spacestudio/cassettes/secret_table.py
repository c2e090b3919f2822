"""The secret table: the secrets one cassette met so far, replaced fast in text and bytes.

Every searchable secret, in each form of
:func:`~spacestudio.cassettes.secrets.encoded_replacements`, is compiled into literal
patterns, longest first, so one pass over a header or a 20 MB body replaces them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from spacestudio.cassettes.secrets import (
    CASE_INSENSITIVE_KINDS,
    WARNED_KINDS,
    KnownSecret,
    encoded_replacements,
    searchable,
)

_NOTHING = r"(?!x)x"


def _literal_pattern(alternatives: Iterable[str]) -> re.Pattern[str]:
    """One pattern of ``alternatives`` (regular expressions), or one that matches nothing."""
    source = "|".join(alternatives)
    return re.compile(source or _NOTHING)


def _literal_pattern_bytes(forms: Iterable[str], *, lower: bool = False) -> re.Pattern[bytes]:
    """A bytes pattern of the literal ``forms`` (as ``bytes.lower()`` makes them, with
    ``lower``), longest first: a secret inside a longer one never splits it."""
    encoded = [form.encode("utf-8") for form in forms]
    ordered = sorted({form.lower() if lower else form for form in encoded}, key=len, reverse=True)
    return re.compile(b"|".join(re.escape(form) for form in ordered) or _NOTHING.encode())


class SecretTable:
    """The secrets met so far, and fast replacement of them in text and bytes."""

    def __init__(self) -> None:
        self._secrets: dict[str, KnownSecret] = {}
        self._pattern: re.Pattern[str] | None = None
        self._pattern_bytes: re.Pattern[bytes] | None = None
        self._folded_bytes: re.Pattern[bytes] | None = None
        self._replacements: dict[str, str] = {}
        self._folded: dict[str, str] = {}
        # Each searched form's kind of secret, to tell which kinds were replaced.
        self._kinds: dict[str, str] = {}
        #: The kinds of secret replaced in free text so far.
        self.replaced: set[str] = set()
        #: Credentials too short to be searched for in free text: (kind, length).
        self.too_short: list[tuple[str, int]] = []

    def __iter__(self) -> Iterator[KnownSecret]:
        return iter(self._secrets.values())

    def __contains__(self, value: str) -> bool:
        return value in self._secrets

    def placeholder_of(self, value: str) -> str | None:
        known = self._secrets.get(value)
        return known.placeholder if known is not None else None

    def add(self, kind: str, value: str, placeholder: str, *, secret: bool = True) -> None:
        """Remember ``value`` (a ``kind``) and replace it with ``placeholder`` from now on."""
        if not value or value == placeholder or value in self._secrets:
            return
        self._secrets[value] = KnownSecret(kind, value, placeholder, secret)
        if searchable(value):
            self._pattern = self._pattern_bytes = self._folded_bytes = None
        elif kind in WARNED_KINDS:
            self.too_short.append((kind, len(value)))

    def _compile(self) -> None:
        replacements: dict[str, str] = {}
        # Forms matched in any case, keyed by their lower-case text.
        folded: dict[str, str] = {}
        kinds: dict[str, str] = {}
        for known in self._secrets.values():
            if not searchable(known.value):
                continue
            insensitive = known.kind in CASE_INSENSITIVE_KINDS
            for form, placeholder_form in encoded_replacements(
                known.value, known.placeholder
            ).items():
                if insensitive:
                    folded.setdefault(form.lower(), placeholder_form)
                    kinds.setdefault(form.lower(), known.kind)
                else:
                    replacements.setdefault(form, placeholder_form)
                    kinds.setdefault(form, known.kind)
        self._kinds = kinds
        self._replacements = replacements
        self._folded = folded
        # Text (short: headers, JSON strings) takes one pattern, case-insensitive where the
        # secret is. Bytes (bodies, up to tens of MB) take two plain literal patterns, the
        # second searched in a lower-cased copy: an inline (?i:…) group would cost a slow
        # path at every position of the body.
        alternatives = sorted(
            [(form, False) for form in replacements] + [(form, True) for form in folded],
            key=lambda item: len(item[0]),
            reverse=True,
        )
        self._pattern = _literal_pattern(
            f"(?i:{re.escape(form)})" if insensitive else re.escape(form)
            for form, insensitive in alternatives
        )
        self._pattern_bytes = _literal_pattern_bytes(replacements)
        self._folded_bytes = _literal_pattern_bytes(folded, lower=True)

    def _replacement(self, found: str) -> str:
        replacement = self._replacements.get(found)
        if replacement is not None:
            self.replaced.add(self._kinds[found])
            return replacement
        self.replaced.add(self._kinds[found.lower()])
        return self._folded[found.lower()]

    def substitute(self, text: str) -> str:
        """``text`` with every known secret, in any plain encoding, replaced."""
        if self._pattern is None:
            self._compile()
        assert self._pattern is not None
        return self._pattern.sub(lambda match: self._replacement(match.group(0)), text)

    def substitute_bytes(self, data: bytes) -> bytes:
        """``data`` (UTF-8 or binary) with every known secret replaced."""
        if self._pattern_bytes is None or self._folded_bytes is None:
            self._compile()
        assert self._pattern_bytes is not None and self._folded_bytes is not None
        data = self._pattern_bytes.sub(
            lambda match: self._replacement(match.group(0).decode("utf-8")).encode("utf-8"), data
        )
        # bytes.lower() changes ASCII letters only, so positions in the copy are positions
        # in ``data``.
        pieces: list[bytes] = []
        position = 0
        for match in self._folded_bytes.finditer(data.lower()):
            start, end = match.span()
            original = data[start:end].decode("utf-8", "replace")
            pieces += [data[position:start], self._replacement(original).encode("utf-8")]
            position = end
        if not pieces:
            return data
        pieces.append(data[position:])
        return b"".join(pieces)
