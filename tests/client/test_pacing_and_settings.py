"""pacing.instant() and the environment settings read when they are used."""

from __future__ import annotations

import threading
import time

import pytest

import spacestudio
from spacestudio import pacing, settings


def test_sleep_waits_outside_instant() -> None:
    started = time.monotonic()
    pacing.sleep(0.05)
    assert time.monotonic() - started >= 0.045
    assert not pacing.is_instant()


def test_instant_makes_sleep_return_at_once_and_nests() -> None:
    started = time.monotonic()
    with pacing.instant():
        assert pacing.is_instant()
        with pacing.instant():
            pacing.sleep(30)
        assert pacing.is_instant()  # still inside the outer block
        pacing.sleep(30)
    assert not pacing.is_instant()
    assert time.monotonic() - started < 1


def test_instant_ends_even_when_the_block_raises() -> None:
    with pytest.raises(RuntimeError), pacing.instant():
        raise RuntimeError("replay failed")
    assert not pacing.is_instant()


def test_instant_covers_other_threads() -> None:
    elapsed: list[float] = []

    def wait() -> None:
        started = time.monotonic()
        pacing.sleep(30)
        elapsed.append(time.monotonic() - started)

    with pacing.instant():
        threads = [threading.Thread(target=wait) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=5)
    assert len(elapsed) == 4 and max(elapsed) < 1


def test_log_settings_follow_the_environment_when_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOG_MAIL", raising=False)
    assert spacestudio.log_mail is None
    # As load_dotenv() after `import spacestudio` would do:
    monkeypatch.setenv("LOG_BASE_URL", "https://api.example.test")
    monkeypatch.setenv("LOG_MAIL", "someone@example.test")
    monkeypatch.setenv("LOG_PASSWORD", "pw")
    monkeypatch.setenv("CLIENT_ID", "scripts")
    monkeypatch.setenv("VERIFY_SSL_CERTIFICATE", "FALSE")
    assert spacestudio.log_base_url == "https://api.example.test"
    assert spacestudio.log_mail == "someone@example.test"
    assert spacestudio.log_password == "pw"
    assert spacestudio.log_client_id == "scripts"
    assert spacestudio.log_verify_ssl_certificate == "FALSE"
    assert "log_mail" in dir(spacestudio)
    with pytest.raises(AttributeError, match="no attribute 'log_nothing'"):
        _ = spacestudio.log_nothing  # type: ignore[attr-defined]


def test_defaults_of_connect_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SPACESTUDIO_AUTH_URL", "SPACESTUDIO_REALM", "VERIFY_SSL_CERTIFICATE"):
        monkeypatch.delenv(name, raising=False)
    assert settings.auth_url() == "https://auth.exotrail.space"
    assert settings.realm() == "spacestudio-users"
    assert settings.verify_ssl_certificate() is True
    monkeypatch.setenv("SPACESTUDIO_AUTH_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("SPACESTUDIO_REALM", "tests")
    monkeypatch.setenv("VERIFY_SSL_CERTIFICATE", "false")
    assert settings.auth_url() == "http://127.0.0.1:9"
    assert settings.realm() == "tests"
    assert settings.verify_ssl_certificate() is False


def test_the_package_says_what_it_replaces() -> None:
    assert spacestudio.__version__
    assert "spacestudio-constellation" in (spacestudio.__doc__ or "")
    for module in (
        "simulation",
        "constellation",
        "deployment",
        "parametric_study",
        "formation_flying",
        "inspection",
        "gridfs",
    ):
        assert hasattr(spacestudio, module)
