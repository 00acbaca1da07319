"""Benchmark: retention of one full day of reads on PostgreSQL, by dropping its partitions.

Fills two identical days with ``--reads`` reads each (generated inside PostgreSQL), puts
``--kept`` of each day's reads behind alerts and violations so retention must save them,
then times retention of each day in one transaction (detach, copy the kept reads back,
drop): the first day with the baseline that found kept reads by a keep condition over every
read of the day (the code before migration 0012, kept here), the second with
``retention_deletes.delete_reads_before``, which finds them from the violation links,
alerts and holds of that day by their time indexes. By default only the kept reads still have image
rows, as when reads expire (30 days) long after plain reads' images did (7 days);
``--all-images`` keeps them all.

Run: ``nice -n 10 .venv/bin/python bench/bench_partition_drop.py [--reads 1000000]
[--write-docs]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_db_ingest import postgres_database
from command_line import command_line
from platewarden.adapters.db import partitions
from platewarden.adapters.db import tables as t
from platewarden.adapters.db.engine import make_engine, migrate
from platewarden.adapters.db.partitions import ReadPartitions
from platewarden.adapters.db.privacy import SqlPrivacyUnitOfWorkFactory
from platewarden.adapters.db.retention_deletes import read_is_kept

ROOT = Path(__file__).resolve().parents[1]
DAY = date(2026, 1, 15)


def day_us(day: date) -> int:
    """Microseconds since the epoch at the start of ``day`` (UTC)."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 1_000_000

_CAMERA = """
INSERT INTO cameras (id, name, latitude, longitude, road, direction, lanes, kind,
    public_key, enabled, region_code, lane_restrictions, red_light_grace_s, created_us)
VALUES ('cam-1', 'c', 41.3, 69.2, 'M39', 'w', 3, 'anpr', '\\x00', true, '01', '[]', 0, 0);
"""
# One day's reads; every (reads / kept)-th read is kept, alternately behind an alert (at the
# read's time, as the hotlist rule records it) and behind a violation.
_FILL = """
INSERT INTO reads (id, camera_id, read_id, captured_us, received_us, clock_sync, plate_raw,
    plate, plate_key, country, plate_format, confidence, alternatives, payload_sha256,
    evaluated)
SELECT '{tag}:r' || n, 'cam-1', 'r' || n, {day} + n * (86400000000 / {reads}), {day},
    'synced', '01A' || lpad((n %% 1000)::text, 3, '0') || 'BC',
    '01A' || lpad((n %% 1000)::text, 3, '0') || 'BC', '01A' || lpad((n %% 1000)::text, 3, '0')
    || '8C', 'UZ', 'uz', 0.9, '[]', md5(n::text), true
FROM generate_series(0, {reads} - 1) AS n;
INSERT INTO read_images (read_pk, role, sha256, content_type, size_bytes, captured_us)
SELECT '{tag}:r' || n, 'plate', md5(n::text) || md5((n + 1)::text), 'image/jpeg', 8192,
    {day} + n * (86400000000 / {reads})
FROM generate_series(0, {reads} - 1) AS n
WHERE {all_images} OR n %% ({reads} / {kept}) = 0;
INSERT INTO alerts (id, kind, read_pk, hotlist_entry_id, plate, listed_plate, camera_id,
    occurred_us, priority, status, created_us)
SELECT '{tag}a' || k, 'hit', '{tag}:r' || (k * ({reads} / {kept})), 'h1', 'P', 'P', 'cam-1',
    {day} + k * ({reads} / {kept}) * (86400000000 / {reads}), 1, 'open', {day}
FROM generate_series(0, {kept} - 1, 2) AS k;
INSERT INTO violations (id, type, plate, plate_key, camera_id, occurred_us, read_ids,
    measured, limit_value, tolerance, clock_sync, status, details, created_us)
SELECT '{tag}v' || k, 'spot_speed', 'P', 'P', 'cam-1', {day}, '[]', 1, 1, 't', 'synced',
    'pending', '{{}}', {day}
FROM generate_series(1, {kept} - 1, 2) AS k;
INSERT INTO violation_reads (violation_id, read_pk, captured_us)
SELECT '{tag}v' || k, '{tag}:r' || (k * ({reads} / {kept})),
    {day} + k * ({reads} / {kept}) * (86400000000 / {reads})
FROM generate_series(1, {kept} - 1, 2) AS k;
ANALYZE reads; ANALYZE read_images; ANALYZE alerts; ANALYZE violation_reads;
"""


def legacy_drop_days_before(conn: Connection, before: datetime) -> tuple[int, list[str]]:
    """The baseline: the drop as it was before migration 0012, keep condition over the day."""
    count, shas = 0, list[str]()
    for day in partitions._days_before(conn, before.astimezone(UTC).date()):
        reads, images = (partitions._detach(conn, p, day) for p in ("reads", "read_images"))
        saved = list(conn.execute(select(reads.c.id).where(read_is_kept(reads))).scalars())
        conn.execute(insert(t.reads).from_select(
            partitions._names(t.reads),
            select(*partitions._columns(reads, t.reads)).where(reads.c.id.in_(saved))))
        conn.execute(insert(t.read_images).from_select(partitions._names(t.read_images), select(
            *partitions._columns(images, t.read_images)).where(images.c.read_pk.in_(saved))))
        count += conn.execute(select(func.count()).select_from(reads).where(
            reads.c.id.not_in(saved))).scalar_one()
        shas.extend(conn.execute(select(images.c.sha256).distinct().where(
            images.c.read_pk.not_in(saved))).scalars())
        gone = select(reads.c.id).where(reads.c.id.not_in(saved))
        envelopes = t.read_envelopes
        shas.extend(conn.execute(select(envelopes.c.envelope_sha256).distinct().where(
            envelopes.c.read_pk.in_(gone))).scalars())
        conn.execute(delete(envelopes).where(envelopes.c.read_pk.in_(gone)))
        conn.execute(text(f'DROP TABLE "{reads.name}", "{images.name}"'))
    return count, shas


def fill(engine: Engine, day: date, *, tag: str, reads: int, kept: int,
         all_images: bool) -> tuple[float, str]:
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.exec_driver_sql(_FILL.format(day=day_us(day), tag=tag, reads=reads, kept=kept,
                                          all_images=str(all_images).lower()))
    with engine.connect() as conn:
        size = conn.execute(text(f"SELECT pg_size_pretty(pg_total_relation_size("
                                 f"'reads_p{day:%Y%m%d}') + pg_total_relation_size("
                                 f"'read_images_p{day:%Y%m%d}'))")).scalar_one()
    return time.perf_counter() - started, size


def timed_drop(engine: Engine, day: date, *, legacy: bool) -> tuple[float, int]:
    factory = SqlPrivacyUnitOfWorkFactory(engine)
    cutoff = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)
    started = time.perf_counter()
    with factory() as uow:
        if legacy:
            count, _ = legacy_drop_days_before(uow.privacy._c, cutoff)
        else:
            count, _ = uow.privacy.delete_reads_before(cutoff)
        uow.commit()
    return time.perf_counter() - started, count


def run(url: str, reads: int, kept: int, *, all_images: bool) -> list[dict[str, Any]]:
    """Two identical days; the baseline drops the first, the shipped code the second."""
    engine = make_engine(url)
    try:
        migrate(engine)
        ReadPartitions(engine).ensure(first_day=DAY, days=2)
        with engine.begin() as conn:
            conn.exec_driver_sql(_CAMERA)
        rows = []
        for offset, legacy in ((0, True), (1, False)):
            day = DAY + timedelta(days=offset)
            fill_s, size = fill(engine, day, tag=f"d{offset}", reads=reads, kept=kept,
                                all_images=all_images)
            drop_s, count = timed_drop(engine, day, legacy=legacy)
            with engine.connect() as conn:
                left = conn.execute(text("SELECT count(*) FROM reads")).scalar_one()
            rows.append({"method": "keep condition over the day (before, baseline)" if legacy
                         else "kept reads from violations/alerts/holds by time (now)",
                         "reads": reads, "kept": kept, "fill_s": round(fill_s, 1),
                         "day_size": size, "retention_s": round(drop_s, 2),
                         "reads_removed": count, "reads_left": left})
            print(rows[-1], flush=True)
        return rows
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reads", type=int, default=1_000_000)
    parser.add_argument("--kept", type=int, default=1000)
    parser.add_argument("--postgres-admin-dsn", default="host=127.0.0.1 user=postgres "
                        "dbname=postgres")
    parser.add_argument("--all-images", action="store_true",
                        help="keep every read's image row (by default only the kept reads "
                             "have one: retention removed the rest after 7 days)")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    with postgres_database(args.postgres_admin_dsn) as url:
        rows = run(url, args.reads, args.kept, all_images=args.all_images)
    report = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, load average "
                         f"{os.getloadavg()[0]:.1f} at the end",
              "command": command_line(), "rows": rows}
    print(json.dumps(report, indent=2))
    if args.write_docs:
        write_docs(report)


def write_docs(report: dict[str, Any]) -> None:
    lines = ["<!-- bench_partition_drop:start -->",
             f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {report['machine']}.",
             f"Command: `{report['command']}`", "",
             "| finding the kept reads | reads in the day | of them kept | day's partitions on "
             "disk | retention of the day (s) | reads removed |", "|---|---|---|---|---|---|"]
    lines += [f"| {r['method']} | {r['reads']} | {r['kept']} | {r['day_size']} | "
              f"{r['retention_s']} | {r['reads_removed']} |" for r in report["rows"]]
    lines.append("<!-- bench_partition_drop:end -->")
    section = "\n".join(lines)
    path = ROOT / "docs" / "benchmarks.md"
    text_ = path.read_text(encoding="utf-8")
    start, end = "<!-- bench_partition_drop:start -->", "<!-- bench_partition_drop:end -->"
    if start in text_:
        text_ = text_[:text_.index(start)] + section + text_[text_.index(end) + len(end):]
    else:
        text_ += "\n## Retention of a day on PostgreSQL\n\n" + section + "\n"
    path.write_text(text_, encoding="utf-8")


if __name__ == "__main__":
    main()
