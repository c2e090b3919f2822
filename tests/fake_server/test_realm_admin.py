"""A realm from a Keycloak export, the admin API for users and clients, reset, and the
``SPACESTUDIO_FAKE_*`` configuration of the WSGI entry point (in process)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from werkzeug.test import Client as HttpClient
from werkzeug.test import TestResponse

from fake_server.administration import USER_EXAMPLE
from fake_server.app import FakeSpacestudioApp
from fake_server.config import ServerConfig
from fake_server.faults import parse_fault_spec
from fake_server.oidc import KeyRing
from fake_server.oidc.realm_file import RealmFileError, load_realm_file
from fake_server.options import argv_from_environment, build_parser, config_from_args
from fake_server.store import SQLiteStore
from fake_server.wsgi import ConfigurationError, config_from_environment, default_state_path

EXPORT = Path(__file__).parent.parent / "data" / "keycloak-realm-export.json"
REALM = "acme-mission"
TOKEN = f"/realms/{REALM}/protocol/openid-connect/token"
BCRYPT_DATA = {"hashIterations": 10, "algorithm": "bcrypt"}


def config_of(*argv: str) -> ServerConfig:
    return config_from_args(build_parser().parse_args(list(argv)))


@pytest.fixture
def app(keys: KeyRing, tmp_path: Path) -> Any:
    config = config_of("--realm-file", str(EXPORT), "--fault", "/exoops/never:status=500")
    application = FakeSpacestudioApp.from_config(
        config, keys=keys, store=SQLiteStore(tmp_path / "state.sqlite")
    )
    yield application
    application.close()


def password_login(
    http: HttpClient, username: str, password: str, client_id: str = "spacestudio-scripting"
) -> TestResponse:
    form = {"grant_type": "password", "client_id": client_id, "username": username}
    return http.post(TOKEN, data={**form, "password": password})


def bearer(response: TestResponse) -> dict[str, str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def test_a_realm_export_imports_settings_clients_and_users() -> None:
    realm = load_realm_file(EXPORT)

    assert realm.realm == REALM
    settings = realm.settings
    assert (settings.access_token_lifespan, settings.sso_session_idle_timeout) == (120, 900)
    assert (settings.revoke_refresh_token, settings.refresh_token_max_reuse) == (True, 1)
    clients = {client.client_id: client for client in realm.clients}
    assert not clients["spacestudio-scripting"].confidential
    assert clients["ci-robot"].secret == "robot-secret"
    assert clients["ci-robot"].service_accounts and not clients["ci-robot"].direct_access_grants
    assert not clients["account-console"].direct_access_grants  # Keycloak's default: off
    assert not clients["broker"].enabled  # bearer-only: never obtains a token
    users = {account.login: account for account in realm.accounts}
    assert set(users) == {"ana", "bob", "carl", "service-account-ci-robot"}
    assert users["service-account-ci-robot"].service_account_client_id == "ci-robot"
    assert realm.accounts[-1].service_account_client_id  # a script uses the first account
    assert users["ana"].user_id == "0f0c9c3e-1a47-4a3e-8f0e-6f1b1c2d3e4f"
    assert users["ana"].scripting and not users["bob"].scripting  # the realm has the role
    assert not users["carl"].enabled  # no "enabled": true, as Keycloak imports it


def test_the_cli_takes_the_realm_files_name_and_lifetimes_unless_flags_say_otherwise() -> None:
    config = config_of("--realm-file", str(EXPORT))
    assert (config.realm, config.token_lifetime, config.refresh_lifetime) == (REALM, 120, 900)
    assert config.client_ids == ()  # the realm's clients only
    assert config.first_client_id == "spacestudio-scripting"
    overridden = config_of("--realm-file", str(EXPORT), "--token-lifetime", "60")
    assert overridden.token_lifetime == 60
    with pytest.raises(ValueError, match="holds realm 'acme-mission'"):
        config_of("--realm-file", str(EXPORT), "--realm", "other")


def test_imported_users_and_clients_log_in_as_keycloak_would_let_them(app: Any) -> None:
    http = HttpClient(app)

    by_username = password_login(http, "ANA", "ana-password")
    by_email = password_login(http, "ana@acme.test", "ana-password")
    assert http.get("/exoops/users/infos", headers=bearer(by_username)).status_code == 200
    assert by_email.status_code == 200
    infos = http.get("/exoops/users/infos", headers=bearer(by_username)).get_json()
    assert (infos["username"], infos["email"]) == ("ana", "ana@acme.test")
    bob = password_login(http, "bob", "bob-password")
    refused = http.get("/exoops/users/infos", headers=bearer(bob))
    assert refused.status_code == 403
    assert "lacks the realm role 'scripting'" in refused.get_json()["message"]
    assert '"realmRoles": ["scripting"]' in refused.get_json()["message"]
    assert password_login(http, "carl", "carl-password").get_json() == {
        "error": "invalid_grant",
        "error_description": "Account disabled",
    }
    robot_login = password_login(http, "ana", "ana-password", client_id="ci-robot")
    assert robot_login.status_code == 401  # no secret sent
    form = {"grant_type": "password", "username": "ana", "password": "ana-password"}
    robot_password = http.post(
        TOKEN, data={**form, "client_id": "ci-robot", "client_secret": "robot-secret"}
    )
    assert robot_password.get_json() == {
        "error": "unauthorized_client",
        "error_description": "Client not allowed for direct access grants",
    }
    service = http.post(
        TOKEN,
        data={
            "grant_type": "client_credentials",
            "client_id": "ci-robot",
            "client_secret": "robot-secret",
        },
    )
    assert service.status_code == 200


def test_the_realms_refresh_token_reuse_setting_applies(app: Any) -> None:
    http = HttpClient(app)
    refresh_token = password_login(http, "ana", "ana-password").get_json()["refresh_token"]
    form = {
        "grant_type": "refresh_token",
        "client_id": "spacestudio-scripting",
        "refresh_token": refresh_token,
    }

    statuses = [http.post(TOKEN, data=form).status_code for _ in range(3)]

    assert statuses == [200, 200, 400]  # refreshTokenMaxReuse 1: two uses
    assert http.post(TOKEN, data=form).get_json()["error_description"] == (
        "Maximum allowed refresh token reuse exceeded"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not JSON"),
        ('{"realm": "r", "clients": [{"clientId": "c"}]}', 'has no "secret"'),
        (
            '{"realm": "r", "users": [{"username": "u", "credentials": '
            '[{"type": "password", "secretData": "{}", "credentialData": "{}"}]}]}',
            "hash algorithm '' is not supported",
        ),
        (
            json.dumps(
                {
                    "realm": "r",
                    "users": [
                        {
                            "username": "u",
                            "credentials": [
                                {
                                    "type": "password",
                                    "secretData": '{"value": "AA==", "salt": "AA=="}',
                                    "credentialData": json.dumps(BCRYPT_DATA),
                                }
                            ],
                        }
                    ],
                }
            ),
            "'bcrypt' is not supported",
        ),
        ('[{"realm": "a"}, {"realm": "b"}]', "choose one with --realm"),
        ('{"realm": "r", "accessTokenLifespan": "5m"}', "whole number of seconds"),
        ('{"realm": "r", "users": [{"username": "u"}, {"username": "U"}]}', "share the username"),
    ],
)
def test_bad_realm_files_say_what_to_fix(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "realm.json"
    path.write_text(content)

    with pytest.raises(RealmFileError, match=message):
        load_realm_file(path)


def test_a_ci_job_adds_and_removes_users_and_clients(app: Any) -> None:
    http = HttpClient(app)
    user = {
        "username": "ci-user",
        "email": "ci@acme.test",
        "enabled": True,
        "realmRoles": ["scripting"],
        "credentials": [{"type": "password", "value": "ci-password"}],
    }

    added = http.post("/__admin/users", json=user)
    assert added.status_code == 201, added.get_data(as_text=True)
    assert added.get_json()["username"] == "ci-user"
    session = bearer(password_login(http, "ci-user", "ci-password"))
    assert http.get("/exoops/users/infos", headers=session).status_code == 200
    assert http.post("/__admin/users", json={**user, "username": "other"}).status_code == 409
    listed = http.get("/__admin/users").get_json()["users"]
    assert [(u["username"], u["origin"]) for u in listed][-1] == ("ci-user", "admin")
    assert http.delete("/__admin/users/ci-user").status_code == 204
    assert password_login(http, "ci-user", "ci-password").status_code == 401
    assert http.get("/exoops/users/infos", headers=session).status_code == 401
    assert http.delete("/__admin/users/ci-user").status_code == 404

    client = {"clientId": "ci-client", "secret": "s3cret", "serviceAccountsEnabled": True}
    assert http.post("/__admin/clients", json=client).status_code == 201
    assert http.post("/__admin/clients", json=client).status_code == 409
    grant = {"grant_type": "client_credentials", "client_id": "ci-client"}
    assert http.post(TOKEN, data={**grant, "client_secret": "s3cret"}).status_code == 200
    bad = http.post("/__admin/clients", json={"clientId": "x", "publicClient": "yes"})
    assert bad.status_code == 400
    assert "true or false" in bad.get_json()["message"]
    assert http.delete("/__admin/clients/ci-client").status_code == 204
    assert http.post(TOKEN, data={**grant, "client_secret": "s3cret"}).status_code == 401


def test_reset_forgets_objects_journal_and_run_time_faults(app: Any) -> None:
    http = HttpClient(app)
    session = bearer(password_login(http, "ana", "ana-password"))
    user_id = http.get("/exoops/users/infos", headers=session).get_json()["id"]
    orbits = f"/exoops/users/{user_id}/orbitdefinitions"
    created = http.post(orbits, headers=session, json={"name": "SSO"})
    assert created.status_code == 200
    http.post("/__admin/faults", json={"pattern": "/nowhere", "kind": "drop"})
    extra = {"username": "temp", "enabled": True, "credentials": [{"value": "pw"}]}
    assert http.post("/__admin/users", json=extra).status_code == 201

    # A web page's plain POST must not wipe the server: a body must say JSON, and an
    # empty POST may come from curl but not from a page of another origin.
    assert http.post("/__admin/reset", data="{}", content_type="text/plain").status_code == 415
    from_page = http.post("/__admin/reset", headers={"Origin": "https://evil.test"})
    assert from_page.status_code == 403
    assert "another site's page" in from_page.get_json()["message"]
    sandboxed = http.post("/__admin/reset", headers={"Sec-Fetch-Site": "cross-site"})
    assert sandboxed.status_code == 403
    assert http.post("/__admin/reset", headers={"Origin": "http://localhost"}).status_code == 204
    assert http.post("/__admin/reset").status_code == 204  # curl -X POST …/reset
    assert http.post("/__admin/reset", json={}).status_code == 204

    assert http.get("/__admin/journal").get_json()["requests"] == []
    assert http.get(orbits, headers=session).get_json() == []  # the session lives on
    faults = http.get("/__admin/faults").get_json()["faults"]
    assert [rule["pattern"] for rule in faults] == ["/exoops/never"]  # the configured one
    assert password_login(http, "temp", "pw").status_code == 200  # users stay by default

    assert http.post("/__admin/reset", json={"users": True}).status_code == 204
    assert password_login(http, "temp", "pw").status_code == 401
    assert password_login(http, "ana", "ana-password").status_code == 200
    assert http.post("/__admin/reset", json={"users": "yes"}).status_code == 400


def test_an_empty_admin_post_passes_with_the_admin_token_from_anywhere(keys: KeyRing) -> None:
    application = FakeSpacestudioApp.from_config(config_of("--admin-token", "t0ken"), keys=keys)
    http = HttpClient(application)
    # A page cannot attach the Authorization header cross-origin without a preflight.
    headers = {"Origin": "https://ci.example", "Authorization": "Bearer t0ken"}

    assert http.post("/__admin/reset", headers=headers).status_code == 204
    assert http.post("/__admin/reset", headers={"Origin": "https://ci.example"}).status_code == 401
    application.close()


def test_the_documented_user_example_may_use_the_api_of_a_realm_with_the_role(app: Any) -> None:
    http = HttpClient(app)
    example = json.loads(USER_EXAMPLE)

    assert http.post("/__admin/users", json=example).status_code == 201
    session = bearer(password_login(http, example["username"], "s3cret"))
    assert http.get("/exoops/users/infos", headers=session).status_code == 200


def export_with_service_account(tmp_path: Path, **service_user: Any) -> Path:
    """A copy of the export whose ci-robot service-account user has ``service_user``."""
    data = json.loads(EXPORT.read_text(encoding="utf-8"))
    (user,) = [u for u in data["users"] if u.get("serviceAccountClientId")]
    user.update(service_user)
    path = tmp_path / "realm.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_client_credentials_tokens_speak_for_the_exported_service_account_user(
    keys: KeyRing, tmp_path: Path, backend: str
) -> None:
    realm_file = export_with_service_account(
        tmp_path,
        id="5a1e0c4b-7c2d-4f9e-9a33-0c1d2e3f4a5b",
        realmRoles=["default-roles-acme-mission", "ci-runner"],
    )
    store = SQLiteStore(tmp_path / "state.sqlite") if backend == "sqlite" else None
    application = FakeSpacestudioApp.from_config(
        config_of("--realm-file", str(realm_file)), keys=keys, store=store
    )
    http = HttpClient(application)
    grant = {"grant_type": "client_credentials", "client_id": "ci-robot"}

    answer = http.post(TOKEN, data={**grant, "client_secret": "robot-secret"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    claims = json.loads(
        base64.urlsafe_b64decode(answer.get_json()["access_token"].split(".")[1] + "==")
    )
    assert claims["sub"] == "5a1e0c4b-7c2d-4f9e-9a33-0c1d2e3f4a5b"
    assert claims["preferred_username"] == "service-account-ci-robot"
    assert "ci-runner" in claims["realm_access"]["roles"]
    assert "scripting" not in claims["realm_access"]["roles"]  # the realm defines the role
    userinfo = http.get(
        f"/realms/{REALM}/protocol/openid-connect/userinfo",
        headers={"Authorization": f"Bearer {answer.get_json()['access_token']}"},
    )
    assert userinfo.get_json()["sub"] == claims["sub"]
    # The service-account user has no password: it never logs in itself.
    assert password_login(http, "service-account-ci-robot", "").status_code == 401
    application.close()


def test_a_service_account_user_of_a_missing_client_is_refused(tmp_path: Path) -> None:
    realm_file = export_with_service_account(tmp_path, serviceAccountClientId="gone")

    with pytest.raises(RealmFileError, match="service account of client 'gone'"):
        load_realm_file(realm_file)


def test_two_applications_on_one_state_file_share_the_realm(keys: KeyRing, tmp_path: Path) -> None:
    config = config_of("--realm-file", str(EXPORT))
    first = FakeSpacestudioApp.from_config(
        config, keys=keys, store=SQLiteStore(tmp_path / "state.sqlite")
    )
    second = FakeSpacestudioApp.from_config(
        config, keys=keys, store=SQLiteStore(tmp_path / "state.sqlite")
    )
    try:
        one, two = HttpClient(first), HttpClient(second)
        user = {"username": "dan", "enabled": True, "credentials": [{"value": "dan-pw"}]}
        assert one.post("/__admin/users", json=user).status_code == 201
        tokens = password_login(two, "dan", "dan-pw").get_json()
        one.post("/__admin/faults", json={"pattern": "/exoops/*", "kind": "status", "status": 418})
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert two.get("/exoops/users/infos", headers=headers).status_code == 418
        paths = [e["path"] for e in one.get("/__admin/journal").get_json()["requests"]]
        assert paths[-1] == "/exoops/users/infos"  # answered by the other application
    finally:
        first.close()
        second.close()


def test_environment_variables_mirror_the_flags(tmp_path: Path) -> None:
    environ = {
        "SPACESTUDIO_FAKE_STATE": str(tmp_path / "s.sqlite"),
        "SPACESTUDIO_FAKE_REALM_FILE": str(EXPORT),
        "SPACESTUDIO_FAKE_USER": "eve@acme.test:eve-pw\nfay@acme.test:fay-pw:no-scripting",
        "SPACESTUDIO_FAKE_FAULT": "/exoops/*:status=503:methods=GET,POST",
        "SPACESTUDIO_FAKE_REVOKE_REFRESH_TOKEN": "false",
        "SPACESTUDIO_FAKE_COMPUTE_SECONDS": "0",
        "UNRELATED": "ignored",
    }

    config = config_from_environment(environ)

    assert config.realm == REALM
    assert config.state_path == str(tmp_path / "s.sqlite")
    assert config.keys_path == f"{tmp_path / 's.sqlite'}.keys.pem"
    assert [a.login for a in config.accounts][-2:] == ["eve@acme.test", "fay@acme.test"]
    assert not config.accounts[-1].scripting
    assert config.faults == (
        parse_fault_spec("/exoops/*:status=503:methods=GET,POST").definition(),
    )
    assert config.realm_settings.revoke_refresh_token  # the realm file's; "false" adds no flag
    assert config.compute_seconds == 0
    assert argv_from_environment(build_parser(), {"SPACESTUDIO_FAKE_REALM": "x"}) == ["--realm=x"]


def test_without_a_state_variable_the_workers_share_a_default_file() -> None:
    config = config_from_environment({})

    assert config.state_path == str(default_state_path())
    assert default_state_path().parent.is_dir()
    assert config.keys_path == f"{default_state_path()}.keys.pem"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"SPACESTUDIO_FAKE_STAET": "x"}, "unknown setting.*SPACESTUDIO_FAKE_STAET"),
        ({"SPACESTUDIO_FAKE_TOKEN_LIFETIME": "soon"}, "whole number of seconds"),
        ({"SPACESTUDIO_FAKE_USER": "nobody"}, "EMAIL:PASSWORD"),
        ({"SPACESTUDIO_FAKE_REALM_FILE": "/no/such/realm.json"}, "cannot read realm file"),
        ({"SPACESTUDIO_FAKE_REVOKE_REFRESH_TOKEN": "maybe"}, "true or false"),
    ],
)
def test_bad_environment_says_which_variable(
    tmp_path: Path, environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        config_from_environment({"SPACESTUDIO_FAKE_STATE": str(tmp_path / "s"), **environ})


def keycloak_credential(
    algorithm: str, iterations: int, salt: bytes, value: bytes, **extra: Any
) -> dict[str, Any]:
    """A password credential as ``kc.sh export`` writes it (JSON inside JSON strings)."""
    secret = {"value": base64.b64encode(value).decode(), "salt": base64.b64encode(salt).decode()}
    data = {"hashIterations": iterations, "algorithm": algorithm, "additionalParameters": extra}
    return {
        "type": "password",
        "secretData": json.dumps({**secret, "additionalParameters": {}}),
        "credentialData": json.dumps(data),
    }


def unpadded_b64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def test_an_exports_hashed_passwords_are_checked(tmp_path: Path, keys: KeyRing) -> None:
    # Keycloak 26's default: argon2id, 5 iterations, 7 MiB, one lane, 32-byte hash. The
    # hash is made by argon2-cffi's high-level hasher and read back from its encoding.
    hasher = PasswordHasher(time_cost=5, memory_cost=7168, parallelism=1, hash_len=32)
    salt_b64, hash_b64 = hasher.hash("ana-password").split("$")[-2:]
    argon = keycloak_credential(
        "argon2",
        5,
        unpadded_b64(salt_b64),
        unpadded_b64(hash_b64),
        hashLength=["32"],
        memory=["7168"],
        type=["id"],
        version=["1.3"],
        parallelism=["1"],
    )
    salt = b"0123456789abcdef"
    derived = PBKDF2HMAC(hashes.SHA512(), 64, salt, 1000).derive(b"bob-password")
    pbkdf2 = keycloak_credential("pbkdf2-sha512", 1000, salt, derived)
    realm = {
        "realm": "hashed",
        "users": [
            {"username": "ana", "enabled": True, "credentials": [argon]},
            {"username": "bob", "enabled": True, "credentials": [pbkdf2]},
        ],
        "clients": [{"clientId": "cli", "publicClient": True, "directAccessGrantsEnabled": True}],
    }
    path = tmp_path / "realm.json"
    path.write_text(json.dumps(realm))
    app = FakeSpacestudioApp.from_config(config_of("--realm-file", str(path)), keys=keys)
    http = HttpClient(app)

    def status(username: str, password: str) -> int:
        form = {"grant_type": "password", "client_id": "cli", "username": username}
        token_url = "/realms/hashed/protocol/openid-connect/token"
        return http.post(token_url, data={**form, "password": password}).status_code

    assert [status("ana", "ana-password"), status("ana", "bob-password")] == [200, 401]
    assert [status("bob", "bob-password"), status("bob", "")] == [200, 401]
    app.close()


def test_the_cli_makes_confidential_clients(keys: KeyRing) -> None:
    config = config_of("--confidential-client", "ci-robot:robot:secret")
    app = FakeSpacestudioApp.from_config(config, keys=keys)
    http = HttpClient(app)
    grant = {"grant_type": "client_credentials", "client_id": "ci-robot"}
    token_url = "/realms/spacestudio-users/protocol/openid-connect/token"

    # The secret is everything after the first colon.
    assert http.post(token_url, data={**grant, "client_secret": "robot:secret"}).status_code == 200
    assert http.post(token_url, data={**grant, "client_secret": "robot"}).status_code == 401
    assert config.first_client_id == "spacestudio-scripting"  # the default public client stays
    app.close()
    with pytest.raises(ValueError, match="ID:SECRET"):
        config_of("--confidential-client", "no-secret")
