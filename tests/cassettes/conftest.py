"""Fixtures shared by the cassette tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.cassettes.backend import MiniBackend, running


@pytest.fixture
def backend() -> Iterator[MiniBackend]:
    """A fresh mini backend on a free loopback port."""
    with running(MiniBackend()) as serving:
        yield serving
