"""Passwords as Keycloak stores them: checking a realm export's hashed credentials.

A realm export carries each password as Keycloak hashed it: ``secretData`` (the hash and
its salt, base64) and ``credentialData`` (the algorithm and its parameters), both JSON
text. :func:`hash_from_credential` turns them into the fake's own record (a JSON string,
kept on :class:`~fake_server.oidc.accounts.Account`), and :func:`verify` checks a password
against it: ``argon2`` (Keycloak's default since 24, with argon2-cffi), ``pbkdf2-sha512``,
``pbkdf2-sha256`` and ``pbkdf2`` (SHA-1).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from argon2.low_level import Type, hash_secret_raw

_PBKDF2_DIGESTS = {"pbkdf2": "sha1", "pbkdf2-sha256": "sha256", "pbkdf2-sha512": "sha512"}
_ARGON2_TYPES = {"id": Type.ID, "i": Type.I, "d": Type.D}
_ARGON2_VERSIONS = {"1.3": 0x13, "1.0": 0x10}
SUPPORTED = ("argon2", *_PBKDF2_DIGESTS)


class UnsupportedHash(ValueError):
    """A stored credential the fake cannot check; the message says why."""


def _json_field(credential: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = credential.get(key)
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise UnsupportedHash(f"{key} is not JSON") from None
    if not isinstance(value, dict):
        raise UnsupportedHash(f"{key} is missing")
    return value


def _parameter(parameters: Mapping[str, Any], name: str, default: str) -> str:
    """One of Keycloak's ``additionalParameters`` (each a list of strings)."""
    value = parameters.get(name, [default])
    return str(value[0] if isinstance(value, list) and value else value)


def hash_from_credential(credential: Mapping[str, Any]) -> str:
    """The fake's record of a Keycloak password credential's hash (UnsupportedHash when it
    cannot be checked)."""
    secret = _json_field(credential, "secretData")
    data = _json_field(credential, "credentialData")
    algorithm = str(data.get("algorithm", ""))
    if algorithm not in SUPPORTED:
        raise UnsupportedHash(
            f"password hash algorithm {algorithm!r} is not supported "
            f"(supported: {', '.join(SUPPORTED)})"
        )
    iterations = data.get("hashIterations")
    if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 1:
        raise UnsupportedHash(f"hashIterations {iterations!r} is not a positive number")
    try:
        value = base64.b64decode(str(secret["value"]), validate=True)
        salt = base64.b64decode(str(secret["salt"]), validate=True)
    except (KeyError, binascii.Error):
        raise UnsupportedHash("secretData needs a base64 value and salt") from None
    record: dict[str, Any] = {
        "algorithm": algorithm,
        "iterations": iterations,
        "salt": base64.b64encode(salt).decode(),
        "value": base64.b64encode(value).decode(),
    }
    if algorithm == "argon2":
        parameters = data.get("additionalParameters") or {}
        kind = _parameter(parameters, "type", "id")
        version = _parameter(parameters, "version", "1.3")
        if kind not in _ARGON2_TYPES or version not in _ARGON2_VERSIONS:
            raise UnsupportedHash(f"argon2 type {kind!r} version {version!r} is not supported")
        try:
            record |= {
                "type": kind,
                "version": version,
                "memory": int(_parameter(parameters, "memory", "7168")),
                "parallelism": int(_parameter(parameters, "parallelism", "1")),
            }
        except ValueError:
            raise UnsupportedHash("argon2 memory and parallelism must be numbers") from None
    return json.dumps(record, sort_keys=True)


def verify(password: str, stored: str) -> bool:
    """Whether ``password`` hashes to the record ``stored`` (constant-time comparison)."""
    record = json.loads(stored)
    salt = base64.b64decode(record["salt"])
    expected = base64.b64decode(record["value"])
    secret = password.encode("utf-8")
    if record["algorithm"] == "argon2":
        computed = hash_secret_raw(
            secret,
            salt,
            time_cost=record["iterations"],
            memory_cost=record["memory"],
            parallelism=record["parallelism"],
            hash_len=len(expected),
            type=_ARGON2_TYPES[record["type"]],
            version=_ARGON2_VERSIONS[record["version"]],
        )
    else:
        digest = _PBKDF2_DIGESTS[record["algorithm"]]
        computed = hashlib.pbkdf2_hmac(digest, secret, salt, record["iterations"], len(expected))
    return hmac.compare_digest(computed, expected)
