"""Aggregate counts for the transparency report, in SQL: no row, plate or person leaves."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from platewarden.adapters.db import notice_tables
from platewarden.adapters.db import tables as t
from platewarden.domain.clock import DAY_US, from_us, to_us
from platewarden.domain.retention import day_name

_r, _v, _a = t.reads, t.violations, t.alerts
_n, _ap = notice_tables.notices, notice_tables.appeals


class SqlTransparency:
    """Aggregate counts for the transparency report: no row, plate or person ever leaves."""

    def __init__(self, conn: Connection) -> None:
        self._c = conn

    def reads_per_region_day(self, start: datetime, end: datetime) -> list[tuple[str, str, int]]:
        day = _r.c.captured_us / DAY_US
        rows = self._c.execute(
            select(t.cameras.c.region_code, day.label("day"), func.count())
            .join(t.cameras, t.cameras.c.id == _r.c.camera_id)
            .where(_r.c.captured_us >= to_us(start), _r.c.captured_us < to_us(end),
                   _r.c.duplicate_of.is_(None))
            .group_by(t.cameras.c.region_code, day))
        return sorted((str(region), day_name(from_us(int(d) * DAY_US)), int(n))
                      for region, d, n in rows)

    def hits_per_region(self, start: datetime, end: datetime) -> dict[str, int]:
        rows = self._c.execute(
            select(t.cameras.c.region_code, func.count()).join(
                t.cameras, t.cameras.c.id == _a.c.camera_id)
            .where(_a.c.occurred_us >= to_us(start), _a.c.occurred_us < to_us(end))
            .group_by(t.cameras.c.region_code))
        return {str(region): int(n) for region, n in rows}

    def violations_per_type(self, start: datetime, end: datetime) -> dict[str, dict[str, int]]:
        rows = self._c.execute(
            select(_v.c.type, _v.c.status, func.count())
            .where(_v.c.occurred_us >= to_us(start), _v.c.occurred_us < to_us(end))
            .group_by(_v.c.type, _v.c.status))
        found: dict[str, dict[str, int]] = {}
        for kind, status, n in rows:
            found.setdefault(str(kind), {})[str(status)] = int(n)
        return found

    def notices_per_status(self, start: datetime, end: datetime) -> dict[str, int]:
        return self._per_status(_n, _n.c.issued_us, start, end)

    def appeals_per_status(self, start: datetime, end: datetime) -> dict[str, int]:
        return self._per_status(_ap, _ap.c.filed_us, start, end)

    def _per_status(self, table: Any, at_us: Any, start: datetime,
                    end: datetime) -> dict[str, int]:
        rows = self._c.execute(select(table.c.status, func.count()).where(
            at_us >= to_us(start), at_us < to_us(end)).group_by(table.c.status))
        return {str(status): int(n) for status, n in rows}
