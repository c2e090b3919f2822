"""``spacestudio verify-fake CASSETTE``: does the fake answer as the live service did?

A cassette recorded against the live service holds its answers. This sends the
cassette's requests, in order, to a fake server (one started for the check, with a fresh
store and computations that finish at once, or a running one with ``--url``), and
reports, interaction by interaction and field by field, where the fake's answers differ:
status code, shape (missing or extra field, JSON type, list length) and values beyond a
tolerance. See ``docs/verify-fake.md``.

    from spacestudio.verify_fake import verify_cassette

    verification = verify_cassette("cassettes/live-session.yaml")
    print(verification.as_text())

This is the one place on the client's side, besides the ``spacestudio`` command and the
pytest plugin, that starts a fake server; it imports :mod:`fake_server` only to do so.

The package's modules, from the command down: :mod:`~spacestudio.verify_fake.command`
(the ``spacestudio verify-fake`` command), :mod:`~spacestudio.verify_fake.verify` (one
cassette verified on a fake server), :mod:`~spacestudio.verify_fake.replay` (its
requests sent, in order), :mod:`~spacestudio.verify_fake.compare` (answers compared
field by field), :mod:`~spacestudio.verify_fake.identities` (server-made ids and tokens
paired), :mod:`~spacestudio.verify_fake.paths` (JSON paths and patterns) and
:mod:`~spacestudio.verify_fake.report` (the outcome as text or JSON).
"""

from spacestudio.verify_fake.compare import Difference, Kind, Tolerance
from spacestudio.verify_fake.replay import Account, Outcome, UnusableSetup
from spacestudio.verify_fake.report import Verification
from spacestudio.verify_fake.verify import (
    DEFAULT_IDENTIFIERS,
    DEFAULT_PER_SERVER,
    Settings,
    UnusableCassette,
    verify_cassette,
)

__all__ = [
    "DEFAULT_IDENTIFIERS",
    "DEFAULT_PER_SERVER",
    "Account",
    "Difference",
    "Kind",
    "Outcome",
    "Settings",
    "Tolerance",
    "UnusableCassette",
    "UnusableSetup",
    "Verification",
    "verify_cassette",
]
