"""PostgreSQL's own schema: day partitions, their upkeep and retention, indexes, COPY, locks."""

from __future__ import annotations

import hashlib
import itertools
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from contract.helpers import make_alert, make_violation
from platewarden.adapters.crypto import Ed25519FileSigner
from platewarden.adapters.db.engine import alembic_config, make_engine, migrate
from platewarden.adapters.db.partitions import PartitionMaintainer, ReadPartitions
from platewarden.adapters.db.privacy import SqlPrivacyUnitOfWorkFactory
from platewarden.adapters.db.uow import SqlUnitOfWorkFactory
from platewarden.domain.audit import AuditAction
from platewarden.domain.reads import Alternative, ImageRef
from platewarden.domain.retention import HoldTarget, LegalHold
from platewarden.services.audit import AuditService
from support.postgres import temporary_database, truncate_all
from unit.rules.factories import make_camera, make_read

pytestmark = pytest.mark.integration

_numbers = itertools.count(0, 10)
DAY = date(2020, 3, 10)  # far from today, whose partitions other tests' servers make


@pytest.fixture
def engine(postgres_url: str) -> Iterator[Engine]:
    truncate_all(postgres_url)
    engine = make_engine(postgres_url)
    try:
        yield engine
    finally:
        with engine.begin() as conn:  # leave no day of this test's own behind
            for name in ReadPartitions(engine).names():
                if name.startswith("reads_p2020"):
                    conn.execute(text(f'DROP TABLE "{name}", "read_images{name[5:]}"'))
        engine.dispose()


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def store_reads(engine: Engine, *days: date) -> list[str]:
    """One read with an image per day, written as the group commit does (COPY)."""
    first = next(_numbers)
    reads = [make_read(read_id=f"r{first + n}", captured_at=noon(day),
                       alternatives=(Alternative(text="01A123BD", confidence=0.4),),
                       images=(ImageRef(role="plate", sha256=image_sha(f"cam-1:r{first + n}"),
                                        content_type="image/jpeg", size_bytes=10),))
             for n, day in enumerate(days)]
    with SqlUnitOfWorkFactory(engine)() as uow:
        if uow.cameras.get("cam-1") is None:
            uow.cameras.add(make_camera(id="cam-1"), created_at=noon(DAY))
        uow.reads.add_many([(r, "d" * 64) for r in reads], received_at=noon(DAY))
        uow.commit()
    return [r.id for r in reads]


def image_sha(read_pk: str) -> str:
    return hashlib.sha256(read_pk.encode()).hexdigest()


def partition_of(engine: Engine, table: str, read_pk: str) -> str:
    column = "id" if table == "reads" else "read_pk"
    with engine.connect() as conn:
        return str(conn.execute(text(f"SELECT tableoid::regclass::text FROM {table} "
                                     f"WHERE {column} = :pk"), {"pk": read_pk}).scalar_one())


def test_reads_and_images_land_in_their_day_partition(engine: Engine) -> None:
    partitions = ReadPartitions(engine)
    assert partitions.ensure(first_day=DAY, days=2) == 4  # reads and images, two days
    assert partitions.ensure(first_day=DAY, days=2) == 0
    inside, outside = store_reads(engine, DAY, DAY + timedelta(days=5))
    assert partition_of(engine, "reads", inside) == "reads_p20200310"
    assert partition_of(engine, "read_images", inside) == "read_images_p20200310"
    assert partition_of(engine, "reads", outside) == "reads_default"
    with SqlUnitOfWorkFactory(engine)(read_only=True) as uow:
        stored = uow.reads.get(inside)
    assert stored is not None
    assert stored.read.alternatives == (Alternative(text="01A123BD", confidence=0.4),)
    assert stored.read.images[0].sha256 == image_sha(inside)


def test_a_day_already_in_the_default_partition_is_left_there(engine: Engine) -> None:
    partitions = ReadPartitions(engine)
    (read_pk,) = store_reads(engine, DAY)
    assert partitions.ensure(first_day=DAY, days=1) == 0
    assert partition_of(engine, "reads", read_pk) == "reads_default"
    assert "reads_p20200310" not in partitions.names()


def test_retention_drops_whole_days_but_saves_the_reads_it_must_keep(engine: Engine) -> None:
    ReadPartitions(engine).ensure(first_day=DAY, days=3)
    plain, alerted, later = store_reads(engine, DAY, DAY, DAY + timedelta(days=2))
    (stray,) = store_reads(engine, DAY - timedelta(days=30))  # no partition: the default
    with SqlPrivacyUnitOfWorkFactory(engine)() as uow:
        uow.violations.add_alert_if_absent(make_alert(alerted, occurred_at=noon(DAY)),
                                           created_at=noon(DAY))
        uow.commit()
    with SqlPrivacyUnitOfWorkFactory(engine)() as uow:
        count, shas = uow.privacy.delete_reads_before(noon(DAY + timedelta(days=1)))
        uow.commit()
    assert count == 2  # the plain read by its partition, the stray one row by row
    assert sorted(shas) == sorted([image_sha(plain), image_sha(stray)])
    names = ReadPartitions(engine).names()
    assert "reads_p20200310" not in names
    assert "reads_p20200312" in names
    with SqlUnitOfWorkFactory(engine)(read_only=True) as uow:
        left = {s.read.id: s for s in uow.reads.get_many([plain, alerted, later, stray])}
    assert sorted(left) == sorted([alerted, later])
    assert left[alerted].read.images[0].sha256 == image_sha(alerted)  # its image came too
    assert partition_of(engine, "reads", alerted) == "reads_default"


def test_retention_keeps_violation_and_held_reads_found_by_their_day(engine: Engine) -> None:
    ReadPartitions(engine).ensure(first_day=DAY - timedelta(days=1), days=3)
    plain, entry, exit_, held, old_link = store_reads(engine, *[DAY] * 5)
    (earlier_entry,) = store_reads(engine, DAY - timedelta(days=1))  # a pair across midnight
    (tomorrow,) = store_reads(engine, DAY + timedelta(days=1))
    with SqlPrivacyUnitOfWorkFactory(engine)() as uow:
        for reads in ((entry, exit_), (earlier_entry, tomorrow), (old_link,)):
            uow.violations.add_if_absent(make_violation(*reads), created_at=noon(DAY))
        uow.privacy.add_hold(LegalHold(id="h1", target=HoldTarget.READ, target_id=held,
                                       reason="court", placed_by="u1", placed_at=noon(DAY)))
        uow.commit()
    with engine.begin() as conn:  # a link made before migration 0012 has no time
        conn.execute(text("UPDATE violation_reads SET captured_us = NULL "
                          "WHERE read_pk = :pk"), {"pk": old_link})
        links = dict(conn.execute(text("SELECT read_pk, captured_us FROM violation_reads")).all())
    assert links[entry] == links[exit_] == int(noon(DAY).timestamp()) * 1_000_000
    with SqlPrivacyUnitOfWorkFactory(engine)() as uow:
        count, shas = uow.privacy.delete_reads_before(noon(DAY + timedelta(days=1)))
        uow.commit()
    assert count == 1
    assert shas == [image_sha(plain)]
    kept = [entry, exit_, held, old_link, earlier_entry, tomorrow]
    with SqlUnitOfWorkFactory(engine)(read_only=True) as uow:
        left = {s.read.id for s in uow.reads.get_many([plain, *kept])}
    assert left == set(kept)
    assert [n for n in ReadPartitions(engine).names() if n.startswith("reads_p2020")] == [
        "reads_p20200311"]


def test_read_only_units_of_work_keep_prepared_statements_and_refuse_writes(
        engine: Engine) -> None:
    # psycopg drops its prepared statements on ROLLBACK: reads end with COMMIT instead, so a
    # search over many day partitions is not planned again every time.
    factory = SqlUnitOfWorkFactory(engine)
    for _ in range(7):
        with factory(read_only=True) as uow:
            uow.cameras.get("cam-1")
    with factory(read_only=True) as uow:
        prepared = uow.connection.exec_driver_sql(
            "SELECT count(*) FROM pg_prepared_statements").scalar_one()
    assert prepared >= 1
    with pytest.raises(DBAPIError), factory(read_only=True) as uow:
        uow.cameras.add(make_camera(id="cam-9"), created_at=noon(DAY))


def test_the_maintainer_makes_the_days_around_today(engine: Engine) -> None:
    maintainer = PartitionMaintainer(ReadPartitions(engine), clock=lambda: noon(DAY),
                                     back_days=1, ahead_days=2)
    assert maintainer.run_once() == 8
    names = ReadPartitions(engine).names()
    assert [n for n in names if n.startswith("reads_p2020")] == [
        "reads_p20200309", "reads_p20200310", "reads_p20200311", "reads_p20200312"]


def test_search_indexes_exist(engine: Engine) -> None:
    with engine.connect() as conn:
        indexes = dict(conn.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'reads'")).all())
    assert "USING brin (captured_us)" in indexes["ix_reads_captured"]
    assert "(plate, captured_us)" in indexes["ix_reads_plate_time"]
    assert "USING gin (plate gin_trgm_ops)" in indexes["ix_reads_plate_trgm"]
    assert "(plate_key, captured_us)" in indexes["ix_reads_plate_key_time"]
    assert "(camera_id, captured_us)" in indexes["ix_reads_camera_time"]
    assert "WHERE (evaluated IS FALSE)" in indexes["ix_reads_unevaluated"]


def test_wildcard_search_can_use_the_trigram_index(engine: Engine) -> None:
    ReadPartitions(engine).ensure(first_day=DAY, days=1)
    store_reads(engine, DAY)
    with engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(conn.execute(text(
            "EXPLAIN SELECT id FROM reads WHERE plate LIKE '%123B%'")).scalars())
    assert "plate_idx" in plan or "trgm" in plan, plan


def test_concurrent_audit_appends_stay_one_gap_free_chain(engine: Engine,
                                                           tmp_path: Path) -> None:
    audit = AuditService(uow_factory=SqlUnitOfWorkFactory(engine), clock=lambda: noon(DAY),
                         signer=Ed25519FileSigner(tmp_path / "signing.key"))
    errors: list[BaseException] = []

    def append_many() -> None:
        try:
            for _ in range(15):
                with SqlUnitOfWorkFactory(engine)() as uow:
                    audit.record(uow, actor="system", action=AuditAction.CAMERA_REGISTERED,
                                 target="cam-1")
                    uow.commit()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=append_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = audit.verify(kept_elsewhere=[])
    assert (result.problem, result.entries) == (None, 60)


def test_migrations_downgrade_and_upgrade_again() -> None:
    with temporary_database() as url:
        engine = make_engine(url)
        try:
            migrate(engine)
            config = alembic_config(engine)
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.downgrade(config, "base")
            migrate(engine)
            with engine.connect() as conn:
                kind = conn.execute(text(
                    "SELECT relkind FROM pg_class WHERE relname = 'reads'")).scalar_one()
            assert kind == "p"  # partitioned
        finally:
            engine.dispose()
