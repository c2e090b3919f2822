"""Signing keys: generation, rotation, retirement, and key files that survive restarts."""

from __future__ import annotations

import logging
import os
import stat
import threading
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from werkzeug.test import Client

from fake_server.oidc import IdentityProvider, KeyRing
from tests.fake_server.test_oidc import (
    ALICE,
    CLIENT_ID,
    FakeClock,
    assert_rejected,
    call_api,
    header_of,
    oidc_app,
    refresh,
    tokens,
)


def pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def provider(keys: KeyRing, clock: FakeClock) -> Client:
    return Client(oidc_app(IdentityProvider([ALICE], [CLIENT_ID], keys=keys, clock=clock)))


def test_generated_ring_publishes_one_rs256_key() -> None:
    ring = KeyRing.generate()

    (jwk,) = ring.jwks()["keys"]

    assert jwk["kid"] == ring.signing_key().kid == ring.kids[0]
    assert (jwk["kty"], jwk["alg"], jwk["use"], jwk["e"]) == ("RSA", "RS256", "sig", "AQAB")
    assert jwk["x5c"] and jwk["x5t#S256"]
    assert "d" not in jwk and "p" not in jwk  # nothing private is published


def test_kid_is_derived_from_the_key(tmp_path: Path) -> None:
    path = tmp_path / "realm.pem"
    first = KeyRing.load_or_create(path)

    assert KeyRing.load_or_create(path).kids == first.kids
    assert KeyRing.generate().kids != first.kids


def test_key_file_is_created_private(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "realm.pem"

    KeyRing.load_or_create(path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_tokens_survive_a_restart_with_the_same_key_file(tmp_path: Path) -> None:
    path = tmp_path / "realm.pem"
    clock = FakeClock()
    body = tokens(provider(KeyRing.load_or_create(path), clock))
    clock.advance(60)

    restarted = provider(KeyRing.load_or_create(path), clock)

    assert call_api(restarted, body["access_token"]).json == {"id": ALICE.user_id}
    renewed = refresh(restarted, body["refresh_token"])
    assert renewed.status_code == 200, renewed.json
    assert renewed.json["session_state"] == body["session_state"]
    assert call_api(restarted, renewed.json["access_token"]).status_code == 200


def test_tokens_do_not_survive_a_restart_with_another_key(tmp_path: Path) -> None:
    clock = FakeClock()
    body = tokens(provider(KeyRing.load_or_create(tmp_path / "a.pem"), clock))

    restarted = provider(KeyRing.load_or_create(tmp_path / "b.pem"), clock)

    assert_rejected(call_api(restarted, body["access_token"]), "unknown key")
    assert refresh(restarted, body["refresh_token"]).json["error"] == "invalid_grant"


def test_rotation_and_retirement_are_saved_to_the_key_file(tmp_path: Path) -> None:
    path = tmp_path / "realm.pem"
    ring = KeyRing.load_or_create(path)
    old_kid = ring.kids[0]
    clock = FakeClock()
    old_token = tokens(provider(ring, clock))["access_token"]

    new_kid = ring.rotate()

    assert KeyRing.load_or_create(path).kids == [old_kid, new_kid]
    assert KeyRing.load_or_create(path).signing_key().kid == new_kid
    assert call_api(provider(KeyRing.load_or_create(path), clock), old_token).status_code == 200

    ring.retire(old_kid)

    assert KeyRing.load_or_create(path).kids == [new_kid]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    restarted = provider(KeyRing.load_or_create(path), clock)
    assert_rejected(call_api(restarted, old_token), "unknown key")
    assert header_of(tokens(restarted)["access_token"])["kid"] == new_kid


def test_retire_refuses_unknown_and_last_keys() -> None:
    ring = KeyRing.generate()

    with pytest.raises(KeyError, match="no active signing key"):
        ring.retire("no-such-kid")
    with pytest.raises(ValueError, match="rotate"):
        ring.retire(ring.kids[0])
    assert len(ring.jwks()["keys"]) == 1


def test_signing_moves_to_the_newest_key_and_back_after_retiring_it() -> None:
    ring = KeyRing.generate()
    first = ring.kids[0]
    second = ring.rotate()
    third = ring.rotate()

    assert ring.signing_key().kid == third
    assert [k["kid"] for k in ring.jwks()["keys"]] == [third, second, first]
    ring.retire(third)
    assert ring.signing_key().kid == second
    assert ring.is_retired(third) and not ring.is_retired(first)


def test_concurrent_creators_share_one_key(tmp_path: Path) -> None:
    path = tmp_path / "realm.pem"
    kids: list[list[str]] = []
    barrier = threading.Barrier(6)

    def create() -> None:
        barrier.wait()
        kids.append(KeyRing.load_or_create(path).kids)

    threads = [threading.Thread(target=create) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(kids) == 6
    assert all(k == kids[0] for k in kids)
    assert KeyRing.load_or_create(path).kids == kids[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "holds no PEM private key"),
        (b"not a key at all", "holds no PEM private key"),
        (
            b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
            "cannot be read",
        ),
        (pem(ec.generate_private_key(ec.SECP256R1())), "not RSA"),
        (pem(rsa.generate_private_key(65537, 1024)), "too weak"),
    ],
)
def test_unusable_key_files_are_explained(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "realm.pem"
    path.write_bytes(content)

    with pytest.raises(ValueError, match=message) as raised:
        KeyRing.load_or_create(path)

    assert path.read_bytes() == content  # a bad file is reported, never overwritten
    assert str(path) in str(raised.value)


def test_encrypted_key_file_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "realm.pem"
    key = rsa.generate_private_key(65537, 2048)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"pass"),
        )
    )

    with pytest.raises(ValueError, match="unencrypted PEM"):
        KeyRing.load_or_create(path)


def test_traditional_rsa_pem_files_load(tmp_path: Path) -> None:
    key = rsa.generate_private_key(65537, 2048)
    path = tmp_path / "realm.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )

    assert KeyRing.load_or_create(path).signing_key().public_key.public_numbers() == (
        key.public_key().public_numbers()
    )


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_key_file_readable_by_others_is_warned_about(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "realm.pem"
    KeyRing.load_or_create(path)
    path.chmod(0o644)

    with caplog.at_level(logging.WARNING, logger="fake_server.oidc"):
        KeyRing.load_or_create(path)

    assert "readable by other users" in caplog.text
