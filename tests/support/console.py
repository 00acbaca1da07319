"""Signing in to the console with its forms, as a browser without JavaScript would."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import httpx

from platewarden.services.second_factor import decode_secret
from support.mfa import fresh_code, remember_secret

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_SECRET = re.compile(r'id="totp-secret">([A-Z2-7=]+)<')


def csrf_in(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = _CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


@contextlib.contextmanager
def console_login(url: str, username: str, password: str) -> Iterator[httpx.Client]:
    """A client holding a console session cookie: password, then enrolment or a code."""
    with httpx.Client(base_url=url, timeout=30) as client:
        sign_in(client, username, password)
        yield client


def sign_in(client: httpx.Client, username: str, password: str) -> None:
    """Sign ``client`` in through the console's forms."""
    token = csrf_in(client.get("/console/login").text)
    step = client.post("/console/login", data={"csrf_token": token, "username": username,
                                                "password": password})
    if step.status_code == 200:  # the enrolment page, with the secret to add
        secret = _SECRET.search(step.text)
        assert secret, step.text
        remember_secret(username, decode_secret(secret.group(1)))
        done = client.post("/console/login/enrol", data={
            "csrf_token": csrf_in(step.text), "code": fresh_code(username)})
        assert done.status_code == 200, done.text
    else:
        assert step.status_code == 303, step.text
        page = client.get(step.headers["location"])
        done = client.post("/console/login/mfa", data={
            "csrf_token": csrf_in(page.text), "code": fresh_code(username)})
        assert done.status_code == 303, done.text
    assert client.cookies.get("pw_session")


def console_token(url: str, username: str, password: str) -> str:
    """A console session token (the cookie's value), signed in through the forms."""
    with console_login(url, username, password) as client:
        token = client.cookies.get("pw_session")
    assert token
    return str(token)
