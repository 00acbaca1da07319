"""Daily partitions of reads: made ahead of time, and dropped whole when a day expires.

On PostgreSQL ``reads`` and ``read_images`` are range-partitioned by capture day (migration
0006), whose SQL function makes partitions, so a cron job or ``pg_cron`` can call it as well.
Retention (``retention_deletes.delete_reads_before``) drops expired days with
``drop_days_before``. On SQLite there is nothing to make or drop.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ARRAY,
    Connection,
    Engine,
    String,
    Table,
    and_,
    bindparam,
    column,
    delete,
    exists,
    func,
    insert,
    select,
    table,
    text,
)
from sqlalchemy.sql.expression import TableClause

from platewarden.adapters.db import tables as t
from platewarden.domain.clock import DAY_US, to_us

log = logging.getLogger(__name__)

_ENSURE = text("SELECT platewarden_ensure_day_partitions(:first_day, :days)")
_LIST = text("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
             "WHERE i.inhparent = 'reads'::regclass ORDER BY c.relname")


class ReadPartitions:
    """The partitions of the reads table of one database."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def partitioned(self) -> bool:
        """Whether the database keeps reads in day partitions (PostgreSQL)."""
        return self._engine.dialect.name == "postgresql"

    def ensure(self, *, first_day: date, days: int) -> int:
        """Create the missing partitions of ``days`` days from ``first_day``; how many were made.

        A day whose reads already landed in the default partition is left there.
        """
        if not self.partitioned:
            return 0
        with self._engine.begin() as conn:
            return int(conn.execute(_ENSURE, {"first_day": first_day, "days": days}).scalar_one())

    def names(self) -> list[str]:
        """The partitions of ``reads``, the default one included (empty on SQLite)."""
        if not self.partitioned:
            return []
        with self._engine.connect() as conn:
            return [row.relname for row in conn.execute(_LIST)]


def drop_days_before(conn: Connection, before: datetime, *,
                     kept: Callable[[int, int], Any]) -> tuple[int, list[str]]:
    """Drop the day partitions wholly before ``before``, saving the reads ``kept`` names.

    Each day's partitions of reads and images are detached; the reads that must stay (and
    their images) are copied back, into the default partition now that their day has none;
    then both are dropped, in the caller's transaction. Returns how many reads went and the
    SHA-256 of their images. ``kept(low_us, high_us)`` is a query of the ids of reads that
    may need keeping in that day, found from the small tables (violations, alerts, holds) so
    that nothing here evaluates a condition over every read of the day.
    """
    count, shas = 0, list[str]()
    for day in _days_before(conn, before.astimezone(UTC).date()):
        low = to_us(datetime.strptime(day, "%Y%m%d").replace(tzinfo=UTC))
        reads, images = (_detach(conn, parent, day) for parent in ("reads", "read_images"))
        candidates = list(conn.execute(kept(low, low + DAY_US)).scalars())
        # Looked up by the day's primary-key index: as many probes as candidates.
        saved = list(conn.execute(select(reads.c.id).where(
            reads.c.id == func.any(bindparam("ids", type_=ARRAY(String)))),
            {"ids": candidates}).scalars()) if candidates else []
        conn.execute(insert(t.reads).from_select(
            _names(t.reads), select(*_columns(reads, t.reads)).where(reads.c.id.in_(saved))))
        conn.execute(insert(t.read_images).from_select(_names(t.read_images), select(
            *_columns(images, t.read_images)).where(images.c.read_pk.in_(saved))))
        count += conn.execute(select(func.count()).select_from(reads)).scalar_one() - len(saved)
        shas.extend(conn.execute(select(images.c.sha256).distinct().where(
            images.c.read_pk.not_in(saved))).scalars())
        shas.extend(_drop_envelopes(conn, reads, saved))
        conn.execute(text(f'DROP TABLE "{reads.name}", "{images.name}"'))
    return count, shas


def _drop_envelopes(conn: Connection, reads: TableClause, saved: list[str]) -> list[str]:
    """Delete the envelope links of the day's reads that go; their envelopes' SHA-256.

    The signed envelopes of the reads that go are evidence objects like their images. Only
    the links still there are visited (each probes the day's primary key): by the time a
    day expires, plain reads' envelopes went with their images.
    """
    envelopes = t.read_envelopes
    in_day = exists().where(reads.c.id == envelopes.c.read_pk)
    gone = and_(in_day, envelopes.c.read_pk.not_in(saved))
    shas = list(conn.execute(select(envelopes.c.envelope_sha256).distinct().where(gone))
                .scalars())
    conn.execute(delete(envelopes).where(gone))
    return shas


def _days_before(conn: Connection, day: date) -> list[str]:
    names = conn.execute(_LIST).scalars()
    return sorted(n[-8:] for n in names
                  if n[-9:-8] == "p" and n[-8:].isdigit() and n[-8:] < f"{day:%Y%m%d}")


def _detach(conn: Connection, parent: str, day: str) -> TableClause:
    name = f"{parent}_p{day}"
    conn.execute(text(f'ALTER TABLE "{parent}" DETACH PARTITION "{name}"'))
    source = t.metadata.tables[parent]
    return table(name, *(column(c.name) for c in source.columns))


def _names(target: Table) -> list[str]:
    return [c.name for c in target.columns]


def _columns(source: TableClause, target: Table) -> list[Any]:
    return [source.c[c.name] for c in target.columns]


class PartitionMaintainer:
    """Keeps partitions made ``ahead_days`` ahead (and ``back_days`` back), hourly."""

    def __init__(self, partitions: ReadPartitions, *, clock: Callable[[], datetime],
                 back_days: int = 2, ahead_days: int = 7, interval_s: float = 3600.0) -> None:
        self._partitions = partitions
        self._clock = clock
        self._back_days = back_days
        self._ahead_days = ahead_days
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def partitions(self) -> ReadPartitions:
        """The partitions it looks after."""
        return self._partitions

    def run_once(self) -> int:
        """Make the partitions the window needs now; how many were made."""
        today = self._clock().date()
        return self._partitions.ensure(first_day=today - timedelta(days=self._back_days),
                                       days=self._back_days + self._ahead_days + 1)

    def start(self) -> None:
        """Make the window's partitions now, then keep doing so in the background."""
        if not self._partitions.partitioned or self._thread is not None:
            return
        self.run_once()
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="partitions", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the background thread."""
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.wait(self._interval_s):
            try:
                self.run_once()
            except Exception:  # the next round tries again; reads meanwhile go to default
                log.exception("could not make the upcoming read partitions")
