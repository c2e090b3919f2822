"""Scrubbing: what crosses the wire is rewritten so that no secret reaches a cassette.

A :class:`Scrubber` rewrites each recorded request and response before vcrpy keeps it:

* credentials in the places that carry them (:mod:`~spacestudio.cassettes.secrets`)
  become placeholders (:mod:`~spacestudio.cassettes.placeholders`);
* every token of a token answer becomes a placeholder JWT that keeps the claims a client
  reads (``sub``, ``scope`` …), so a replay decodes it as it would the real one;
* the values learned that way (and those given up front: password, e-mail, client id,
  the service's hosts) are then replaced wherever else they appear, in every form
  (:class:`~spacestudio.cassettes.secret_table.SecretTable`);
* ids the server makes become numbered placeholders (:mod:`~spacestudio.cassettes.ids`);
* only the headers a replay needs are kept.

:meth:`Scrubber.leaks_in` then checks what is about to be written for every known secret
in every encoding, hex and base64 included, as a second line of defence
(:mod:`~spacestudio.cassettes.leaks`).
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from spacestudio.cassettes.ids import IdNumbering
from spacestudio.cassettes.leaks import leaked_kinds
from spacestudio.cassettes.messages import (
    LoadedResponse,
    ScrubbedRequest,
    decompress,
    header_value,
    is_form_content,
    is_json_content,
)
from spacestudio.cassettes.placeholders import (
    PLACEHOLDER_API_ORIGIN,
    PLACEHOLDER_AUTH_ORIGIN,
    PLACEHOLDER_CLIENT_ID,
    PLACEHOLDER_CLIENT_SECRET,
    PLACEHOLDER_COOKIE,
    PLACEHOLDER_EMAIL,
    PLACEHOLDER_EXPIRY,
    PLACEHOLDER_FIRST_NAME,
    PLACEHOLDER_HOSTS,
    PLACEHOLDER_ISSUED_AT,
    PLACEHOLDER_LAST_NAME,
    PLACEHOLDER_PASSWORD,
    PLACEHOLDER_USERNAME,
    is_placeholder_token,
    jwt_parts,
    make_placeholder_jwt,
)
from spacestudio.cassettes.secret_table import SecretTable
from spacestudio.cassettes.secrets import (
    CLIENT_CLAIMS,
    CREDENTIAL_FIELDS,
    PERSONAL_CLAIMS,
    PERSONAL_KEYS,
    TOKEN_KEYS,
)
from spacestudio.cassettes.vcr_seam import read_body
from spacestudio_contract.endpoints import OIDC_PATH, REALMS_PREFIX

#: Request headers kept in a cassette; every other one (User-Agent, cookies …) is dropped.
KEPT_REQUEST_HEADERS = ("accept", "authorization", "content-type")
#: Response headers kept; volatile ones (Date, Server, request ids …) are dropped.
KEPT_RESPONSE_HEADERS = (
    "content-disposition",
    "content-type",
    "location",
    "retry-after",
    "www-authenticate",
)
#: Token claims that hold times; a placeholder token was issued at a fixed time.
_TIME_CLAIMS = ("iat", "nbf", "auth_time")


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def _is_loopback(netloc: str) -> bool:
    host = netloc.rsplit("@", 1)[-1]
    host = host[1:].split("]", 1)[0] if host.startswith("[") else host.split(":", 1)[0]
    return host in ("localhost", "::1") or host.startswith("127.")


class Scrubber:
    """Rewrites one session's requests and responses so they carry no secret.

    Give it what the session is configured with (any of them may be None); it also
    learns credentials and tokens from the traffic itself, so a value it was not told
    about is still scrubbed once it has crossed the wire in a field that carries it.
    One scrubber serves one cassette: it numbers tokens and ids in order of appearance.
    """

    def __init__(
        self,
        *,
        api_url: str | None = None,
        auth_url: str | None = None,
        mail: str | None = None,
        password: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        stable_ids: bool = True,
    ) -> None:
        self.secrets = SecretTable()
        self.stable_ids = stable_ids
        self._origins: dict[str, str] = {}
        self._ids = IdNumbering()
        #: The kinds of secret replaced where they are carried (fields, token answers).
        self.replaced: set[str] = set()
        self._token_counts: dict[str, int] = {}
        # Placeholder JWT -> its short name ("access token 1"), for request headers.
        self._token_labels: dict[str, str] = {}
        if api_url:
            self._add_origin(api_url, PLACEHOLDER_API_ORIGIN)
        if auth_url:
            self._add_origin(auth_url, PLACEHOLDER_AUTH_ORIGIN)
        #: The origins of the service the session talks to (empty: not told).
        self.service_origins = frozenset(self._origins)
        if mail:
            self._learn_identity("e-mail", mail)
        if password:
            self.secrets.add("password", password, PLACEHOLDER_PASSWORD)
        if client_id:
            self.secrets.add("client id", client_id, PLACEHOLDER_CLIENT_ID)
        if client_secret:
            self.secrets.add("client secret", client_secret, PLACEHOLDER_CLIENT_SECRET)

    # -- hooks for vcrpy --------------------------------------------------------------------

    def scrub_request(self, request: Any) -> Any:
        """vcrpy's ``before_record_request``: a scrubbed copy of ``request``."""
        if isinstance(request, ScrubbedRequest):
            return request
        body = read_body(request)
        if isinstance(body, str):
            body = body.encode("utf-8")
        headers = {key: request.headers[key] for key in request.headers}
        content_type = header_value(headers, "content-type")
        scrubbed_body = self._scrub_request_body(body, content_type) if body else body
        scrubbed = ScrubbedRequest(
            method=request.method,
            uri=self._scrub_url(request.uri, assign_ids=False),
            body=scrubbed_body,
            headers=self._scrub_request_headers(headers),
        )
        return scrubbed

    def scrub_response(self, response: dict[str, Any]) -> dict[str, Any]:
        """vcrpy's ``before_record_response``: ``response`` scrubbed (it is vcrpy's copy)."""
        if isinstance(response, LoadedResponse):
            return response
        headers: dict[str, list[str]] = {
            key: [str(value) for value in (values if isinstance(values, list) else [values])]
            for key, values in (response.get("headers") or {}).items()
        }
        body = response.get("body", {}).get("string", b"")
        if isinstance(body, str):
            body = body.encode("utf-8")
        encoding_key = next((key for key in headers if key.lower() == "content-encoding"), None)
        if encoding_key is not None and body:
            decoded = decompress(body, headers[encoding_key][0].strip().lower())
            if decoded is not None:
                body = decoded
                del headers[encoding_key]
        content_type = header_value(headers, "content-type")
        if body:
            body = self._scrub_body(body, content_type, assign_ids=True)
        kept = {
            key: [self._scrub_text(value, assign_ids=True) for value in values]
            for key, values in headers.items()
            if key.lower() in KEPT_RESPONSE_HEADERS
        }
        status = dict(response.get("status") or {})
        return {"status": status, "headers": kept, "body": {"string": body}}

    # -- what a cassette may hold -------------------------------------------------------------

    def serves(self, url: str) -> bool:
        """Whether ``url`` is on the service this scrubber was told of (any URL when it was
        told of none, and the placeholder hosts of a replayed cassette)."""
        if not self.service_origins:
            return True
        origin = _origin(url)
        if origin is None or origin in self.service_origins:
            return True
        host = urlsplit(origin).hostname or ""
        return host in PLACEHOLDER_HOSTS or host.endswith(".spacestudio.invalid")

    def scrubbed_kinds(self) -> list[str]:
        """The kinds of secret this scrubber replaced so far, sorted (hosts of a loopback
        server, which are no secret, left out)."""
        kinds = self.replaced | self.secrets.replaced
        if not any(known.secret for known in self.secrets if known.kind == "service host"):
            kinds.discard("service host")
        return sorted(kinds)

    def reserve_ids(self, highest: int) -> None:
        """Number the next server-made ids above ``highest`` (a cassette's largest placeholder
        id), so that an id recorded now never takes the number of one recorded before."""
        self._ids.reserve(highest)

    def real_ids(self, data: bytes) -> tuple[bytes, list[str]]:
        """``data`` with each placeholder id this scrubber made turned back into the server's
        id, and the placeholder ids it did not make (ids no live answer gave it)."""
        return self._ids.real_ids(data)

    def leaks_in(self, data: bytes) -> list[str]:
        """The kinds of known secrets present in ``data`` (see
        :func:`~spacestudio.cassettes.leaks.leaked_kinds`)."""
        return leaked_kinds(self.secrets, data)

    # -- learning ---------------------------------------------------------------------------

    def _add_origin(self, url: str, placeholder: str) -> str:
        origin = _origin(url)
        if origin is None:
            return placeholder
        if origin in self._origins:
            return self._origins[origin]
        netloc = urlsplit(origin).netloc
        secret = not _is_loopback(netloc)
        self._origins[origin] = placeholder
        self.secrets.add("service host", origin, placeholder, secret=secret)
        placeholder_netloc = urlsplit(placeholder).netloc
        self.secrets.add("service host", netloc, placeholder_netloc, secret=secret)
        return placeholder

    def _origin_placeholder(self, origin: str, path: str) -> str:
        if origin in self._origins:
            return self._origins[origin]
        if urlsplit(origin).hostname in PLACEHOLDER_HOSTS or origin.endswith(".invalid"):
            return origin
        taken = set(self._origins.values())
        is_auth = REALMS_PREFIX in path or f"{OIDC_PATH}/" in path
        preferred = PLACEHOLDER_AUTH_ORIGIN if is_auth else PLACEHOLDER_API_ORIGIN
        if preferred in taken:
            preferred = f"https://host{len(taken) + 1}.spacestudio.invalid"
        return self._add_origin(origin, preferred)

    def _learn_identity(self, kind: str, value: str) -> str:
        placeholder = self.secrets.placeholder_of(value)
        if placeholder is not None:
            return placeholder
        if value in (PLACEHOLDER_EMAIL, PLACEHOLDER_USERNAME):
            return value
        placeholder = PLACEHOLDER_EMAIL if "@" in value else PLACEHOLDER_USERNAME
        self.secrets.add(kind, value, placeholder)
        return placeholder

    def _credential(self, field: str, value: str) -> str:
        """The placeholder of a credential field's value (learning the value)."""
        kind = CREDENTIAL_FIELDS[field]
        if not value:
            return value
        if not value.startswith("scrubbed-") and value not in (PLACEHOLDER_EMAIL,):
            self.replaced.add(kind)
        if field == "username":
            return self._learn_identity(kind, value)
        if field == "password":
            self.secrets.add(kind, value, PLACEHOLDER_PASSWORD)
            return PLACEHOLDER_PASSWORD
        if field == "client_id":
            self.secrets.add(kind, value, PLACEHOLDER_CLIENT_ID)
            return PLACEHOLDER_CLIENT_ID
        if field == "client_secret":
            self.secrets.add(kind, value, PLACEHOLDER_CLIENT_SECRET)
            return PLACEHOLDER_CLIENT_SECRET
        return self.placeholder_token(value, kind)

    def placeholder_token(self, token: str, kind: str) -> str:
        """The placeholder of ``token`` (made, and remembered, on first sight)."""
        known = self.secrets.placeholder_of(token)
        if known is not None:
            return known
        if is_placeholder_token(token):
            return token
        self.replaced.add(kind)
        number = self._token_counts.get(kind, 0) + 1
        self._token_counts[kind] = number
        label = f"{kind} {number}"
        parts = jwt_parts(token)
        if parts is None:
            placeholder = f"scrubbed-{kind.replace(' ', '-').lower()}-{number}"
        else:
            header, claims = parts
            placeholder = make_placeholder_jwt(
                {key: header[key] for key in ("alg", "typ") if key in header},
                self._placeholder_claims(claims, label),
                label,
            )
        self.secrets.add(kind, token, placeholder)
        self._token_labels[placeholder] = label
        return placeholder

    def _placeholder_claims(self, claims: dict[str, Any], label: str) -> dict[str, Any]:
        scrubbed: dict[str, Any] = {}
        for key, value in claims.items():
            if key in PERSONAL_CLAIMS and isinstance(value, str):
                scrubbed[key] = self._personal(key, value, PERSONAL_CLAIMS)
            elif key in CLIENT_CLAIMS and isinstance(value, str):
                scrubbed[key] = self._credential("client_id", value)
            elif key == "exp":
                scrubbed[key] = PLACEHOLDER_EXPIRY
            elif key in _TIME_CLAIMS:
                scrubbed[key] = PLACEHOLDER_ISSUED_AT
            elif key == "jti":
                scrubbed[key] = f"scrubbed-{label.replace(' ', '-').lower()}"
            elif key == "iss" and isinstance(value, str) and _origin(value) is not None:
                # The identity provider may name itself by another host than the auth
                # URL the session was given (a proxy, a frontend URL): learn that one too.
                scrubbed[key] = self._scrub_url(value, assign_ids=True)
            else:
                scrubbed[key] = self._scrub_json(value, assign_ids=True)
        return scrubbed

    def _personal(self, key: str, value: str, keys: dict[str, str]) -> str:
        kind = keys[key]
        if value not in (PLACEHOLDER_EMAIL, PLACEHOLDER_USERNAME, PLACEHOLDER_FIRST_NAME):
            self.replaced.add(kind)
        if kind in ("e-mail", "user name"):
            return self._learn_identity(kind, value)
        placeholder = {
            "first name": PLACEHOLDER_FIRST_NAME,
            "last name": PLACEHOLDER_LAST_NAME,
        }.get(kind, f"{PLACEHOLDER_FIRST_NAME} {PLACEHOLDER_LAST_NAME}")
        self.secrets.add(kind, value, placeholder)
        return placeholder

    # -- rewriting ---------------------------------------------------------------------------

    def _normalize_ids_text(self, text: str, *, assign: bool) -> str:
        if not self.stable_ids:
            return text
        return self._normalize_ids_bytes(text.encode("utf-8"), assign=assign).decode("utf-8")

    def _normalize_ids_bytes(self, data: bytes, *, assign: bool) -> bytes:
        if not self.stable_ids:
            return data
        return self._ids.replace_in(data, assign=assign)

    def _scrub_text(self, text: str, *, assign_ids: bool) -> str:
        return self._normalize_ids_text(self.secrets.substitute(text), assign=assign_ids)

    def _scrub_url(self, url: str, *, assign_ids: bool) -> str:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        placeholder = urlsplit(self._origin_placeholder(origin, parts.path))
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            if any(name in CREDENTIAL_FIELDS for name, _ in pairs):
                query = urlencode(
                    [
                        (name, self._credential(name, value))
                        if name in CREDENTIAL_FIELDS
                        else (name, value)
                        for name, value in pairs
                    ]
                )
        rebuilt = urlunsplit(
            (placeholder.scheme, placeholder.netloc, parts.path, query, parts.fragment)
        )
        return self._scrub_text(rebuilt, assign_ids=assign_ids)

    def _scrub_request_headers(self, headers: dict[str, Any]) -> dict[str, str]:
        kept: dict[str, str] = {}
        for key, value in headers.items():
            name = key.lower()
            if name not in KEPT_REQUEST_HEADERS:
                continue
            text = value[0] if isinstance(value, list | tuple) else value
            text = text.decode("latin-1") if isinstance(text, bytes) else str(text)
            if name == "authorization":
                text = self._scrub_authorization(text)
            kept[key] = self._scrub_text(text, assign_ids=False)
        return kept

    def _scrub_authorization(self, value: str) -> str:
        scheme, _, credentials = value.partition(" ")
        credentials = credentials.strip()
        if scheme.lower() == "bearer" and credentials:
            # The token response holds the placeholder JWT the client reads; a request only
            # names it, which keeps every recorded request short and readable.
            placeholder = self.placeholder_token(credentials, "access token")
            label = self._token_labels.get(placeholder)
            return f"{scheme} <{label}>" if label else f"{scheme} {placeholder}"
        if scheme.lower() == "basic" and credentials:
            try:
                user, _, password = base64.b64decode(credentials).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                user = password = ""
            if user:
                self._credential("client_id", user)
            if password:
                self._credential("client_secret", password)
            placeholder = f"{PLACEHOLDER_CLIENT_ID}:{PLACEHOLDER_CLIENT_SECRET}"
            return f"{scheme} {base64.b64encode(placeholder.encode()).decode('ascii')}"
        return f"{scheme} {PLACEHOLDER_COOKIE}" if credentials else value

    def _scrub_request_body(self, body: bytes, content_type: str | None) -> bytes:
        if is_form_content(content_type):
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                text = None
            if text is not None:
                pairs = parse_qsl(text, keep_blank_values=True)
                scrubbed = [
                    (name, self._credential(name, value) if name in CREDENTIAL_FIELDS else value)
                    for name, value in pairs
                ]
                body = urlencode(scrubbed).encode("utf-8")
        return self._scrub_body(body, content_type, assign_ids=False)

    def _scrub_body(self, body: bytes, content_type: str | None, *, assign_ids: bool) -> bytes:
        looks_json = is_json_content(content_type) or body[:1] in (b"{", b"[")
        if looks_json and self._holds_structured_secrets(body):
            try:
                document = json.loads(body)
            except ValueError:
                document = None
            if document is not None:
                body = json.dumps(
                    self._scrub_json(document, assign_ids=assign_ids),
                    ensure_ascii=False,
                    separators=(",", ":"),
                ).encode("utf-8")
        body = self.secrets.substitute_bytes(body)
        return self._normalize_ids_bytes(body, assign=assign_ids)

    @staticmethod
    def _holds_structured_secrets(body: bytes) -> bool:
        return any(f'"{key}"'.encode() in body for key in (*TOKEN_KEYS, *PERSONAL_KEYS))

    def _scrub_json(self, value: Any, *, assign_ids: bool) -> Any:
        """A scrubbed copy of a JSON value: tokens, personal keys, secrets and ids."""
        if isinstance(value, dict):
            scrubbed: dict[str, Any] = {}
            for key, item in value.items():
                if key in TOKEN_KEYS and isinstance(item, str) and item:
                    scrubbed[key] = self.placeholder_token(item, TOKEN_KEYS[key])
                elif key in PERSONAL_KEYS and isinstance(item, str) and item:
                    scrubbed[key] = self._personal(key, item, PERSONAL_KEYS)
                else:
                    scrubbed[key] = self._scrub_json(item, assign_ids=assign_ids)
            return scrubbed
        if isinstance(value, list):
            return [self._scrub_json(item, assign_ids=assign_ids) for item in value]
        if isinstance(value, str):
            return self._scrub_text(value, assign_ids=assign_ids)
        return value
