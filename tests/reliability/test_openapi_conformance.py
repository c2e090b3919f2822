"""Schemathesis against the fake server's own ``/openapi.json``, over real HTTP.

Every operation of the document gets generated requests, valid ones and ones that break
the schema, sent with a live access token, the real user id and the real realm (so they
get past the 401/403/404 gates and reach the handlers).  Each answer must be what the
document promises: no 5xx, a documented status, the documented content type and a body
matching its schema; a request that breaks the schema must be refused with a 4xx, and
one that follows it must not be.  The number of examples is bounded (and derandomized)
so the run is short and the same on every machine.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import positive_data_acceptance

from fake_server.embedded import FakeServer

from .conftest import Figures, token_answer

#: Examples per operation and generation mode: enough to reach the documented limits
#: now and then, few enough that the ~300 operations take well under a minute.
EXAMPLES = 4

#: OAuth 2.0 answers a well-formed request carrying a wrong credential (an unknown
#: refresh token, say) with 400 invalid_grant (RFC 6749 §5.2), which schemathesis would
#: take for a valid request refused: on these routes only the other checks apply.
#: So does the authorization endpoint to a request whose client or redirect URI it does not
#: know, and revocation to another client's token. The user and client admin routes take
#: Keycloak representations, whose rules (a unique username, a credential's own form) no
#: JSON schema states: a well-formed one may still be refused, with a 400 or 409 saying why.
CREDENTIAL_ROUTES = (
    "/token", "/logout", "/token/introspect", "/auth", "/revoke",
    "/__admin/users", "/__admin/clients",
)  # fmt: skip


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    with FakeServer() as running:
        yield running


def _example_runner(
    operation: APIOperation,
    mode: GenerationMode,
    fixed: dict[str, str],
    headers: dict[str, str],
    statuses: Counter[int],
) -> Callable[[], None]:
    """A bounded hypothesis run of ``operation`` in ``mode``, checking every answer."""
    excluded: list[Any] = []
    if operation.path.endswith(CREDENTIAL_ROUTES):
        excluded.append(positive_data_acceptance)
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed or None)

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Case) -> None:
        response = case.call_and_validate(headers=headers, excluded_checks=excluded, timeout=30)
        statuses[response.status_code] += 1

    return run  # type: ignore[no-any-return]


def test_every_operation_answers_as_its_document_says(server: FakeServer, figures: Figures) -> None:
    tokens = token_answer(server.url, server.realm, server.client_id, server.account)
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    known = {"userId": server.account.user_id, "realm": server.realm}
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        fixed = {name: value for name, value in known.items() if f"{{{name}}}" in operation.path}
        headers = auth if operation.path.startswith("/exoops/") else {}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _example_runner(operation, mode, fixed, headers, statuses)()
            except Unsatisfiable:  # nothing to negate: no parameter, no body
                continue
            except (Exception, BaseExceptionGroup) as exc:  # gather every disagreement
                failures.append(f"{operation.label} ({mode.value}): {exc}"[:3000])
        server.app.faults.clear()  # a generated fault rule must not disturb the next ones
    figures.record(
        "schemathesis",
        operations=operations,
        requests=sum(statuses.values()),
        statuses=dict(sorted(statuses.items())),
        failures=len(failures),
    )
    assert not failures, "\n\n".join(failures)
    assert operations > 150, "the document lost its routes"
    assert not failures, "\n\n".join(failures)


def test_id_fields_hold_what_the_document_declares(server: FakeServer) -> None:
    tokens = token_answer(server.url, server.realm, server.client_id, server.account)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    url = f"{server.url}/exoops/users/{server.account.user_id}/orbitdefinitions"
    for field in ("pausedParentMissionId", "computationLogId"):
        for value in (5, {"nested": True}, ["a"], None):
            answer = requests.post(
                url, json={"name": f"{field} {value!r}", field: value}, headers=headers, timeout=10
            )
            assert answer.status_code == 400, answer.text
            assert field in answer.json()["message"]
    kept = requests.post(
        url, json={"name": "resumed", "pausedParentMissionId": "abc"}, headers=headers, timeout=10
    )
    assert kept.status_code == 200 and kept.json()["pausedParentMissionId"] == "abc"
