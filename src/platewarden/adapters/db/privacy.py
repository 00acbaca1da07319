"""Retention queries, legal holds and pseudonymised reads in SQL (SQLAlchemy Core).

Every ``delete_*_before`` removes only rows that nothing keeps: a read is kept while a
violation or an alert refers to it or an active legal hold names it (or its violation).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Self

from sqlalchemy import (
    Connection,
    and_,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    union,
    update,
)

from platewarden.adapters.db import attachment_retention as attachments
from platewarden.adapters.db import notice_tables
from platewarden.adapters.db import tables as t
from platewarden.adapters.db.mapping import read_from
from platewarden.adapters.db.partitions import drop_days_before
from platewarden.adapters.db.transparency import SqlTransparency
from platewarden.adapters.db.uow import SqlUnitOfWork
from platewarden.domain.clock import DAY_US, from_us, to_us
from platewarden.domain.notices import NoticeStatus
from platewarden.domain.reads import ImageRef, PlateRead
from platewarden.domain.retention import HoldTarget, LegalHold, day_name
from platewarden.domain.violations import ViolationStatus
from platewarden.services.privacy_ports import PlateToPseudonymise

_r, _img, _v, _vr, _a, _h = (t.reads, t.read_images, t.violations, t.violation_reads,
                             t.alerts, t.legal_holds)
_env = t.read_envelopes
_CHUNK = 500
_n, _ne, _ap = notice_tables.notices, notice_tables.notice_events, notice_tables.appeals
_SETTLED = [NoticeStatus.PAID.value, NoticeStatus.CANCELLED.value]
_CLOSED = [ViolationStatus.CONFIRMED.value, ViolationStatus.REJECTED.value,
           ViolationStatus.WITHDRAWN.value]


def _active_holds(target: HoldTarget) -> Any:
    return select(_h.c.target_id).where(_h.c.target == target.value, _h.c.released_us.is_(None))


def _read_is_kept(reads: Any = _r) -> Any:
    return or_(exists().where(_vr.c.read_pk == reads.c.id),
               exists().where(_a.c.read_pk == reads.c.id),
               reads.c.id.in_(_active_holds(HoldTarget.READ)))


def _kept_in_day(low_us: int, high_us: int) -> Any:
    """Ids of reads of the day ``[low_us, high_us)`` that retention may have to keep.

    From the small tables only, each by its time index: violation links carry their read's
    capture time (NULL for links made before migration 0012: any day), an alert's time is
    its read's capture time, and active read holds are few.
    """
    return union(
        select(_vr.c.read_pk).where(or_(and_(_vr.c.captured_us >= low_us,
                                             _vr.c.captured_us < high_us),
                                        _vr.c.captured_us.is_(None))),
        select(_a.c.read_pk).where(_a.c.occurred_us >= low_us, _a.c.occurred_us < high_us),
        _active_holds(HoldTarget.READ))


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

    # Deletion -----------------------------------------------------------------------------

    def delete_closed_violations_before(self, cutoff: datetime) -> tuple[int, list[str]]:
        closed_us = func.coalesce(_v.c.reviewed_us, _v.c.created_us)
        # A notice still open (unpaid, appealed, overdue) keeps its case; a settled one goes
        # with it, keeper, history and appeal attachments included (payments stay: they are
        # the payer's record).
        open_notices = select(_n.c.violation_id).where(_n.c.status.not_in(_SETTLED))
        ids = list(self._c.execute(select(_v.c.id).where(
            _v.c.status.in_(_CLOSED), closed_us < to_us(cutoff),
            _v.c.id.not_in(_active_holds(HoldTarget.VIOLATION)),
            _v.c.id.not_in(open_notices))).scalars())
        shas: list[str] = []
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            numbers = select(_n.c.number).where(_n.c.violation_id.in_(chunk))
            shas.extend(attachments.delete_for_notices(self._c, numbers))
            self._c.execute(delete(_ne).where(_ne.c.number.in_(numbers)))
            self._c.execute(delete(_ap).where(_ap.c.number.in_(numbers)))
            self._c.execute(delete(_n).where(_n.c.violation_id.in_(chunk)))
            self._c.execute(delete(_vr).where(_vr.c.violation_id.in_(chunk)))
            self._c.execute(delete(_v).where(_v.c.id.in_(chunk)))
        return len(ids), shas

    def delete_alerts_before(self, cutoff: datetime) -> int:
        result = self._c.execute(delete(_a).where(
            _a.c.occurred_us < to_us(cutoff), _a.c.read_pk.not_in(_active_holds(HoldTarget.READ))))
        return result.rowcount

    def delete_reads_before(self, cutoff: datetime) -> tuple[int, list[str]]:
        dropped, shas = 0, list[str]()
        if self._c.dialect.name == "postgresql":
            # Whole expired days go by dropping their partitions; what is left is the rest.
            dropped, shas = drop_days_before(self._c, cutoff, kept=_kept_in_day)
        count, row_shas = self._delete_read_rows_before(cutoff)
        return dropped + count, shas + row_shas

    def _delete_read_rows_before(self, cutoff: datetime) -> tuple[int, list[str]]:
        pks = list(self._c.execute(select(_r.c.id).where(
            _r.c.captured_us < to_us(cutoff), ~_read_is_kept())).scalars())
        shas: list[str] = []
        for start in range(0, len(pks), _CHUNK):
            chunk = pks[start:start + _CHUNK]
            shas.extend(self._c.execute(select(_img.c.sha256).where(
                _img.c.read_pk.in_(chunk))).scalars())
            shas.extend(self._c.execute(select(_env.c.envelope_sha256).where(
                _env.c.read_pk.in_(chunk))).scalars())
            self._c.execute(delete(_img).where(_img.c.read_pk.in_(chunk)))
            self._c.execute(delete(_env).where(_env.c.read_pk.in_(chunk)))
            # A repeat whose first read goes keeps nothing pointing at a missing row.
            self._c.execute(update(_r).where(_r.c.duplicate_of.in_(chunk))
                            .values(duplicate_of=None))
            self._c.execute(delete(_r).where(_r.c.id.in_(chunk)))
        return len(pks), shas

    def delete_images_before(self, cutoff: datetime) -> list[str]:
        rows = list(self._c.execute(
            select(_img.c.read_pk, _img.c.role, _img.c.sha256).join(_r, _r.c.id == _img.c.read_pk)
            .where(_r.c.captured_us < to_us(cutoff), ~_read_is_kept())))
        for row in rows:
            self._c.execute(delete(_img).where(_img.c.read_pk == row.read_pk,
                                               _img.c.role == row.role,
                                               _img.c.sha256 == row.sha256))
        # The signed envelope holds the plate text and image hashes: it goes with the images.
        envelopes = list(self._c.execute(
            select(_env.c.read_pk, _env.c.envelope_sha256).join(_r, _r.c.id == _env.c.read_pk)
            .where(_r.c.captured_us < to_us(cutoff), ~_read_is_kept())))
        for chunk_start in range(0, len(envelopes), _CHUNK):
            chunk = [e.read_pk for e in envelopes[chunk_start:chunk_start + _CHUNK]]
            self._c.execute(delete(_env).where(_env.c.read_pk.in_(chunk)))
        return [row.sha256 for row in rows] + [e.envelope_sha256 for e in envelopes]

    def delete_blobs_before(self, cutoff: datetime) -> list[str]:
        blobs = t.uploaded_blobs
        shas = list(self._c.execute(select(blobs.c.sha256).where(
            blobs.c.created_us < to_us(cutoff),
            ~exists().where(_img.c.sha256 == blobs.c.sha256))).scalars())
        if shas:
            self._c.execute(delete(blobs).where(blobs.c.created_us < to_us(cutoff),
                                                blobs.c.sha256.in_(shas)))
        return shas

    def unreferenced(self, shas: Sequence[str]) -> list[str]:
        unique = sorted(set(shas))
        still: set[str] = set()
        for start in range(0, len(unique), _CHUNK):
            chunk = unique[start:start + _CHUNK]
            still.update(self._c.execute(select(_img.c.sha256).where(
                _img.c.sha256.in_(chunk))).scalars())
            still.update(self._c.execute(select(t.uploaded_blobs.c.sha256).where(
                t.uploaded_blobs.c.sha256.in_(chunk))).scalars())
            still.update(self._c.execute(select(_env.c.envelope_sha256).where(
                _env.c.envelope_sha256.in_(chunk))).scalars())
            still.update(attachments.referenced(self._c, chunk))
        return [sha for sha in unique if sha not in still]

    def held_past(self, cutoff: datetime, *, closed_cutoff: datetime) -> int:
        held_reads = self._c.execute(select(func.count()).select_from(_r).where(
            _r.c.captured_us < to_us(cutoff), _r.c.id.in_(_active_holds(HoldTarget.READ))))
        closed_us = func.coalesce(_v.c.reviewed_us, _v.c.created_us)
        held_cases = self._c.execute(select(func.count()).select_from(_v).where(
            _v.c.status.in_(_CLOSED), closed_us < to_us(closed_cutoff),
            _v.c.id.in_(_active_holds(HoldTarget.VIOLATION))))
        return int(held_reads.scalar_one()) + int(held_cases.scalar_one())

    # Pseudonyms ---------------------------------------------------------------------------

    def plates_to_pseudonymise(self, cutoff: datetime, *,
                               limit: int) -> list[PlateToPseudonymise]:
        rows = self._c.execute(select(_r.c.id, _r.c.captured_us, _r.c.plate).where(
            _r.c.captured_us < to_us(cutoff), _r.c.plate_pseudonym.is_(None),
            ~_read_is_kept()).order_by(_r.c.captured_us).limit(limit))
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
                .where(_r.c.received_us >= to_us(start), _read_is_kept()).group_by(column))
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
