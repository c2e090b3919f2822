"""Sending a cassette's requests to a fake server, in order, and comparing the answers.

The replay logs in with the fake's own account, maps the recording's user id to the
fake's, rewrites every request with what the :class:`~.identities.IdentityMap` learned
so far (ids, tokens, file names), and compares each answer with the recorded one. A
status poll whose recording says "finished" (-1) waits until the fake finishes too;
one that recorded an intermediate progress value is compared by shape only, as is the
``status`` a compute request answers: both depend on how long a computation takes.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from spacestudio.cassettes.messages import body_bytes, is_form_content, is_json_content
from spacestudio.verify_fake.compare import Body, Comparison, Difference, Kind, brief
from spacestudio.verify_fake.identities import token_label
from spacestudio.verify_fake.paths import JsonPath
from spacestudio_contract.endpoints import (
    API_PREFIX,
    DEFAULT_REALM,
    OIDC_PATH,
    REALMS_PREFIX,
    USER_INFOS_PATH,
    token_path,
    users_path,
)
from spacestudio_contract.wire import COMPUTE, COMPUTE_UNTIL_DURATION, STATUS

#: A realm's token endpoint: the only recorded path a login may take its realm from.
_TOKEN_PATH = re.compile(rf"{re.escape(REALMS_PREFIX)}[^/]+{re.escape(OIDC_PATH)}/token\Z")
_USERS = re.escape(users_path(""))
_STATUS_POLL = re.compile(rf"{_USERS}[^/]+/[^/]+/{STATUS}/[^/]+/?\Z")
_COMPUTE = re.compile(rf"{_USERS}[^/]+/[^/]+/(?:{COMPUTE}|{COMPUTE_UNTIL_DURATION})/[^/]+/?\Z")
_USER_PATH = re.compile(rf"{_USERS}([^/]+)/")
_BEARER_LABEL = re.compile(r"<(.+)>\Z")
#: The status a finished computation answers to a poll.
FINISHED = -1
#: Seconds to connect to the fake, and to wait for one answer (a large result included).
HTTP_TIMEOUT = (10.0, 300.0)


class UnusableSetup(Exception):
    """The fake cannot be used (unreachable, the account refused); the message says why."""


class OffOrigin(ValueError):
    """A recorded path that, joined to the fake's URL, would lead to another host."""


def on_origin(base_url: str, path: str, query: str = "") -> str:
    """``base_url`` with a recorded ``path`` (and ``query``) below it, parsed, not glued.

    Cassettes arrive by pull request: a recorded "path" such as ``@evil:9999/x`` or
    ``\\evil/x`` glued to ``http://127.0.0.1:8080`` names another host, and the login's
    credentials would go there. Raises :class:`OffOrigin` unless the URL built stays on
    the scheme, host and port of ``base_url``.
    """
    base = urlsplit(base_url)
    # A backslash is a slash to browsers' URL parsers: none may stand in a path.
    if not path.startswith("/") or any(character in path for character in "\\\r\n\t"):
        raise OffOrigin(f"the recorded path {path!r} is not a path on the server")
    url = urlunsplit((base.scheme, base.netloc, base.path.rstrip("/") + path, query, ""))
    built = urlsplit(url)
    if (built.scheme, built.netloc) != (base.scheme, base.netloc):
        raise OffOrigin(f"the recorded path {path!r} leads away from {base_url}")
    return url


@dataclass(frozen=True)
class Account:
    """What the replay logs in to the fake with."""

    email: str
    password: str
    client_id: str


@dataclass
class Outcome:
    """How the fake answered one recorded interaction."""

    index: int  # from 1, as the cassette's interactions are counted
    method: str
    path: str  # the recorded path and query (placeholders, not the fake's ids)
    recorded_status: int
    fake_status: int | None = None
    differences: list[Difference] = field(default_factory=list)
    counted: int = 0
    skipped: str | None = None  # why it was not sent
    note: str | None = None

    @property
    def agrees(self) -> bool:
        return self.skipped is not None or self.counted == 0


def is_spacestudio_call(path: str) -> bool:
    """Whether a recorded path is the scripting API's or the realm's (login)."""
    return path.startswith((API_PREFIX, REALMS_PREFIX))


class Replay:
    """One replay of a cassette's interactions against the fake at ``base_url``."""

    def __init__(
        self,
        base_url: str,
        account: Account,
        comparison: Comparison,
        *,
        computation_timeout: float = 120.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.account = account
        self.comparison = comparison
        self.identities = comparison.identities
        self.computation_timeout = computation_timeout
        self.http = requests.Session()
        self.http.trust_env = False  # the fake is on loopback: no proxy from the environment
        self.access_token = ""

    def close(self) -> None:
        self.http.close()

    # -- logging in ----------------------------------------------------------------------

    def log_in(self, requests_: Sequence[Any]) -> str:
        """Log in with the replay's own account; map the recording's user ids to the
        fake's; return the fake's user id."""
        token_endpoint = next(
            (
                urlsplit(request.uri).path
                for request in requests_
                if _TOKEN_PATH.match(urlsplit(request.uri).path)
            ),
            token_path(DEFAULT_REALM),
        )
        form = {
            "client_id": self.account.client_id,
            "grant_type": "password",
            "username": self.account.email,
            "password": self.account.password,
        }
        tokens = self._setup_call("POST", token_endpoint, data=form)
        self.access_token = str(tokens.get("access_token", ""))
        infos = self._setup_call("GET", USER_INFOS_PATH)
        user_id = str(infos.get("id", ""))
        if not self.access_token or not user_id:
            raise UnusableSetup(
                f"{self.base_url} answered the login without an access token or user id; "
                "is it a spacestudio fake server?"
            )
        for request in requests_:
            match = _USER_PATH.search(urlsplit(request.uri).path)
            if match and match.group(1) != "infos":
                self.identities.pair(match.group(1), user_id)
        return user_id

    def _setup_call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.access_token}"} if self.access_token else {}
        try:
            response = self.http.request(
                method,
                on_origin(self.base_url, path),
                headers=headers,
                timeout=HTTP_TIMEOUT,
                **kwargs,
            )
        except requests.RequestException as error:
            raise UnusableSetup(
                f"no answer from {self.base_url} ({error.__class__.__name__}); start the fake "
                "server there, or leave --url out to have one started for the check"
            ) from None
        try:
            document = response.json()
        except ValueError:
            document = None
        if response.status_code != 200 or not isinstance(document, dict):
            said = brief(document) if document is not None else repr(response.text[:80])
            raise UnusableSetup(
                f"logging in to {self.base_url} as {self.account.email} failed: {method} {path} "
                f"answered {response.status_code} {said}; give the fake's account with "
                "--mail, --password and --client-id"
            )
        return document

    # -- replaying -----------------------------------------------------------------------

    def replay(self, requests_: Sequence[Any], responses: Sequence[Any]) -> Iterator[Outcome]:
        """Send each recorded request in turn; yield how the fake's answer compares."""
        for index, (request, response) in enumerate(zip(requests_, responses, strict=True), 1):
            yield self._interaction(index, request, response)

    def _interaction(self, index: int, request: Any, response: Any) -> Outcome:
        split = urlsplit(request.uri)
        shown_path = split.path + (f"?{split.query}" if split.query else "")
        outcome = Outcome(index, request.method.upper(), shown_path, _status(response))
        if not is_spacestudio_call(split.path):
            outcome.skipped = f"not a spacestudio call ({split.netloc})"
            return outcome
        try:
            url = self._fake_url(split.path, split.query)
        except OffOrigin as error:
            outcome.skipped = f"{error}: not sent"
            return outcome
        comparison = self.comparison
        comparison.start()
        comparison.fake_origin = self.base_url
        comparison.recorded_origin = f"{split.scheme}://{split.netloc}"
        recorded_body = Body.decode(_response_body(response), _header(response, "content-type"))
        polls_until_finished = (
            outcome.method == "GET"
            and _STATUS_POLL.search(split.path) is not None
            and recorded_body.kind == "JSON"
            and recorded_body.content == FINISHED
        )
        shape_only = _compared_by_shape(outcome, split.path, polls_until_finished)
        try:
            answer, waited = self._send(request, url, polls_until_finished)
        except requests.RequestException as error:
            comparison.add(
                Difference(
                    "(answer)",
                    Kind.STATUS,
                    f"the fake gave no answer ({error.__class__.__name__}: {error})",
                )
            )
            return _finish(outcome, comparison)
        outcome.fake_status = answer.status_code
        fake_body = Body.decode(answer.content, answer.headers.get("Content-Type"))
        if polls_until_finished:
            outcome.note = f"waited {waited:.2f} s for the fake to finish"
            progress = fake_body.content if fake_body.kind == "JSON" else None
            if _is_progress(progress) and progress != FINISHED:
                comparison.add(
                    Difference(
                        "$",
                        Kind.UNFINISHED,
                        f"the fake still answered {progress!r} after {waited:.0f} s (--timeout)",
                        FINISHED,
                        progress,
                    )
                )
                return _finish(outcome, comparison)
        if answer.status_code != outcome.recorded_status:
            comparison.add(
                _status_difference(outcome.recorded_status, answer.status_code, fake_body)
            )
            return _finish(outcome, comparison)
        comparison.bodies(recorded_body, fake_body, shape_only=shape_only)
        return _finish(outcome, comparison)

    def _fake_url(self, path: str, query: str) -> str:
        """The fake's URL for a recorded path and query, its ids mapped to the fake's."""
        return on_origin(
            self.base_url, self.identities.to_fake(path), self.identities.to_fake(query)
        )

    def _send(
        self, request: Any, url: str, until_finished: bool
    ) -> tuple[requests.Response, float]:
        """Send ``request`` to ``url`` rewritten for the fake; with ``until_finished``,
        poll it until the fake answers -1 (or anything but a progress value, or the
        timeout passes)."""
        headers = {
            key: value
            for key, value in request.headers.items()
            if key.lower() in ("accept", "content-type")
        }
        authorization = _header_of(request.headers, "authorization")
        if authorization is not None:
            headers["Authorization"] = self._authorization(authorization)
        body = self._body(body_bytes(request), _header_of(request.headers, "content-type"))
        started = time.monotonic()
        delay = 0.02
        while True:
            answer = self.http.request(
                request.method, url, headers=headers, data=body or None, timeout=HTTP_TIMEOUT
            )
            waited = time.monotonic() - started
            if not until_finished or answer.status_code != 200 or waited > self.computation_timeout:
                return answer, waited
            try:
                progress = answer.json()
            except ValueError:
                return answer, waited
            if progress == FINISHED or not _is_progress(progress):
                return answer, waited
            time.sleep(delay)
            delay = min(delay * 2, 1.0)

    def _authorization(self, recorded: str) -> str:
        scheme, _, credentials = recorded.partition(" ")
        if scheme.lower() != "bearer":
            return recorded
        credentials = credentials.strip()
        named = _BEARER_LABEL.match(credentials)
        label = named.group(1) if named is not None else token_label(credentials)
        token = self.identities.to_fake_values.get(
            credentials
        ) or self.identities.tokens_by_label.get(label or "")
        # A token the recording got before it began (or that the fake never issued in its
        # place) stands for the session's current one: the replay's own login.
        return f"Bearer {token or self.access_token}"

    def _body(self, body: bytes, content_type: str | None) -> bytes:
        if not body:
            return body
        if is_form_content(content_type):
            return self._form(body)
        if is_json_content(content_type) or body.lstrip()[:1] in (b"{", b"["):
            try:
                document = json.loads(body)
            except ValueError:
                pass
            else:
                translated = self.identities.map_json(document, self.identities.to_fake)
                return json.dumps(translated, ensure_ascii=False).encode("utf-8")
        try:
            return self.identities.to_fake(body.decode("utf-8")).encode("utf-8")
        except UnicodeDecodeError:
            return body

    def _form(self, body: bytes) -> bytes:
        """A recorded form (a login, a token refresh) with the replay's own account."""
        own = {
            "username": self.account.email,
            "password": self.account.password,
            "client_id": self.account.client_id,
        }
        pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        return urlencode(
            [
                (name, own[name] if name in own else self.identities.to_fake(value))
                for name, value in pairs
            ]
        ).encode("utf-8")


def _compared_by_shape(outcome: Outcome, path: str, polls_until_finished: bool) -> list[JsonPath]:
    """Places of an answer whose value depends on timing or wording, not on behaviour."""
    places: list[JsonPath] = []
    if outcome.method == "GET" and _STATUS_POLL.search(path) and not polls_until_finished:
        places.append(())  # an intermediate progress value
        outcome.note = "progress of a computation: compared by type"
    elif _COMPUTE.search(path):
        places.append(("status",))  # PENDING or FINISHED: how fast the server computes
    if outcome.recorded_status >= 400:
        # The wording of an error is each server's own; that there is one is compared.
        places.append(("message",))
    return places


def _status_difference(recorded: int, fake: int, fake_body: Body) -> Difference:
    """The status code differs: saying what the fake's error message said, if any."""
    content = fake_body.content if fake_body.kind == "JSON" else None
    said = (
        brief(content["message"], 300) if isinstance(content, dict) and "message" in content else ""
    )
    return Difference(
        "(status)",
        Kind.STATUS,
        f"recorded {recorded}, fake {fake}" + (f": {said}" if said else ""),
        recorded,
        fake,
    )


def _is_progress(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _finish(outcome: Outcome, comparison: Comparison) -> Outcome:
    outcome.differences = list(comparison.differences)
    outcome.counted = comparison.counted
    return outcome


def _status(response: Any) -> int:
    return int((response.get("status") or {}).get("code", 0))


def _response_body(response: Any) -> bytes:
    body = (response.get("body") or {}).get("string") or b""
    return body.encode("utf-8") if isinstance(body, str) else bytes(body)


def _header(response: Any, name: str) -> str | None:
    return _header_of(response.get("headers") or {}, name)


def _header_of(headers: Any, name: str) -> str | None:
    for key in headers:
        if key.lower() == name:
            value = headers[key]
            if isinstance(value, list | tuple):
                return str(value[0]) if value else None
            return str(value)
    return None
