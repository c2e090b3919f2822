"""Only the service is recorded: other hosts are refused while recording, unless an
allow-list lets them through (then never recorded, and reachable while replaying)."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from spacestudio.cassettes import CassetteMismatchError, use_cassette
from tests.cassettes.backend import MiniBackend, running


def test_a_call_to_another_host_is_refused_while_recording(
    backend: MiniBackend, tmp_path: Path
) -> None:
    path = tmp_path / "session.yaml"
    with running(MiniBackend()) as elsewhere:
        with (
            pytest.raises(CassetteMismatchError, match="which is not the spacestudio service"),
            use_cassette(path, record=True, scrubber=backend.scrubber()),
        ):
            backend.log_in()
            elsewhere.log_in()
        seen = elsewhere.requests_seen
    assert seen == 0
    assert not path.exists()


def test_allowed_hosts_go_to_the_network_and_are_never_recorded(
    backend: MiniBackend, tmp_path: Path
) -> None:
    path = tmp_path / "session.yaml"
    with running(MiniBackend()) as elsewhere:
        with use_cassette(
            path, record=True, scrubber=backend.scrubber(), allowed_hosts=[r"127\.0\.0\.1"]
        ) as session:
            backend.log_in()
            assert requests.get(f"{elsewhere.url}/exoops/users/infos").status_code == 401
        assert session.interactions == 2
        assert elsewhere.url.rsplit(":", 1)[1] not in path.read_text()
        assert elsewhere.requests_seen == 1

        with use_cassette(path, allowed_hosts=[r"127\.0\.0\.1"]):
            backend.log_in("https://x.invalid")
            assert requests.get(f"{elsewhere.url}/exoops/users/infos").status_code == 401
        assert elsewhere.requests_seen == 2
