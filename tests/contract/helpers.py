"""Plain factories for the repository contract tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from platewarden.domain.plates import canonical_key
from platewarden.domain.reads import ImageRef, PlateRead
from platewarden.domain.rules.ids import alert_id, violation_id
from platewarden.domain.violations import Alert, AlertKind, Violation, ViolationType
from platewarden.services.unit_of_work import UnitOfWork
from unit.rules.factories import T0, make_camera, make_read

__all__ = ["T0", "add_cameras", "add_read", "image", "make_alert", "make_violation", "us"]


def us(n: int) -> timedelta:
    """``n`` microseconds."""
    return timedelta(microseconds=n)


def add_cameras(uow: UnitOfWork, *camera_ids: str) -> None:
    """Register cameras (reads and sections refer to them)."""
    for camera_id in camera_ids:
        uow.cameras.add(make_camera(id=camera_id), created_at=T0)


def image(role: str, seed: int) -> ImageRef:
    """An image reference with a distinct hash per ``seed``."""
    return ImageRef(role=role, sha256=f"{seed:064x}", content_type="image/jpeg",
                    size_bytes=100 + seed)


def add_read(uow: UnitOfWork, *, duplicate_of: str | None = None,
             received_at: datetime = T0, **fields: Any) -> PlateRead:
    """Store a read made by ``unit.rules.factories.make_read``; returns it."""
    read = make_read(**fields)
    uow.reads.add(read, payload_sha256="d" * 64, received_at=received_at,
                  duplicate_of=duplicate_of)
    return read


def make_violation(*read_ids: str, occurred_at: datetime = T0,
                   kind: ViolationType = ViolationType.SPOT_SPEED, **fields: Any) -> Violation:
    """A pending violation evidenced by ``read_ids``."""
    values: dict[str, Any] = {
        "id": violation_id(kind, read_ids,
                           scope=fields.get("details", {}).get("section_id", "")),
        "type": kind, "plate": "01A123BC", "plate_key": canonical_key("01A123BC"),
        "camera_id": "cam-1",
        "occurred_at": occurred_at, "read_ids": read_ids, "measured": 75.5, "limit": 60.0,
        "tolerance": "limit + 3", "clock_sync": "synced", "details": {"note": "x"},
    }
    values.update(fields)
    return Violation(**values)


def make_alert(read_id: str, *, entry_id: str = "h1", occurred_at: datetime = T0) -> Alert:
    """An open hotlist hit for ``read_id``."""
    return Alert(id=alert_id(read_id, entry_id), kind=AlertKind.HIT, read_id=read_id,
                 hotlist_entry_id=entry_id, plate="01A123BC", listed_plate="01A123BC",
                 camera_id="cam-1", occurred_at=occurred_at, priority=2)
