"""Password hashes a realm file or ``POST /__admin/users`` brings: bounded cost.

A hash is checked at every login attempt, wrong passwords included, so its parameters
are a price every anonymous client can make the server pay. Costs above Keycloak's own
defaults are refused when the hash is imported, with the bound in the message, and
parameters the hash functions cannot run (which once loaded, then answered 500 at
login) are refused the same way. Logins hash one at a time: in the built-in server each
waits its turn in its own thread; gunicorn's workers take turns through a lock file and
answer 503 rather than wait, so a burst of wrong-password logins leaves other clients
served either way.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from fake_server.oidc.realm_file import RealmFileError, realm_from_representation
from fake_server.oidc.realm_model import MAX_PBKDF2_ITERATIONS
from tests.support.served import GunicornServer

from .conftest import Figures, ServerProcess

SALT = b"sixteen byte slt"


def credential(algorithm: str, iterations: int, value: bytes, **parameters: Any) -> dict[str, Any]:
    """A password credential as ``kc.sh export`` writes it (JSON inside JSON strings)."""
    secret = {"value": base64.b64encode(value).decode(), "salt": base64.b64encode(SALT).decode()}
    extra = {key: [str(item)] for key, item in parameters.items()}
    data = {"hashIterations": iterations, "algorithm": algorithm, "additionalParameters": extra}
    return {"type": "password", "secretData": json.dumps(secret),
            "credentialData": json.dumps(data)}  # fmt: skip


def realm(*credentials: dict[str, Any]) -> dict[str, Any]:
    return {
        "realm": "acme",
        "users": [
            {"username": f"user{index}", "email": f"user{index}@acme.example", "enabled": True,
             "credentials": [item]}
            for index, item in enumerate(credentials)
        ],
        "clients": [{"clientId": "scripts", "publicClient": True,
                     "directAccessGrantsEnabled": True}],
    }  # fmt: skip


COSTLY = {
    "PBKDF2-SHA256 with 10^7 iterations": (
        credential("pbkdf2-sha256", 10**7, bytes(32)),
        "hashIterations of pbkdf2-sha256 is 10000000",
    ),
    "argon2 with 4 GiB of memory": (
        credential("argon2", 3, bytes(32), memory=4 * 1024 * 1024),
        "argon2 memory in KiB",
    ),
    "argon2 with 1000 passes": (credential("argon2", 1000, bytes(32)), "hashIterations of argon2"),
    "a 1 MB PBKDF2 hash (a run per 32-byte block)": (
        credential("pbkdf2-sha256", 27_500, bytes(1 << 20)),
        "the hash's length",
    ),
    "argon2 with no lane": (credential("argon2", 3, bytes(32), parallelism=0), "parallelism"),
    "argon2 with 0 KiB": (credential("argon2", 3, bytes(32), memory=0), "argon2 memory in KiB"),
    "argon2 with 64 lanes": (credential("argon2", 3, bytes(32), parallelism=64), "parallelism"),
    "a 4-byte hash": (credential("pbkdf2-sha256", 27_500, bytes(4)), "the hash's length"),
}


@pytest.mark.parametrize("case", COSTLY, ids=list(COSTLY))
def test_a_costly_or_unusable_hash_is_refused_at_import_naming_the_bound(case: str) -> None:
    item, expected = COSTLY[case]
    with pytest.raises(RealmFileError, match="the fake accepts") as refused:
        realm_from_representation(realm(item))
    assert expected in str(refused.value)


def burst_of_wrong_logins(base: str) -> tuple[list[int], list[float], float]:
    """8 wrong-password logins at once, and a client asking for the health route all the
    while: the logins' statuses, the other client's waits, and the burst's length."""
    token = f"{base}/realms/acme/protocol/openid-connect/token"
    form = {"grant_type": "password", "client_id": "scripts", "username": "user0"}
    answers: list[int] = []

    def wrong_login(number: int) -> None:
        answer = requests.post(token, data={**form, "password": f"wrong{number}"}, timeout=60)
        answers.append(answer.status_code)

    logins = [threading.Thread(target=wrong_login, args=(n,)) for n in range(8)]
    started = time.monotonic()
    for login in logins:
        login.start()
    waits = []
    while any(login.is_alive() for login in logins):
        sent = time.monotonic()
        requests.get(f"{base}/__admin/health", timeout=30).raise_for_status()
        waits.append(time.monotonic() - sent)
        time.sleep(0.02)
    for login in logins:
        login.join()
    burst = time.monotonic() - started
    right = requests.post(token, data={**form, "password": "right"}, timeout=60)
    assert right.status_code == 200, right.text
    return sorted(answers), waits, burst


def costliest_realm(folder: Path) -> Path:
    iterations = MAX_PBKDF2_ITERATIONS["pbkdf2-sha256"]
    value = hashlib.pbkdf2_hmac("sha256", b"right", SALT, iterations, 32)
    path = folder / "realm.json"
    path.write_text(json.dumps(realm(credential("pbkdf2-sha256", iterations, value))))
    return path


def test_wrong_password_logins_at_the_highest_cost_leave_other_clients_served(
    tmp_path: Path, figures: Figures
) -> None:
    server = ServerProcess("--realm-file", str(costliest_realm(tmp_path)))
    try:
        answers, waits, burst = burst_of_wrong_logins(server.url)
    finally:
        server.stop()
    figures.record(
        "8 wrong-password logins, PBKDF2-SHA256 600 000 iterations, built-in server",
        burst_seconds=round(burst, 2),
        other_client_requests=len(waits),
        other_client_worst_seconds=round(max(waits), 3),
    )
    assert answers == [401] * 8  # each waited its turn in its own thread
    assert max(waits) < 1.0


def test_under_gunicorn_two_workers_are_never_both_hashing(
    tmp_path: Path, figures: Figures
) -> None:
    env = {
        "SPACESTUDIO_FAKE_STATE": str(tmp_path / "state.sqlite"),
        "SPACESTUDIO_FAKE_REALM_FILE": str(costliest_realm(tmp_path)),
    }
    with GunicornServer(workers=2, env=env) as server:
        answers, waits, burst = burst_of_wrong_logins(server.url)
    figures.record(
        "8 wrong-password logins, PBKDF2-SHA256 600 000 iterations, gunicorn -w 2",
        burst_seconds=round(burst, 2),
        answers=answers,
        other_client_requests=len(waits),
        other_client_worst_seconds=round(max(waits), 3),
    )
    # One is checked (401); one that finds another being checked is told to retry (503).
    assert 401 in answers and set(answers) <= {401, 503}
    assert max(waits) < 1.0
