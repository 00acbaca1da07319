"""SQL implementations of the camera, violation and hotlist repositories (SQLAlchemy Core).

Reads are in ``read_repository``.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from platewarden.adapters.db import tables as t
from platewarden.adapters.db.mapping import (
    alert_from,
    alert_row,
    camera_from,
    camera_row,
    hotlist_from,
    hotlist_row,
    section_from,
    section_row,
    violation_from,
    violation_row,
)
from platewarden.adapters.db.scopes import cameras_in
from platewarden.domain.cameras import Camera, Section
from platewarden.domain.clock import from_us, to_us
from platewarden.domain.violations import Alert, HotlistEntry, Violation, ViolationStatus
from platewarden.services.unit_of_work import ViolationFilter

# Statements are built once: building and hashing SQLAlchemy constructs per call cost more
# CPU than the database work on the ingest path.
_r, _v, _a = t.reads, t.violations, t.alerts
_CAMERA = select(t.cameras).where(t.cameras.c.id == bindparam("id"))
_SECTIONS_FOR = select(t.sections).where(or_(t.sections.c.entry_camera_id == bindparam("id"),
                                             t.sections.c.exit_camera_id == bindparam("id")))
_VIOLATION_EXISTS = select(_v.c.id).where(_v.c.id == bindparam("id"))
_INSERT_VIOLATION = insert(_v)
# Each link carries its read's capture time, so retention finds a day's kept reads by time.
_INSERT_VIOLATION_READS = insert(t.violation_reads).values(
    violation_id=bindparam("violation_id"), read_pk=bindparam("read_pk"),
    captured_us=select(func.min(_r.c.captured_us)).where(
        _r.c.id == bindparam("read_pk")).scalar_subquery())
_FOR_SECTION_PLATE = select(_v).where(_v.c.section_id == bindparam("section"),
                                      _v.c.plate_key == bindparam("key"))
_ALERT_EXISTS = select(_a.c.id).where(_a.c.id == bindparam("id"))
_INSERT_ALERT = insert(_a)
_HOTLIST_VERSION = select(t.system_state.c.value).where(t.system_state.c.key == "hotlist_version")


class SqlCameras:
    """Cameras and sections in SQL."""

    def __init__(self, conn: Connection) -> None:
        self._c = conn

    def add(self, camera: Camera, *, created_at: datetime) -> None:
        self._c.execute(insert(t.cameras).values(**camera_row(camera),
                                                 created_us=to_us(created_at)))

    def get(self, camera_id: str) -> Camera | None:
        row = self._c.execute(_CAMERA, {"id": camera_id}).first()
        return camera_from(row) if row else None

    def all_cameras(self) -> list[Camera]:
        rows = self._c.execute(select(t.cameras).order_by(t.cameras.c.id))
        return [camera_from(r) for r in rows]

    def set_enabled(self, camera_id: str, *, enabled: bool) -> bool:
        result = self._c.execute(update(t.cameras).where(t.cameras.c.id == camera_id)
                                 .values(enabled=enabled))
        return result.rowcount > 0

    def set_public_key(self, camera_id: str, public_key: bytes) -> bool:
        result = self._c.execute(update(t.cameras).where(t.cameras.c.id == camera_id)
                                 .values(public_key=public_key))
        return result.rowcount > 0

    def add_section(self, section: Section) -> None:
        self._c.execute(insert(t.sections).values(**section_row(section)))

    def get_section(self, section_id: str) -> Section | None:
        row = self._c.execute(select(t.sections).where(t.sections.c.id == section_id)).first()
        return section_from(row) if row else None

    def sections_for(self, camera_id: str) -> list[Section]:
        return [section_from(r) for r in self._c.execute(_SECTIONS_FOR, {"id": camera_id})]

    def list_sections(self) -> list[Section]:
        return [section_from(r) for r in self._c.execute(select(t.sections))]


class SqlViolations:
    """Violations and alerts in SQL."""

    def __init__(self, conn: Connection) -> None:
        self._c = conn

    def add_if_absent(self, violation: Violation, *, created_at: datetime) -> bool:
        if self._c.execute(_VIOLATION_EXISTS, {"id": violation.id}).first():
            return False
        self._c.execute(_INSERT_VIOLATION, {**violation_row(violation),
                                            "created_us": to_us(created_at)})
        self._c.execute(_INSERT_VIOLATION_READS, [
            {"violation_id": violation.id, "read_pk": pk} for pk in set(violation.read_ids)])
        return True

    def get(self, violation_id: str) -> Violation | None:
        row = self._c.execute(select(t.violations)
                              .where(t.violations.c.id == violation_id)).first()
        return violation_from(row) if row else None

    def find(self, query: ViolationFilter) -> list[Violation]:
        v = t.violations
        stmt = select(v).order_by(v.c.occurred_us.desc(), v.c.id)
        if query.status is not None:
            stmt = stmt.where(v.c.status == query.status.value)
        if query.type is not None:
            stmt = stmt.where(v.c.type == query.type)
        if query.camera_regions is not None:
            stmt = stmt.where(v.c.camera_id.in_(cameras_in(query.camera_regions)))
        rows = self._c.execute(stmt.limit(query.limit).offset(query.offset))
        return [violation_from(r) for r in rows]

    def for_section_plate(self, section_id: str, plate_key: str) -> list[Violation]:
        rows = self._c.execute(_FOR_SECTION_PLATE, {"section": section_id, "key": plate_key})
        return [violation_from(r) for r in rows]

    def for_reads(self, read_ids: Sequence[str]) -> list[Violation]:
        ids = select(t.violation_reads.c.violation_id).where(
            t.violation_reads.c.read_pk.in_(list(read_ids)))
        rows = self._c.execute(select(t.violations).where(t.violations.c.id.in_(ids)))
        return [violation_from(r) for r in rows]

    def alerts_for_reads(self, read_ids: Sequence[str]) -> list[Alert]:
        rows = self._c.execute(select(t.alerts).where(t.alerts.c.read_pk.in_(list(read_ids))))
        return [alert_from(r) for r in rows]

    def set_status(self, violation_id: str, status: ViolationStatus, *, by: str | None,
                   at: datetime, note: str | None,
                   details: Mapping[str, str] | None = None) -> bool:
        values: dict[str, Any] = {"status": status.value, "reviewed_by": by,
                                  "reviewed_us": to_us(at), "review_note": note}
        if details is not None:
            values["details"] = dict(details)
        result = self._c.execute(update(t.violations).where(t.violations.c.id == violation_id)
                                 .values(**values))
        return result.rowcount > 0

    def add_alert_if_absent(self, alert: Alert, *, created_at: datetime) -> bool:
        if self._c.execute(_ALERT_EXISTS, {"id": alert.id}).first():
            return False
        self._c.execute(_INSERT_ALERT, {**alert_row(alert), "created_us": to_us(created_at)})
        return True

    def get_alert(self, alert_id: str) -> Alert | None:
        row = self._c.execute(select(t.alerts).where(t.alerts.c.id == alert_id)).first()
        return alert_from(row) if row else None

    def set_alert_status(self, alert_id: str, status: str) -> bool:
        result = self._c.execute(update(t.alerts).where(t.alerts.c.id == alert_id)
                                 .values(status=status))
        return result.rowcount > 0

    def list_alerts(self, *, limit: int, offset: int,
                    camera_regions: frozenset[str] | None = None) -> list[Alert]:
        a = t.alerts
        stmt = select(a).order_by(a.c.occurred_us.desc(), a.c.id)
        if camera_regions is not None:
            stmt = stmt.where(a.c.camera_id.in_(cameras_in(camera_regions)))
        rows = self._c.execute(stmt.limit(limit).offset(offset))
        return [alert_from(r) for r in rows]


class SqlHotlist:
    """Hotlist entries in SQL; the version is bumped on every change."""

    def __init__(self, conn: Connection) -> None:
        self._c = conn

    def upsert(self, entries: Iterable[HotlistEntry], *, at: datetime) -> int:
        # In chunks with executemany: a national list has about a million entries. The
        # last entry given for an id wins, as one by one.
        given = list(entries)
        unique = list({e.id: e for e in given}.values())
        h, created = t.hotlist_entries, to_us(at)
        for start in range(0, len(unique), 5000):
            chunk = unique[start:start + 5000]
            self._c.execute(delete(h).where(h.c.id.in_([e.id for e in chunk])))
            self._c.execute(insert(h), [{**hotlist_row(e), "created_us": created}
                                        for e in chunk])
        count = len(given)
        state = t.system_state
        self._c.execute(delete(state).where(state.c.key == "hotlist_version"))
        self._c.execute(insert(state).values(key="hotlist_version", value=uuid.uuid4().hex))
        return count

    def active(self, *, at: datetime) -> list[HotlistEntry]:
        h = t.hotlist_entries
        rows = self._c.execute(select(h).where(h.c.expires_us > to_us(at)))
        return [hotlist_from(r) for r in rows]

    def listed_at(self, entry_ids: Collection[str]) -> dict[str, datetime]:
        if not entry_ids:
            return {}
        h = t.hotlist_entries
        rows = self._c.execute(select(h.c.id, h.c.created_us).where(h.c.id.in_(list(entry_ids))))
        return {row.id: from_us(row.created_us) for row in rows}

    def version(self) -> str:
        value = self._c.execute(_HOTLIST_VERSION).scalar()
        return value or "empty"

    def keys(self) -> set[str]:
        return set(self._c.execute(select(t.hotlist_entries.c.plate_key).distinct()).scalars())

    def for_keys(self, keys: Collection[str]) -> list[HotlistEntry]:
        h = t.hotlist_entries
        rows = self._c.execute(select(h).where(h.c.plate_key.in_(list(keys))))
        return [hotlist_from(r) for r in rows]
