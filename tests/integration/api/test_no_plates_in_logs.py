"""Plate text is personal data: it never reaches a log record at INFO or above."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from platewarden.camera.client import CameraClient
from platewarden.domain.access import Role
from platewarden.domain.plates import canonical_key
from support.factories import PASSWORD, make_container, make_read, make_user, register_camera
from support.mfa import api_login
from support.server import running_server

pytestmark = pytest.mark.integration
PLATE = "77Q321QQ"


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_a_violation_and_a_hit_leave_no_plate_in_logs(tmp_path: Path) -> None:
    collect = Collect()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(collect)
    root.setLevel(logging.DEBUG)
    try:
        container = make_container(tmp_path / "data")
        camera_id, key = register_camera(container, kind="spot-speed", speed_limit_kmh=60)
        container.hotlists.import_csv(
            "plate,list,reason,source,legal_basis,expires_at,priority\n"
            f"{PLATE},stolen,theft,police,law,{datetime.now(UTC) + timedelta(days=9)},1\n")
        username = make_user(container, Role.REVIEWER)
        with running_server(container) as url:
            with CameraClient(base_url=url, camera_id=camera_id, private_key=key) as client:
                client.send_reads([make_read(plate=PLATE, speed_kmh=99.0)])
            container.bus.wait_idle()
            token = api_login(url, username, PASSWORD)
            auth = {"Authorization": f"Bearer {token}"}
            found = httpx.get(f"{url}/api/v1/violations", headers=auth).json()
            httpx.get(f"{url}/api/v1/violations", params={"type": PLATE}, headers=auth)
            httpx.get(f"{url}/api/v1/alerts", headers=auth)
        container.stop()
    finally:
        root.removeHandler(collect)
        root.setLevel(old_level)
    assert [v["plate"] for v in found] == [PLATE]  # the test did produce plate data
    # httpx logs the test's own client requests (one carries the plate in its query on
    # purpose); the server and the camera client never put a plate in a URL.
    loud = [r for r in collect.records
            if r.levelno >= logging.INFO and not r.name.startswith(("httpx", "httpcore"))]
    assert loud, "some INFO logging is expected (access log, hotlist load)"
    for record in loud:
        text = record.getMessage()
        assert PLATE not in text, text
        assert canonical_key(PLATE) not in text, text
