"""Generates a realistic national read history inside PostgreSQL for ``bench_search.py``.

The schema is the shipped one (``migrate``). Each day's reads are written into a plain table
made ``LIKE reads`` and then attached as that day's partition: PostgreSQL builds the
partitioned table's indexes (plate key and time, plate trigram, BRIN, ...) on the attached
table in one pass each, which is many times faster than maintaining them row by row, and
leaves exactly the indexes ``platewarden_ensure_day_partitions`` would have made.

Plates: ``--vehicles`` vehicles with Uzbek plates (85 % private ``RRLDDDLL``, 15 %
organisation ``RRDDDLLL``, region codes of all 14 regions, Tashkent heavier); a read picks
vehicle ``floor(V * u^2)`` (``u`` uniform), so a few vehicles are seen thousands of times in
90 days and most a handful. Letters are drawn from all 26, so distinct vehicles whose plates
differ only in O/D/Q letters share a canonical key (confusable-near plates), and 2 % of
reads are misreads that swap one such letter (other text, same key). 3 % of reads are
repeats (``duplicate_of`` set), which search leaves out. Only the last ``image_days`` days
keep image rows, as when plain reads' images expire after 7 days.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Connection, Engine

CAMERAS = 2000
REGIONS = ("01", "01", "01", "10", "10", "20", "25", "30", "30", "40", "40", "50", "60",
           "70", "75", "80", "85", "90", "95")
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

_CAMERAS = f"""
INSERT INTO cameras (id, name, latitude, longitude, road, direction, lanes, kind,
    public_key, enabled, region_code, lane_restrictions, red_light_grace_s, created_us)
SELECT 'cam-' || lpad(c::text, 4, '0'), 'camera ' || c, 41.3, 69.2, 'M39', 'west', 3,
    'anpr', '\\x00'::bytea, true, (ARRAY['{"','".join(sorted(set(REGIONS)))}'])[1 + c % 14],
    '[]', 0, 0
FROM generate_series(0, {CAMERAS - 1}) AS c
"""

# Knuth's multiplicative hash scrambles the vehicle number into the plate's characters.
_VEHICLES = f"""
CREATE TABLE bench_vehicles AS
SELECT v, plate, translate(plate, 'ODQIZSBG', '00012586') AS plate_key,
    CASE WHEN private THEN 'private' ELSE 'organisation' END AS plate_format
FROM (
  SELECT v, private, (ARRAY['{"','".join(REGIONS)}'])[1 + region]
    || CASE WHEN private
       THEN substr(letters, 1 + l1, 1) || lpad(num::text, 3, '0') || substr(letters, 1 + l2, 1)
            || substr(letters, 1 + l3, 1)
       ELSE lpad(num::text, 3, '0') || substr(letters, 1 + l1, 1) || substr(letters, 1 + l2, 1)
            || substr(letters, 1 + l3, 1)
       END AS plate
  FROM (SELECT v, '{LETTERS}'::text AS letters, (h % {len(REGIONS)})::int AS region,
            h / 19 % 100 < 85 AS private, (h / 1900 % 26)::int AS l1,
            (h / 31 % 26)::int AS l2, (h / 807 % 26)::int AS l3,
            (h / 49400 % 1000)::int AS num
        FROM (SELECT v, (v::bigint * 2654435761 + 12345) % 4294967296 AS h
              FROM generate_series(0, :vehicles - 1) AS v) AS hashed) AS parts
) AS plates;
ALTER TABLE bench_vehicles ADD PRIMARY KEY (v);
ANALYZE bench_vehicles;
"""

# One day's reads, in capture order (so BRIN ranges are tight), into a plain table.
_DAY = """
CREATE TABLE {stage} (LIKE reads INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
INSERT INTO {stage} (id, camera_id, read_id, captured_us, received_us, clock_sync, plate_raw,
    plate, plate_key, country, region, plate_format, confidence, alternatives, vehicle_class,
    lane, speed_kmh, speed_method, payload_sha256, duplicate_of, evaluated)
SELECT cam || ':' || rid, cam, rid, at, at + 400000, 'synced', plate, plate, plate_key, 'UZ',
    NULL, plate_format, 0.9 + (n % 10) / 100.0, '[]', 'car', 1 + n % 3, 40 + n % 80, 'radar',
    md5(rid) || md5(cam), CASE WHEN n % 33 = 0 THEN 'repeat' END, true
FROM (
  SELECT n, 'cam-' || lpad((hashint % {cameras})::text, 4, '0') AS cam,
      'd{day}r' || n AS rid, {low} + n::bigint * {step} AS at,
      CASE WHEN n % 50 = 7 THEN translate(plate, 'ODQ', 'DQO') ELSE plate END AS plate,
      plate_key, plate_format
  FROM (SELECT n, floor({vehicles} * power(random(), 2))::int AS v,
               (n::bigint * 2654435761) % 4294967296 AS hashint
        FROM generate_series(0, {per_day} - 1) AS n) AS picks
  JOIN bench_vehicles USING (v)
) AS reads_of_day
ORDER BY at;
ALTER TABLE {stage} ADD CONSTRAINT {stage}_day CHECK (captured_us >= {low} AND
    captured_us < {high});
ALTER TABLE reads ATTACH PARTITION {stage} FOR VALUES FROM ({low}) TO ({high});
ALTER TABLE {stage} DROP CONSTRAINT {stage}_day;
ALTER TABLE {stage} RENAME TO {name};
"""

_IMAGES = """
INSERT INTO read_images (read_pk, role, sha256, content_type, size_bytes, captured_us)
SELECT id, 'plate', payload_sha256, 'image/jpeg', 8192, captured_us FROM {name}
"""


def _run(conn: Connection, statements: str) -> None:
    # psycopg reads % as a placeholder even without parameters.
    conn.exec_driver_sql(statements.replace("%", "%%"))


def day_us(day: date) -> int:
    """Microseconds since the epoch at the start of ``day`` (UTC)."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 1_000_000


def generate(engine: Engine, *, reads: int, days: int, last_day: date, vehicles: int,
             image_days: int = 7, log: bool = True) -> dict[str, float]:
    """Fill a migrated, empty database; seconds spent on each step."""
    per_day = reads // days
    timings: dict[str, float] = {}
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.exec_driver_sql("SELECT setseed(0.42)")
        _run(conn, _CAMERAS)
        _run(conn, _VEHICLES.replace(":vehicles", str(vehicles)))
    timings["vehicles_s"] = time.perf_counter() - started
    first = last_day - timedelta(days=days - 1)
    started = time.perf_counter()
    for i in range(days):
        day = first + timedelta(days=i)
        low = day_us(day)
        name = f"reads_p{day:%Y%m%d}"
        with engine.begin() as conn:
            conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
            conn.exec_driver_sql(f"SELECT setseed({(i + 1) / (days + 1)})")
            _run(conn, _DAY.format(
                stage=f"stage_{day:%Y%m%d}", name=name, day=f"{day:%Y%m%d}", low=low,
                high=low + 86_400_000_000, step=86_400_000_000 // per_day, per_day=per_day,
                vehicles=vehicles, cameras=CAMERAS))
            conn.exec_driver_sql("SELECT platewarden_ensure_day_partitions("
                                 f"'{day.isoformat()}', 1)")
            if i >= days - image_days:
                conn.exec_driver_sql(_IMAGES.format(name=name))
        if log and (i % 10 == 9 or i == days - 1):
            print(f"  {i + 1}/{days} days, {time.perf_counter() - started:.0f} s", flush=True)
    timings["reads_s"] = time.perf_counter() - started
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE reads")
        conn.exec_driver_sql("VACUUM ANALYZE read_images")
    timings["analyze_s"] = time.perf_counter() - started
    with engine.begin() as conn:  # so that a later --reuse run can report them
        conn.exec_driver_sql("CREATE TABLE bench_generation (step text, seconds float8)")
        for step, seconds in timings.items():
            conn.exec_driver_sql(f"INSERT INTO bench_generation VALUES ('{step}', {seconds})")
    return timings


def generation_timings(engine: Engine) -> dict[str, float]:
    """The timings ``generate`` recorded in this database."""
    with engine.connect() as conn:
        return {step: float(seconds) for step, seconds in conn.exec_driver_sql(
            "SELECT step, seconds FROM bench_generation")}
