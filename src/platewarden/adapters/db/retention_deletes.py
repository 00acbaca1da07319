"""What a retention run deletes in SQL (SQLAlchemy Core), and what keeps rows from it.

Every ``delete_*_before`` removes only rows that nothing keeps: a read is kept while a
violation or an alert refers to it or an active legal hold names it (or its violation).
``SqlPrivacy`` answers the ``PrivacyRepository`` deletion methods with these functions, on
its connection; the keep conditions also bound pseudonymisation and the rekeying of kept
evidence there.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, exists, func, or_, select, union, update

from platewarden.adapters.db import attachment_retention as attachments
from platewarden.adapters.db import notice_tables
from platewarden.adapters.db import tables as t
from platewarden.adapters.db.partitions import drop_days_before
from platewarden.domain.clock import to_us
from platewarden.domain.notices import NoticeStatus
from platewarden.domain.retention import HoldTarget
from platewarden.domain.violations import ViolationStatus

_r, _img, _v, _vr, _a, _h = (t.reads, t.read_images, t.violations, t.violation_reads,
                             t.alerts, t.legal_holds)
_env = t.read_envelopes
_CHUNK = 500
_n, _ne, _ap = notice_tables.notices, notice_tables.notice_events, notice_tables.appeals
_SETTLED = [NoticeStatus.PAID.value, NoticeStatus.CANCELLED.value]
_CLOSED = [ViolationStatus.CONFIRMED.value, ViolationStatus.REJECTED.value,
           ViolationStatus.WITHDRAWN.value]


def active_holds(target: HoldTarget) -> Any:
    """Ids of what active holds of ``target`` name, as a sub-query."""
    return select(_h.c.target_id).where(_h.c.target == target.value, _h.c.released_us.is_(None))


def read_is_kept(reads: Any = _r) -> Any:
    """Whether a read of ``reads`` is kept: a violation, an alert or an active hold."""
    return or_(exists().where(_vr.c.read_pk == reads.c.id),
               exists().where(_a.c.read_pk == reads.c.id),
               reads.c.id.in_(active_holds(HoldTarget.READ)))


def kept_in_day(low_us: int, high_us: int) -> Any:
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
        active_holds(HoldTarget.READ))


def delete_closed_violations_before(conn: Connection, cutoff: datetime) -> tuple[int, list[str]]:
    """Delete closed cases past ``cutoff`` that no hold or open notice keeps.

    Returns:
        How many violations went, and the hashes of their appeal attachments.
    """
    closed_us = func.coalesce(_v.c.reviewed_us, _v.c.created_us)
    # A notice still open (unpaid, appealed, overdue) keeps its case; a settled one goes
    # with it, keeper, history and appeal attachments included (payments stay: they are
    # the payer's record).
    open_notices = select(_n.c.violation_id).where(_n.c.status.not_in(_SETTLED))
    ids = list(conn.execute(select(_v.c.id).where(
        _v.c.status.in_(_CLOSED), closed_us < to_us(cutoff),
        _v.c.id.not_in(active_holds(HoldTarget.VIOLATION)),
        _v.c.id.not_in(open_notices))).scalars())
    shas: list[str] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        numbers = select(_n.c.number).where(_n.c.violation_id.in_(chunk))
        shas.extend(attachments.delete_for_notices(conn, numbers))
        conn.execute(delete(_ne).where(_ne.c.number.in_(numbers)))
        conn.execute(delete(_ap).where(_ap.c.number.in_(numbers)))
        conn.execute(delete(_n).where(_n.c.violation_id.in_(chunk)))
        conn.execute(delete(_vr).where(_vr.c.violation_id.in_(chunk)))
        conn.execute(delete(_v).where(_v.c.id.in_(chunk)))
    return len(ids), shas


def delete_alerts_before(conn: Connection, cutoff: datetime) -> int:
    """Delete hotlist alerts older than ``cutoff`` whose read is not on hold; how many."""
    result = conn.execute(delete(_a).where(
        _a.c.occurred_us < to_us(cutoff), _a.c.read_pk.not_in(active_holds(HoldTarget.READ))))
    return result.rowcount


def delete_reads_before(conn: Connection, cutoff: datetime) -> tuple[int, list[str]]:
    """Delete reads captured before ``cutoff`` that nothing keeps.

    Returns:
        How many reads went, and the hashes of their images and envelopes.
    """
    dropped, shas = 0, list[str]()
    if conn.dialect.name == "postgresql":
        # Whole expired days go by dropping their partitions; what is left is the rest.
        dropped, shas = drop_days_before(conn, cutoff, kept=kept_in_day)
    count, row_shas = _delete_read_rows_before(conn, cutoff)
    return dropped + count, shas + row_shas


def _delete_read_rows_before(conn: Connection, cutoff: datetime) -> tuple[int, list[str]]:
    pks = list(conn.execute(select(_r.c.id).where(
        _r.c.captured_us < to_us(cutoff), ~read_is_kept())).scalars())
    shas: list[str] = []
    for start in range(0, len(pks), _CHUNK):
        chunk = pks[start:start + _CHUNK]
        shas.extend(conn.execute(select(_img.c.sha256).where(
            _img.c.read_pk.in_(chunk))).scalars())
        shas.extend(conn.execute(select(_env.c.envelope_sha256).where(
            _env.c.read_pk.in_(chunk))).scalars())
        conn.execute(delete(_img).where(_img.c.read_pk.in_(chunk)))
        conn.execute(delete(_env).where(_env.c.read_pk.in_(chunk)))
        # A repeat whose first read goes keeps nothing pointing at a missing row.
        conn.execute(update(_r).where(_r.c.duplicate_of.in_(chunk)).values(duplicate_of=None))
        conn.execute(delete(_r).where(_r.c.id.in_(chunk)))
    return len(pks), shas


def delete_images_before(conn: Connection, cutoff: datetime) -> list[str]:
    """Unlink the images and envelopes of reads before ``cutoff`` that nothing keeps.

    Returns:
        The hashes of the objects unlinked (some may still be referenced elsewhere).
    """
    rows = list(conn.execute(
        select(_img.c.read_pk, _img.c.role, _img.c.sha256).join(_r, _r.c.id == _img.c.read_pk)
        .where(_r.c.captured_us < to_us(cutoff), ~read_is_kept())))
    for row in rows:
        conn.execute(delete(_img).where(_img.c.read_pk == row.read_pk, _img.c.role == row.role,
                                        _img.c.sha256 == row.sha256))
    # The signed envelope holds the plate text and image hashes: it goes with the images.
    envelopes = list(conn.execute(
        select(_env.c.read_pk, _env.c.envelope_sha256).join(_r, _r.c.id == _env.c.read_pk)
        .where(_r.c.captured_us < to_us(cutoff), ~read_is_kept())))
    for chunk_start in range(0, len(envelopes), _CHUNK):
        chunk = [e.read_pk for e in envelopes[chunk_start:chunk_start + _CHUNK]]
        conn.execute(delete(_env).where(_env.c.read_pk.in_(chunk)))
    return [row.sha256 for row in rows] + [e.envelope_sha256 for e in envelopes]


def delete_blobs_before(conn: Connection, cutoff: datetime) -> list[str]:
    """Delete uploaded blobs before ``cutoff`` that no read refers to; their hashes."""
    blobs = t.uploaded_blobs
    shas = list(conn.execute(select(blobs.c.sha256).where(
        blobs.c.created_us < to_us(cutoff),
        ~exists().where(_img.c.sha256 == blobs.c.sha256))).scalars())
    if shas:
        conn.execute(delete(blobs).where(blobs.c.created_us < to_us(cutoff),
                                         blobs.c.sha256.in_(shas)))
    return shas


def unreferenced(conn: Connection, shas: Sequence[str]) -> list[str]:
    """Those of ``shas`` that no image, blob, envelope or appeal attachment refers to."""
    unique = sorted(set(shas))
    still: set[str] = set()
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start:start + _CHUNK]
        still.update(conn.execute(select(_img.c.sha256).where(
            _img.c.sha256.in_(chunk))).scalars())
        still.update(conn.execute(select(t.uploaded_blobs.c.sha256).where(
            t.uploaded_blobs.c.sha256.in_(chunk))).scalars())
        still.update(conn.execute(select(_env.c.envelope_sha256).where(
            _env.c.envelope_sha256.in_(chunk))).scalars())
        still.update(attachments.referenced(conn, chunk))
    return [sha for sha in unique if sha not in still]


def held_past(conn: Connection, cutoff: datetime, *, closed_cutoff: datetime) -> int:
    """How many reads and closed cases past their cut-offs an active hold keeps."""
    held_reads = conn.execute(select(func.count()).select_from(_r).where(
        _r.c.captured_us < to_us(cutoff), _r.c.id.in_(active_holds(HoldTarget.READ))))
    closed_us = func.coalesce(_v.c.reviewed_us, _v.c.created_us)
    held_cases = conn.execute(select(func.count()).select_from(_v).where(
        _v.c.status.in_(_CLOSED), closed_us < to_us(closed_cutoff),
        _v.c.id.in_(active_holds(HoldTarget.VIOLATION))))
    return int(held_reads.scalar_one()) + int(held_cases.scalar_one())
