"""``spacestudio doctor``: check the install, the settings, the service and the login, each
with a pass/fail line and the fix.

The checks run in the order a connection needs them (install, settings, the base URL,
the token endpoint, the clock, the token as the service sees it); a check whose
prerequisite failed is skipped, said so. Exit status 1 when any check failed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from spacestudio import settings
from spacestudio.auth import unverified_claims
from spacestudio.errors import ConfigurationError
from spacestudio.installation import inspect_installation
from spacestudio.transport import connection_problem
from spacestudio_contract.endpoints import USER_INFOS_PATH, token_url

#: Seconds each HTTP check may take.
TIMEOUT = 10.0
#: Clock difference with the identity provider beyond which tokens look expired or not
#: yet valid to one side.
MAX_SKEW = 30.0
REQUIRED = ("LOG_BASE_URL", "LOG_MAIL", "LOG_PASSWORD", "CLIENT_ID")


@dataclass
class Check:
    """One line of the report: passed, failed (with the fix) or skipped."""

    name: str
    passed: bool | None
    said: str
    fix: str = ""

    def lines(self) -> list[str]:
        mark = {True: "PASS", False: "FAIL", None: "SKIP"}[self.passed]
        shown = [f"{mark}  {self.name:<9} {self.said}"]
        if self.fix:
            shown.append(f"      {'':<9} fix: {self.fix}")
        return shown


@dataclass
class _Findings:
    """What the checks learnt that later checks need."""

    base_url: str = ""
    auth_url: str = ""
    realm: str = ""
    values: dict[str, str] = field(default_factory=dict)
    access_token: str | None = None
    received_at: float = 0.0


def check_install(_: _Findings) -> Check:
    installation = inspect_installation()
    problem = installation.problem()
    if problem is not None:
        said, _sep, repair = problem.partition(" Repair it with:\n    ")
        return Check("install", False, said, repair)
    where = Path(__file__).parent
    if installation.version is None:
        return Check("install", True, f"spacestudio from a source checkout at {where}")
    return Check("install", True, f"spacestudio-harness {installation.version} at {where}")


def check_settings(found: _Findings) -> Check:
    from dotenv import find_dotenv, load_dotenv

    dotenv = find_dotenv(usecwd=True)
    if dotenv:
        load_dotenv(dotenv, override=False)
    origin = f"from {dotenv} and the environment" if dotenv else "from the environment (no .env)"
    values = {name: (os.environ.get(name) or "").strip() for name in REQUIRED}
    missing = [name for name, value in values.items() if not value]
    if missing:
        return Check(
            "settings", False, f"{', '.join(missing)} not set ({origin})",
            f"add {' '.join(f'{name}=…' for name in missing)} to a .env file in this folder "
            "(or set them in the environment)",
        )  # fmt: skip
    try:
        found.base_url = settings.checked_url("LOG_BASE_URL", values["LOG_BASE_URL"]).rstrip("/")
        found.auth_url = settings.checked_url("SPACESTUDIO_AUTH_URL", settings.auth_url())
    except ConfigurationError as error:
        return Check(
            "settings", False, error.message, error.hint.removeprefix("Nothing was sent; ")
        )
    found.realm, found.values = settings.realm(), values
    return Check("settings", True, f"all set {origin}")


def _unreachable(name: str, url: str, error: requests.RequestException) -> Check:
    problem = None
    if isinstance(error, requests.ConnectionError):
        problem, _ = connection_problem(error, url)
    return Check(name, False, f"{url}: {problem or error}", "check the URL, the network and proxy")


def check_service(found: _Findings) -> Check:
    url = f"{found.base_url}{USER_INFOS_PATH}"
    try:
        answer = requests.get(url, timeout=TIMEOUT, verify=settings.verify_ssl_certificate())
    except requests.RequestException as error:
        return _unreachable("service", url, error)
    if answer.status_code == 401 and "bearer" in answer.headers.get("WWW-Authenticate", "").lower():
        return Check("service", True, f"{found.base_url} answers as spacestudio's scripting API")
    return Check(
        "service", False, f"GET {url} answered HTTP {answer.status_code}, not the 401 "
        "the scripting API answers without a token",
        "set LOG_BASE_URL to the scripting API's base URL (the exoops/… routes live under it)",
    )  # fmt: skip


def check_login(found: _Findings) -> Check:
    url = token_url(found.auth_url, found.realm)
    form = {
        "client_id": found.values["CLIENT_ID"], "grant_type": "password",
        "username": found.values["LOG_MAIL"], "password": found.values["LOG_PASSWORD"],
    }  # fmt: skip
    try:
        answer = requests.post(url, data=form, timeout=TIMEOUT,
                               verify=settings.verify_ssl_certificate())  # fmt: skip
    except requests.RequestException as error:
        return _unreachable("login", url, error)
    body: Any = _json(answer)
    if answer.status_code == 200 and isinstance(body, dict) and body.get("access_token"):
        found.access_token, found.received_at = str(body["access_token"]), time.time()
        return Check("login", True, f"{found.values['LOG_MAIL']} logged in at {url}")
    said = body.get("error_description") if isinstance(body, dict) else None
    fix = (
        "check SPACESTUDIO_AUTH_URL and SPACESTUDIO_REALM"
        if answer.status_code == 404
        else "check LOG_MAIL, LOG_PASSWORD and CLIENT_ID"
    )
    return Check(
        "login", False,
        f"the token endpoint {url} refused {found.values['LOG_MAIL']}: HTTP "
        f"{answer.status_code}" + (f", {said}" if said else ""), fix,
    )  # fmt: skip


def check_clock(found: _Findings) -> Check:
    issued = unverified_claims(found.access_token or "").get("iat")
    if not isinstance(issued, int | float):
        return Check("clock", None, "the token carries no iat to compare the clock with")
    skew = found.received_at - float(issued)
    said = f"{abs(skew):.0f} s {'ahead of' if skew > 0 else 'behind'} the identity provider"
    if abs(skew) > MAX_SKEW:
        return Check("clock", False, f"this machine's clock is {said}",
                     "set the clock right (enable NTP time synchronisation)")  # fmt: skip
    return Check("clock", True, f"within {MAX_SKEW:.0f} s of the identity provider's ({said})")


def check_token(found: _Findings) -> Check:
    claims = unverified_claims(found.access_token or "")
    issuer = f"{found.auth_url.rstrip('/')}/realms/{found.realm}"
    expires = claims.get("exp")
    wrong = []
    if claims.get("iss") != issuer:
        wrong.append(f"issuer {claims.get('iss')!r}, not {issuer!r}")
    if claims.get("azp") not in (None, found.values["CLIENT_ID"]):
        wrong.append(f"issued to client {claims.get('azp')!r}, not CLIENT_ID")
    if not isinstance(expires, int | float) or expires <= time.time():
        wrong.append("already expired" if isinstance(expires, int | float) else "no expiry")
    if wrong:
        return Check("token", False, "; ".join(wrong),
                     "check SPACESTUDIO_AUTH_URL, SPACESTUDIO_REALM and CLIENT_ID")  # fmt: skip
    url = f"{found.base_url}{USER_INFOS_PATH}"
    try:
        bearer = {"Authorization": f"Bearer {found.access_token}"}
        answer = requests.get(url, headers=bearer, timeout=TIMEOUT,
                              verify=settings.verify_ssl_certificate())  # fmt: skip
    except requests.RequestException as error:
        return _unreachable("token", url, error)
    if answer.status_code == 200:
        left = float(expires) - time.time()  # type: ignore[arg-type]
        return Check("token", True, f"issuer {issuer}, valid {left:.0f} s more, accepted by "
                     "the scripting API")  # fmt: skip
    said = answer.headers.get("WWW-Authenticate", "") or answer.text[:200]
    return Check(
        "token", False, f"the scripting API refused the token: HTTP {answer.status_code} {said}",
        "set SPACESTUDIO_AUTH_URL and SPACESTUDIO_REALM to the identity provider this "
        "service trusts, or ask the support to enable scripting for this account",
    )  # fmt: skip


def _json(answer: requests.Response) -> Any:
    try:
        return answer.json()
    except ValueError:
        return None


#: Each check, and the checks that must have passed before it means anything.
CHECKS: tuple[tuple[Callable[[_Findings], Check], tuple[str, ...]], ...] = (
    (check_install, ()),
    (check_settings, ()),
    (check_service, ("settings",)),
    (check_login, ("settings",)),
    (check_clock, ("login",)),
    (check_token, ("login",)),
)


def run_doctor(write: Callable[[str], None] = print) -> int:
    """Run every check, write one line each (and the fix of a failure); 0 when all pass."""
    found = _Findings()
    outcome: dict[str, bool | None] = {}
    for check, needs in CHECKS:
        name = check.__name__.removeprefix("check_")
        unmet = [need for need in needs if not outcome.get(need)]
        result = (
            Check(name, None, f"skipped: the {unmet[0]} check did not pass")
            if unmet
            else check(found)
        )
        outcome[name] = result.passed
        for line in result.lines():
            write(line)
    failed = [name for name, passed in outcome.items() if passed is False]
    write(
        f"{len(failed)} check{'s' if len(failed) != 1 else ''} failed"
        if failed
        else "all checks passed"
    )
    return 1 if failed else 0
