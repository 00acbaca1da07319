"""Finding plate reads in SQL (SQLAlchemy Core): searches by plate query, the reads of one
plate at some cameras (for the rules), and the image references of the reads found.

``SqlReads`` answers ``search`` and ``for_plate`` with these functions on its connection.
Statements are built once, as in ``read_repository``; see docs/benchmarks.md for the
PostgreSQL search figures behind the windows and per-query plans below.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select

from platewarden.adapters.db import tables as t
from platewarden.adapters.db.mapping import read_from
from platewarden.adapters.db.scopes import cameras_in
from platewarden.domain.clock import DAY_US, to_us
from platewarden.domain.plates import canonical_key
from platewarden.domain.reads import ImageRef, PlateRead
from platewarden.domain.search import PlateQuery, QueryKind

_r, _img = t.reads, t.read_images
# The reads' capture times let PostgreSQL visit only their days' image partitions (plan-time
# pruning) instead of probing every day's index for every read.
_IMAGES = select(_img).where(_img.c.read_pk.in_(bindparam("pks", expanding=True)),
                             _img.c.captured_us.in_(bindparam("times", expanding=True)))
_FOR_PLATE = select(_r).where(
    _r.c.plate_key == bindparam("key"), _r.c.camera_id.in_(bindparam("cams", expanding=True)),
    _r.c.captured_us.between(bindparam("low"), bindparam("high")), _r.c.duplicate_of.is_(None))
_SEARCHABLE = (select(_r).where(_r.c.captured_us.between(bindparam("low"), bindparam("high")),
                                _r.c.duplicate_of.is_(None))
               .order_by(_r.c.captured_us.desc(), _r.c.id).limit(bindparam("limit")))
# Exact searches also match the (indexed) canonical key, so they never scan the table.
_SEARCH: dict[QueryKind, Any] = {
    QueryKind.EXACT: _SEARCHABLE.where(_r.c.plate_key == bindparam("key"),
                                       _r.c.plate == bindparam("value")),
    QueryKind.CONFUSABLE: _SEARCHABLE.where(_r.c.plate_key == bindparam("value")),
    QueryKind.WILDCARD: _SEARCHABLE.where(_r.c.plate.like(bindparam("value"), escape="\\")),
}
# A wildcard with a literal prefix also bounds the plate, so the plate index is range-scanned.
_SEARCH_PREFIXED = _SEARCH[QueryKind.WILDCARD].where(_r.c.plate >= bindparam("prefix_low"),
                                                     _r.c.plate < bindparam("prefix_high"))


def images_of(conn: Connection, reads: Sequence[Any]) -> dict[str, tuple[ImageRef, ...]]:
    """The image references of ``reads`` (rows of ``reads``), by read id."""
    found: dict[str, list[ImageRef]] = {}
    if not reads:
        return {}
    rows = conn.execute(_IMAGES, {"pks": sorted({r.id for r in reads}),
                                  "times": sorted({r.captured_us for r in reads})})
    for row in rows:
        found.setdefault(row.read_pk, []).append(ImageRef(
            role=row.role, sha256=row.sha256, content_type=row.content_type,
            size_bytes=row.size_bytes))
    return {k: tuple(sorted(v, key=lambda i: (i.role, i.sha256))) for k, v in found.items()}


def for_plate(conn: Connection, *, plate_key: str, camera_ids: Iterable[str], start: datetime,
              end: datetime) -> list[PlateRead]:
    """Reads (not repeats) of ``plate_key`` at ``camera_ids`` captured in the window."""
    rows = list(conn.execute(_FOR_PLATE, {
        "key": plate_key, "cams": list(camera_ids), "low": to_us(start), "high": to_us(end)}))
    images = images_of(conn, rows)
    return [read_from(row, images.get(row.id, ())) for row in rows]


def search(conn: Connection, query: PlateQuery, *, start: datetime, end: datetime, limit: int,
           camera_regions: frozenset[str] | None) -> list[PlateRead]:
    """Reads (not repeats) matching ``query`` captured in the window, newest first."""
    value = query.like_pattern() if query.kind is QueryKind.WILDCARD else query.value
    params = {"value": value, "key": canonical_key(query.value), "low": to_us(start),
              "high": to_us(end), "limit": limit}
    statement = _SEARCH[query.kind]
    prefix = query.literal_prefix() if query.kind is QueryKind.WILDCARD else ""
    if prefix:
        statement = _SEARCH_PREFIXED
        params |= {"prefix_low": prefix, "prefix_high": prefix[:-1] + chr(ord(prefix[-1]) + 1)}
    if camera_regions is not None:
        statement = statement.where(_r.c.camera_id.in_(cameras_in(camera_regions)))
    if query.kind is QueryKind.WILDCARD and conn.dialect.name == "postgresql":
        # A wildcard's cost depends on its pattern: a plan cached for one (psycopg
        # prepares repeated statements) range-scanned 2 M plates for a one-letter prefix
        # where the trigram index finds 7 reads (4.8 s against 30 ms). Plan each one.
        conn.exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")
    rows: list[Any] = []
    low, high = to_us(start), to_us(end)
    windows = _newest_first(low, high) if query.kind is QueryKind.WILDCARD else [(low, high)]
    for low, high in windows:
        rows += conn.execute(statement, params | {"low": low, "high": high,
                                                  "limit": limit - len(rows)})
        if len(rows) >= limit:
            break
    images = images_of(conn, rows)
    return [read_from(row, images.get(row.id, ())) for row in rows]


def _newest_first(low: int, high: int) -> list[tuple[int, int]]:
    """``[low, high]`` as disjoint windows, newest first, of 1, 2, 4, ... days.

    A wildcard that matches many plates (``*123*``) finds its newest results in the newest
    day or two and stops there instead of sorting weeks of matches; a rare one costs a few
    more, smaller queries.
    """
    windows, span = [], DAY_US
    while high >= low:
        windows.append((max(low, high - span + 1), high))
        high, span = high - span, span * 2
    return windows
