"""The retention and transparency page: admins and auditors see the policy, the holds and
aggregate figures; no plate appears; other roles are refused."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from platewarden.camera.client import CameraClient
from platewarden.domain.access import EVERYWHERE, Role
from platewarden.domain.retention import HoldTarget
from platewarden.domain.violations import ViolationStatus
from platewarden.services.unit_of_work import ViolationFilter
from support.console import console_token
from support.factories import PASSWORD, make_container, make_read, make_user, register_camera
from support.server import running_server

pytestmark = pytest.mark.integration
PLATE = "30B222BB"


def test_privacy_page_shows_policy_holds_and_report_without_plates(tmp_path: Path) -> None:
    container = make_container(tmp_path / "data")
    camera_id, key = register_camera(container, kind="spot-speed", speed_limit_kmh=60)
    with running_server(container) as url:
        with CameraClient(base_url=url, camera_id=camera_id, private_key=key) as client:
            client.send_reads([make_read(plate=PLATE, speed_kmh=99.0)])
        container.bus.wait_idle()
        violation = container.queries.violations(
            ViolationFilter(status=ViolationStatus.PENDING), scope=EVERYWHERE)[0]
        container.retention.place_hold(target=HoldTarget.VIOLATION, target_id=violation.id,
                                       reason="court case 7/2026", actor="system")
        pages = {}
        for role in (Role.AUDITOR, Role.ADMIN, Role.REVIEWER):
            token = console_token(url, make_user(container, role), PASSWORD)
            with httpx.Client(base_url=url, cookies={"pw_session": token}, timeout=10) as c:
                pages[role] = (c.get("/console/privacy"),
                               c.get("/console/privacy/transparency.json"))
    container.stop()
    page, download = pages[Role.AUDITOR]
    assert page.status_code == 200, page.text
    assert "nonhit_read_days" in page.text
    assert "court case 7/2026" in page.text
    report = download.json()
    assert report["violations_by_type"] == {"spot-speed": {"pending": "<5"}}
    assert PLATE not in page.text
    assert PLATE not in json.dumps(report)
    assert pages[Role.ADMIN][0].status_code == 200
    assert [r.status_code for r in pages[Role.REVIEWER]] == [403, 403]
