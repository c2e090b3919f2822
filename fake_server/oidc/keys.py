"""The realm's signing keys: RS256 key pairs with kids, published as a JWKS.

Access and ID tokens are signed RS256 with the newest active key. Refresh tokens are
signed HS512, as Keycloak signs them, with a secret derived from the same RSA key, so a
key file given to :meth:`KeyRing.load_or_create` keeps every kind of token valid across
restarts, and retiring a key retires its refresh-token secret with it.
"""

from __future__ import annotations

import base64
import datetime
import functools
import hashlib
import json
import logging
import os
import re
import tempfile
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.x509.oid import NameOID

logger = logging.getLogger(__name__)

KEY_SIZE = 2048
_PEM_BLOCK = re.compile(
    rb"-----BEGIN (?:RSA |ENCRYPTED )?PRIVATE KEY-----"
    rb".+?"
    rb"-----END (?:RSA |ENCRYPTED )?PRIVATE KEY-----",
    re.DOTALL,
)
_REFRESH_SECRET_INFO = b"spacestudio-fake-server refresh-token HS512 key"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_uint(value: int) -> str:
    return _b64url(value.to_bytes((value.bit_length() + 7) // 8 or 1, "big"))


@dataclass(frozen=True)
class SigningKey:
    """One RSA key pair of the ring, with the secret its refresh tokens are signed with."""

    private_key: rsa.RSAPrivateKey

    @functools.cached_property
    def kid(self) -> str:
        """The key id: the RFC 7638 JWK thumbprint, so the same key keeps the same kid."""
        numbers = self.public_key.public_numbers()
        canonical = json.dumps(
            {"e": _b64url_uint(numbers.e), "kty": "RSA", "n": _b64url_uint(numbers.n)},
            separators=(",", ":"),
            sort_keys=True,
        )
        return _b64url(hashlib.sha256(canonical.encode("ascii")).digest())

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return self.private_key.public_key()

    @functools.cached_property
    def refresh_kid(self) -> str:
        """The kid in the header of refresh tokens signed with :attr:`refresh_secret`."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"spacestudio-fake-refresh-key:{self.kid}"))

    @functools.cached_property
    def refresh_secret(self) -> bytes:
        """The HS512 secret of refresh tokens, derived from (and as secret as) the RSA key."""
        der = self.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return HKDF(hashes.SHA512(), 64, salt=None, info=_REFRESH_SECRET_INFO).derive(der)

    @functools.cached_property
    def certificate(self) -> x509.Certificate:
        """A self-signed certificate of the public key, for the JWKS ``x5c`` as Keycloak has."""
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "spacestudio-fake-server")])
        now = datetime.datetime.now(datetime.UTC)
        return (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .sign(self.private_key, hashes.SHA256())
        )

    def jwk(self) -> dict[str, Any]:
        """The public JWK as Keycloak publishes it."""
        numbers = self.public_key.public_numbers()
        der = self.certificate.public_bytes(serialization.Encoding.DER)
        return {
            "kid": self.kid,
            "kty": "RSA",
            "alg": "RS256",
            "use": "sig",
            "n": _b64url_uint(numbers.n),
            "e": _b64url_uint(numbers.e),
            "x5c": [base64.b64encode(der).decode("ascii")],
            "x5t": _b64url(hashlib.sha1(der).digest()),  # RFC 7517 defines x5t as SHA-1
            "x5t#S256": _b64url(hashlib.sha256(der).digest()),
        }

    def pem(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def _new_private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


class KeyRing:
    """RS256 signing keys with kids; the newest active key signs; retired keys leave the JWKS.

    Safe to use from several threads. A ring loaded with :meth:`load_or_create` writes
    every :meth:`rotate` and :meth:`retire` back to its file, so a restarted server keeps
    exactly the keys (and thus the valid tokens) it had.
    """

    def __init__(
        self, private_keys: Sequence[rsa.RSAPrivateKey], *, path: Path | None = None
    ) -> None:
        """A ring of ``private_keys``, oldest first; the last one signs new tokens."""
        if not private_keys:
            raise ValueError("a key ring needs at least one RSA private key")
        self._lock = threading.Lock()
        self._keys: list[SigningKey] = []
        for private_key in private_keys:
            if private_key.key_size < KEY_SIZE:
                raise ValueError(
                    f"RSA key of {private_key.key_size} bits is too weak for RS256; "
                    f"use at least {KEY_SIZE} bits"
                )
            key = SigningKey(private_key)
            if all(existing.kid != key.kid for existing in self._keys):
                self._keys.append(key)
        self._retired: set[str] = set()
        self._path = path

    @classmethod
    def generate(cls) -> KeyRing:
        """A ring of one freshly generated 2048-bit key, kept in memory only."""
        return cls([_new_private_key()])

    @classmethod
    def load_or_create(cls, path: str | os.PathLike[str]) -> KeyRing:
        """The ring stored in the PEM file at ``path``; created (mode 0600) when missing.

        Giving the same file to a restarted server keeps its tokens valid. The file holds
        one or more unencrypted PEM RSA private keys, oldest first.
        """
        key_path = Path(path)
        try:
            data = key_path.read_bytes()
        except FileNotFoundError:
            ring = cls.generate()
            ring._path = key_path
            if ring._write(create=True):
                logger.info("created signing key %s in %s", ring.signing_key().kid, key_path)
                return ring
            data = key_path.read_bytes()  # another process created it first: use theirs
        if os.name == "posix":
            _refuse_a_key_file_others_control(key_path)
        try:
            return cls(_parse_private_keys(data, key_path), path=key_path)
        except ValueError as error:
            if str(key_path) in str(error):
                raise
            raise ValueError(f"{key_path}: {error}") from error

    @property
    def kids(self) -> list[str]:
        """The kids of the active keys, oldest first."""
        with self._lock:
            return [key.kid for key in self._keys]

    def signing_key(self) -> SigningKey:
        """The newest active key: the one that signs new tokens."""
        with self._lock:
            return self._keys[-1]

    def find(self, kid: str) -> SigningKey | None:
        """The active key with ``kid``, None when unknown or retired."""
        with self._lock:
            return next((key for key in self._keys if key.kid == kid), None)

    def find_refresh(self, refresh_kid: str) -> SigningKey | None:
        """The active key whose refresh-token secret has ``refresh_kid``."""
        with self._lock:
            return next((key for key in self._keys if key.refresh_kid == refresh_kid), None)

    def is_retired(self, kid: str) -> bool:
        """Whether ``kid`` was a key of this ring that has been retired."""
        with self._lock:
            return kid in self._retired

    def rotate(self) -> str:
        """Add a new signing key and return its kid; tokens of older keys still verify."""
        key = SigningKey(_new_private_key())
        with self._lock:
            self._keys.append(key)
            self._retired.discard(key.kid)
            self._persist()
        logger.info("rotated signing keys: %s now signs", key.kid)
        return key.kid

    def retire(self, kid: str) -> None:
        """Drop the key ``kid``: tokens it signed are refused from now on.

        Raises KeyError for a kid the ring does not hold, and ValueError when ``kid`` is
        the last active key (rotate first, so there is a key left to sign with).
        """
        with self._lock:
            remaining = [key for key in self._keys if key.kid != kid]
            if len(remaining) == len(self._keys):
                raise KeyError(f"no active signing key with kid {kid!r}; active: {self._kids()}")
            if not remaining:
                raise ValueError(
                    f"cannot retire {kid!r}, the only signing key; call rotate() first"
                )
            self._keys = remaining
            self._retired.add(kid)
            self._persist()
        logger.info("retired signing key %s", kid)

    def jwks(self) -> dict[str, Any]:
        """The JSON Web Key Set of the active public keys, newest first."""
        with self._lock:
            keys = list(reversed(self._keys))
        return {"keys": [key.jwk() for key in keys]}

    def _kids(self) -> list[str]:
        return [key.kid for key in self._keys]

    def _persist(self) -> None:
        """Write the ring back to its file, if it has one (caller holds the lock)."""
        if self._path is not None:
            self._write(create=False)

    def _write(self, *, create: bool) -> bool:
        """Atomically write the keys to the ring's file, mode 0600.

        With ``create`` the file is only created, never overwritten: returns False when it
        already exists (another process won the race).
        """
        assert self._path is not None
        self._path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(
            dir=self._path.parent, prefix=f".{self._path.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(fd, "wb") as temp_file:
                os.chmod(temp_name, 0o600)
                temp_file.write(b"".join(key.pem() for key in self._keys))
                temp_file.flush()
                os.fsync(temp_file.fileno())
            if not create:
                os.replace(temp_name, self._path)
                return True
            try:
                os.link(temp_name, self._path)  # fails if the file appeared meanwhile
            except FileExistsError:
                return False
            except OSError:  # a file system without hard links: next best is a plain rename
                if self._path.exists():
                    return False
                os.replace(temp_name, self._path)
            return True
        finally:
            if os.path.exists(temp_name):
                os.unlink(temp_name)


def _parse_private_keys(data: bytes, source: Path) -> list[rsa.RSAPrivateKey]:
    """The RSA private keys in PEM ``data`` read from ``source``, with clear errors."""
    blocks = _PEM_BLOCK.findall(data)
    if not blocks:
        raise ValueError(
            f"{source} holds no PEM private key; delete it to have a new key created, "
            "or give the path of a key file"
        )
    keys: list[rsa.RSAPrivateKey] = []
    for number, block in enumerate(blocks, start=1):
        try:
            key = serialization.load_pem_private_key(block, password=None)
        except (ValueError, TypeError) as exc:
            raise ValueError(
                f"{source}: private key #{number} cannot be read ({exc}); "
                "keys must be unencrypted PEM"
            ) from exc
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError(
                f"{source}: private key #{number} is {type(key).__name__}, not RSA; "
                "RS256 needs RSA keys"
            )
        keys.append(key)
    return keys


def _refuse_a_key_file_others_control(key_path: Path) -> None:
    """A key file another user owns or may write would let them sign every token: refused.
    One they may only read is a warning, as before."""
    status = key_path.stat()
    if status.st_uid != os.getuid() or status.st_mode & 0o022:
        owner = "belongs to another user" if status.st_uid != os.getuid() else "others may write"
        raise ValueError(
            f"{key_path}: the signing key file {owner} (mode {status.st_mode & 0o777:o}), so "
            "anyone could sign tokens this server accepts; remove it to have a new key made, "
            "or chmod 600 a key file of your own"
        )
    if status.st_mode & 0o077:
        logger.warning("signing key file %s is readable by other users; chmod 600 it", key_path)
