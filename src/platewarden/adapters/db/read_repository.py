"""SQL implementation of the read repository (SQLAlchemy Core): storing, deduplicating and
evaluating plate reads, nonces and uploaded blobs. Finding reads (searches, the reads of a
plate for the rules, their images) is ``read_search``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import (
    Connection,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    or_,
    select,
    tuple_,
    union_all,
    update,
)

from platewarden.adapters.db import read_search
from platewarden.adapters.db import tables as t
from platewarden.adapters.db.bulk import copy_rows
from platewarden.adapters.db.mapping import image_rows, read_from, read_row
from platewarden.domain.clock import to_us
from platewarden.domain.reads import ImageRef, PlateRead
from platewarden.domain.search import PlateQuery
from platewarden.services.unit_of_work import StoredRead

# Statements are built once: building and hashing SQLAlchemy constructs per call cost more
# CPU than the database work on the ingest path.
_r, _img = t.reads, t.read_images
_READ_DIGEST = select(_r.c.payload_sha256).where(_r.c.id == bindparam("pk"))
_INSERT_READ = insert(_r)
_INSERT_IMAGES = insert(_img)
_INSERT_ENVELOPE = insert(t.read_envelopes)
_ENVELOPE = select(t.read_envelopes).where(t.read_envelopes.c.read_pk == bindparam("pk"))
# The read that stands for a read's pass, in one statement: the first earlier read of the
# same plate at the same camera within the window (its original if it is itself a repeat),
# else the first evaluated, counted read captured just after (a late earlier read joins it).
# Each branch is a LIMIT 1 probe of (plate_key, captured_us); the rank makes the earlier win.
_EARLIER = (select(func.coalesce(_r.c.duplicate_of, _r.c.id).label("pass_id"),
                   literal_column("0").label("rank"))
            .where(_r.c.camera_id == bindparam("camera_id"), _r.c.plate_key == bindparam("key"),
                   _r.c.captured_us.between(bindparam("low"), bindparam("at")),
                   _r.c.id != bindparam("pk"),
                   or_(_r.c.captured_us < bindparam("at"), _r.c.id < bindparam("pk")))
            .order_by(_r.c.captured_us, _r.c.id).limit(1).subquery("earlier"))
_COUNTED_LATER = (select(_r.c.id.label("pass_id"), literal_column("1").label("rank"))
                  .where(_r.c.camera_id == bindparam("camera_id"),
                         _r.c.plate_key == bindparam("key"),
                         _r.c.captured_us.between(bindparam("at"), bindparam("high")),
                         _r.c.id != bindparam("pk"), _r.c.evaluated.is_(True),
                         _r.c.duplicate_of.is_(None))
                  .order_by(_r.c.captured_us, _r.c.id).limit(1).subquery("counted_later"))
_PASS_CANDIDATES = union_all(select(_EARLIER), select(_COUNTED_LATER)).subquery("candidates")
_PASS = (select(_PASS_CANDIDATES.c.pass_id)
         .order_by(_PASS_CANDIDATES.c.rank).limit(1))
_MARK_DUPLICATE = (update(_r).where(_r.c.id == bindparam("pk"))
                   .values(duplicate_of=bindparam("original")))
_READ_DIGESTS = select(_r.c.id, _r.c.payload_sha256).where(
    _r.c.id.in_(bindparam("pks", expanding=True)))
_NONCES = select(t.nonces.c.camera_id, t.nonces.c.nonce, t.nonces.c.envelope_sha256).where(
    tuple_(t.nonces.c.camera_id, t.nonces.c.nonce).in_(bindparam("keys", expanding=True)))
_READ = select(_r).where(_r.c.id == bindparam("pk"))
_READS = select(_r).where(_r.c.id.in_(bindparam("pks", expanding=True)))
_MARK_EVALUATED = (update(_r).where(_r.c.id.in_(bindparam("pks", expanding=True)))
                   .values(evaluated=True))
_IMG_READS = select(_img.c.read_pk).where(_img.c.sha256 == bindparam("sha"))
_EVIDENCE_CAMERAS = select(_r.c.camera_id).distinct().where(
    _r.c.id.in_(_IMG_READS),
    or_(_r.c.id.in_(select(t.alerts.c.read_pk)),
        _r.c.id.in_(select(t.violation_reads.c.read_pk))))
_NONCE = select(t.nonces.c.envelope_sha256).where(t.nonces.c.camera_id == bindparam("cam"),
                                                  t.nonces.c.nonce == bindparam("nonce"))
_INSERT_NONCE = insert(t.nonces)


class SqlReads:
    """Reads, images, nonces and uploaded blobs in SQL (finding reads: ``read_search``)."""

    def __init__(self, conn: Connection) -> None:
        self._c = conn
        self._copy = conn.dialect.name == "postgresql"

    def payload_digest(self, read_pk: str) -> str | None:
        return self._c.execute(_READ_DIGEST, {"pk": read_pk}).scalar()

    def add(self, read: PlateRead, *, payload_sha256: str, received_at: datetime,
            duplicate_of: str | None) -> None:
        self._c.execute(_INSERT_READ, {
            **read_row(read), "payload_sha256": payload_sha256,
            "received_us": to_us(received_at), "duplicate_of": duplicate_of,
            "evaluated": False})
        if read.images:
            self._c.execute(_INSERT_IMAGES, image_rows(read))

    def add_many(self, reads: Sequence[tuple[PlateRead, str]], *,
                 received_at: datetime) -> None:
        """Insert reads with their payload digests in two statements.

        PostgreSQL gets them by COPY (several times the rows per second of a multi-row
        INSERT, see docs/benchmarks.md); SQLite by executemany.
        """
        if not reads:
            return
        received = to_us(received_at)
        rows = [{**read_row(read), "payload_sha256": digest, "received_us": received,
                 "duplicate_of": None, "evaluated": False} for read, digest in reads]
        images = [row for read, _ in reads for row in image_rows(read)]
        if self._copy:
            copy_rows(self._c, t.reads, rows)
            copy_rows(self._c, t.read_images, images)
            return
        self._c.execute(_INSERT_READ, rows)
        if images:
            self._c.execute(_INSERT_IMAGES, images)

    def add_envelopes(self, rows: Sequence[tuple[str, str, bytes]]) -> None:
        """Link reads to the signed envelope they came in (one executemany)."""
        if rows:
            self._c.execute(_INSERT_ENVELOPE, [
                {"read_pk": pk, "envelope_sha256": sha, "signature": sig}
                for pk, sha, sig in rows])

    def envelope_of(self, read_pk: str) -> tuple[str, bytes] | None:
        row = self._c.execute(_ENVELOPE, {"pk": read_pk}).first()
        return (row.envelope_sha256, bytes(row.signature)) if row is not None else None

    def payload_digests(self, read_pks: Sequence[str]) -> dict[str, str]:
        if not read_pks:
            return {}
        rows = self._c.execute(_READ_DIGESTS, {"pks": list(dict.fromkeys(read_pks))})
        return {row.id: row.payload_sha256 for row in rows}

    def find_pass(self, *, read: PlateRead, window_s: float) -> str | None:
        """The read that already stands for ``read``'s pass, in one statement.

        The first earlier read of the same plate at the same camera within ``window_s``
        (ordered by ``(captured_at, id)`` as the domain's dedupe rule does; a repeat answers
        with its original, so a queue collapses onto its first read); else the first read
        captured up to ``window_s`` after that was already evaluated and counted.
        """
        at, span = to_us(read.captured_at), int(window_s * 1_000_000)
        found = self._c.execute(_PASS, {
            "camera_id": read.camera_id, "key": read.plate_key, "pk": read.id,
            "low": at - span, "at": at, "high": at + span}).scalar()
        return None if found is None else str(found)

    def mark_duplicate(self, read_pk: str, *, duplicate_of: str) -> None:
        self._c.execute(_MARK_DUPLICATE, {"pk": read_pk, "original": duplicate_of})

    def get(self, read_pk: str) -> StoredRead | None:
        row = self._c.execute(_READ, {"pk": read_pk}).first()
        if row is None:
            return None
        images = read_search.images_of(self._c, [row]).get(read_pk, ())
        return StoredRead(read=read_from(row, images), payload_sha256=row.payload_sha256,
                          duplicate_of=row.duplicate_of, evaluated=bool(row.evaluated))

    def get_many(self, read_pks: Sequence[str]) -> list[StoredRead]:
        """The reads found among ``read_pks`` (in no particular order)."""
        if not read_pks:
            return []
        rows = list(self._c.execute(_READS, {"pks": list(dict.fromkeys(read_pks))}))
        images = read_search.images_of(self._c, rows)
        return [StoredRead(read=read_from(row, images.get(row.id, ())),
                           payload_sha256=row.payload_sha256, duplicate_of=row.duplicate_of,
                           evaluated=bool(row.evaluated)) for row in rows]

    def unevaluated(self, *, limit: int) -> list[str]:
        r = t.reads
        rows = self._c.execute(select(r.c.id).where(r.c.evaluated.is_(False))
                               .order_by(r.c.received_us).limit(limit))
        return [row.id for row in rows]

    def mark_evaluated(self, read_pks: Sequence[str]) -> None:
        if read_pks:
            self._c.execute(_MARK_EVALUATED, {"pks": list(read_pks)})

    def for_plate(self, *, plate_key: str, camera_ids: Iterable[str], start: datetime,
                  end: datetime) -> list[PlateRead]:
        return read_search.for_plate(self._c, plate_key=plate_key, camera_ids=camera_ids,
                                     start=start, end=end)

    def search(self, query: PlateQuery, *, start: datetime, end: datetime, limit: int,
               camera_regions: frozenset[str] | None = None) -> list[PlateRead]:
        """Reads (not repeats) matching ``query`` captured in the window, newest first."""
        return read_search.search(self._c, query, start=start, end=end, limit=limit,
                                  camera_regions=camera_regions)

    def nonce_digest(self, camera_id: str, nonce: str) -> str | None:
        return self._c.execute(_NONCE, {"cam": camera_id, "nonce": nonce}).scalar()

    def add_nonce(self, camera_id: str, nonce: str, *, envelope_sha256: str,
                  seen_at: datetime) -> None:
        self._c.execute(_INSERT_NONCE, {"camera_id": camera_id, "nonce": nonce,
                                        "envelope_sha256": envelope_sha256,
                                        "seen_us": to_us(seen_at)})

    def nonce_digests(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
        if not keys:
            return {}
        rows = self._c.execute(_NONCES, {"keys": list(dict.fromkeys(keys))})
        return {(row.camera_id, row.nonce): row.envelope_sha256 for row in rows}

    def add_nonces(self, rows: Sequence[tuple[str, str, str]], *, seen_at: datetime) -> None:
        if rows:
            seen = to_us(seen_at)
            self._c.execute(_INSERT_NONCE, [
                {"camera_id": cam, "nonce": nonce, "envelope_sha256": digest, "seen_us": seen}
                for cam, nonce, digest in rows])

    def prune_nonces(self, *, before: datetime) -> int:
        result = self._c.execute(delete(t.nonces).where(t.nonces.c.seen_us < to_us(before)))
        return result.rowcount

    def add_blob(self, camera_id: str, ref: ImageRef, *, created_at: datetime) -> None:
        if not self.has_blob(camera_id, ref.sha256):
            self._c.execute(insert(t.uploaded_blobs).values(
                camera_id=camera_id, sha256=ref.sha256, content_type=ref.content_type,
                size_bytes=ref.size_bytes, created_us=to_us(created_at)))

    def has_blob(self, camera_id: str, sha256: str) -> bool:
        b = t.uploaded_blobs
        return self._c.execute(select(b.c.sha256).where(
            b.c.camera_id == camera_id, b.c.sha256 == sha256)).first() is not None

    def evidence_camera_ids(self, sha256: str) -> frozenset[str]:
        """Cameras of the reads with this object that are behind a violation or an alert."""
        rows = self._c.execute(_EVIDENCE_CAMERAS, {"sha": sha256})
        return frozenset(row.camera_id for row in rows)
