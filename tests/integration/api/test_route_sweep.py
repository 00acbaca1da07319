"""Deny by default: every route has an access decision, and none serves data without it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from platewarden.api.access_table import decision_table, route_policies
from platewarden.api.app import create_app
from platewarden.api.cookies import csrf_token_for
from platewarden.bootstrap import Container
from platewarden.domain.access import Role
from platewarden.domain.totp import totp
from platewarden.services.second_factor import decode_secret
from support.console import console_token
from support.factories import PASSWORD, make_container, make_user
from support.mfa import api_login
from support.server import running_server

pytestmark = pytest.mark.integration
PUBLIC = {("GET", "/healthz"), ("POST", "/api/v1/auth/login"),
          # The console's sign-in form, its scripts and styles, and the language switch.
          ("GET", "/console/login"), ("POST", "/console/login"),
          ("GET", "/console/static/{relative:path}"), ("GET", "/console/lang/{language}"),
          # The citizen look-up (issue 8), the one public data surface: a notice is shown
          # only to whoever holds both its number and the plate, with one identical refusal
          # for any mismatch, throttled per client and per notice; the verification check
          # answers valid or not and nothing else.
          ("POST", "/api/v1/public/notices/lookup"), ("POST", "/api/v1/public/notices/appeal"),
          ("POST", "/api/v1/public/notices/verify"),
          # The same look-up and appeal as a plain form at the address printed on notices.
          ("GET", "/notice"), ("POST", "/notice"), ("POST", "/notice/appeal"),
          ("POST", "/notice/verify")}
# A login's second step: opened only by the challenge token the password step returned.
CHALLENGE = {("POST", "/api/v1/auth/mfa/enrol"), ("POST", "/api/v1/auth/mfa/verify"),
             ("GET", "/console/login/mfa"), ("POST", "/console/login/mfa"),
             ("POST", "/console/login/enrol")}
DUMMY = {"sha256": "a" * 64}


def every_route(container: Container) -> list[tuple[str, str, set[str]]]:
    found = route_policies(create_app(container))
    assert len(found) >= 10
    return found


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)(:path)?\}", lambda m: DUMMY.get(m.group(1), "x1"), path)


def is_page(policies: set[str]) -> bool:
    """A console page: signed in with the session cookie, never a bearer token."""
    return any(p.startswith("page") for p in policies)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Container, str]]:
    container = make_container(tmp_path / "data")
    with running_server(container) as url:
        yield container, url
    container.stop()


def test_every_route_has_exactly_one_access_policy(served: tuple[Container, str]) -> None:
    container, _ = served
    for method, path, found in every_route(container):
        assert len(found) == 1, f"{method} {path} has access policies {found or 'none'}"
        if (method, path) in PUBLIC:
            assert found == {"public"}
        elif (method, path) in CHALLENGE:
            assert found == {"login-challenge"}
        else:
            assert found not in ({"public"}, {"login-challenge"}), f"{method} {path}: {found}"


def refuses_bearer(container: Container, url: str, *tokens: str) -> None:
    """Every route but the public and second-step ones refuses these bearer tokens."""
    headers_to_try = [{}, {"Authorization": "Basic YWRtaW46YWRtaW4="},
                      *({"Authorization": f"Bearer {token}"} for token in tokens)]
    for method, path, found in every_route(container):
        if (method, path) in PUBLIC | CHALLENGE or is_page(found):
            continue
        for headers in headers_to_try:
            response = httpx.request(method, url + concrete(path), headers=headers,
                                     json={}, timeout=10)
            assert 400 <= response.status_code < 500, f"{method} {path}: {response.status_code}"
            if found not in ({"camera-signature"}, {"payment-signature"}):
                assert response.status_code == 401, f"{method} {path}"
            assert set(response.json()) == {"error"}


def test_no_route_serves_data_without_credentials(served: tuple[Container, str]) -> None:
    container, url = served
    refuses_bearer(container, url, "not-a-token")


def test_mfa_and_enrolment_tokens_open_no_route(served: tuple[Container, str]) -> None:
    container, url = served
    newcomer = make_user(container, Role.ADMIN, Role.REVIEWER)
    enrolment = httpx.post(f"{url}/api/v1/auth/login",
                           json={"username": newcomer, "password": PASSWORD}).json()
    assert enrolment["status"] == "enrol"
    assert "token" not in enrolment  # a password alone never yields a session
    veteran = make_user(container, Role.ADMIN, Role.REVIEWER)
    api_login(url, veteran, PASSWORD)
    mfa = httpx.post(f"{url}/api/v1/auth/login",
                     json={"username": veteran, "password": PASSWORD}).json()
    assert mfa["status"] == "mfa"
    assert set(mfa) == {"status", "mfa_token", "expires_at"}
    refuses_bearer(container, url, enrolment["enrolment_token"], mfa["mfa_token"])


def test_second_steps_refuse_bad_tokens_and_codes(served: tuple[Container, str]) -> None:
    container, url = served
    username = make_user(container, Role.REVIEWER)
    step = httpx.post(f"{url}/api/v1/auth/login",
                      json={"username": username, "password": PASSWORD}).json()
    cases = [("enrol", {"enrolment_token": "x" * 43, "code": "123456"}),
             ("verify", {"mfa_token": step["enrolment_token"], "code": "123456"}),
             ("enrol", {"enrolment_token": step["enrolment_token"], "code": "000000"}),
             ("enrol", {"enrolment_token": step["enrolment_token"],
                        "code": totp(decode_secret(step["secret"]), datetime.now(UTC))})]
    for kind, body in cases:  # the last one is right, but the token was spent by a wrong try
        response = httpx.post(f"{url}/api/v1/auth/mfa/{kind}", json=body)
        assert response.status_code == 401, (kind, body)
        assert response.json()["error"]["code"] == "invalid_credentials"


def test_a_user_without_the_permission_is_refused(served: tuple[Container, str]) -> None:
    container, url = served
    username = make_user(container)  # no role: every permission route must refuse it
    token = api_login(url, username, PASSWORD)
    for method, path, found in every_route(container):
        if not any(p.startswith("permission:") for p in found):
            continue
        response = httpx.request(method, url + concrete(path), json={},
                                 headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert response.status_code == 403, f"{method} {path}: {response.status_code}"


def test_no_public_docs_or_schema(served: tuple[Container, str]) -> None:
    _, url = served
    for path in ("/docs", "/redoc", "/openapi.json", "/api/v1/openapi.json"):
        assert httpx.get(url + path).status_code in (401, 404)


def test_health_says_nothing_but_ok(served: tuple[Container, str]) -> None:
    _, url = served
    response = httpx.get(f"{url}/healthz")
    assert response.json() == {"status": "ok"}
    assert "server" not in response.headers
    assert response.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_login_refuses_unknown_user_and_wrong_password_alike(
        served: tuple[Container, str]) -> None:
    container, url = served
    username = make_user(container, Role.REVIEWER)
    wrong = httpx.post(f"{url}/api/v1/auth/login",
                       json={"username": username, "password": "wrong-password-123"})
    unknown = httpx.post(f"{url}/api/v1/auth/login",
                         json={"username": "nobody", "password": "wrong-password-123"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_logout_ends_the_session(served: tuple[Container, str]) -> None:
    container, url = served
    username = make_user(container, Role.REVIEWER)
    token = api_login(url, username, PASSWORD)
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{url}/api/v1/violations", headers=auth).status_code == 200
    assert httpx.post(f"{url}/api/v1/auth/logout", headers=auth).status_code == 204
    assert httpx.get(f"{url}/api/v1/violations", headers=auth).status_code == 401


def test_password_change_and_revoke_all_through_the_api(served: tuple[Container, str]) -> None:
    container, url = served
    username = make_user(container, Role.REVIEWER)
    first = {"Authorization": f"Bearer {api_login(url, username, PASSWORD)}"}
    second = {"Authorization": f"Bearer {api_login(url, username, PASSWORD)}"}
    new_password = PASSWORD + "-renewed"
    changed = httpx.post(f"{url}/api/v1/auth/password", headers=first, json={
        "old_password": PASSWORD, "new_password": new_password})
    assert changed.json() == {"sessions_ended": 1}
    assert httpx.get(f"{url}/api/v1/violations", headers=second).status_code == 401
    assert httpx.get(f"{url}/api/v1/violations", headers=first).status_code == 200
    third = {"Authorization": f"Bearer {api_login(url, username, new_password)}"}
    revoked = httpx.post(f"{url}/api/v1/auth/sessions/revoke-all", headers=third)
    assert revoked.json() == {"sessions_ended": 2}
    for headers in (first, third):
        assert httpx.get(f"{url}/api/v1/violations", headers=headers).status_code == 401


def test_every_role_gets_what_the_decision_table_says(served: tuple[Container, str]) -> None:
    container, url = served
    table = [d for d in decision_table(create_app(container))
             if d.for_users and d.policy != "public" and not is_page({d.policy})]
    answers: dict[tuple[str, str, str], bool] = {}
    for role in Role:
        # A new user for every session: a TOTP code is accepted once, so a second login of
        # the same user would wait for the next 30-second step.
        def session(role: Role = role) -> dict[str, str]:
            token = api_login(url, make_user(container, role), PASSWORD)
            return {"Authorization": f"Bearer {token}"}

        auth = session()
        for decision in table:
            response = httpx.request(decision.method, url + concrete(decision.path), json={},
                                     headers=auth, timeout=10)
            assert response.status_code != 401, (role, decision)
            answers[(role.value, decision.method, decision.path)] = response.status_code != 403
            if decision.path.endswith(("/logout", "/revoke-all")):  # they end the session
                auth = session()
    expected = {(role.value, d.method, d.path): d.admits(role) for role in Role for d in table}
    assert answers == expected


def test_no_page_serves_data_without_a_session(served: tuple[Container, str]) -> None:
    container, url = served
    token = api_login(url, make_user(container, *Role), PASSWORD)  # a bearer token
    attempts = [({}, {}), ({"pw_session": "not-a-session"}, {}),
                ({}, {"Authorization": f"Bearer {token}"})]
    pages = [(m, p) for m, p, found in every_route(container) if is_page(found)]
    assert len(pages) >= 8
    for method, path in pages:
        for cookies, headers in attempts:
            response = httpx.request(method, url + concrete(path), cookies=cookies,
                                     headers=headers, data={"csrf_token": "x"}, timeout=10)
            assert response.status_code == 303, f"{method} {path}: {response.status_code}"
            assert response.headers["location"] == "/console/login"
            assert response.content == b""


def cookie_session(container: Container, url: str, *roles: Role) -> tuple[dict[str, str], str]:
    """Session cookies of a new user holding ``roles``, and the session's CSRF token."""
    token = console_token(url, make_user(container, *roles), PASSWORD)
    return {"pw_session": token}, csrf_token_for(token)


def probe(method: str, url: str, **kwargs: Any) -> tuple[int, str]:
    """Status and body of a request; an event stream's body is not waited for (it runs a
    minute before the browser reconnects)."""
    with httpx.stream(method, url, timeout=10, **kwargs) as response:
        if response.headers.get("content-type", "").startswith("text/event-stream"):
            return response.status_code, ""
        return response.status_code, response.read().decode()


def test_every_role_gets_the_pages_the_decision_table_says(
        served: tuple[Container, str]) -> None:
    container, url = served
    table = [d for d in decision_table(create_app(container)) if is_page({d.policy})]
    answers: dict[tuple[str, str, str], bool] = {}
    for role in [*Role, None]:
        cookies, csrf = cookie_session(container, url, *([role] if role else []))
        for decision in table:
            status, text = probe(decision.method, url + concrete(decision.path),
                                 cookies=cookies, data={"csrf_token": csrf})
            signing_out = decision.path.endswith("/logout")  # answers 303 to the sign-in
            assert signing_out or status != 303, (role, decision)
            refused = status == 403 and 'data-code="forbidden"' in text
            answers[(str(role), decision.method, decision.path)] = not refused
            if signing_out:
                cookies, csrf = cookie_session(container, url, *([role] if role else []))
    expected = {(str(role), d.method, d.path): d.admits(role) if role else
                d.policy == "page-signed-in" for role in [*Role, None] for d in table}
    assert answers == expected


def test_every_state_changing_console_request_needs_the_csrf_token(
        served: tuple[Container, str]) -> None:
    container, url = served
    cookies, csrf = cookie_session(container, url, *Role)  # every permission
    wrong = csrf_token_for("another-session")
    posts = [(m, p) for m, p, _ in every_route(container)
             if p.startswith("/console/") and m not in ("GET", "HEAD")]
    assert len(posts) >= 6
    for method, path in posts:
        for data in ({}, {"csrf_token": wrong}, {"csrf_token": ""}):
            response = httpx.request(method, url + concrete(path), cookies=cookies,
                                     data=data, timeout=10)
            assert response.status_code == 403, f"{method} {path} {data}"
            assert 'data-code="csrf"' in response.text
    assert httpx.post(f"{url}/console/logout", cookies=cookies,
                      headers={"X-CSRF-Token": csrf}).status_code == 303


def test_api_logins_get_short_lived_bearer_tokens(served: tuple[Container, str]) -> None:
    container, url = served
    username = make_user(container, Role.REVIEWER)
    seen: list[httpx.Response] = []

    def post(*args: Any, **kwargs: Any) -> httpx.Response:
        seen.append(httpx.post(*args, **kwargs))
        return seen[-1]

    api_login(url, username, PASSWORD, post=post)
    expires = datetime.fromisoformat(seen[-1].json()["expires_at"])
    lifetime_s = (expires - datetime.now(UTC)).total_seconds()
    assert container.settings.api_token_ttl_s < container.settings.session_ttl_s
    assert container.settings.api_token_ttl_s - 60 < lifetime_s <= \
        container.settings.api_token_ttl_s
