"""The cache of verified access tokens saves work and never weakens the bearer check.

A token the provider verified once skips only its parsing and RSA check on later requests;
expiry, logout, key retirement and disabled accounts still refuse it at once, and any
other string (even one character away) meets the full verification.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import jwt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.test import Client, EnvironBuilder
from werkzeug.wrappers import Request

from fake_server.oidc import IdentityProvider, KeyRing, TokenRejected
from fake_server.oidc.bearer import (
    MALFORMED_TOKEN,
    BearerCheck,
    VerifiedToken,
    VerifiedTokenCache,
    read_header,
)
from fake_server.oidc.realm_model import MAX_REMEMBERED_ISSUERS, RealmModel
from fake_server.oidc.sessions import Sessions
from tests.fake_server.test_oidc import (
    ALICE,
    API,
    BASE,
    BOB,
    CLIENT_ID,
    TOKEN,
    FakeClock,
    assert_rejected,
    b64url,
    call_api,
    claims_of,
    header_of,
    logout,
    oidc_app,
    tokens,
)

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


class SignatureChecks:
    """Counts the RS256 verifications PyJWT performs (each full verification runs one)."""

    def __init__(self) -> None:
        self.count = 0


@pytest.fixture
def signature_checks(monkeypatch: pytest.MonkeyPatch) -> Iterator[SignatureChecks]:
    checks = SignatureChecks()
    real_decode: Callable[..., Any] = jwt.decode

    def counting_decode(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("algorithms") == ["RS256"]:  # not the refresh tokens' HS512
            checks.count += 1
        return real_decode(*args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counting_decode)
    yield checks


@pytest.fixture
def keys() -> KeyRing:
    # Each test gets its own ring: some rotate and retire keys.
    return KeyRing.generate()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_provider(keys: KeyRing, clock: FakeClock, **options: Any) -> IdentityProvider:
    return IdentityProvider([ALICE, BOB], [CLIENT_ID], keys=keys, clock=clock, **options)


@pytest.fixture
def idp(keys: KeyRing, clock: FakeClock) -> IdentityProvider:
    return make_provider(keys, clock)


@pytest.fixture
def client(idp: IdentityProvider) -> Client:
    return Client(oidc_app(idp))


def cached_token(client: Client, checks: SignatureChecks, **login: str) -> str:
    """A fresh access token the provider has verified once, and so now remembers."""
    access_token: str = tokens(client, **login)["access_token"]
    assert call_api(client, access_token).status_code == 200
    assert call_api(client, access_token).status_code == 200
    assert checks.count == 1, "the second request should have been answered from the cache"
    checks.count = 0
    return access_token


# ----------------------------------------------------------------- the cache works


def test_a_reused_token_is_verified_once(client: Client, signature_checks: SignatureChecks) -> None:
    access_token = tokens(client)["access_token"]

    answers = [call_api(client, access_token) for _ in range(5)]

    assert [answer.json for answer in answers] == [{"id": ALICE.user_id}] * 5
    assert signature_checks.count == 1


def test_userinfo_and_introspection_share_the_verified_token(
    client: Client, signature_checks: SignatureChecks
) -> None:
    access_token = cached_token(client, signature_checks)

    info: dict[str, Any] = client.get(
        "/realms/spacestudio-users/protocol/openid-connect/userinfo",
        headers={"Authorization": f"Bearer {access_token}"},
    ).get_json()

    assert info["sub"] == ALICE.user_id
    assert signature_checks.count == 0


def test_a_cache_of_size_zero_verifies_every_time(
    keys: KeyRing, clock: FakeClock, signature_checks: SignatureChecks
) -> None:
    client = Client(oidc_app(make_provider(keys, clock, verified_token_cache_size=0)))
    access_token = tokens(client)["access_token"]

    for _ in range(3):
        assert call_api(client, access_token).status_code == 200

    assert signature_checks.count == 3


@pytest.mark.parametrize("size", [-1, 1.5, True, "10"])
def test_a_bad_cache_size_is_refused(keys: KeyRing, clock: FakeClock, size: Any) -> None:
    with pytest.raises(ValueError, match="verified_token_cache_size must be a number of tokens"):
        make_provider(keys, clock, verified_token_cache_size=size)


# ------------------------------------------------- every live check still runs


def test_a_cached_token_is_refused_once_expired(
    client: Client, clock: FakeClock, signature_checks: SignatureChecks
) -> None:
    access_token = cached_token(client, signature_checks)

    clock.advance(300 + 2 - 1)  # lifetime plus leeway, less a second
    assert call_api(client, access_token).status_code == 200
    clock.advance(1)

    assert_rejected(call_api(client, access_token), "Token expired")
    assert signature_checks.count == 0  # refused by the cached path itself


def test_a_cached_token_is_refused_after_logout(
    client: Client, signature_checks: SignatureChecks
) -> None:
    body = tokens(client)
    access_token = body["access_token"]
    assert call_api(client, access_token).status_code == 200
    signature_checks.count = 0

    assert logout(client, body["refresh_token"]).status_code == 204

    assert_rejected(call_api(client, access_token), "Session not active")
    assert signature_checks.count == 0


def test_a_cached_token_is_refused_once_its_key_is_retired(
    client: Client, keys: KeyRing, signature_checks: SignatureChecks
) -> None:
    access_token = cached_token(client, signature_checks)
    old_kid = header_of(access_token)["kid"]
    keys.rotate()
    assert call_api(client, access_token).status_code == 200

    keys.retire(old_kid)

    assert_rejected(call_api(client, access_token), "retired key")
    assert signature_checks.count == 0


def test_a_cached_token_is_refused_once_the_account_is_disabled(
    client: Client, idp: IdentityProvider, signature_checks: SignatureChecks
) -> None:
    access_token = cached_token(client, signature_checks)

    idp.update_account(dataclasses.replace(ALICE, enabled=False))

    assert_rejected(call_api(client, access_token), "Account disabled")
    idp.update_account(ALICE)
    assert call_api(client, access_token).status_code == 200


def test_a_cached_token_is_verified_again_for_another_issuer(
    client: Client, signature_checks: SignatureChecks
) -> None:
    access_token = cached_token(client, signature_checks)

    other = call_api(client, access_token, base_url="http://127.0.0.1:9999")

    assert_rejected(other, "Token not issued by http://127.0.0.1:9999/realms/spacestudio-users")
    assert signature_checks.count == 1
    assert call_api(client, access_token, base_url=BASE).status_code == 200


def test_a_cached_entry_is_tied_to_the_key_that_verified_it(
    client: Client,
    idp: IdentityProvider,
    keys: KeyRing,
    clock: FakeClock,
    signature_checks: SignatureChecks,
) -> None:
    access_token: str = tokens(client)["access_token"]
    headers = {"Authorization": f"Bearer {access_token}"}
    request = Request(EnvironBuilder(path=API, base_url=BASE, headers=headers).get_environ())
    shared_cache = VerifiedTokenCache()

    def bearer_check(ring: KeyRing) -> BearerCheck:
        """A check of the provider's realm, with signing keys ``ring``, on the shared cache."""
        realm = RealmModel(
            idp.realm,
            ring,
            clock,
            idp.model.settings,
            idp.state,
            accounts=idp.accounts,
            client_ids=[CLIENT_ID],
            confidential_clients={},
            clients=(),
        )
        return BearerCheck(realm, Sessions(realm), shared_cache)

    for _ in range(2):
        assert bearer_check(keys).authenticate(request) == ALICE
    assert signature_checks.count == 1

    # The same key loaded into a new ring is a new key object: verify afresh.
    assert bearer_check(KeyRing([keys.signing_key().private_key])).authenticate(request) == ALICE
    assert signature_checks.count == 2


# ------------------------------------------- any other string is verified afresh


def one_character_away(token: str, position: int) -> str:
    """``token`` with the base64url character at ``position`` replaced by another one."""
    original = token[position]
    replacement = ALPHABET[(ALPHABET.index(original) + 17) % len(ALPHABET)]
    return token[:position] + replacement + token[position + 1 :]


def test_tokens_one_character_away_from_a_cached_one_are_refused(
    client: Client, signature_checks: SignatureChecks
) -> None:
    access_token = cached_token(client, signature_checks)
    positions = [i for i, character in enumerate(access_token) if character != "."]
    # Every segment's first and last characters, and a spread of others.
    ends = {i for i in positions if access_token[i - 1 : i] in ("", ".")}
    ends |= {i for i in positions if access_token[i + 1 : i + 2] in ("", ".")}
    sample = sorted(ends | set(positions[::23]))

    for position in sample:
        altered = one_character_away(access_token, position)
        answer = call_api(client, altered)
        assert answer.status_code == 401, f"altered at {position}: {answer.json}"

    assert signature_checks.count > 0
    assert call_api(client, access_token).status_code == 200


def test_an_altered_signature_is_refused_as_invalid(
    client: Client, signature_checks: SignatureChecks
) -> None:
    access_token = cached_token(client, signature_checks)
    middle_of_signature = access_token.rindex(".") + 100

    altered = one_character_away(access_token, middle_of_signature)

    assert_rejected(call_api(client, altered), "Token signature invalid")
    assert signature_checks.count == 1


def test_a_forged_payload_with_a_cached_tokens_signature_is_refused(
    client: Client, signature_checks: SignatureChecks
) -> None:
    access_token = cached_token(client, signature_checks)
    head, _, signature = access_token.split(".")
    claims = claims_of(access_token)
    forged_payload = b64url(json.dumps({**claims, "sub": BOB.user_id}).encode())

    forged = f"{head}.{forged_payload}.{signature}"

    for _ in range(2):  # a refusal is never remembered
        assert_rejected(call_api(client, forged), "Token signature invalid")
    assert signature_checks.count == 2


def test_a_token_refused_once_is_verified_again_when_it_becomes_valid(
    client: Client, idp: IdentityProvider, clock: FakeClock, signature_checks: SignatureChecks
) -> None:
    claims = claims_of(tokens(client)["access_token"])
    key = idp.keys.signing_key()
    early = jwt.encode(
        {**claims, "iat": int(clock.now) + 60}, key.private_key, "RS256", {"kid": key.kid}
    )

    assert_rejected(call_api(client, early), "issued in the future")
    clock.advance(60)
    assert call_api(client, early).status_code == 200
    assert signature_checks.count == 2


def test_concurrent_requests_accept_the_token_and_refuse_forgeries(
    client: Client, idp: IdentityProvider
) -> None:
    access_token = tokens(client)["access_token"]
    forged = one_character_away(access_token, access_token.rindex(".") + 50)
    statuses: dict[str, list[int]] = {access_token: [], forged: []}
    lock = threading.Lock()

    def hammer(token: str) -> None:
        app_client = Client(oidc_app(idp))
        for _ in range(20):
            status = call_api(app_client, token).status_code
            with lock:
                statuses[token].append(status)

    threads = [threading.Thread(target=hammer, args=(t,)) for t in [access_token, forged] * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses[access_token] == [200] * 60
    assert statuses[forged] == [401] * 60


# ------------------------------------------------------------- the cache is bounded


def test_the_provider_forgets_the_least_recently_used_token(
    keys: KeyRing, clock: FakeClock, signature_checks: SignatureChecks
) -> None:
    client = Client(oidc_app(make_provider(keys, clock, verified_token_cache_size=2)))
    first, second, third = (tokens(client)["access_token"] for _ in range(3))
    for access_token in (first, second, first, third):  # third pushes out second
        assert call_api(client, access_token).status_code == 200
    assert signature_checks.count == 3

    assert call_api(client, first).status_code == 200
    assert call_api(client, third).status_code == 200
    assert signature_checks.count == 3
    assert call_api(client, second).status_code == 200
    assert signature_checks.count == 4


def entry(keys: KeyRing, name: str) -> VerifiedToken:
    return VerifiedToken(keys.signing_key(), {"sub": name})


def test_the_cache_holds_at_most_maxsize_tokens(keys: KeyRing) -> None:
    cache = VerifiedTokenCache(maxsize=3)

    for number in range(10):
        cache.put(f"token-{number}", "issuer", entry(keys, str(number)))

    assert len(cache) == 3
    assert [cache.get(f"token-{n}", "issuer") is not None for n in range(10)] == (
        [False] * 7 + [True] * 3
    )


def test_the_cache_keys_on_token_and_issuer(keys: KeyRing) -> None:
    cache = VerifiedTokenCache()
    remembered = entry(keys, "alice")
    cache.put("token", "https://a/realms/r", remembered)

    assert cache.get("token", "https://a/realms/r") is remembered
    assert cache.get("token", "https://b/realms/r") is None
    assert cache.get("token ", "https://a/realms/r") is None
    cache.discard("token", "https://a/realms/r")
    assert cache.get("token", "https://a/realms/r") is None


def test_the_cache_stays_bounded_under_concurrent_use(keys: KeyRing) -> None:
    cache = VerifiedTokenCache(maxsize=50)

    def fill(worker: int) -> None:
        for number in range(500):
            cache.put(f"{worker}-{number}", "issuer", entry(keys, str(number)))
            cache.get(f"{worker}-{number // 2}", "issuer")

    threads = [threading.Thread(target=fill, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(cache) == 50
    cache.clear()
    assert len(cache) == 0


@pytest.mark.parametrize("size", [-1, 2.0, None])
def test_a_cache_of_no_size_is_refused(size: Any) -> None:
    with pytest.raises(ValueError, match="maxsize must be a number of tokens"):
        VerifiedTokenCache(size)


# ------------------------------------------------------------ reading the header


def segment(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


# Each segment's length leaves unused bits in its last character (38, 11 and 4 bytes).
VALID = ".".join(
    [segment(b'{"alg":"RS256","kid":"k1","typ":"JWT"}'), segment(b'{"sub":"x"}'), segment(b"sign")]
)


def with_unused_bits_set(token: str, which: int) -> str:
    """``token`` whose segment ``which`` encodes the same bytes with its unused bits set."""
    segments = token.split(".")
    last = segments[which][-1]
    segments[which] = segments[which][:-1] + ALPHABET[ALPHABET.index(last) | 1]
    return ".".join(segments)


def test_read_header_returns_the_header() -> None:
    assert read_header(VALID) == {"alg": "RS256", "kid": "k1", "typ": "JWT"}
    assert read_header(VALID) == jwt.get_unverified_header(VALID)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "a.b",
        VALID + ".extra",
        VALID.replace(".", "..", 1),
        "not.a.jwt",
        f"{segment(b'[1, 2]')}.{segment(b'{}')}.{segment(b'x')}",  # header not an object
        f"{segment(b'{')}.{segment(b'{}')}.{segment(b'x')}",  # header not JSON
        VALID[:-1] + "!",  # outside the alphabet
        VALID + "AAA",  # signature of 4n + 1 characters
        VALID + "===",  # too much padding
        with_unused_bits_set(VALID, 0),  # the same bytes, encoded another way
        with_unused_bits_set(VALID, 1),
        with_unused_bits_set(VALID, 2),
        VALID.replace("e", "é", 1),
    ],
)
def test_read_header_refuses_malformed_tokens(token: str) -> None:
    with pytest.raises(TokenRejected, match=MALFORMED_TOKEN):
        read_header(token)
    with pytest.raises(jwt.InvalidTokenError):
        jwt.get_unverified_header(token)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(VALID) - 1), st.sampled_from(ALPHABET + "=.!+/ ")),
        min_size=1,
        max_size=3,
    )
)
def test_read_header_is_as_strict_as_pyjwt(edits: list[tuple[int, str]]) -> None:
    token = list(VALID)
    for position, character in edits:
        token[position] = character
    candidate = "".join(token)

    try:
        header: dict[str, Any] | None = read_header(candidate)
    except TokenRejected:
        header = None
    try:
        expected = jwt.get_unverified_header(candidate)
    except jwt.DecodeError:  # the token's form: refused alike
        assert header is None
    except jwt.InvalidTokenError:  # the header's meaning, checked again when verifying
        assert header is not None
    else:
        assert header == expected


# ------------------------------------------------------------ issuer per base URL


def test_each_base_url_keeps_its_own_issuer(client: Client, idp: IdentityProvider) -> None:
    discovery = "/realms/spacestudio-users/.well-known/openid-configuration"
    bases = [f"http://127.0.0.{n % 3 + 1}:{8000 + n}" for n in range(150)]

    for base in bases * 2:
        document: dict[str, Any] = client.get(discovery, base_url=base).get_json()
        assert document["issuer"] == f"{base}/realms/spacestudio-users"

    # Clients choose the Host header: the issuers remembered stay few.
    assert len(idp.model._issuers) <= MAX_REMEMBERED_ISSUERS


def test_a_token_is_accepted_only_at_the_base_url_that_issued_it(
    client: Client, signature_checks: SignatureChecks
) -> None:
    issued_at = "http://127.0.0.1:8123"
    form = {"grant_type": "password", "client_id": CLIENT_ID}
    form |= {"username": ALICE.email, "password": ALICE.password}
    answer = client.post(TOKEN, data=form, base_url=issued_at)
    access_token: str = answer.get_json()["access_token"]

    for _ in range(2):
        assert call_api(client, access_token, base_url=issued_at).status_code == 200
        assert_rejected(call_api(client, access_token, base_url=BASE), "Token not issued by")
        assert_rejected(
            call_api(client, access_token, base_url="https://127.0.0.1:8123"), "Token not issued"
        )
