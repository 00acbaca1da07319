"""AuditService on the fakes, and the services that record into it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from platewarden.adapters.crypto import AesGcmSecretBox
from platewarden.adapters.memory import InMemoryUnitOfWorkFactory
from platewarden.domain.access import EVERYWHERE, Role
from platewarden.domain.audit import (
    AuditAction,
    AuditEntry,
    AuditRecord,
    Checkpoint,
    Tampering,
    verify,
)
from platewarden.domain.clock import from_us
from platewarden.domain.messages import DisableCamera
from platewarden.domain.violations import ViolationStatus
from platewarden.services.accounts import AccountService
from platewarden.services.audit import EXPORT_FORMAT, AuditService
from platewarden.services.errors import ServiceError
from platewarden.services.hotlists import HotlistService
from platewarden.services.queries import OperatorQueries
from support.mfa import enrol
from unit.rules.factories import T0

from .factories import NOW, FakeHasher, FixedClock, make_audit, make_world
from .test_operator_queries import Scene

PASSWORD = "correct-horse-battery"


def make_service() -> tuple[AuditService, InMemoryUnitOfWorkFactory, FixedClock]:
    factory, clock = InMemoryUnitOfWorkFactory(), FixedClock()
    return make_audit(factory, clock), factory, clock


def log_of(factory: InMemoryUnitOfWorkFactory) -> list[AuditRecord]:
    with factory(read_only=True) as uow:
        return uow.audit.range(1, 10**9)


def actions(factory: InMemoryUnitOfWorkFactory) -> list[tuple[str, AuditAction, str]]:
    return [(r.entry.actor, r.entry.action, r.entry.target) for r in log_of(factory)]


def record_some(audit: AuditService, factory: InMemoryUnitOfWorkFactory, n: int) -> None:
    for i in range(n):
        with factory() as uow:
            audit.record(uow, actor=f"user-{i}", action=AuditAction.SEARCH,
                         details={"results": str(i)})
            uow.commit()


def test_record_appends_in_the_callers_unit_of_work() -> None:
    audit, factory, clock = make_service()
    with factory() as uow:
        first = audit.record(uow, actor="u1", action=AuditAction.LOGIN, target="u1")
        clock.advance(1)
        second = audit.record(uow, actor="u1", action=AuditAction.LOGOUT)
        uow.commit()
    assert (first.sequence, second.sequence) == (1, 2)
    assert second.prev_hash == first.entry_hash
    assert first.entry == AuditEntry(sequence=1, at=NOW, actor="u1",
                                     action=AuditAction.LOGIN, target="u1")
    assert log_of(factory) == [first, second]


def test_an_entry_rolls_back_with_the_change_it_audits() -> None:
    audit, factory, _ = make_service()
    with factory() as uow:
        audit.record(uow, actor="u1", action=AuditAction.LOGIN)
    record_some(audit, factory, 1)
    assert [r.sequence for r in log_of(factory)] == [1]


def test_checkpoint_signs_the_newest_hash_once() -> None:
    audit, factory, clock = make_service()
    with pytest.raises(ServiceError) as refused:
        audit.checkpoint()
    assert refused.value.code == "empty_log"
    record_some(audit, factory, 3)
    checkpoint = audit.checkpoint()
    assert checkpoint.sequence == 3
    assert checkpoint.entry_hash == log_of(factory)[-1].entry_hash
    clock.advance(5)
    assert audit.checkpoint() == checkpoint
    record_some(audit, factory, 1)
    assert audit.checkpoint().sequence == 4
    result = audit.verify()
    assert result.ok
    assert (result.entries, result.checkpoints) == (4, 2)


def test_verify_reports_a_bad_checkpoint_signature() -> None:
    audit, factory, _ = make_service()
    record_some(audit, factory, 2)
    with factory() as uow:
        uow.audit.add_checkpoint(Checkpoint(sequence=2, entry_hash=log_of(factory)[1].entry_hash,
                                            at=T0, signature=bytes(64)))
        uow.commit()
    problem = audit.verify().problem
    assert problem is not None
    assert (problem.kind, problem.sequence) == (Tampering.BAD_SIGNATURE, 2)


def test_export_is_verifiable_offline_and_is_itself_audited() -> None:
    audit, factory, _ = make_service()
    record_some(audit, factory, 6)
    audit.checkpoint()
    document = json.loads(audit.export(2, 4, actor="auditor-1"))
    assert document["format"] == EXPORT_FORMAT
    assert [e["sequence"] for e in document["entries"]] == [2, 3, 4]
    assert [e["sequence"] for e in document["proof_entries"]] == [5, 6]
    assert [c["sequence"] for c in document["checkpoints"]] == [6]
    assert document["anchored"] is True
    assert document["public_key"] == audit.public_key().hex()
    last = log_of(factory)[-1].entry
    assert (last.action, last.actor, dict(last.details)) == (
        AuditAction.AUDIT_EXPORTED, "auditor-1", {"from": "2", "to": "4", "entries": "3"})
    records = [_record_from(e) for e in document["entries"] + document["proof_entries"]]
    checkpoints = [Checkpoint(sequence=c["sequence"], entry_hash=bytes.fromhex(c["entry_hash"]),
                              at=from_us(c["at_us"]), signature=bytes.fromhex(c["signature"]))
                   for c in document["checkpoints"]]
    signer_key = bytes.fromhex(document["public_key"])

    def signature_ok(message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(signer_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True

    assert verify(records, checkpoints, signature_ok=signature_ok, after_sequence=1,
                  after_hash=records[0].prev_hash).ok


def test_export_defaults_to_the_newest_and_refuses_a_bad_range() -> None:
    audit, factory, _ = make_service()
    record_some(audit, factory, 3)
    document = json.loads(audit.export(2))
    assert [e["sequence"] for e in document["entries"]] == [2, 3]
    assert document["anchored"] is False
    for low, high in ((0, 2), (3, 2)):
        with pytest.raises(ServiceError):
            audit.export(low, high)


def test_accounts_record_logins_failures_and_logouts_without_passwords() -> None:
    factory, clock = InMemoryUnitOfWorkFactory(), FixedClock()
    audit = make_audit(factory, clock)
    accounts = AccountService(uow_factory=factory, hasher=FakeHasher(), clock=clock,
                              secret_box=AesGcmSecretBox(bytes(32)), session_ttl_s=3600,
                              audit=audit)
    user = accounts.create_user(username="ann", password=PASSWORD,
                                roles=frozenset({Role.REVIEWER}), regions=EVERYWHERE)
    token = enrol(accounts, username="ann", password=PASSWORD, clock=clock).session
    for name, password in (("ann", "wrong-password-x"), ("nobody", PASSWORD)):
        with pytest.raises(ServiceError):
            accounts.login(username=name, password=password)
    accounts.logout(token.token)
    accounts.logout(token.token)  # an unknown session leaves no entry
    assert actions(factory) == [
        ("system", AuditAction.USER_CREATED, user.id),
        (user.id, AuditAction.USER_CHANGED, user.id), (user.id, AuditAction.LOGIN, user.id),
        (user.id, AuditAction.LOGIN_FAILED, user.id),
        ("unknown", AuditAction.LOGIN_FAILED, "unknown"),
        (user.id, AuditAction.LOGOUT, user.id)]
    text = json.dumps([dict(r.entry.details) for r in log_of(factory)])
    assert PASSWORD not in text
    assert "nobody" not in text


def test_cameras_and_hotlists_record_changes_with_counts_only() -> None:
    world = make_world()
    world.register("cam-1")
    world.cameras.disable(DisableCamera(camera_id="cam-1"), actor="admin-1")
    hotlists = HotlistService(uow_factory=world.uow_factory, clock=world.clock,
                              audit=world.audit)
    csv = ("plate,list,reason,source,legal_basis,expires_at,priority\n"
           "01A123BC,stolen,theft,police,court order 1,2030-01-01T00:00:00+00:00,1\n"
           "10B456CD,stolen,theft,police,court order 2,2030-01-01T00:00:00+00:00,2\n")
    assert hotlists.import_csv(csv, actor="admin-1") == 2
    assert actions(world.uow_factory) == [
        ("system", AuditAction.CAMERA_REGISTERED, "cam-1"),
        ("admin-1", AuditAction.CAMERA_DISABLED, "cam-1"),
        ("admin-1", AuditAction.HOTLIST_IMPORTED, "")]
    imported = log_of(world.uow_factory)[-1].entry
    assert dict(imported.details) == {"entries": "2", "lists": "1"}
    assert "01A123BC" not in json.dumps([dict(r.entry.details)
                                         for r in log_of(world.uow_factory)])
    assert world.audit.verify().ok


def test_reviews_record_and_evidence_views_are_recorded() -> None:
    scene = Scene()
    audit = make_audit(scene.factory, FixedClock())
    queries = OperatorQueries(uow_factory=scene.factory, evidence=scene.evidence,
                              clock=FixedClock(), audit=audit)
    queries.review(scene.violation.id, decision=ViolationStatus.CONFIRMED, reviewer="rev-1",
                   note="clear", scope=EVERYWHERE)
    assert b"".join(queries.evidence(scene.sha("speeding"), actor="rev-1", scope=EVERYWHERE))
    with pytest.raises(ServiceError):
        queries.evidence(scene.sha("innocent"), actor="rev-1", scope=EVERYWHERE)
    queries.violation(scene.violation.id, scope=EVERYWHERE, viewer="rev-1")
    queries.alert(scene.alert.id, scope=EVERYWHERE, viewer="inv-1")
    queries.violation(scene.violation.id, scope=EVERYWHERE)  # no person: nothing to record
    with pytest.raises(ServiceError):  # a look that found nothing is no record view
        queries.alert("0" * 64, scope=EVERYWHERE, viewer="inv-1")
    assert actions(scene.factory) == [
        ("rev-1", AuditAction.VIOLATION_REVIEWED, scene.violation.id),
        ("rev-1", AuditAction.EVIDENCE_VIEWED, scene.sha("speeding")),
        ("rev-1", AuditAction.RECORD_VIEWED, scene.violation.id),
        ("inv-1", AuditAction.RECORD_VIEWED, scene.alert.id)]
    assert dict(log_of(scene.factory)[0].entry.details) == {"decision": "confirmed"}


def _record_from(item: dict[str, Any]) -> AuditRecord:
    entry = AuditEntry(sequence=item["sequence"], at=from_us(item["at_us"]),
                       actor=item["actor"], action=AuditAction(item["action"]),
                       target=item["target"], details=item["details"])
    return AuditRecord(entry=entry, prev_hash=bytes.fromhex(item["prev_hash"]),
                       entry_hash=bytes.fromhex(item["entry_hash"]))
