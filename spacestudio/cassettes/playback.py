"""Playback bookkeeping: which recorded interactions may answer a request, found fast.

For each request a replay sends, the cassette needs the first recorded interaction not
played yet that matches it. Comparing the request with every recorded interaction makes
replaying n interactions cost n² comparisons (each one parsing JSON bodies).
:class:`PlaybackIndex` files every recorded request under its
:func:`~spacestudio.cassettes.matching.request_key` (method and path, which any match
requires), and remembers, per key, where the interactions not played yet start: a
request is compared only with the recordings of its own method and path that are still
unplayed, in recorded order, so a replay costs about one comparison per request, however
long the cassette and however many identical status polls it holds.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from spacestudio.cassettes.matching import RequestKey, request_key

#: A cassette's interactions: (recorded request, recorded response), in recorded order.
Interactions = Sequence[tuple[Any, Any]]


class PlaybackIndex:
    """The positions of a cassette's recorded requests by key, and which are unplayed.

    It follows the cassette's list of interactions and its play counts (position →
    times played) by reference: :meth:`sync` files whatever was appended since the last
    call, and starts over when the cassette was rewound (given new play counts) or its
    list replaced or shortened.
    """

    def __init__(self) -> None:
        self._positions: dict[RequestKey, list[int]] = {}
        # Per key, how many of its positions are known to be played already: those
        # come first, since a request always takes its first unplayed match.
        self._played_prefix: dict[RequestKey, int] = {}
        self._interactions: Interactions | None = None
        self._indexed = 0
        self._play_counts: Mapping[int, int] = {}
        # Requests sent from several threads must not file the same position twice.
        self._lock = threading.Lock()

    def sync(self, interactions: Interactions, play_counts: Mapping[int, int]) -> None:
        """Follow ``interactions`` and ``play_counts``, filing what was appended since."""
        with self._lock:
            self._sync(interactions, play_counts)

    def _sync(self, interactions: Interactions, play_counts: Mapping[int, int]) -> None:
        if interactions is not self._interactions or len(interactions) < self._indexed:
            self._positions.clear()
            self._played_prefix.clear()
            self._interactions = interactions
            self._indexed = 0
        if play_counts is not self._play_counts:
            self._played_prefix.clear()
            self._play_counts = play_counts
        for position in range(self._indexed, len(interactions)):
            recorded_request = interactions[position][0]
            self._positions.setdefault(request_key(recorded_request), []).append(position)
        self._indexed = len(interactions)

    def positions(self, key: RequestKey) -> Sequence[int]:
        """Every recorded interaction filed under ``key``, played or not, in order."""
        return self._positions.get(key, ())

    def unplayed(self, key: RequestKey) -> Iterator[int]:
        """The interactions filed under ``key`` that were not played yet, in order."""
        positions = self._positions.get(key)
        if not positions:
            return
        play_counts = self._play_counts
        start = self._played_prefix.get(key, 0)
        while start < len(positions) and play_counts.get(positions[start], 0) > 0:
            start += 1
        self._played_prefix[key] = start
        # Indexing, not slicing: a slice would copy the rest of the list on every lookup.
        for offset in range(start, len(positions)):
            position = positions[offset]
            if play_counts.get(position, 0) == 0:
                yield position

    def __len__(self) -> int:
        return self._indexed


def group_by_key(requests: Sequence[Any]) -> dict[RequestKey, list[Any]]:
    """``requests`` grouped by :func:`~spacestudio.cassettes.matching.request_key`, in order."""
    groups: dict[RequestKey, list[Any]] = {}
    for request in requests:
        groups.setdefault(request_key(request), []).append(request)
    return groups
