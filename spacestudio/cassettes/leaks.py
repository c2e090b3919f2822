"""The leak check: no known secret, in any encoding, reaches a cassette file.

The second line of defence behind the scrubber: every byte about to be written (the
cassette and each body file) is searched for every known secret in every form of
:func:`~spacestudio.cassettes.secrets.encoded_forms`, hex and base64 included, and, for
what is case-insensitive, in any case. One finding stops the whole write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from spacestudio.cassettes.errors import SecretLeakError
from spacestudio.cassettes.secrets import (
    CASE_INSENSITIVE_KINDS,
    KnownSecret,
    base64_cores,
    encoded_forms,
    searchable,
)

#: What a cassette's persister is given: the kinds of secret found in some bytes.
LeakCheck = Callable[[bytes], list[str]]


def leaked_kinds(secrets: Iterable[KnownSecret], data: bytes) -> list[str]:
    """The kinds of the ``secrets`` found in ``data``, in any encoding (base64 included)
    and, for what is case-insensitive, in any case."""
    found: list[str] = []
    folded_data: bytes | None = None
    for known in secrets:
        if not known.secret or not searchable(known.value):
            continue
        # Hex and base64 keep the case of what they encode: a server that lower-cases an
        # e-mail, then encodes it, writes bytes no form of the value as given matches.
        variants = (
            dict.fromkeys([known.value, known.value.lower(), known.value.upper()])
            if known.kind in CASE_INSENSITIVE_KINDS
            else [known.value]
        )
        forms = [form.encode("utf-8") for value in variants for form in encoded_forms(value)]
        cores = [core.encode("ascii") for value in variants for core in base64_cores(value)]
        if known.kind in CASE_INSENSITIVE_KINDS:
            if folded_data is None:
                folded_data = data.lower()
            present = any(form.lower() in folded_data for form in forms)
        else:
            present = any(form in data for form in forms)
        if present or any(core in data for core in cores):
            found.append(known.kind)
    return found


def refuse_leaks(
    path: Path, check: LeakCheck, cassette_text: str, body_files: Mapping[str, bytes]
) -> None:
    """Raise :class:`SecretLeakError` if ``check`` finds a secret in the cassette about to
    be written at ``path`` or in one of its body files (name → content)."""
    kinds: list[str] = []
    where: list[str] = []
    found = check(cassette_text.encode("utf-8"))
    if found:
        kinds += found
        where.append(f"in {path.name}")
    for name, data in sorted(body_files.items()):
        found = check(data)
        if found:
            kinds += found
            where.append(f"in {name}")
    if kinds:
        raise SecretLeakError(path, kinds, where)
