"""Fixtures shared by the cassette tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cassettes.backend import MiniBackend, running

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture
def backend() -> Iterator[MiniBackend]:
    """A fresh mini backend on a free loopback port."""
    with running(MiniBackend()) as serving:
        yield serving


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    """This repository keeps every committed cassette under its top-level ``cassettes/``."""
    return str(REPOSITORY / "cassettes" / Path(str(request.node.path)).stem)
