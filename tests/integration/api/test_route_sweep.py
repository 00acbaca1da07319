"""Deny by default: every route has an access decision, and none serves data without it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from platewarden.api.app import create_app
from platewarden.api.deps import ACCESS_POLICY_ATTR
from platewarden.bootstrap import Container
from platewarden.domain.access import Role
from support.factories import PASSWORD, make_container, make_user
from support.server import running_server

pytestmark = pytest.mark.integration
PUBLIC = {("GET", "/healthz"), ("POST", "/api/v1/auth/login")}
DUMMY = {"sha256": "a" * 64}


def policies(route: APIRoute) -> set[str]:
    found = set()
    for dependant in [route.dependant, *route.dependant.dependencies]:
        stack = [dependant]
        while stack:
            current = stack.pop()
            policy = getattr(current.call, ACCESS_POLICY_ATTR, None)
            if policy:
                found.add(policy)
            stack.extend(current.dependencies)
    return found


def flatten(routes: list[Any], inherited: set[str]) -> Iterator[tuple[APIRoute, set[str]]]:
    for route in routes:
        original = getattr(route, "original_router", None)
        if original is not None:  # an included router (FastAPI >= 0.16x keeps them nested)
            extra = {getattr(d.dependency, ACCESS_POLICY_ATTR, None)
                     for d in route.include_context.dependencies} - {None}
            yield from flatten(original.routes, inherited | extra)
            continue
        assert isinstance(route, APIRoute), f"{route} is not an API route: decide its access"
        yield route, inherited


def every_route(container: Container) -> list[tuple[str, str, set[str]]]:
    app = create_app(container)
    found = []
    for route, inherited in flatten(list(app.routes), set()):
        for method in route.methods:
            found.append((method, route.path, policies(route) | inherited))
    assert len(found) >= 10
    return found


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: DUMMY.get(m.group(1), "x1"), path)


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
        else:
            assert found != {"public"}, f"{method} {path} must not be public"


def test_no_route_serves_data_without_credentials(served: tuple[Container, str]) -> None:
    container, url = served
    for method, path, found in every_route(container):
        if (method, path) in PUBLIC:
            continue
        for headers in ({}, {"Authorization": "Bearer not-a-token"},
                        {"Authorization": "Basic YWRtaW46YWRtaW4="}):
            response = httpx.request(method, url + concrete(path), headers=headers,
                                     json={}, timeout=10)
            assert 400 <= response.status_code < 500, f"{method} {path}: {response.status_code}"
            if found != {"camera-signature"}:
                assert response.status_code == 401, f"{method} {path}"
            assert set(response.json()) == {"error"}


def test_a_user_without_the_permission_is_refused(served: tuple[Container, str]) -> None:
    container, url = served
    username = make_user(container)  # no role: every permission route must refuse it
    token = httpx.post(f"{url}/api/v1/auth/login",
                       json={"username": username, "password": PASSWORD}).json()["token"]
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
    token = httpx.post(f"{url}/api/v1/auth/login",
                       json={"username": username, "password": PASSWORD}).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{url}/api/v1/violations", headers=auth).status_code == 200
    assert httpx.post(f"{url}/api/v1/auth/logout", headers=auth).status_code == 204
    assert httpx.get(f"{url}/api/v1/violations", headers=auth).status_code == 401
