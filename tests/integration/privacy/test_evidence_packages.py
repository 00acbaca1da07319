"""Evidence packages: export, offline verify, and verify naming a changed image, record,
manifest or added file; redacted copies by default."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from platewarden.adapters.crypto import Ed25519Verifier
from platewarden.bootstrap import Container
from platewarden.camera.payloads import Attachment
from platewarden.domain.access import EVERYWHERE
from platewarden.domain.evidence_package import ProblemKind
from platewarden.domain.violations import ViolationStatus
from platewarden.services.errors import ServiceError
from platewarden.services.evidence_packages import verify
from platewarden.services.unit_of_work import ViolationFilter
from support.factories import jpeg_bytes
from support.privacy import Camera, Clock, clocked_container
from support.scenes import OFFENDER, street_scene

pytestmark = pytest.mark.integration
_verifier = Ed25519Verifier()


def ok(key: bytes, message: bytes, signature: bytes) -> bool:
    try:
        return _verifier.verify(public_key=key, message=message, signature=signature)
    except ValueError:
        return False


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Container, str]]:
    clock = Clock()
    container = clocked_container(tmp_path / "data", clock)
    camera = Camera(container, clock, kind="spot-speed", speed_limit_kmh=60)
    images = (Attachment(role="overview", content_type="image/jpeg", data=street_scene()),
              Attachment(role="plate", content_type="image/jpeg", data=jpeg_bytes(seed=3)))
    camera.send(OFFENDER, speed_kmh=118.0, speed_method="radar", images=images)
    [violation] = container.queries.violations(ViolationFilter(), scope=EVERYWHERE)
    yield container, violation.id
    container.stop()


def confirm(container: Container, violation_id: str) -> None:
    container.queries.review(violation_id, decision=ViolationStatus.CONFIRMED, reviewer="rev",
                             note=None, scope=EVERYWHERE)


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_only_a_confirmed_violation_is_exported(world: tuple[Container, str]) -> None:
    container, violation_id = world
    with pytest.raises(ServiceError) as pending:
        container.packages.export(violation_id)
    assert pending.value.code == "conflict"


def test_unredacted_package_verifies_with_the_camera_signature(
        world: tuple[Container, str]) -> None:
    container, violation_id = world
    confirm(container, violation_id)
    package = container.packages.export(violation_id, redact=False)
    files = unzip(package.data)
    assert {"violation.json", "rule.json", "manifest.json", "manifest.sig"} <= set(files)
    assert any(p.startswith("camera-signatures/") for p in files)
    assert any(p.startswith("cameras/") for p in files)
    camera = json.loads(next(v for p, v in files.items() if p.startswith("cameras/")))
    assert camera["calibration_expires_at"]
    assert camera["public_key"]
    rule = json.loads(files["rule.json"])
    assert rule["limit"] == 60
    assert rule["speed_tolerance_policy"] == {"absolute_kmh": 3.0,
                                                                      "percent": 3.0}
    key = container.audit.public_key()
    report = verify(package.data, signature_ok=ok, pinned_key=key)
    assert report.ok, report.problems
    assert report.violation_id == violation_id
    assert not report.redacted


def test_verify_names_a_changed_image_record_manifest_and_added_file(
        world: tuple[Container, str]) -> None:
    container, violation_id = world
    confirm(container, violation_id)
    files = unzip(container.packages.export(violation_id, redact=False).data)
    image = next(p for p in files if p.startswith("images/") and len(files[p]) > 3000)
    record = next(p for p in files if p.startswith("reads/"))

    changed = dict(files)
    flipped = bytearray(changed[image])
    flipped[2500] ^= 0x01
    changed[image] = bytes(flipped)
    [problem] = verify(rezip(changed), signature_ok=ok).problems
    assert (problem.kind, problem.path) == (ProblemKind.CHANGED, image)
    assert "bytes 2048-3071" in problem.message

    edited = dict(files)
    edited[record] = edited[record].replace(b'"speed_kmh": 118.0', b'"speed_kmh": 98.0')
    assert edited[record] != files[record]
    kinds = {(p.kind, p.path) for p in verify(rezip(edited), signature_ok=ok).problems}
    assert (ProblemKind.CHANGED, record) in kinds

    forged = dict(files)
    manifest = json.loads(forged["manifest.json"])
    manifest["files"][image]["sha256"] = "0" * 64
    forged["manifest.json"] = json.dumps(manifest).encode()
    kinds = {(p.kind, p.path) for p in verify(rezip(forged), signature_ok=ok).problems}
    assert (ProblemKind.SIGNATURE, "manifest.json") in kinds

    added = {**files, "images/extra.jpg": b"\xff\xd8 planted"}
    [problem] = verify(rezip(added), signature_ok=ok).problems
    assert (problem.kind, problem.path) == (ProblemKind.ADDED, "images/extra.jpg")

    other_key = bytes(32)
    pinned = verify(rezip(files), signature_ok=ok, pinned_key=other_key).problems
    assert [p.kind for p in pinned] == [ProblemKind.SIGNATURE]


def test_default_copy_is_redacted_and_export_is_audited(world: tuple[Container, str]) -> None:
    container, violation_id = world
    confirm(container, violation_id)
    package = container.packages.export(violation_id, actor="u-9")
    files = unzip(package.data)
    assert package.redacted
    assert verify(package.data, signature_ok=ok).ok
    [read_record] = [json.loads(v) for p, v in files.items() if p.startswith("reads/")]
    overview = next(i for i in read_record["images"] if i["role"] == "overview")
    assert overview["file"].endswith("-redacted.jpg")
    assert overview["redaction"] == {"plates_blurred": 2, "faces_blurred": 1,
                                     "offending_plate_kept": True}
    assert f"images/{overview['sha256']}.jpg" not in files  # the original never leaves
    verified = container.audit.verify()
    assert verified.problem is None
