"""Benchmark: retention of one full day of reads on PostgreSQL, by dropping its partitions.

Fills one day partition with ``--reads`` reads (generated inside PostgreSQL), puts
``--kept`` of them behind alerts so retention must save them, then times
``SqlPrivacy.delete_reads_before`` (detach, copy the kept reads back, drop) in one
transaction. By default only the kept reads still have image rows, as when reads expire
(30 days) long after plain reads' images did (7 days); ``--all-images`` keeps them all.

Run: ``nice -n 19 .venv/bin/python bench/bench_partition_drop.py [--reads 1000000]
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

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_db_ingest import postgres_database
from platewarden.adapters.db.engine import make_engine, migrate
from platewarden.adapters.db.partitions import ReadPartitions
from platewarden.adapters.db.privacy import SqlPrivacyUnitOfWorkFactory

ROOT = Path(__file__).resolve().parents[1]
DAY = date(2026, 1, 15)
DAY_US = int(datetime(DAY.year, DAY.month, DAY.day, tzinfo=UTC).timestamp()) * 1_000_000

_FILL = """
INSERT INTO cameras (id, name, latitude, longitude, road, direction, lanes, kind,
    public_key, enabled, region_code, lane_restrictions, red_light_grace_s, created_us)
VALUES ('cam-1', 'c', 41.3, 69.2, 'M39', 'w', 3, 'anpr', '\\x00', true, '01', '[]', 0, 0);
INSERT INTO reads (id, camera_id, read_id, captured_us, received_us, clock_sync, plate_raw,
    plate, plate_key, country, plate_format, confidence, alternatives, payload_sha256,
    evaluated)
SELECT 'cam-1:r' || n, 'cam-1', 'r' || n, {day} + n * (86400000000 / {reads}), {day},
    'synced', '01A' || lpad((n %% 1000)::text, 3, '0') || 'BC',
    '01A' || lpad((n %% 1000)::text, 3, '0') || 'BC', '01A' || lpad((n %% 1000)::text, 3, '0')
    || '8C', 'UZ', 'uz', 0.9, '[]', md5(n::text), true
FROM generate_series(0, {reads} - 1) AS n;
INSERT INTO read_images (read_pk, role, sha256, content_type, size_bytes, captured_us)
SELECT 'cam-1:r' || n, 'plate', md5(n::text) || md5((n + 1)::text), 'image/jpeg', 8192,
    {day} + n * (86400000000 / {reads})
FROM generate_series(0, {reads} - 1) AS n
WHERE {all_images} OR n %% ({reads} / {kept}) = 0;
INSERT INTO alerts (id, kind, read_pk, hotlist_entry_id, plate, listed_plate, camera_id,
    occurred_us, priority, status, created_us)
SELECT 'a' || n, 'hit', 'cam-1:r' || (n * ({reads} / {kept})), 'h1', 'P', 'P', 'cam-1',
    {day}, 1, 'open', {day}
FROM generate_series(0, {kept} - 1) AS n;
ANALYZE reads; ANALYZE read_images;
"""


def run(url: str, reads: int, kept: int, *, all_images: bool) -> dict[str, Any]:
    engine = make_engine(url)
    try:
        migrate(engine)
        ReadPartitions(engine).ensure(first_day=DAY, days=1)
        started = time.perf_counter()
        with engine.begin() as conn:
            conn.exec_driver_sql(_FILL.format(day=DAY_US, reads=reads, kept=kept,
                                              all_images=str(all_images).lower()))
        fill_s = time.perf_counter() - started
        with engine.connect() as conn:
            size = conn.execute(text("SELECT pg_size_pretty(pg_total_relation_size("
                                     "'reads_p20260115') + pg_total_relation_size("
                                     "'read_images_p20260115'))")).scalar_one()
        factory = SqlPrivacyUnitOfWorkFactory(engine)
        started = time.perf_counter()
        with factory() as uow:
            count, shas = uow.privacy.delete_reads_before(
                datetime(DAY.year, DAY.month, DAY.day, tzinfo=UTC) + timedelta(days=1))
            uow.commit()
        drop_s = time.perf_counter() - started
        with engine.connect() as conn:
            left = conn.execute(text("SELECT count(*) FROM reads")).scalar_one()
        return {"reads": reads, "kept": kept, "fill_s": round(fill_s, 1), "day_size": size,
                "retention_s": round(drop_s, 2), "reads_removed": count,
                "image_hashes_returned": len(shas), "reads_left": left}
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
        result = run(url, args.reads, args.kept, all_images=args.all_images)
    report = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, load average "
                         f"{os.getloadavg()[0]:.1f} at the end",
              "command": "nice -n 19 python bench/bench_partition_drop.py "
                         + " ".join(sys.argv[1:]), **result}
    print(json.dumps(report, indent=2))
    if args.write_docs:
        write_docs(report)


def write_docs(report: dict[str, Any]) -> None:
    section = (
        "<!-- bench_partition_drop:start -->\n"
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {report['machine']}.\n"
        f"Command: `{report['command']}`\n\n"
        "| reads in the day | of them kept (alerts) | day's partitions on disk | retention "
        "of the day (s) | reads removed | reads left |\n|---|---|---|---|---|---|\n"
        f"| {report['reads']} | {report['kept']} | {report['day_size']} | "
        f"{report['retention_s']} | {report['reads_removed']} | {report['reads_left']} |\n"
        "<!-- bench_partition_drop:end -->")
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
