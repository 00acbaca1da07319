"""Legal holds, pseudonymised reads and kept evidence in SQL (SQLAlchemy Core).

What a retention run deletes, and the conditions that keep rows from it, are in
``retention_deletes``; ``SqlPrivacy`` is the whole ``PrivacyRepository`` on one connection.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Self

from sqlalchemy import Connection, and_, func, insert, select, update

from platewarden.adapters.db import attachment_retention as attachments
from platewarden.adapters.db import retention_deletes as deletes
from platewarden.adapters.db import tables as t
from platewarden.adapters.db.mapping import read_from
from platewarden.adapters.db.transparency import SqlTransparency
from platewarden.adapters.db.uow import SqlUnitOfWork
from platewarden.domain.clock import DAY_US, from_us, to_us
from platewarden.domain.reads import ImageRef, PlateRead
from platewarden.domain.retention import HoldTarget, LegalHold, day_name
from platewarden.services.privacy_ports import PlateToPseudonymise

_r, _img, _v, _h = t.reads, t.read_images, t.violations, t.legal_holds
_env = t.read_envelopes


class SqlPrivacy:
    """``PrivacyRepository`` on one connection (the unit of work's transaction)."""

    def __init__(self, conn: Connection) -> None:
        self._c = conn

    # Legal holds --------------------------------------------------------------------------

    def add_hold(self, hold: LegalHold) -> None:
        self._c.execute(insert(_h).values(
            id=hold.id, target=hold.target.value, target_id=hold.target_id, reason=hold.reason,
            placed_by=hold.placed_by, placed_us=to_us(hold.placed_at)))

    def release_hold(self, hold_id: str, *, by: str, at: datetime, reason: str) -> bool:
        result = self._c.execute(update(_h).where(_h.c.id == hold_id, _h.c.released_us.is_(None))
                                 .values(released_by=by, released_us=to_us(at),
                                         release_reason=reason))
        return result.rowcount == 1

    def hold(self, hold_id: str) -> LegalHold | None:
        row = self._c.execute(select(_h).where(_h.c.id == hold_id)).first()
        return _hold_from(row) if row is not None else None

    def holds(self, *, active_only: bool) -> list[LegalHold]:
        query = select(_h).order_by(_h.c.placed_us, _h.c.id)
        if active_only:
            query = query.where(_h.c.released_us.is_(None))
        return [_hold_from(row) for row in self._c.execute(query)]

    def target_exists(self, target: HoldTarget, target_id: str) -> bool:
        table = _v if target is HoldTarget.VIOLATION else _r
        return self._c.execute(select(table.c.id).where(table.c.id == target_id)).first() \
            is not None

    # Deletion (``retention_deletes``) -----------------------------------------------------

    def delete_closed_violations_before(self, cutoff: datetime) -> tuple[int, list[str]]:
        return deletes.delete_closed_violations_before(self._c, cutoff)

    def delete_alerts_before(self, cutoff: datetime) -> int:
        return deletes.delete_alerts_before(self._c, cutoff)

    def delete_reads_before(self, cutoff: datetime) -> tuple[int, list[str]]:
        return deletes.delete_reads_before(self._c, cutoff)

    def delete_images_before(self, cutoff: datetime) -> list[str]:
        return deletes.delete_images_before(self._c, cutoff)

    def delete_blobs_before(self, cutoff: datetime) -> list[str]:
        return deletes.delete_blobs_before(self._c, cutoff)

    def unreferenced(self, shas: Sequence[str]) -> list[str]:
        return deletes.unreferenced(self._c, shas)

    def held_past(self, cutoff: datetime, *, closed_cutoff: datetime) -> int:
        return deletes.held_past(self._c, cutoff, closed_cutoff=closed_cutoff)

    # Pseudonyms ---------------------------------------------------------------------------

    def plates_to_pseudonymise(self, cutoff: datetime, *,
                               limit: int) -> list[PlateToPseudonymise]:
        rows = self._c.execute(select(_r.c.id, _r.c.captured_us, _r.c.plate).where(
            _r.c.captured_us < to_us(cutoff), _r.c.plate_pseudonym.is_(None),
            ~deletes.read_is_kept()).order_by(_r.c.captured_us).limit(limit))
        return [PlateToPseudonymise(read_pk=row.id, captured_at=from_us(row.captured_us),
                                    plate=row.plate) for row in rows]

    def set_pseudonyms(self, pseudonyms: Sequence[tuple[str, str]]) -> None:
        for pk, pseudonym in pseudonyms:
            # Every field that spells the plate goes: text, raw text, key, alternatives.
            self._c.execute(update(_r).where(_r.c.id == pk).values(
                plate_pseudonym=pseudonym, plate="", plate_raw="", plate_key="",
                alternatives=[]))

    def pseudonymised_days(self) -> set[str]:
        days = self._c.execute(select(func.distinct(_r.c.captured_us / DAY_US)).where(
            _r.c.plate_pseudonym.is_not(None))).scalars()
        return {day_name(from_us(int(day) * DAY_US)) for day in days}

    def kept_images_received_since(self, start: datetime) -> list[tuple[str, datetime]]:
        found: dict[str, int] = {}
        for ref, column in ((_img, _img.c.sha256), (_env, _env.c.envelope_sha256)):
            rows = self._c.execute(
                select(column, func.max(_r.c.received_us)).join(_r, _r.c.id == ref.c.read_pk)
                .where(_r.c.received_us >= to_us(start), deletes.read_is_kept()).group_by(column))
            for sha, received in rows:
                found[sha] = max(found.get(sha, 0), int(received))
        # Appeal attachments are kept while their case is: they move off day keys too.
        for sha, filed in attachments.filed_since(self._c, start).items():
            found[sha] = max(found.get(sha, 0), filed)
        return sorted((sha, from_us(received)) for sha, received in found.items())

    def any_references_received_between(self, start: datetime, end: datetime) -> bool:
        window = and_(_r.c.received_us >= to_us(start), _r.c.received_us < to_us(end))
        # Whether any is left, not how many: stop at the first row found.
        for table in (_img, _env):
            probe = select(table.c.read_pk).join(_r, _r.c.id == table.c.read_pk).where(
                window).limit(1)
            if self._c.execute(probe).first() is not None:
                return True
        return attachments.filed_between(self._c, start, end) > 0

    def find_pseudonymised(self, pseudonyms: Sequence[str], *, start: datetime,
                           end: datetime, limit: int,
                           camera_regions: frozenset[str] | None) -> list[PlateRead]:
        if not pseudonyms:
            return []
        query = select(_r).where(
            _r.c.plate_pseudonym.in_(list(pseudonyms)),
            and_(_r.c.captured_us >= to_us(start), _r.c.captured_us <= to_us(end)),
            _r.c.duplicate_of.is_(None))
        if camera_regions is not None:
            query = query.where(_r.c.camera_id.in_(select(t.cameras.c.id).where(
                t.cameras.c.region_code.in_(sorted(camera_regions)))))
        rows = list(self._c.execute(query.order_by(_r.c.captured_us.desc()).limit(limit)))
        images: dict[str, list[ImageRef]] = {}
        if rows:
            for img in self._c.execute(select(_img).where(
                    _img.c.read_pk.in_([row.id for row in rows]))):
                images.setdefault(img.read_pk, []).append(ImageRef(
                    role=img.role, sha256=img.sha256, content_type=img.content_type,
                    size_bytes=img.size_bytes))
        return [read_from(row, tuple(images.get(row.id, ()))) for row in rows]

    def audit_entries_before(self, cutoff: datetime) -> int:
        return int(self._c.execute(select(func.count()).select_from(t.audit_log).where(
            t.audit_log.c.at_us < to_us(cutoff))).scalar_one())


def _hold_from(row: Any) -> LegalHold:
    return LegalHold(
        id=row.id, target=HoldTarget(row.target), target_id=row.target_id, reason=row.reason,
        placed_by=row.placed_by, placed_at=from_us(row.placed_us), released_by=row.released_by,
        released_at=from_us(row.released_us) if row.released_us is not None else None,
        release_reason=row.release_reason)


class SqlPrivacyUnitOfWork(SqlUnitOfWork):
    """The SQL unit of work with the privacy repositories on the same transaction."""

    privacy: SqlPrivacy
    transparency: SqlTransparency

    def __enter__(self) -> Self:
        super().__enter__()
        self.privacy = SqlPrivacy(self.connection)
        self.transparency = SqlTransparency(self.connection)
        return self


class SqlPrivacyUnitOfWorkFactory:
    """Creates privacy units of work on one engine."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine

    def __call__(self, *, read_only: bool = False) -> SqlPrivacyUnitOfWork:
        return SqlPrivacyUnitOfWork(self.engine, read_only=read_only)
