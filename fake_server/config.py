"""The fake server's settings, shared by the CLI, the embedded server and tests.

Plain data: this module imports only the standard library, the wire contract and the
realm's plain records, so that any layer may read a setting without loading the layers
that act on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fake_server.representations import Account, Client, RealmSettings
from spacestudio_contract.endpoints import DEFAULT_CLIENT_ID, DEFAULT_REALM

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEMO_EMAIL = "demo@spacestudio.test"
DEMO_PASSWORD = "spacestudio-demo"


def demo_account() -> Account:
    """The account a server started without ``--user`` offers."""
    return Account(DEMO_EMAIL, DEMO_PASSWORD)


#: Longest duration ``compute_until_duration`` accepts: a century, in seconds.
MAX_PAUSE_SECONDS = 100 * 365.25 * 86400.0

#: Long enough for a script to see a computation run (and its progress), as it would
#: live; short enough not to slow a development loop.
DEFAULT_COMPUTE_SECONDS = 1.5


@dataclass(frozen=True)
class Limits:
    """Bounds on what a client may send; beyond them it gets a 4xx, never a crash."""

    #: Largest request body accepted (413 beyond).
    max_body_bytes: int = 16 * 1024 * 1024
    #: Deepest nesting of JSON arrays and objects accepted (400 beyond).
    max_json_depth: int = 64
    #: Longest object name accepted, in characters (400 beyond).
    max_name_length: int = 256
    #: Largest form body (token, logout, introspection) accepted (413 beyond): a form
    #: is parsed all at once, and a few fields are all these routes take.
    max_form_bytes: int = 64 * 1024
    #: Most bytes of object JSON one user may keep stored (413 beyond).
    max_user_bytes: int = 32 * 1024 * 1024
    #: Most JSON values (counted by their separators) one user's objects may hold: what
    #: listing them costs grows with it, about a microsecond a value (413 beyond).
    max_user_values: int = 500_000
    #: Most bytes of computation-log JSON (the results of computations) one user may keep
    #: stored, apart from the objects' bounds: a computation beyond it ends FAILED, with
    #: a log saying so.
    max_user_result_bytes: int = 256 * 1024 * 1024
    #: Longest wait for any one read or write on a connection, in seconds.
    idle_timeout: float = 15.0
    #: Longest total wait for one request's bytes (line, headers and body), in seconds.
    request_timeout: float = 60.0
    #: Most connections held at once (lowered to fit the open-file limit).
    max_connections: int = 256


@dataclass(frozen=True)
class ServerConfig:
    """Everything that shapes one fake server.

    ``compute_seconds`` is how long a computation reports progress before it reports
    finished (0: finished at once).  ``state_path`` keeps objects and computation logs
    in that SQLite file instead of memory, together with the realm's users, clients and
    sign-in sessions, the fault rules and the journal, so that every process serving the
    same file shares them; ``keys_path`` keeps the signing keys in a PEM file so tokens
    stay valid across restarts. ``client_ids`` are public clients; ``clients`` are clients
    with every setting spelt out (confidential ones among them). ``realm_settings`` holds
    the realm's other settings (``token_lifetime`` and ``refresh_lifetime`` are its access
    token lifespan and session idle timeout).
    """

    accounts: tuple[Account, ...] = field(default_factory=lambda: (demo_account(),))
    client_ids: tuple[str, ...] = (DEFAULT_CLIENT_ID,)
    realm: str = DEFAULT_REALM
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    token_lifetime: int = 300
    refresh_lifetime: int = 1800
    compute_seconds: float = DEFAULT_COMPUTE_SECONDS
    state_path: str | None = None
    keys_path: str | None = None
    #: The configured fault rules, as their JSON definitions (what
    #: ``fake_server.faults.FaultRule.definition`` gives); checked when the server starts.
    faults: tuple[dict[str, Any], ...] = ()
    journal_size: int = 1000
    #: The journal keeps at most this many bytes of each request or response body...
    journal_body_bytes: int = 16 * 1024
    #: ...and drops its oldest entries while their JSON exceeds this many bytes.
    journal_bytes: int = 16 * 1024 * 1024
    limits: Limits = field(default_factory=Limits)
    clients: tuple[Client, ...] = ()
    realm_settings: RealmSettings = field(default_factory=RealmSettings)
    #: Whether users need the realm role ``scripting`` to use the API (a realm file that
    #: defines the role asks for it); otherwise every user may.
    scripting_role_required: bool = False
    #: When set, the ``/__admin/`` routes need ``Authorization: Bearer <admin_token>``.
    admin_token: str | None = None
    #: Host names the ``/__admin/`` routes answer besides loopback ones and ``host``.
    admin_hosts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.accounts:
            raise ValueError("the server needs at least one account")
        emails = [account.email_key for account in self.accounts if account.email_key]
        if len(set(emails)) != len(emails):
            raise ValueError("two accounts share an e-mail address; each needs its own")
        logins = [account.login for account in self.accounts]
        if len(set(logins)) != len(logins):
            raise ValueError("two accounts share a username; each needs its own")
        if not self.client_ids and not self.clients:
            raise ValueError("the server needs at least one client id")
        all_ids = [*self.client_ids, *(client.client_id for client in self.clients)]
        if len(set(all_ids)) != len(all_ids):
            raise ValueError("two clients share a client id; each needs its own")
        if self.compute_seconds < 0:
            raise ValueError("compute_seconds cannot be negative")
        if self.token_lifetime < 1 or self.refresh_lifetime < 1:
            raise ValueError("token lifetimes must be at least one second")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port {self.port} is outside 0..65535")

    @property
    def first_client_id(self) -> str:
        """The client a script is pointed at: the first public one, else the first."""
        if self.client_ids:
            return self.client_ids[0]
        public = [client for client in self.clients if not client.confidential]
        return (public or list(self.clients))[0].client_id
