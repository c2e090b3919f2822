"""Hostile cassettes: a file someone else wrote, loaded from a shared repository.

Whatever a cassette and its body files hold, loading it either gives its interactions or
raises :class:`CassetteFormatError` naming the file (and the line, where it has one),
quickly and in bounded memory: no YAML alias bomb, no read of ``/dev/zero`` or of a FIFO,
no traceback from a value of the wrong kind or size. The cases below once hung, exhausted
memory or crashed; each runs in a child process with a memory and time limit, so the old
behaviour fails the test instead of the machine. A structure-aware fuzz run (valid
cassettes, mutated) checks the same for many thousands of inputs and records the worst
time and memory per input.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from spacestudio.cassettes import CassetteFormatError
from spacestudio.cassettes.body_files import body_file_directory
from spacestudio.cassettes.cassette_format import encode_cassette
from spacestudio.cassettes.messages import ScrubbedRequest
from spacestudio.cassettes.storage import CassettePersister
from spacestudio.cassettes.vcr_seam import CassetteNotFoundError

from .conftest import Figures
from .mutations import HOSTILE_VALUES_POOL, fuzz_in_batches, places, replaced

try:
    from yaml import CSafeDumper as Dumper
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeDumper as Dumper  # type: ignore[assignment]

#: What a child process loading one cassette may use: enough for any honest cassette here.
CHILD_MEMORY = 512 * 1024 * 1024
CHILD_SECONDS = 10.0

LOADER = textwrap.dedent(
    """
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))
    from spacestudio.cassettes import CassetteFormatError
    from spacestudio.cassettes.storage import CassettePersister
    try:
        CassettePersister().load_cassette(sys.argv[1])
    except CassetteFormatError as error:
        print("REFUSED", error)
    else:
        print("LOADED")
    """
).format(memory=CHILD_MEMORY)


def load_in_child(path: Path) -> tuple[str, float]:
    """What loading ``path`` printed in a child process held to CHILD_MEMORY, and its time."""
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-c", LOADER, str(path)],
            capture_output=True,
            text=True,
            timeout=CHILD_SECONDS,
        )
    except subprocess.TimeoutExpired:
        return f"no answer in {CHILD_SECONDS} s", CHILD_SECONDS
    elapsed = time.monotonic() - started
    return (done.stdout.strip() or done.stderr.strip()[-300:]), elapsed


def write_cassette(path: Path, interactions: str) -> Path:
    path.write_text("format: spacestudio-cassette/2\ninteractions:\n" + interactions)
    return path


ONE_INTERACTION = """\
- request:
    body: null
    headers: {}
    method: GET
    uri: https://spacestudio.invalid/exoops/orbits
  response:
    body: %s
    headers: {}
    status: {code: 200, message: OK}
"""


def alias_bomb(levels: int) -> str:
    """A cassette of ~550 bytes whose response headers expand to 9**levels strings."""
    lines = ['    a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"    a{level}: &a{level} [{refs}]")
    return (
        "format: spacestudio-cassette/2\nanchors:\n"
        + "\n".join(lines)
        + "\ninteractions:\n"
        + (ONE_INTERACTION % "null").replace(
            "headers: {}\n    status", f"headers: {{x: *a{levels - 1}}}\n    status"
        )
    )


def test_a_yaml_alias_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb(9))
    assert len(path.read_bytes()) < 1200
    outcome, elapsed = load_in_child(path)
    assert outcome.startswith("REFUSED"), outcome
    assert "anchor or alias" in outcome and "bomb.yaml:3" in outcome
    assert elapsed < 5.0


@pytest.mark.parametrize("kind", ["link to /dev/zero", "fifo"])
def test_a_cassette_that_is_not_a_regular_file_is_refused_unread(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "device.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    outcome, _ = load_in_child(path)
    assert outcome.startswith("REFUSED") and "not a plain file" in outcome, outcome


def test_a_cassette_over_the_size_cap_is_refused_with_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(65 * 1024 * 1024)  # sparse: no disk used
    outcome, _ = load_in_child(path)
    assert outcome.startswith("REFUSED") and "more than the 67108864 allowed" in outcome, outcome


CRASHING_VALUES = {
    "a body file of 10^15 bytes": (
        "{file: 0123456789abcdef01234567.json, bytes: 1000000000000000}",
        "more than the largest body file read",
    ),
    "an impossible date": ("{text: 2024-13-45}", "cannot be read"),
    "a 5000-digit number in JSON text": ("{json: '[%s]'}" % ("7" * 5000), "cannot be read"),
    "JSON text nested 100000 deep": (
        "{json: '%s'}" % ("[" * 100_000 + "]" * 100_000),
        "cannot be read",
    ),
    "a format 1 body holding a date": ("{json: {when: 2024-01-01}}", "not a JSON document"),
}


@pytest.mark.parametrize("value", CRASHING_VALUES, ids=list(CRASHING_VALUES))
def test_a_value_of_the_wrong_kind_or_size_is_a_format_error(tmp_path: Path, value: str) -> None:
    body, expected = CRASHING_VALUES[value]
    path = write_cassette(tmp_path / "odd.yaml", ONE_INTERACTION % body)
    body_file_directory(path).mkdir()
    (body_file_directory(path) / "0123456789abcdef01234567.json").write_text("[]")
    outcome, _ = load_in_child(path)
    assert outcome.startswith("REFUSED") and expected in outcome, outcome


@pytest.mark.parametrize(
    ("field", "replacement"),
    [("code: 200", "code: true"), ("code: 200", "code: 10000000000"),
     ("uri: https://spacestudio.invalid/exoops/orbits", "uri: 'http://[::1/x'"),
     ("uri: https://spacestudio.invalid/exoops/orbits", "uri: 'http://h:99999/'")],
)  # fmt: skip
def test_a_status_or_uri_that_no_replay_could_use_is_refused(
    tmp_path: Path, field: str, replacement: str
) -> None:
    path = write_cassette(
        tmp_path / "odd.yaml", (ONE_INTERACTION % "null").replace(field, replacement)
    )
    with pytest.raises(CassetteFormatError, match=r"odd\.yaml:3: interaction 1"):
        CassettePersister().load_cassette(path)


# ------------------------------------------------------------------ the fuzz run

FUZZ_INPUTS = int(os.environ.get("SPACESTUDIO_FUZZ_INPUTS", "10000"))
#: Inputs per Hypothesis example: a batch shares the cost of one example's bookkeeping.
FUZZ_BATCH = 50


def seed_cassette(folder: Path) -> dict[str, Any]:
    """A valid cassette with every kind of body (json, text, base64, a body file), parsed."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "seed.yaml"
    bodies = [
        (b'{"name": "SSO-500", "altitude": 500000.0, "tags": [1, 2, {"a": null}]}',
         "application/json"),
        (b"plain words\nover two lines", "text/plain"),
        (bytes(range(256)), "application/octet-stream"),
        (b"x," * 40_000, "text/csv"),
    ]  # fmt: skip
    requests = [
        ScrubbedRequest(
            method="POST",
            uri=f"https://spacestudio.invalid/exoops/orbits/{index}",
            body=body,
            headers={"Content-Type": kind},
        )
        for index, (body, kind) in enumerate(bodies)
    ]
    responses = [
        {"status": {"code": 200, "message": "OK"}, "headers": {"Content-Type": [kind]},
         "body": {"string": body}}
        for body, kind in bodies
    ]  # fmt: skip
    encoded = encode_cassette(path, requests, responses)
    body_file_directory(path).mkdir(exist_ok=True)
    for name, data in encoded.body_files.items():
        (body_file_directory(path) / name).write_bytes(data)
    document: dict[str, Any] = yaml.load(encoded.text, Loader=yaml.CSafeLoader)
    return document


#: Text-level mutations: YAML features a cassette never has, and damage a file can suffer.
TEXT_MUTATIONS = [
    lambda text, at: text[:at],
    lambda text, at: text[:at] + "\x00" + text[at:],
    lambda text, at: text[:at] + "\n&a [*a]\n" + text[at:],
    lambda text, at: text + "extra: &x [1, 2]\nmore: *x\n",
    lambda text, at: text + "tagged: !!python/object:os.system 1\n",
    lambda text, at: text + "b: !!binary aGVsbG8=\n",
    lambda text, at: text + "deep: " + "[" * 900 + "]" * 900 + "\n",
    lambda text, at: text + "---\nformat: spacestudio-cassette/2\n",
    lambda text, at: text[:at] + "<<<<<<< HEAD\n" + text[at:],
    lambda text, at: text.replace(
        "format: spacestudio-cassette/2", "format: spacestudio-cassette/1"
    ),
]


def mutated_cassette(seed: dict[str, Any], seed_places: list[tuple[Any, ...]], recipe: int) -> str:
    """``seed`` with one to three of its values replaced by hostile ones, as YAML text, and
    sometimes damaged further with a text mutation; ``recipe`` picks which, so Hypothesis
    drives (and shrinks) one number per input, the cheapest draw it has."""
    choose = random.Random(recipe)
    document = seed
    for _ in range(choose.randint(1, 3)):
        value = choose.choice(HOSTILE_VALUES_POOL)
        if choose.random() < 0.2:
            value = "".join(chr(choose.randint(0, 0x2FF)) for _ in range(choose.randint(0, 20)))
        # An earlier change may have removed the place.
        with contextlib.suppress(KeyError, IndexError, TypeError):
            document = replaced(document, choose.choice(seed_places), value)
    try:
        # JSON is YAML's flow style, and json.dumps costs a tenth of yaml.dump's Python
        # representer: the run stays within the suite's time budget.
        text = json.dumps(document, ensure_ascii=False)
    except ValueError:  # a number of more than 4300 digits
        text = yaml.dump(document, Dumper=Dumper, allow_unicode=True, width=100)
    if choose.random() < 0.5:
        text = choose.choice(TEXT_MUTATIONS)(text, choose.randint(0, len(text)))
    return text


@pytest.fixture
def fuzz_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder in memory where there is one: rewriting a file 10 000 times on a virtual
    disk costs milliseconds each (``ftruncate``), more than loading it."""
    if not os.access("/dev/shm", os.W_OK):
        yield tmp_path
        return
    folder = Path(tempfile.mkdtemp(dir="/dev/shm", prefix="cassette-fuzz-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_fuzzed_cassettes_load_or_are_refused_quickly_in_bounded_memory(
    fuzz_folder: Path, figures: Figures
) -> None:
    seed = seed_cassette(fuzz_folder)
    path = fuzz_folder / "seed.yaml"
    persister = CassettePersister()
    worst = {
        "seconds": 0.0, "bytes": 0, "traced": 0,
        "outcomes": {"loaded": 0, "refused": 0, "empty": 0},
    }  # fmt: skip

    seed_places = places(seed)

    @fuzz_in_batches(FUZZ_INPUTS, FUZZ_BATCH)
    def load_batch(batch: list[int]) -> None:
        for recipe in batch:
            load_one(mutated_cassette(seed, seed_places, recipe))

    def load_one(text: str) -> None:
        data = text.encode("utf-8", "surrogatepass")
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, data, 0)
        counts = worst["outcomes"]
        elapsed, outcome = timed_load()
        # Tracing allocations doubles a load's cost: it runs on one input in ten, and again
        # on any input that took a twentieth of the limit.
        if sum(counts.values()) % 10 == 0 or elapsed > 0.05:  # type: ignore[attr-defined]
            tracemalloc.start()
            try:
                timed_load()
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
            worst["bytes"] = max(worst["bytes"], peak)  # type: ignore[type-var]
            worst["traced"] += 1  # type: ignore[operator]
            assert peak < 100 * 1024 * 1024, f"{peak} bytes for {text[:200]!r}"
        counts[outcome] += 1  # type: ignore[index]
        worst["seconds"] = max(worst["seconds"], elapsed)  # type: ignore[type-var]
        assert elapsed < 1.0, f"{elapsed:.2f} s for {text[:200]!r}"

    def timed_load() -> tuple[float, str]:
        started = time.perf_counter()
        try:
            persister.load_cassette(path)
        except CassetteFormatError as error:
            assert str(error).startswith(str(path)), error
            outcome = "refused"
        except CassetteNotFoundError:
            outcome = "empty"
        else:
            outcome = "loaded"
        return time.perf_counter() - started, outcome

    started = time.monotonic()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        load_batch()
    finally:
        os.close(descriptor)
    figures.record(
        "fuzzed cassettes",
        inputs=sum(worst["outcomes"].values()),  # type: ignore[attr-defined]
        worst_seconds=round(worst["seconds"], 4),  # type: ignore[arg-type]
        worst_peak_mib=round(worst["bytes"] / 2**20, 2),  # type: ignore[operator]
        traced_inputs=worst["traced"],
        outcomes=worst["outcomes"],
        run_seconds=round(time.monotonic() - started, 1),
    )
    assert worst["outcomes"]["refused"] > 0 and worst["outcomes"]["loaded"] > 0  # type: ignore[index]
