"""HTTPS for the fake server: a throw-away CA and server certificate, or the user's own.

The live service speaks HTTPS, so a client's certificate checks (``REQUESTS_CA_BUNDLE``,
``VERIFY_SSL_CERTIFICATE``) only meet a real TLS socket when the fake speaks it too.
:func:`throwaway_certificate` writes a CA and a server certificate for ``127.0.0.1``,
``::1`` and ``localhost`` (signed by that CA) into a folder only this user can read;
:func:`server_context` loads a certificate and key into the server's TLS settings.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import ssl
from dataclasses import dataclass
from pathlib import Path

#: How long a throw-away certificate is valid: a development session, with room to spare.
THROWAWAY_VALIDITY = datetime.timedelta(days=7)
#: Backdating, so a client whose clock is a little behind still accepts it.
CLOCK_SKEW = datetime.timedelta(minutes=5)


@dataclass(frozen=True)
class ServerCertificate:
    """A server certificate and its key (PEM files), and the CA that signed it when the
    fake made it (``None`` for the user's own certificate)."""

    cert: Path
    key: Path
    ca: Path | None = None


class CertificateError(ValueError):
    """A certificate or key that cannot serve TLS; the message says which and why."""


def throwaway_certificate(folder: Path) -> ServerCertificate:
    """A fresh CA (``ca.pem``) and a server certificate it signs (``server.pem``,
    ``server-key.pem``) for the loopback names, written into ``folder`` (made private)."""
    # Imported here: a server without TLS never loads the X.509 machinery.
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "spacestudio fake server CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(now + THROWAWAY_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    names = [
        x509.DNSName("localhost"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.IPAddress(ipaddress.ip_address("::1")),
    ]
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(now + THROWAWAY_VALIDITY)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    certificate = ServerCertificate(
        cert=folder / "server.pem", key=folder / "server-key.pem", ca=folder / "ca.pem"
    )
    assert certificate.ca is not None
    key_pem = server_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # The key file is created readable by its owner alone, never briefly by others.
    descriptor = os.open(certificate.key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as key_file:
        key_file.write(key_pem)
    certificate.cert.write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    certificate.ca.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    return certificate  # the CA's key is dropped: nothing else can ever be signed with it


def server_context(certificate: ServerCertificate) -> ssl.SSLContext:
    """The server's TLS settings for ``certificate`` (TLS 1.2 at least)."""
    for path in (certificate.cert, certificate.key):
        if not path.is_file():
            raise CertificateError(
                f"cannot read {path}: no such file; give --cert and --key as PEM files"
            )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(certificate.cert, certificate.key)
    except (ssl.SSLError, OSError) as exc:
        raise CertificateError(
            f"the certificate {certificate.cert} and key {certificate.key} cannot serve TLS "
            f"({exc.strerror or exc}); give a PEM certificate and the PEM key that matches it"
        ) from None
    return context
