"""Other services' cassettes: what kind a cassette file is, and plain vcrpy ones in use.

A test that does not talk to the spacestudio service keeps vcrpy's own cassette, recorded
and replayed as pytest-recording does (its record modes, ``rewrite`` included, and its
extra cassettes), with vcrpy's settings untouched: no scrubbing, no spacestudio matching.
Which kind a file is comes from its first lines: a spacestudio cassette starts with
``format: spacestudio-cassette/…``, a plain vcrpy one has ``interactions:`` and
``version: 1`` at its top level.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

from spacestudio.cassettes.vcr_seam import VCR, CassetteNotFoundError, FilesystemPersister

CassetteKind = Literal["spacestudio", "vcrpy", "other"]
#: How much of a file is read to tell its kind: the comment lines and the format line.
_HEAD_BYTES = 4096


def cassette_kind(path: Path | str) -> CassetteKind | None:
    """What the file at ``path`` is: a spacestudio cassette, a plain vcrpy one, something
    else, or None when there is no file (or an empty one) to tell by."""
    try:
        with open(path, "rb") as file:
            head = file.read(_HEAD_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return None
    top_level = [
        line
        for line in head.splitlines()
        if line.strip() and not line.startswith(("#", " ", "-", "\t"))
    ]
    if not top_level:
        return None
    if top_level[0].startswith("format: spacestudio-cassette/"):
        return "spacestudio"
    if any(line.startswith(("interactions:", "version:")) for line in top_level):
        return "vcrpy"
    return "other"


class _WithExtraCassettes:
    """vcrpy's filesystem persister, also loading extra cassettes, saving only the first
    (pytest-recording's ``@pytest.mark.vcr("extra.yaml")``)."""

    def __init__(self, extra_paths: Sequence[str]) -> None:
        self.extra_paths = list(extra_paths)

    def load_cassette(self, cassette_path: str, serializer: Any) -> tuple[list[Any], list[Any]]:
        requests: list[Any] = []
        responses: list[Any] = []
        for path in dict.fromkeys([cassette_path, *self.extra_paths]):
            try:
                loaded_requests, loaded_responses = FilesystemPersister.load_cassette(
                    path, serializer
                )
            except CassetteNotFoundError:
                continue
            requests += loaded_requests
            responses += loaded_responses
        if not requests:
            raise CassetteNotFoundError()
        return requests, responses

    @staticmethod
    def save_cassette(cassette_path: str, cassette_dict: Any, serializer: Any) -> None:
        FilesystemPersister.save_cassette(cassette_path, cassette_dict, serializer)


def use_plain_cassette(
    name: str,
    directory: str,
    record_mode: str,
    config: dict[str, Any],
    extra_paths: Sequence[str] = (),
    configure: Callable[[Any], None] | None = None,
) -> Any:
    """vcrpy's ``use_cassette`` context for ``directory/name``, as pytest-recording builds it.

    ``config`` holds the ``vcr_config`` and marker settings (its ``record_mode`` wins over
    ``record_mode``); ``rewrite`` removes the old file and records anew; ``configure`` is
    given the ``VCR`` before use (pytest-recording's ``pytest_recording_configure``).
    """
    settings = dict(config)
    mode = str(settings.pop("record_mode", None) or record_mode)
    suffix = f".{settings['serializer']}" if "serializer" in settings else ".yaml"
    path_transformer = VCR.ensure_suffix(suffix)
    if mode == "rewrite":
        with_suffix = path_transformer(os.path.join(directory, name))
        Path(with_suffix).unlink(missing_ok=True)
        mode = "new_episodes"  # vcrpy has no rewrite: a missing file recorded in full
    vcr = VCR(path_transformer=path_transformer, cassette_library_dir=directory, record_mode=mode)
    vcr.register_persister(
        _WithExtraCassettes(
            [path if os.path.isabs(path) else os.path.join(directory, path) for path in extra_paths]
        )
    )
    if configure is not None:
        configure(vcr)
    return vcr.use_cassette(name, **settings)
