"""Verifying one cassette: its recorded interactions sent to a fake server and compared.

:func:`verify_cassette` loads the cassette (refusing one with nothing to verify), starts
a fake server for the check unless given the URL of a running one, replays the
interactions on it and gathers the outcome. :class:`Settings` holds how it compares:
the tolerance, the places compared by shape only, and those holding server-made ids.

It imports :mod:`fake_server` only in the function that starts one: the client does not
need the fake server installed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from spacestudio.cassettes.errors import CassetteFormatError
from spacestudio.cassettes.storage import CassettePersister
from spacestudio.cassettes.vcr_seam import CassetteNotFoundError
from spacestudio.verify_fake.compare import Comparison, Tolerance
from spacestudio.verify_fake.identities import IdentityMap
from spacestudio.verify_fake.paths import PathPattern
from spacestudio.verify_fake.replay import Account, Replay, UnusableSetup, is_spacestudio_call
from spacestudio.verify_fake.report import Verification
from spacestudio_contract.wire import EPHEMERIDES_FILE_NAME, ID

#: Places holding what a server makes up for itself, that later requests may carry back:
#: compared by shape, and learned (recorded value ↔ the fake's) to rewrite those requests.
#: Besides these, any recorded string that is a whole server-made id counts as one.
DEFAULT_IDENTIFIERS: tuple[str, ...] = (
    ID,
    "*Id",
    "$..*Ids[*]",
    EPHEMERIDES_FILE_NAME,
    "access_token",
    "refresh_token",
    "id_token",
    "session_state",
)
#: Places whose value is per-server by nature (when, not what): compared by shape only.
#: Besides these, the recording account's scrubbed identity (e-mail, names, client id)
#: is compared by shape, as are the wording of error messages and computation progress.
DEFAULT_PER_SERVER: tuple[str, ...] = ("creationDate", "endDate", "timestamp")


class UnusableCassette(Exception):
    """The cassette cannot be verified; the message says what is wrong and what to do."""


@dataclass
class Settings:
    """How a verification compares (everything the command's options set)."""

    tolerance: Tolerance = field(default_factory=Tolerance)
    ignore: Sequence[str] = ()
    identifiers: Sequence[str] = ()
    max_differences: int = 20
    computation_timeout: float = 120.0

    def patterns(self) -> tuple[list[PathPattern], list[PathPattern]]:
        """The per-server and identifier patterns: the defaults and the user's."""
        per_server = [PathPattern.parse(text) for text in (*DEFAULT_PER_SERVER, *self.ignore)]
        identifiers = [
            PathPattern.parse(text) for text in (*DEFAULT_IDENTIFIERS, *self.identifiers)
        ]
        return per_server, identifiers


def load_interactions(path: Path) -> tuple[list[Any], list[Any]]:
    """The recorded requests and responses of the cassette at ``path``.

    :class:`UnusableCassette` when there is no cassette there, it is not one, or it
    holds no spacestudio call.
    """
    record_hint = f"record one with: spacestudio run --cassette {path} --record SCRIPT.py"
    if path.is_dir():
        raise UnusableCassette(f"{path} is a directory, not a cassette; {record_hint}")
    try:
        requests_, responses = CassettePersister().load_cassette(path)
    except CassetteNotFoundError:
        if path.exists():
            raise UnusableCassette(f"{path} is empty; {record_hint}") from None
        raise UnusableCassette(f"no cassette at {path}; {record_hint}") from None
    except CassetteFormatError as error:
        raise UnusableCassette(str(error)) from None
    if not any(is_spacestudio_call(urlsplit(request.uri).path) for request in requests_):
        raise UnusableCassette(
            f"{path} holds no spacestudio call ({len(requests_)} interactions, none under "
            "/exoops/ or /realms/): nothing to verify. Record a script that logs in and "
            f"calls the service; {record_hint}"
        )
    return list(requests_), list(responses)


def verify_cassette(
    cassette: Path | str,
    *,
    url: str | None = None,
    account: Account | None = None,
    settings: Settings | None = None,
) -> Verification:
    """Replay ``cassette`` against a fake server and compare every answer.

    Without ``url``, a fake server is started for the check (fresh store, computations
    finish at once) and its own account is used; with ``url``, ``account`` is required.
    Raises :class:`UnusableCassette` or :class:`UnusableSetup` when there is nothing to
    compare.
    """
    path = Path(cassette)
    settings = settings or Settings()
    per_server, identifiers = settings.patterns()
    requests_, responses = load_interactions(path)
    with _fake_server(url, account) as (base_url, login):
        comparison = Comparison(
            tolerance=settings.tolerance,
            per_server=per_server,
            identifiers=identifiers,
            identities=IdentityMap(),
            limit=settings.max_differences,
        )
        replay = Replay(
            base_url, login, comparison, computation_timeout=settings.computation_timeout
        )
        try:
            replay.log_in(requests_)
            outcomes = list(replay.replay(requests_, responses))
        finally:
            replay.close()
    return Verification(
        cassette=path,
        server=base_url,
        started=url is None,
        tolerance=settings.tolerance,
        per_server=[pattern.text for pattern in per_server],
        identifiers=[pattern.text for pattern in identifiers],
        outcomes=outcomes,
    )


@contextlib.contextmanager
def _fake_server(url: str | None, account: Account | None) -> Iterator[tuple[str, Account]]:
    if url is not None:
        if account is None:
            raise UnusableSetup(
                "--url needs the fake's account: --mail, --password and --client-id "
                "(or LOG_MAIL, LOG_PASSWORD and CLIENT_ID)"
            )
        yield url, account
        return
    from fake_server.embedded import FakeServer  # only here: the client does not need it

    with FakeServer(compute_seconds=0.0) as server:
        yield server.url, Account(server.account.email, server.account.password, server.client_id)
