"""Explanations of a replay that cannot go on: a missing cassette, an unrecorded request.

They show the request as it was sent (scrubbed: an explanation never shows a secret),
the closest recorded request with each field that differs (for JSON bodies, the JSON
path and both values), and the command that records the cassette again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from spacestudio.cassettes.matching import MATCHERS
from spacestudio.cassettes.messages import body_bytes

#: Longest body shown for the refused request.
MAX_BODY_PREVIEW = 300


def request_line(request: Any) -> str:
    """``METHOD /path?query`` of a request (the host says nothing during a replay)."""
    parts = urlsplit(request.uri)
    target = parts.path or "/"
    if parts.query:
        target += f"?{parts.query}"
    return f"{request.method} {target}"


def _body_preview(request: Any) -> str | None:
    body = body_bytes(request)
    if not body:
        return None
    text = body.decode("utf-8", "replace")
    if len(text) > MAX_BODY_PREVIEW:
        text = f"{text[:MAX_BODY_PREVIEW]}… ({len(body)} bytes)"
    return text


@dataclass(frozen=True)
class _Candidate:
    index: int
    request: Any
    played: bool
    failures: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def score(self) -> tuple[int, int, bool, int]:
        differences = sum(len(lines) for _, lines in self.failures)
        # Fewest failed fields, then fewest differences, then not yet played, then first.
        return (len(self.failures), differences, self.played, self.index)


def _failures(sent: Any, recorded: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    failures = []
    for matcher in MATCHERS:
        try:
            matcher(sent, recorded)
        except AssertionError as difference:
            failures.append((matcher.__name__, tuple(str(difference).splitlines())))
    return tuple(failures)


def explain_missing_cassette(path: Path, record_hint: str, *, empty: bool = False) -> str:
    """Why a replay cannot start: the cassette does not exist, or is an empty file."""
    state = (
        "is an empty file (0 bytes: a recording that saved nothing, or a file created by hand)"
        if empty
        else "does not exist"
    )
    return "\n".join(
        [
            f"Cassette {path} {state}, so there is nothing to replay.",
            "Record it:",
            f"    {record_hint}",
        ]
    )


def explain_unrelated_host(path: Path, sent: Any, host: str) -> str:
    """Why a request to another host than the service's was not let through while
    recording (it would have gone into the cassette, or been missing from its replay)."""
    return "\n".join(
        [
            f"While recording {path}, the code sent a request to {host}, which is not the "
            "spacestudio service the settings name:",
            f"    {request_line(sent)}",
            "",
            "A cassette records the service alone. If the code needs that host, allow it "
            "(its requests then go to the network, recording or replaying, and are never "
            "recorded): use_cassette(..., allowed_hosts=[...]), pytest --allowed-hosts, or "
            '@pytest.mark.block_network(allowed_hosts=["..."]). A pytest test about that '
            "host alone gets vcrpy's own cassette when its module does not use spacestudio; "
            "spacestudio_vcr = false in the pytest ini leaves every vcr test to "
            "pytest-recording.",
        ]
    )


def explain_unknown_ids(path: Path, sent: Any, ids: Sequence[str], record_hint: str) -> str:
    """Why a request could not be sent to the backend in ``new_episodes``: it names
    objects that exist only in the cassette's replayed answers."""
    return "\n".join(
        [
            f"The cassette {path} does not hold this request, and it cannot be recorded now:",
            f"    {request_line(sent)}",
            "",
            f"It names {', '.join(ids)}, which the cassette's replayed answers made up: the "
            "backend never created those objects in this session, so it could not answer. "
            "--record-mode=new_episodes adds requests that stand on their own; record the "
            "whole session again instead:",
            f"    {record_hint}",
        ]
    )


def explain_unmatched_request(
    path: Path,
    sent: Any,
    recorded: Sequence[tuple[Any, bool]],
    record_hint: str,
) -> str:
    """Why ``sent`` (scrubbed) got no answer from the cassette at ``path``.

    ``recorded`` holds each recorded request with whether it was already replayed.
    """
    lines = [f"The cassette {path} holds no answer for this request:", f"    {request_line(sent)}"]
    preview = _body_preview(sent)
    if preview is not None:
        lines.append(f"    body: {preview}")
    candidates = [
        _Candidate(index, request, played, _failures(sent, request))
        for index, (request, played) in enumerate(recorded)
    ]
    total = len(candidates)
    identical = [candidate for candidate in candidates if not candidate.failures]
    lines.append("")
    if identical:
        lines.append(
            f"The cassette recorded this request {len(identical)} time(s), and every one has "
            "been replayed already: the code now sends it more often than when the cassette "
            "was recorded (for example more status polls, or a retry)."
        )
    elif candidates:
        best = min(candidates, key=lambda candidate: candidate.score)
        state = "already replayed" if best.played else "not replayed yet"
        lines.append(
            f"Closest recorded request (interaction {best.index + 1} of {total}, {state}):"
        )
        lines.append(f"    {request_line(best.request)}")
        for name, differences in best.failures:
            lines.append(f"  {name} differs:")
            lines += [f"    {difference}" for difference in differences]
    else:
        lines.append("The cassette holds no interaction at all.")
    lines += [
        "",
        "If the change is intended, record the cassette again:",
        f"    {record_hint}",
    ]
    return "\n".join(lines)
