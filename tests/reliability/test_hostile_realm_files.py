"""Hostile realm files: whatever ``--realm-file`` names, the server starts with the realm
or exits with status 2 and one paragraph naming the file and what is wrong, never a
traceback, a hang or a read of a device.

A structure-aware fuzz run mutates the Keycloak export the suite ships (values anywhere
in its tree replaced by hostile ones, or the text cut, nested or damaged) and loads each
input with the server's one realm-file loader.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from fake_server.oidc.realm_file import RealmFileError, load_realm_file

from .conftest import Figures
from .mutations import HOSTILE_VALUES_POOL, fuzz_in_batches, places, replaced

EXPORT = Path(__file__).parent.parent / "data" / "keycloak-realm-export.json"
FUZZ_INPUTS = int(os.environ.get("SPACESTUDIO_FUZZ_INPUTS_REALM", "2000"))
FUZZ_BATCH = 50


def start_with(realm_file: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fake_server", "--port", "0", "--realm-file", str(realm_file)],
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.mark.parametrize("kind", ["nested 100000 deep", "a FIFO", "a link to /dev/zero"])
def test_a_realm_file_that_cannot_be_a_realm_exits_2_with_a_message(
    tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "realm.json"
    if kind == "a FIFO":
        os.mkfifo(path)
    elif kind == "a link to /dev/zero":
        path.symlink_to("/dev/zero")
    else:
        path.write_text("[" * 100_000 + "]" * 100_000)
    try:
        done = start_with(path)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the server neither started nor refused {kind} within 30 s")
    assert done.returncode == 2, done.stderr[-500:]
    assert "Traceback" not in done.stderr and str(path) in done.stderr


def test_a_credential_nesting_its_json_too_deeply_is_a_realm_file_error(tmp_path: Path) -> None:
    export = json.loads(EXPORT.read_text())
    export["users"][0]["credentials"] = [
        {"type": "password", "secretData": "[" * 100_000, "credentialData": "{}"}
    ]
    path = tmp_path / "realm.json"
    path.write_text(json.dumps(export))
    with pytest.raises(RealmFileError, match="secretData is not JSON"):
        load_realm_file(path)


TEXT_MUTATIONS = [
    lambda text, at: text[:at],
    lambda text, at: text[:at] + "[" * 50_000 + text[at:],
    lambda text, at: text[:at] + "\x00" + text[at:],
    lambda text, at: text[:at] + "7" * 5000 + text[at:],
]


def test_fuzzed_realm_files_load_or_are_refused_quickly(tmp_path: Path, figures: Figures) -> None:
    seed = json.loads(EXPORT.read_text())
    seed_places = places(seed)
    path = tmp_path / "realm.json"
    worst = {"seconds": 0.0, "bytes": 0, "loaded": 0, "refused": 0}

    def mutated(recipe: int) -> str:
        choose = random.Random(recipe)
        document = seed
        for _ in range(choose.randint(1, 3)):
            try:
                document = replaced(
                    document, choose.choice(seed_places), choose.choice(HOSTILE_VALUES_POOL)
                )
            except (KeyError, IndexError, TypeError):  # an earlier change removed the place
                continue
        try:
            text = json.dumps(document)
        except ValueError:  # a number of more than 4300 digits
            text = json.dumps(seed)
        if choose.random() < 0.3:
            text = choose.choice(TEXT_MUTATIONS)(text, choose.randint(0, len(text)))
        return text

    @fuzz_in_batches(FUZZ_INPUTS, FUZZ_BATCH)
    def load_batch(batch: list[int]) -> None:
        for recipe in batch:
            text = mutated(recipe)
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
            tracemalloc.start()
            started = time.perf_counter()
            try:
                load_realm_file(path)
            except RealmFileError as error:
                assert str(path) in str(error), error
                worst["refused"] += 1
            else:
                worst["loaded"] += 1
            finally:
                elapsed = time.perf_counter() - started
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            worst["seconds"] = max(worst["seconds"], elapsed)
            worst["bytes"] = max(worst["bytes"], peak)
            assert peak < 100 * 1024 * 1024, f"{peak} bytes for {text[:200]!r}"
            assert elapsed < 1.0, f"{elapsed:.2f} s for {text[:200]!r}"

    started = time.monotonic()
    load_batch()
    figures.record(
        "fuzzed realm files",
        inputs=worst["loaded"] + worst["refused"],
        loaded=worst["loaded"],
        refused=worst["refused"],
        worst_seconds=round(worst["seconds"], 4),
        worst_peak_mib=round(worst["bytes"] / 2**20, 2),
        run_seconds=round(time.monotonic() - started, 1),
    )
    assert worst["refused"] > 0 and worst["loaded"] > 0
