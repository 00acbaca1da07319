"""Console sessions: sign-in forms with MFA, cookie flags, CSRF, sign-out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from platewarden.api.cookies import csrf_token_for
from platewarden.bootstrap import Container
from platewarden.domain.access import Role
from support.console import console_login, console_token, csrf_in
from support.factories import PASSWORD, make_container, make_user
from support.mfa import api_login
from support.server import running_server

pytestmark = pytest.mark.integration


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Container, str]]:
    container = make_container(tmp_path / "data")
    with running_server(container) as url:
        yield container, url
    container.stop()


def test_sign_in_enrols_then_asks_for_the_code(served: tuple[Container, str]) -> None:
    container, url = served
    username = make_user(container, Role.REVIEWER)
    with console_login(url, username, PASSWORD) as first:  # enrols
        start = first.get("/console/")
        assert start.status_code == 200
        assert username in start.text
    with console_login(url, username, PASSWORD) as second:  # asks for a code
        assert second.get("/console/review").status_code == 200


def test_session_cookie_is_httponly_and_strict(served: tuple[Container, str]) -> None:
    container, url = served
    username = make_user(container, Role.REVIEWER)
    api_login(url, username, PASSWORD)  # enrolled; the console now asks for a code
    with httpx.Client(base_url=url) as client:
        login_page = client.get("/console/login")
        step = client.post("/console/login", data={
            "csrf_token": csrf_in(login_page.text), "username": username,
            "password": PASSWORD})
    assert "httponly" in login_page.headers["set-cookie"].lower()
    challenge = step.headers["set-cookie"].lower()
    assert "pw_challenge=" in challenge
    assert "httponly" in challenge
    assert "samesite=strict" in challenge
    assert "secure" not in challenge  # plain HTTP on loopback; Secure under TLS


def test_forms_without_the_csrf_token_are_refused(served: tuple[Container, str]) -> None:
    container, url = served
    username = make_user(container, Role.REVIEWER)
    with httpx.Client(base_url=url) as client:
        client.get("/console/login")
        refused = client.post("/console/login",
                              data={"username": username, "password": PASSWORD})
        assert refused.status_code == 403
        assert 'data-code="csrf"' in refused.text
        wrong = client.post("/console/login", data={
            "csrf_token": csrf_token_for("other"), "username": username,
            "password": PASSWORD})
        assert wrong.status_code == 403
    with console_login(url, username, PASSWORD) as signed_in:
        assert signed_in.post("/console/logout").status_code == 403
        assert signed_in.post("/console/logout",
                              headers={"X-CSRF-Token": "x" * 43}).status_code == 403
        assert signed_in.get("/console/").status_code == 200  # still signed in


def test_sign_out_ends_the_session(served: tuple[Container, str]) -> None:
    container, url = served
    username = make_user(container, Role.REVIEWER)
    with console_login(url, username, PASSWORD) as client:
        token = client.cookies["pw_session"]
        out = client.post("/console/logout", data={"csrf_token": csrf_token_for(token)})
        assert out.status_code == 303
        assert out.headers["location"] == "/console/login"
        assert container.accounts.resolve(token) is None
        again = httpx.get(f"{url}/console/review", cookies={"pw_session": token})
        assert again.status_code == 303


def test_wrong_password_and_wrong_code_show_the_form_again(
        served: tuple[Container, str]) -> None:
    container, url = served
    username = make_user(container, Role.REVIEWER)
    api_login(url, username, PASSWORD)
    with httpx.Client(base_url=url) as client:
        token = csrf_in(client.get("/console/login").text)
        wrong = client.post("/console/login", data={
            "csrf_token": token, "username": username, "password": "not-the-password-1"})
        step = client.post("/console/login", data={
            "csrf_token": token, "username": username, "password": PASSWORD})
        bad = client.post("/console/login/mfa", data={"csrf_token": token, "code": "000000"})
        kept = dict(client.cookies)
    assert wrong.status_code == 401
    assert 'name="password"' in wrong.text
    assert step.status_code == 303
    assert bad.status_code == 401
    assert "pw_session" not in kept


def test_cookie_and_bearer_do_not_stand_in_for_each_other(
        served: tuple[Container, str]) -> None:
    container, url = served
    username = make_user(container, Role.REVIEWER)
    token = api_login(url, username, PASSWORD)
    as_cookie = httpx.get(f"{url}/api/v1/violations", cookies={"pw_session": token})
    assert as_cookie.status_code == 401  # the API takes bearer tokens only: no CSRF there
    as_bearer = httpx.get(f"{url}/console/review", headers={"Authorization": f"Bearer {token}"})
    assert as_bearer.status_code == 303
    assert as_bearer.headers["location"] == "/console/login"
    # Each session opens its own channel only, whichever way its token is presented.
    api_token_as_cookie = httpx.get(f"{url}/console/review", cookies={"pw_session": token})
    assert api_token_as_cookie.status_code == 303
    console = console_token(url, make_user(container, Role.REVIEWER), PASSWORD)
    console_as_bearer = httpx.get(f"{url}/api/v1/violations",
                                  headers={"Authorization": f"Bearer {console}"})
    assert console_as_bearer.status_code == 401
    assert httpx.get(f"{url}/console/review", cookies={"pw_session": console}).status_code \
        == 200
