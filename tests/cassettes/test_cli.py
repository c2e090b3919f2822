"""``spacestudio run``: a plain script recorded once, replayed with no server and no settings."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import spacestudio
from fake_server.embedded import FakeServer
from tests.cassettes.secrets import (
    SECRET_ACCOUNT,
    SECRET_CLIENT_ID,
    SECRET_MAIL,
    SECRET_PASSWORD,
    all_files,
    leaks,
)

SCRIPT = textwrap.dedent(
    """
    import sys

    from dotenv import load_dotenv
    load_dotenv()
    import spacestudio

    spacestudio.connect(spacestudio.log_base_url, spacestudio.log_mail,
                        spacestudio.log_password)
    name = sys.argv[1]
    spacestudio.simulation.create_orbit({"name": name, "type": "Circular",
                                         "altitude": 600e3, "inclination": 1.7})
    spacestudio.simulation.create_propulsion_system({
        "name": "HET", "thrust": 0.02, "isp": 1500, "power": 300, "totalMass": 15,
        "propellantMass": 5})
    spacestudio.simulation.create_spacecraft({
        "name": "sat", "platformMass": 100, "platformPower": 500, "dragModelDefined": False,
        "thruster": spacestudio.simulation.get_propulsion_system("HET")})
    spacestudio.simulation.create_mission({
        "name": "raise", "type": "Orbital Transfer", "targetDefinition": "DELTA",
        "deltaSemiMajorAxis": 10e3, "deltaInclination": 0, "deltaEccentricity": 0,
        "spacecraft": spacestudio.simulation.get_spacecraft("sat"),
        "initialOrbit": spacestudio.simulation.get_orbit(name), "perturbations": [],
        "propagationType": "NUMERICAL", "durationUntilPause": None,
        "maximumDuration": 30 * 86400, "ephemeridesStepInSeconds": 3600,
        "withEclipse": False, "attitudeAndSystemSimulated": False})
    spacestudio.simulation.compute_mission("raise")
    results = spacestudio.simulation.wait_and_get_mission_results("raise")["results"]
    print(name, results["initialOrbit"]["altitude"], results["finalOrbit"]["altitude"],
          results["maneuverReport"]["totalNumberOfBurns"])
    """
)
SETTINGS = ("LOG_BASE_URL", "LOG_MAIL", "LOG_PASSWORD", "CLIENT_ID", "SPACESTUDIO_AUTH_URL")


def _run(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if key not in SETTINGS}
    return subprocess.run(
        [sys.executable, "-m", "spacestudio.cli", *args],
        cwd=cwd,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A script recorded against a server with secret credentials; (its folder, its output)."""
    folder = tmp_path_factory.mktemp("study")
    (folder / "study.py").write_text(SCRIPT)
    with FakeServer(accounts=[SECRET_ACCOUNT], client_ids=(SECRET_CLIENT_ID,)) as server:
        result = _run(
            folder,
            "run",
            "--cassette",
            "study.yaml",
            "--record",
            "study.py",
            "SSO",
            env=server.env(),
        )
    assert result.returncode == 0, result.stderr
    return folder, result.stdout


def test_the_replay_needs_no_server_and_prints_the_same(recorded: tuple[Path, str]) -> None:
    folder, output = recorded
    assert output.startswith("SSO 600000.0 ")
    replayed = _run(folder, "run", "--cassette", "study.yaml", "study.py", "SSO")
    assert replayed.returncode == 0, replayed.stderr
    assert replayed.stdout == output


def test_the_recorded_cassette_holds_no_secret(recorded: tuple[Path, str]) -> None:
    folder, _ = recorded
    cassette_files = [path for path in all_files(folder) if path.suffix != ".py"]
    assert folder / "study.yaml" in cassette_files
    assert leaks(cassette_files, [SECRET_MAIL, SECRET_PASSWORD, SECRET_CLIENT_ID]) == []


def test_a_replay_that_departs_from_the_recording_explains_itself(
    recorded: tuple[Path, str],
) -> None:
    folder, _ = recorded
    result = _run(folder, "run", "--cassette", "study.yaml", "study.py", "GEO")
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert "the replay of study.py stopped at study.py:" in result.stderr
    assert '$.name: recorded "SSO", sent "GEO"' in result.stderr
    assert "spacestudio run --cassette study.yaml --record study.py GEO" in result.stderr


def test_a_replay_never_reaches_the_network(recorded: tuple[Path, str]) -> None:
    folder, _ = recorded
    (folder / "dial.py").write_text(
        "import socket\nsocket.create_connection(('127.0.0.1', 9), timeout=1)\n"
    )
    result = _run(folder, "run", "--cassette", "study.yaml", "dial.py")
    assert result.returncode == 3
    assert "tried to open a network connection to 127.0.0.1:9" in result.stderr


def test_fake_runs_a_script_against_a_fresh_fake_server(tmp_path: Path) -> None:
    (tmp_path / "study.py").write_text(SCRIPT)
    (tmp_path / ".env").write_text("LOG_BASE_URL=https://unreachable.invalid\n")
    result = _run(tmp_path, "run", "--fake", "study.py", "LEO")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("LEO 600000.0 ")


def test_version_says_which_package_is_imported(tmp_path: Path) -> None:
    result = _run(tmp_path, "--version")
    assert result.returncode == 0
    assert f"spacestudio-harness {spacestudio.__version__}" in result.stdout
    assert str(Path(spacestudio.__file__).parent) in result.stdout


def test_help_lists_the_run_command(tmp_path: Path) -> None:
    result = _run(tmp_path, "--help")
    assert result.returncode == 0
    assert "run" in result.stdout and "--version" in result.stdout
    misuse = _run(tmp_path, "run", "--record", "study.py")
    assert misuse.returncode == 2
    assert "--record needs --cassette" in misuse.stderr


STATUS_SCRIPT = textwrap.dedent(
    """
    import spacestudio

    client = spacestudio.connect(spacestudio.log_base_url, spacestudio.log_mail,
                                 spacestudio.log_password)
    orbit = {"name": "LEO", "type": "Circular", "altitude": 600e3, "inclination": 1.7}
    spacestudio.simulation.create_orbit(orbit)
    spacestudio.simulation.create_mission({
        "name": "coast", "type": "Maneuvering Strategy Design",
        "spacecraft": {"name": "sat", "platformMass": 100},
        "initialOrbit": spacestudio.simulation.get_orbit("LEO"),
        "maximumDuration": 86400, "ephemeridesStepInSeconds": 3600})
    spacestudio.simulation.compute_mission("coast")
    print(client.simulation.missions.status("coast"))
    """
)


def test_fake_computations_run_for_a_while_unless_told_otherwise(tmp_path: Path) -> None:
    (tmp_path / "status.py").write_text(STATUS_SCRIPT)
    running = _run(tmp_path, "run", "--fake", "status.py")
    assert running.returncode == 0, running.stderr
    assert float(running.stdout) >= 0  # pending or in progress, as a script sees it live
    instant = _run(tmp_path, "run", "--fake", "--compute-seconds", "0", "status.py")
    assert instant.returncode == 0, instant.stderr
    assert float(instant.stdout) == -1
    misuse = _run(tmp_path, "run", "--compute-seconds", "0", "status.py")
    assert misuse.returncode == 2
    assert "--compute-seconds goes with --fake" in misuse.stderr


def test_recording_against_the_fake_twice_gives_the_same_cassette(tmp_path: Path) -> None:
    (tmp_path / "study.py").write_text(SCRIPT)
    cassettes = []
    for attempt in ("first", "second"):
        path = tmp_path / f"{attempt}.yaml"
        result = _run(
            tmp_path, "run", "--fake", "--cassette", path.name, "--record", "study.py", "SSO"
        )
        assert result.returncode == 0, result.stderr
        cassettes.append(path.read_bytes())
    assert cassettes[0] == cassettes[1]
    assert b"/status/" in cassettes[0]  # the computation was recorded, polls and all


EXITING_SCRIPT = textwrap.dedent(
    """
    import sys

    import spacestudio


    def main():
        spacestudio.connect(spacestudio.log_base_url, spacestudio.log_mail,
                            spacestudio.log_password)
        print(len(spacestudio.simulation.get_all_orbits()))
        return int(sys.argv[1]) if len(sys.argv) > 1 else 0


    if __name__ == "__main__":
        sys.exit(main())
    """
)


@pytest.mark.parametrize("ending", ["sys.exit(main())", "main()\n    sys.exit(0)"])
def test_a_script_ending_in_sys_exit_is_recorded_and_replayed(tmp_path: Path, ending: str) -> None:
    (tmp_path / "study.py").write_text(EXITING_SCRIPT.replace("sys.exit(main())", ending))
    recorded = _run(tmp_path, "run", "--fake", "--cassette", "c.yaml", "--record", "study.py")
    assert recorded.returncode == 0, recorded.stderr
    assert (tmp_path / "c.yaml").is_file()
    assert "recorded 3 interactions into c.yaml" in recorded.stderr
    assert "scrubbed: " in recorded.stderr and "password" in recorded.stderr
    replayed = _run(tmp_path, "run", "--cassette", "c.yaml", "study.py")
    assert replayed.returncode == 0, replayed.stderr
    assert replayed.stdout == recorded.stdout == "0\n"
    assert "replayed 3 of 3 interactions from c.yaml" in replayed.stderr


def test_a_script_exiting_with_an_error_is_not_saved_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "study.py").write_text(EXITING_SCRIPT)
    result = _run(tmp_path, "run", "--fake", "--cassette", "c.yaml", "--record", "study.py", "5")
    assert result.returncode == 5
    assert "exited with status 5, so c.yaml was not saved" in result.stderr
    assert not (tmp_path / "c.yaml").exists()


def test_the_record_command_of_a_cassette_recorded_against_the_fake_says_fake(
    tmp_path: Path,
) -> None:
    (tmp_path / "study.py").write_text(EXITING_SCRIPT)
    _run(tmp_path, "run", "--fake", "--cassette", "c.yaml", "--record", "study.py")
    (tmp_path / "extra.py").write_text(
        EXITING_SCRIPT.replace("get_all_orbits", "get_all_spacecrafts")
    )
    result = _run(tmp_path, "run", "--cassette", "c.yaml", "extra.py")
    assert result.returncode == 3, result.stderr
    assert "spacestudio run --fake --cassette c.yaml --record extra.py" in result.stderr


def test_a_missing_or_empty_cassette_is_told_apart_with_the_run_command(tmp_path: Path) -> None:
    (tmp_path / "study.py").write_text(EXITING_SCRIPT)
    missing = _run(tmp_path, "run", "--cassette", "c.yaml", "study.py")
    assert missing.returncode == 3
    assert "c.yaml does not exist" in missing.stderr
    assert "--backend" not in missing.stderr  # a pytest option, not spacestudio run's
    assert "spacestudio run --cassette c.yaml --record study.py" in missing.stderr
    (tmp_path / "c.yaml").write_bytes(b"")
    empty = _run(tmp_path, "run", "--cassette", "c.yaml", "study.py")
    assert empty.returncode == 3
    assert "c.yaml is an empty file" in empty.stderr
    assert "does not exist" not in empty.stderr
