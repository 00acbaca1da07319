"""A confirmed violation with real evidence images in a real installation, for notice tests."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from platewarden.bootstrap import Container
from platewarden.domain.plates import canonical_key
from platewarden.domain.reads import ImageRef
from platewarden.domain.rules.ids import violation_id
from platewarden.domain.violations import Violation, ViolationStatus, ViolationType
from support.factories import jpeg_bytes
from unit.rules.factories import make_camera, make_speed_read

AT = datetime(2026, 3, 1, 12, tzinfo=UTC)


def add_confirmed_violation(container: Container, *, plate: str = "01A123BC",
                            read_id: str = "r1", camera_id: str = "cam-1") -> str:
    """Store a confirmed spot-speed violation (95 in a 60) with an overview and a plate crop."""
    images = []
    for seed, role in ((1, "overview"), (2, "plate")):
        stored = container.evidence.put(jpeg_bytes(seed=seed))
        images.append(ImageRef(role=role, sha256=stored.sha256, content_type="image/jpeg",
                               size_bytes=stored.size_bytes))
    read = dataclasses.replace(make_speed_read(95.0, plate=plate, captured_at=AT,
                                               read_id=read_id, camera_id=camera_id),
                               images=tuple(images))
    vid = violation_id(ViolationType.SPOT_SPEED, (read.id,), scope="")
    with container.notices.uow_factory() as uow:
        if uow.cameras.get(camera_id) is None:
            uow.cameras.add(make_camera(id=camera_id), created_at=AT)
        uow.reads.add(read, payload_sha256="d" * 64, received_at=AT, duplicate_of=None)
        uow.violations.add_if_absent(Violation(
            id=vid, type=ViolationType.SPOT_SPEED, plate=plate, plate_key=canonical_key(plate),
            camera_id=camera_id, occurred_at=AT, read_ids=(read.id,), measured=95.0,
            limit=60.0, tolerance="limit + 3 km/h", clock_sync="synced"), created_at=AT)
        uow.violations.set_status(vid, ViolationStatus.CONFIRMED, by="rev", at=AT, note=None)
        uow.commit()
    return vid
