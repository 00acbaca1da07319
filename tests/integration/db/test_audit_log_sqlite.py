"""The audit log in a real SQLite database: the migration, the signing key, and tampering
done with raw SQL, as someone with access to the database file would do it."""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from platewarden.adapters.crypto import Ed25519FileSigner
from platewarden.adapters.db.engine import alembic_config, make_engine, migrate
from platewarden.adapters.db.tables import metadata
from platewarden.adapters.db.uow import SqlUnitOfWorkFactory
from platewarden.adapters.keys import InsecureKeyFileError
from platewarden.cli.audit import _kept_checkpoints
from platewarden.domain.audit import (
    AuditAction,
    AuditEntry,
    AuditRecord,
    Tampering,
    chain,
    entry_hash,
)
from platewarden.domain.clock import from_us, to_us
from platewarden.services.audit import AuditService, checkpoint_from_json, checkpoint_json
from platewarden.services.errors import ServiceError
from unit.services.factories import FixedClock

pytestmark = pytest.mark.integration


@dataclass
class Installation:
    engine: Engine
    audit: AuditService
    key_path: Path

    def sql(self, *statements: str, **params: object) -> None:
        with self.engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement), params)

    def record(self, n: int) -> None:
        factory = SqlUnitOfWorkFactory(self.engine)
        for i in range(n):
            with factory() as uow:
                self.audit.record(uow, actor=f"user-{i % 2}", action=AuditAction.SEARCH,
                                  target=f"case-{i}", details={"results": str(i)})
                uow.commit()

    def row(self, seq: int) -> AuditRecord:
        with self.engine.connect() as conn:
            row = conn.execute(text("SELECT * FROM audit_log WHERE seq = :s"), {"s": seq}).one()
        entry = AuditEntry(sequence=row.seq, at=from_us(row.at_us), actor=row.actor,
                           action=AuditAction(row.action), target=row.target,
                           details=json.loads(row.details))
        return AuditRecord(entry=entry, prev_hash=row.prev_hash, entry_hash=row.entry_hash)

    def problem(self) -> tuple[Tampering, int, str]:
        result = self.audit.verify()
        assert result.problem is not None, "tampering went unnoticed"
        return result.problem.kind, result.problem.sequence, result.problem.message


@pytest.fixture
def installation(tmp_path: Path) -> Iterator[Installation]:
    engine = make_engine(f"sqlite:///{tmp_path / 'platewarden.sqlite'}")
    migrate(engine)
    key_path = tmp_path / "keys" / "platform-signing.key"
    audit = AuditService(uow_factory=SqlUnitOfWorkFactory(engine), clock=FixedClock(),
                         signer=Ed25519FileSigner(key_path))
    try:
        yield Installation(engine=engine, audit=audit, key_path=key_path)
    finally:
        engine.dispose()


def test_migrations_build_exactly_the_declared_schema(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    try:
        migrate(engine)
        migrate(engine)  # running it again changes nothing
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        # The newest revision, whichever it is: later migrations must not fail this test.
        head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
        assert version == head
    finally:
        engine.dispose()


def test_concurrent_appends_get_gap_free_numbers(installation: Installation) -> None:
    workers = [threading.Thread(target=installation.record, args=(10,)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    result = installation.audit.verify()
    assert result.ok
    assert result.entries == 40


def test_the_signing_key_is_private_and_stable(installation: Installation) -> None:
    installation.record(1)
    checkpoint = installation.audit.checkpoint()
    assert stat.S_IMODE(installation.key_path.stat().st_mode) == 0o600
    again = Ed25519FileSigner(installation.key_path)
    assert again.public_key() == installation.audit.public_key()
    assert len(checkpoint.signature) == 64
    os.chmod(installation.key_path, 0o640)
    with pytest.raises(InsecureKeyFileError):
        Ed25519FileSigner(installation.key_path).public_key()


def _edit(db: Installation) -> None:
    db.sql("UPDATE audit_log SET details = :d WHERE seq = 3", d='{"results": "999"}')


def _delete(db: Installation) -> None:
    db.sql("DELETE FROM audit_log WHERE seq = 3")


def _delete_and_renumber(db: Installation) -> None:
    db.sql("DELETE FROM audit_log WHERE seq = 3",
           "UPDATE audit_log SET seq = -seq WHERE seq > 3",
           "UPDATE audit_log SET seq = -seq - 1 WHERE seq < 0")


def _insert(db: Installation) -> None:
    # The forger knows the algorithm and chains the new row correctly onto entry 2.
    previous = db.row(2)
    forged = chain(previous, AuditEntry(sequence=3, at=previous.entry.at, actor="intruder",
                                        action=AuditAction.LOGIN))
    db.sql("UPDATE audit_log SET seq = -seq WHERE seq >= 3",
           "UPDATE audit_log SET seq = -seq + 1 WHERE seq < 0")
    db.sql("INSERT INTO audit_log VALUES (3, :at, 'intruder', 'login', '', '{}', :p, :h)",
           at=to_us(previous.entry.at), p=forged.prev_hash,
           h=entry_hash(forged.prev_hash, forged.entry))


def _swap(db: Installation) -> None:
    db.sql("UPDATE audit_log SET seq = -1 WHERE seq = 3",
           "UPDATE audit_log SET seq = 3 WHERE seq = 4",
           "UPDATE audit_log SET seq = 4 WHERE seq = -1")


@pytest.mark.parametrize(("tamper", "kind", "seq"), [
    (_edit, Tampering.EDITED, 3),
    (_delete, Tampering.DELETED, 3),
    (_delete_and_renumber, Tampering.DELETED, 3),
    (_insert, Tampering.INSERTED, 3),
    (_swap, Tampering.REORDERED, 3),
])
def test_raw_sql_tampering_is_named(installation: Installation,
                                    tamper: Callable[[Installation], None],
                                    kind: Tampering, seq: int) -> None:
    installation.record(6)
    assert installation.audit.verify().ok
    tamper(installation)
    assert installation.problem()[:2] == (kind, seq)


def test_a_forged_checkpoint_signature_is_named(installation: Installation) -> None:
    installation.record(4)
    installation.audit.checkpoint()
    installation.sql("UPDATE audit_checkpoints SET signature = :s", s=b"\x07" * 64)
    result = installation.audit.verify()
    assert result.signatures_valid == (False,)
    assert installation.problem()[:2] == (Tampering.BAD_SIGNATURE, 4)


def test_a_truncated_tail_is_shorter_than_the_checkpoint_says(
        installation: Installation) -> None:
    installation.record(5)
    installation.audit.checkpoint()
    installation.record(2)
    installation.sql("DELETE FROM audit_log WHERE seq >= 4")
    kind, seq, message = installation.problem()
    assert (kind, seq) == (Tampering.TRUNCATED, 4)
    assert "ends at entry 3" in message


def _rewrite_entry_2(db: Installation) -> None:
    """Edit entry 2 and recompute every hash after it: the chain alone looks intact."""
    records = [db.row(seq) for seq in range(1, 6)]
    rewritten: list[AuditRecord] = []
    for record in records:
        changed = record.entry
        if record.sequence == 2:
            changed = AuditEntry(sequence=2, at=changed.at, actor="someone-else",
                                 action=changed.action, target=changed.target,
                                 details=changed.details)
        rewritten.append(chain(rewritten[-1] if rewritten else None, changed))
    for record in rewritten:
        db.sql("UPDATE audit_log SET actor = :a, prev_hash = :p, entry_hash = :h "
               "WHERE seq = :s", a=record.entry.actor, p=record.prev_hash,
               h=record.entry_hash, s=record.sequence)


def test_a_rewritten_chain_is_caught_by_its_checkpoint(installation: Installation) -> None:
    installation.record(5)
    installation.audit.checkpoint()
    _rewrite_entry_2(installation)
    assert installation.problem()[:2] == (Tampering.CHECKPOINT_MISMATCH, 5)


def test_a_checkpoint_kept_elsewhere_survives_their_deletion(
        installation: Installation) -> None:
    installation.record(5)
    printed = json.loads(json.dumps(checkpoint_json(installation.audit.checkpoint())))
    kept = checkpoint_from_json(printed)
    _rewrite_entry_2(installation)
    installation.sql("DELETE FROM audit_checkpoints")
    assert installation.audit.verify().ok  # nothing stored is left to contradict the rewrite
    problem = installation.audit.verify(kept_elsewhere=[kept]).problem
    assert problem is not None
    assert (problem.kind, problem.sequence) == (Tampering.CHECKPOINT_MISMATCH, 5)


def test_checkpoints_kept_elsewhere_must_be_from_the_platform_key(
        installation: Installation, tmp_path: Path) -> None:
    installation.record(1)
    line = {**checkpoint_json(installation.audit.checkpoint()),
            "public_key": installation.audit.public_key().hex()}
    kept = tmp_path / "kept.jsonl"
    kept.write_text(json.dumps(line) + "\n\n")
    assert len(_kept_checkpoints(kept, installation.audit.public_key())) == 1
    with pytest.raises(ServiceError) as changed:
        _kept_checkpoints(kept, bytes(32))
    assert changed.value.code == "key_changed"
    kept.write_text("not json\n")
    with pytest.raises(ServiceError):
        _kept_checkpoints(kept, installation.audit.public_key())
