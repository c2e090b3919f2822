"""The scripting API in process, on both store backends: objects, auth, errors."""

from __future__ import annotations

import operator
import re

import pytest

from fake_server.app import FakeSpacestudioApp
from fake_server.routes import REALM_PREFIX, ROUTES
from spacestudio_contract.catalog import COLLECTIONS, CollectionSpec

from .conftest import ALICE, BOB, NO_SCRIPTING, Api, AppFactory, assert_json_error


def test_users_infos_names_the_user(api: Api) -> None:
    response = api.get("/exoops/users/infos")
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == ALICE.user_id
    assert body["email"] == ALICE.email
    assert (body["firstName"], body["lastName"]) == ("Alice", "Orbit")


def test_account_without_scripting_is_refused_with_403(app: FakeSpacestudioApp) -> None:
    viewer = Api(app, NO_SCRIPTING)
    body = assert_json_error(viewer.get("/exoops/users/infos"), 403)
    assert "scripting" in body["message"]
    assert_json_error(viewer.get("orbitdefinitions"), 403)


@pytest.mark.parametrize("spec", COLLECTIONS, ids=lambda spec: spec.segment)
def test_every_collection_creates_lists_gets_replaces_and_deletes(
    api: Api, spec: CollectionSpec
) -> None:
    created = api.create(spec.segment, {"name": "first", "value": 1})
    assert created["displayedName"] == "first"
    assert created["value"] == 1
    obj_id = created["id"]
    second = api.create(spec.segment, {"name": "second"})

    listing = api.get(spec.segment).get_json()
    assert [obj["id"] for obj in listing] == [obj_id, second["id"]]
    assert api.get(f"{spec.segment}/{obj_id}").get_json() == created

    replaced = api.put(f"{spec.segment}/{obj_id}", {"name": "renamed", "value": 2})
    assert replaced.status_code == 200
    assert replaced.get_json()["id"] == obj_id
    assert replaced.get_json()["displayedName"] == "renamed"
    fetched = api.get(f"{spec.segment}/{obj_id}").get_json()
    assert (fetched["name"], fetched["value"]) == ("renamed", 2)
    # Replacing keeps the object's place in the listing.
    assert [obj["id"] for obj in api.get(spec.segment).get_json()] == [obj_id, second["id"]]

    assert api.delete(f"{spec.segment}/{obj_id}").status_code == 200
    assert_json_error(api.get(f"{spec.segment}/{obj_id}"), 404)
    assert [obj["id"] for obj in api.get(spec.segment).get_json()] == [second["id"]]


def test_a_second_object_of_the_same_name_is_a_409(api: Api) -> None:
    api.create("antennadefinitions", {"name": "S-band"})
    body = assert_json_error(api.post("antennadefinitions", {"name": "S-band"}), 409)
    assert "S-band" in body["message"]
    assert len(api.get("antennadefinitions").get_json()) == 1
    # The same name in another collection is fine.
    api.create("batterydefinitions", {"name": "S-band"})


def test_renaming_onto_another_objects_name_is_a_409(api: Api) -> None:
    first = api.create("launchdefinitions", {"name": "Falcon"})
    api.create("launchdefinitions", {"name": "Vega"})
    assert_json_error(api.put(f"launchdefinitions/{first['id']}", {"name": "Vega"}), 409)
    assert api.get(f"launchdefinitions/{first['id']}").get_json()["name"] == "Falcon"
    # Keeping its own name is not a clash.
    kept = api.put(f"launchdefinitions/{first['id']}", {"name": "Falcon", "mass": 3})
    assert kept.status_code == 200


def test_unknown_ids_are_404(api: Api) -> None:
    assert_json_error(api.get("orbitdefinitions/no-such-id"), 404)
    assert_json_error(api.put("orbitdefinitions/no-such-id", {"name": "x"}), 404)
    assert_json_error(api.delete("orbitdefinitions/no-such-id"), 404)
    assert api.get("orbitdefinitions").get_json() == []


def test_the_server_assigns_id_and_displayed_name(api: Api) -> None:
    created = api.create("payloaddefinitions", {"name": "cam", "id": "mine", "displayedName": "x"})
    assert created["id"] != "mine"
    assert created["displayedName"] == "cam"


def test_stored_orbits_get_their_derived_fields(api: Api) -> None:
    orbit = api.create(
        "orbitdefinitions", {"name": "LEO", "type": "Circular", "altitude": 600_000.0}
    )
    assert orbit["semiMajorAxis"] == pytest.approx(6_978_137.0)
    assert orbit["period"] == pytest.approx(5801.2, abs=1.0)


def test_users_see_only_their_own_objects(app: FakeSpacestudioApp) -> None:
    alice, bob = Api(app, ALICE), Api(app, BOB)
    created = alice.create("orbitdefinitions", {"name": "mine"})
    assert bob.get("orbitdefinitions").get_json() == []
    bob.create("orbitdefinitions", {"name": "mine"})  # names are per user
    # Bob's token cannot reach Alice's collection, even knowing her id and the object's.
    assert_json_error(bob.get(f"{alice.base}/orbitdefinitions"), 403)
    assert_json_error(bob.get(f"{alice.base}/orbitdefinitions/{created['id']}"), 403)
    assert_json_error(bob.delete(f"{alice.base}/orbitdefinitions/{created['id']}"), 403)
    assert alice.get(f"orbitdefinitions/{created['id']}").status_code == 200


def test_the_realms_routes_reach_the_identity_providers_own_methods(
    make_app: AppFactory,
) -> None:
    app = make_app()
    realm_routes = [route for route in ROUTES if route.path.startswith(REALM_PREFIX)]
    assert len(realm_routes) == 10
    for route in realm_routes:
        handler = operator.attrgetter(route.handler)(app)
        # No pass-through on the way: the route names the provider's endpoint itself.
        assert handler.__self__ is app.idp, route.endpoint


def api_calls() -> list[tuple[str, str]]:
    """Every authenticated route of the table, placeholders filled, once per method."""
    calls = []
    for route in ROUTES:
        if not route.authenticated:
            continue
        path = route.path.replace("<segment>", route.segments[0]) if route.segments else route.path
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"x-\1", path)
        calls += [(method, path) for method in route.methods]
    return calls


@pytest.mark.parametrize(("method", "path"), api_calls())
def test_every_api_route_needs_a_bearer_token(api: Api, method: str, path: str) -> None:
    url = path.replace("x-user_id", api.user_id)
    missing = api.http.open(url, method=method)
    assert_json_error(missing, 401)
    assert missing.headers["WWW-Authenticate"].startswith("Bearer ")
    garbage = api.http.open(url, method=method, headers={"Authorization": "Bearer not.a.jwt"})
    assert_json_error(garbage, 401)
    assert 'error="invalid_token"' in garbage.headers["WWW-Authenticate"]
    wrong_scheme = api.http.open(
        url, method=method, headers={"Authorization": f"Basic {api.token}"}
    )
    assert_json_error(wrong_scheme, 401)


def test_unknown_api_paths_need_a_token_too(api: Api) -> None:
    assert_json_error(api.http.get(f"{api.base}/no/such/route"), 401)


def test_a_token_of_another_server_is_refused(api: Api, make_app: AppFactory) -> None:
    other = Api(make_app(realm="other-realm"), ALICE, realm="other-realm")
    assert_json_error(api.http.get(api.base + "/orbitdefinitions", headers=other.headers), 401)


def test_unknown_routes_and_methods_answer_json(api: Api) -> None:
    body = assert_json_error(api.get("spaceshipdefinitions"), 404)
    assert "openapi" in body["message"]
    assert_json_error(api.http.get("/nowhere"), 404)
    not_allowed = api.call("PATCH", "orbitdefinitions")
    assert_json_error(not_allowed, 405)
    assert "POST" in not_allowed.headers["Allow"]
    # Objects collections have no compute route; missions do.
    assert_json_error(api.get("orbitdefinitions/compute/x"), 404)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"", "JSON body"),
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b'"a string"', "JSON object"),
        (b"null", "JSON object"),
        (b"{}", "missing"),
        (b'{"name": null}', "missing"),
        (b'{"name": ""}', "empty"),
        (b'{"name": "   "}', "empty"),
        (b'{"name": 42}', "string"),
        (b'{"name": ["a"]}', "string"),
        (b'{"name": "' + b"n" * 300 + b'"}', "limit"),
        (b'{"name": "a\\u0000b"}', "NUL"),
        (b'{"name": "deep", "x": ' + b"[" * 100 + b"]" * 100 + b"}", "nests deeper"),
        (b"[" * 100_000 + b"]" * 100_000, "nests deeper"),
        (b'{"name": "big", "n": ' + b"9" * 5000 + b"}", "not valid JSON"),
    ],
)
def test_bad_bodies_get_a_400_saying_what_is_wrong(api: Api, body: bytes, fragment: str) -> None:
    for response in (api.post("orbitdefinitions", body), api.put("orbitdefinitions/x", body)):
        error = assert_json_error(response, 400)
        assert fragment in error["message"]
    assert api.get("orbitdefinitions").get_json() == []


def test_bodies_over_the_limit_get_a_413(make_app: AppFactory) -> None:
    from fake_server.config import Limits

    api = Api(make_app(limits=Limits(max_body_bytes=1000)), ALICE)
    body = {"name": "big", "blob": "x" * 2000}
    error = assert_json_error(api.post("orbitdefinitions", body), 413)
    assert "1000 bytes" in error["message"]
    assert api.post("orbitdefinitions", {"name": "small"}).status_code == 200


def test_a_bug_answers_500_json_and_the_server_carries_on(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(api.app.store, "list_objects", broken)
    body = assert_json_error(api.get("orbitdefinitions"), 500)
    assert "boom" not in body["message"]  # internals stay in the log
    monkeypatch.undo()
    assert api.get("orbitdefinitions").status_code == 200
