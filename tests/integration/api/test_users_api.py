"""Admins manage accounts through the API; the new password is shown once and works."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from platewarden.domain.access import Role
from support.factories import PASSWORD, make_container, make_user
from support.mfa import api_login
from support.server import running_server

pytestmark = pytest.mark.integration


def test_admin_creates_restricts_and_disables_a_user(tmp_path: Path) -> None:
    container = make_container(tmp_path / "data")
    with running_server(container) as url:
        admin_token = api_login(url, make_user(container, Role.ADMIN), PASSWORD)
        admin = {"Authorization": f"Bearer {admin_token}"}
        users = f"{url}/api/v1/users"
        created = httpx.post(users, json={"username": "ann", "roles": ["reviewer"],
                                          "regions": ["30"]}, headers=admin, timeout=10)
        assert created.status_code == 201, created.text
        ann = created.json()
        assert (ann["user"]["regions"], ann["user"]["second_factor"]) == (["30"], False)
        bad = httpx.post(users, json={"username": "bob", "roles": ["reviewer"],
                                      "regions": ["00"]}, headers=admin, timeout=10)
        assert (bad.status_code, bad.json()["error"]["code"]) == (422, "invalid_field")

        token = api_login(url, "ann", ann["password"])
        own = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{url}/api/v1/violations", headers=own, timeout=10).status_code == 200
        assert httpx.get(users, headers=own, timeout=10).status_code == 403

        disabled = httpx.patch(f"{users}/{ann['user']['id']}", json={"enabled": False},
                               headers=admin, timeout=10)
        assert disabled.json()["enabled"] is False, disabled.text
        assert httpx.get(f"{url}/api/v1/violations", headers=own, timeout=10).status_code == 401
        listed = httpx.get(users, headers=admin, timeout=10).json()
        assert "ann" in [u["username"] for u in listed]
        assert all("password" not in u for u in listed)
    container.stop()


def test_admin_resets_a_lost_second_factor_and_ends_sessions(tmp_path: Path) -> None:
    container = make_container(tmp_path / "data")
    with running_server(container) as url:
        admin_name = make_user(container, Role.ADMIN)
        admin = {"Authorization": f"Bearer {api_login(url, admin_name, PASSWORD)}"}
        ann = make_user(container, Role.REVIEWER)
        own = {"Authorization": f"Bearer {api_login(url, ann, PASSWORD)}"}
        users = f"{url}/api/v1/users"
        listed = {u["username"]: u for u in httpx.get(users, headers=admin, timeout=10).json()}
        ann_id, admin_id = listed[ann]["id"], listed[admin_name]["id"]
        assert listed[ann]["second_factor"] is True

        ended = httpx.post(f"{users}/{ann_id}/sessions/revoke", headers=admin, timeout=10)
        assert ended.json() == {"sessions_ended": 1}, ended.text
        assert httpx.get(f"{url}/api/v1/violations", headers=own, timeout=10).status_code == 401

        reset = httpx.post(f"{users}/{ann_id}/second-factor/reset", headers=admin, timeout=10)
        assert reset.json()["second_factor"] is False, reset.text
        step = httpx.post(f"{url}/api/v1/auth/login", json={"username": ann,
                          "password": PASSWORD}, timeout=10).json()
        assert step["status"] == "enrol"  # the password still applies, the factor is new

        mine = httpx.post(f"{users}/{admin_id}/second-factor/reset", headers=admin, timeout=10)
        assert (mine.status_code, mine.json()["error"]["code"]) == (409, "conflict")
        absent = httpx.post(f"{users}/{'f' * 32}/sessions/revoke", headers=admin, timeout=10)
        assert (absent.status_code, absent.json()["error"]["code"]) == (404, "not_found")
        for path in (f"{users}/{ann_id}/second-factor/reset", f"{users}/{ann_id}/sessions/revoke"):
            assert httpx.post(path, timeout=10).status_code == 401
    container.stop()
