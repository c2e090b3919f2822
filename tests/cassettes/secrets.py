"""Known secrets, and every encoding in which one could sneak into a cassette."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

from fake_server.oidc import Account

SECRET_MAIL = "q.secret-agent+rec@classified-corp.example"
SECRET_PASSWORD = 'Tr0ub4dor&3/"pässwörd"+=?'
SECRET_CLIENT_ID = "classified-client-7f3a9c"
SECRET_ACCOUNT = Account(SECRET_MAIL, SECRET_PASSWORD, first_name="Quentin", last_name="Secrett")


def encodings(secret: str) -> Iterator[str]:
    """``secret`` raw, URL-encoded, JSON-escaped and base64-encoded at every offset."""
    yield secret
    yield quote(secret, safe="")
    yield quote(secret)
    yield quote_plus(secret, safe="")
    yield json.dumps(secret)[1:-1]
    yield json.dumps(secret, ensure_ascii=False)[1:-1]
    data = secret.encode()
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + data).decode()
        # Only the characters decided by the secret's own bytes, whatever surrounds it.
        core = encoded[-(-8 * offset // 6) : (8 * (offset + len(data))) // 6]
        yield core
        yield core.replace("+", "-").replace("/", "_")


def leaks(files: Iterable[Path], secrets: Iterable[str]) -> list[str]:
    """``file: secret (form)`` for every encoded secret found in ``files``."""
    forms = {form: secret for secret in secrets for form in encodings(secret)}
    found = []
    for file in files:
        data = file.read_bytes()
        found += [
            f"{file}: {secret!r} as {form!r}"
            for form, secret in forms.items()
            if form.encode() in data
        ]
    return found


def all_files(directory: Path) -> list[Path]:
    return [path for path in directory.rglob("*") if path.is_file()]
