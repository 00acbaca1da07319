"""``platewarden evidence export`` and ``verify`` as an operator and a court would run them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from platewarden.domain.access import EVERYWHERE
from platewarden.domain.violations import ViolationStatus
from platewarden.services.unit_of_work import ViolationFilter
from support.cli import platewarden
from support.privacy import Camera, Clock, clocked_container

pytestmark = pytest.mark.e2e


def test_export_then_verify_offline_and_a_tampered_copy_is_named(tmp_path: Path) -> None:
    data = tmp_path / "data"
    clock = Clock()
    container = clocked_container(data, clock)  # in-process: `init` would cost a process
    Camera(container, clock, kind="spot-speed", speed_limit_kmh=60).send(
        "01A123BC", speed_kmh=121.0, speed_method="radar")
    [violation] = container.queries.violations(ViolationFilter(), scope=EVERYWHERE)
    container.queries.review(violation.id, decision=ViolationStatus.CONFIRMED, reviewer="r",
                             note=None, scope=EVERYWHERE)
    key = container.audit.public_key().hex()
    container.stop()

    out = tmp_path / "case.zip"
    exported = platewarden(data, "evidence", "export", violation.id, "--out", str(out),
                           "--unredacted")
    assert "UNREDACTED court copy" in exported.stdout
    verified = platewarden(tmp_path, "evidence", "verify", str(out), "--public-key", key)
    assert f"verified evidence package for violation {violation.id}" in verified.stdout

    with zipfile.ZipFile(out) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["violation.json"] = files["violation.json"].replace(b"121.0", b"101.0")
    tampered = tmp_path / "tampered.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    tampered.write_bytes(buffer.getvalue())
    refused = platewarden(tmp_path, "evidence", "verify", str(tampered), check=False)
    assert refused.returncode == 1
    assert "changed violation.json: bytes 0-1023 changed" in refused.stderr
