"""Rotating a camera's key: the new key is shown once, the old one is refused at once."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest

from platewarden.camera.client import CameraClient, IngestRejected
from platewarden.domain.access import EVERYWHERE, RegionScope, Role
from support.factories import PASSWORD, make_container, make_read, make_user, register_camera
from support.mfa import api_login
from support.server import running_server

pytestmark = pytest.mark.integration


def test_rotation_refuses_the_old_key_and_accepts_the_new(tmp_path: Path) -> None:
    container = make_container(tmp_path / "data")
    camera_id, old_key = register_camera(container, region_code="30")
    with running_server(container) as url:
        def bearer(role: Role, regions: RegionScope = EVERYWHERE) -> dict[str, str]:
            token = api_login(url, make_user(container, role, regions=regions), PASSWORD)
            return {"Authorization": f"Bearer {token}"}

        admin, reviewer = bearer(Role.ADMIN), bearer(Role.REVIEWER)
        other = bearer(Role.ADMIN, RegionScope.of(["10"]))
        rotate = f"{url}/api/v1/cameras/{camera_id}/rotate-key"
        assert httpx.post(rotate, headers=reviewer, timeout=10).status_code == 403
        assert httpx.post(rotate, headers=other, timeout=10).status_code == 404
        rotated = httpx.post(rotate, headers=admin, timeout=10)
        assert rotated.status_code == 200, rotated.text
        new_key = base64.b64decode(rotated.json()["private_key_b64"])
        assert new_key != old_key
        with CameraClient(base_url=url, camera_id=camera_id, private_key=old_key) as client, \
                pytest.raises(IngestRejected) as refused:
            client.send_reads([make_read()])
        assert refused.value.code == "bad_signature"
        with CameraClient(base_url=url, camera_id=camera_id, private_key=new_key) as client:
            client.send_reads([make_read()])
    container.stop()
