"""reads and their images in daily partitions on PostgreSQL

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 18:00:00

Both dialects: ``read_images`` carries its read's capture time, so on PostgreSQL it can be
partitioned by the same day as ``reads`` and a day of both is dropped together.

PostgreSQL only: ``reads`` and ``read_images`` become range-partitioned on ``captured_us``
(one partition per UTC day, made ahead by ``platewarden_ensure_day_partitions``, a default
partition catching days without one). The primary key of a partitioned table must contain the
partition key, so it is ``(id, captured_us)``; the group commit decides read ids before
inserting (see ``services/ingest.py``). Indexes are carried over from the plain tables, except
that ``ix_reads_captured`` becomes BRIN, the flag index ``ix_reads_evaluated`` becomes a
partial index of reads still to evaluate, and a trigram index serves partial plate search.
The tables are rebuilt with ``LIKE`` so every column earlier revisions added comes along;
PostgreSQL never ran 0001-0006 in a released build, so a non-empty ``reads`` stops it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_PK = {"reads": ("id",), "read_images": ("read_pk", "role", "sha256")}
# Indexes this revision defines itself on PostgreSQL (the rest are carried over).
_REPLACED = {"ix_reads_captured", "ix_reads_evaluated"}
_OWN = ("ix_reads_captured", "ix_reads_plate_trgm", "ix_reads_unevaluated")

# Creates the day partitions of [first_day, first_day + days) that are missing. A day whose
# rows already sit in the default partition is skipped (creating it would fail); those rows
# stay there and retention deletes them row by row.
_ENSURE_FUNCTION = r"""
CREATE OR REPLACE FUNCTION platewarden_ensure_day_partitions(first_day date, days integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    day date;
    low bigint;
    parent text;
    created integer := 0;
    taken boolean;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('platewarden.partitions'));
    FOR i IN 0 .. days - 1 LOOP
        day := first_day + i;
        low := (extract(epoch FROM day::timestamp) * 1000000)::bigint;
        FOREACH parent IN ARRAY ARRAY['reads', 'read_images'] LOOP
            CONTINUE WHEN to_regclass(parent || '_p' || to_char(day, 'YYYYMMDD')) IS NOT NULL;
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE captured_us >= %s AND '
                           'captured_us < %s)', parent || '_default', low, low + 86400000000)
                INTO taken;
            CONTINUE WHEN taken;
            EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%s) TO (%s)',
                           parent || '_p' || to_char(day, 'YYYYMMDD'), parent, low,
                           low + 86400000000);
            created := created + 1;
        END LOOP;
    END LOOP;
    RETURN created;
END
$$;
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _partition_postgresql()
        return
    with op.batch_alter_table("read_images", schema=None) as batch_op:
        batch_op.add_column(sa.Column("captured_us", _BIGINT, nullable=True))
    op.execute("UPDATE read_images SET captured_us = (SELECT reads.captured_us FROM reads "
               "WHERE reads.id = read_images.read_pk)")
    with op.batch_alter_table("read_images", schema=None) as batch_op:
        batch_op.alter_column("captured_us", existing_type=_BIGINT, nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _unpartition_postgresql()
        return
    with op.batch_alter_table("read_images", schema=None) as batch_op:
        batch_op.drop_column("captured_us")


def _refuse_if_reads_exist(what: str) -> None:
    if op.get_bind().execute(sa.text("SELECT EXISTS (SELECT 1 FROM reads)")).scalar():
        raise RuntimeError(f"reads is not empty: {what}")


def _indexes(table: str) -> dict[str, str]:
    rows = op.get_bind().execute(sa.text(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        "AND tablename = :table AND indexname <> :pk"), {"table": table, "pk": f"pk_{table}"})
    # A partitioned table's index reads "ON ONLY t", which would not reach its partitions.
    return {row.indexname: row.indexdef.replace(" ON ONLY ", " ON ") for row in rows}


def _foreign_keys(table: str) -> dict[str, str]:
    rows = op.get_bind().execute(sa.text(
        "SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint "
        "WHERE conrelid = CAST(:table AS regclass) AND contype = 'f'"), {"table": table})
    return {row.conname: row.definition for row in rows}


def _rebuild(table: str, *, partitioned: bool, primary_key: tuple[str, ...],
             indexes: dict[str, str], foreign_keys: dict[str, str]) -> None:
    """Re-create ``table`` (empty) with the same columns, as asked; drops the old one."""
    op.execute(f"ALTER TABLE {table} RENAME TO {table}_old")
    partition = " PARTITION BY RANGE (captured_us)" if partitioned else ""
    op.execute(f"CREATE TABLE {table} (LIKE {table}_old INCLUDING DEFAULTS "
               f"INCLUDING CONSTRAINTS){partition}")
    op.execute(f"DROP TABLE {table}_old CASCADE")
    op.execute(f"ALTER TABLE {table} ADD CONSTRAINT pk_{table} "
               f"PRIMARY KEY ({', '.join(primary_key)})")
    for name, definition in foreign_keys.items():
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
    for definition in indexes.values():
        op.execute(definition)


def _partition_postgresql() -> None:
    _refuse_if_reads_exist("partition it by hand before upgrading")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.add_column("read_images", sa.Column("captured_us", _BIGINT, nullable=False))
    # No foreign key from images to reads: it would have to name the partition key, and
    # would stop a day of reads from being dropped on its own.
    image_fks = {n: d for n, d in _foreign_keys("read_images").items()
                 if "REFERENCES reads" not in d}
    _rebuild("read_images", partitioned=True,
             primary_key=(*_PK["read_images"], "captured_us"),
             indexes=_indexes("read_images"), foreign_keys=image_fks)
    kept = {n: d for n, d in _indexes("reads").items() if n not in _REPLACED}
    _rebuild("reads", partitioned=True, primary_key=(*_PK["reads"], "captured_us"),
             indexes=kept, foreign_keys=_foreign_keys("reads"))
    # Reads arrive in roughly capture order, so a BRIN index of a few pages per partition
    # narrows a time range nearly as well as a b-tree that would cost a write per read.
    op.create_index("ix_reads_captured", "reads", ["captured_us"], postgresql_using="brin")
    op.create_index("ix_reads_plate_trgm", "reads", ["plate"], postgresql_using="gin",
                    postgresql_ops={"plate": "gin_trgm_ops"})
    # Nearly every read is evaluated within a second: index only the few still waiting.
    op.create_index("ix_reads_unevaluated", "reads", ["received_us"],
                    postgresql_where=sa.text("evaluated IS false"))
    for parent in _PK:
        op.execute(f"CREATE TABLE {parent}_default PARTITION OF {parent} DEFAULT")
    op.execute(_ENSURE_FUNCTION)


def _unpartition_postgresql() -> None:
    _refuse_if_reads_exist("a downgrade would lose them")
    op.execute("DROP FUNCTION IF EXISTS platewarden_ensure_day_partitions(date, integer)")
    for name in _OWN:
        op.drop_index(name, table_name="reads")
    _rebuild("reads", partitioned=False, primary_key=_PK["reads"],
             indexes=_indexes("reads"), foreign_keys=_foreign_keys("reads"))
    op.create_index("ix_reads_captured", "reads", ["captured_us"])
    op.create_index("ix_reads_evaluated", "reads", ["evaluated"])
    _rebuild("read_images", partitioned=False, primary_key=_PK["read_images"],
             indexes=_indexes("read_images"), foreign_keys={
                 "fk_read_images_read_pk_reads": "FOREIGN KEY (read_pk) REFERENCES reads(id) "
                                                 "ON DELETE CASCADE"})
    op.execute("ALTER TABLE read_images DROP COLUMN captured_us")
