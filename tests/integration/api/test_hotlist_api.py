"""A manual hotlist entry through the real server: proposed, approved by another supervisor,
then a camera's read of that plate raises an alert; removal stops further alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from platewarden.bootstrap import Container
from platewarden.camera.client import CameraClient
from platewarden.domain.access import Role
from support.factories import PASSWORD, make_container, make_read, make_user, register_camera
from support.mfa import api_login
from support.server import running_server

pytestmark = pytest.mark.integration
PLATE = "40C789EF"


def headers(container: Container, url: str, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_login(url, make_user(container, role), PASSWORD)}"}


def test_four_eyes_entry_raises_alerts_until_removed(tmp_path: Path) -> None:
    container = make_container(tmp_path / "data")
    camera_id, key = register_camera(container)
    with running_server(container) as url:
        investigator = headers(container, url, Role.INVESTIGATOR)
        supervisor = headers(container, url, Role.SUPERVISOR)
        body = {"plate": PLATE, "list": "wanted", "reason": "armed robbery suspect vehicle",
                "source": "Fergana UVD", "legal_basis": "warrant 12/2026",
                "expires_at": (datetime.now(UTC) + timedelta(days=7)).isoformat()}
        proposed = httpx.post(f"{url}/api/v1/hotlist/proposals", json=body,
                              headers=investigator, timeout=10)
        assert proposed.status_code == 201, proposed.text
        proposal = proposed.json()
        bad = httpx.post(f"{url}/api/v1/hotlist/proposals", json={**body, "plate": "??"},
                         headers=investigator, timeout=10)
        assert (bad.status_code, bad.json()["error"]["code"]) == (422, "invalid_field")
        assert httpx.get(f"{url}/api/v1/hotlist/proposals", headers=investigator,
                         timeout=10).status_code == 403

        def send_and_count(minutes_ago: int) -> int:
            # Reads minutes apart: a close repeat at one camera is deduplicated, not matched.
            read = make_read(plate=PLATE,
                             captured_at=datetime.now(UTC) - timedelta(minutes=minutes_ago))
            with CameraClient(base_url=url, camera_id=camera_id, private_key=key) as client:
                client.send_reads([read])
            container.bus.wait_idle()
            alerts = httpx.get(f"{url}/api/v1/alerts", headers=supervisor, timeout=10).json()
            return len(alerts)

        assert send_and_count(3) == 0  # proposed is not listed
        approved = httpx.post(f"{url}/api/v1/hotlist/proposals/{proposal['id']}/approve",
                              headers=supervisor, timeout=10)
        assert approved.json()["status"] == "approved", approved.text
        assert send_and_count(2) == 1
        removed = httpx.post(f"{url}/api/v1/hotlist/entries/{proposal['entry_id']}/remove",
                             json={"reason": "vehicle recovered"}, headers=supervisor,
                             timeout=10)
        assert removed.status_code == 204, removed.text
        assert send_and_count(1) == 1
    container.stop()
