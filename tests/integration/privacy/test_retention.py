"""Retention per data class and legal holds, on SQLite and PostgreSQL and the real evidence
store, with a clock
the tests move: every class is checked just before and just after its period."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from platewarden.adapters.db import tables as t
from platewarden.adapters.db.notice_tables import notice_events
from platewarden.bootstrap import Container
from platewarden.domain.access import EVERYWHERE
from platewarden.domain.audit import AuditAction
from platewarden.domain.notices import NoticeStatus
from platewarden.domain.retention import HoldTarget
from platewarden.domain.violations import ViolationStatus
from platewarden.services.errors import NotFound, ServiceError
from platewarden.services.unit_of_work import ViolationFilter
from support.privacy import Camera, Clock, clocked_container

pytestmark = pytest.mark.integration
PLATE = "01A123BC"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def container(tmp_path: Path, clock: Clock, database_url: str) -> Iterator[Container]:
    # On PostgreSQL whole expired days go by dropping their partitions (kept reads saved).
    c = clocked_container(tmp_path / "data", clock, database_url=database_url)
    yield c
    c.stop()


def row(container: Container, read_pk: str) -> Any:
    with container.engine.connect() as conn:
        return conn.execute(select(t.reads).where(t.reads.c.id == read_pk)).first()


def images(container: Container, read_pk: str) -> list[str]:
    with container.engine.connect() as conn:
        return list(conn.execute(select(t.read_images.c.sha256).where(
            t.read_images.c.read_pk == read_pk)).scalars())


def audit_entries(container: Container, action: AuditAction) -> list[dict[str, str]]:
    with container.retention._uow_factory(read_only=True) as uow:
        return [dict(r.entry.details) for r in uow.audit.find([action])]


def run(container: Container, clock: Clock, **at: float) -> dict[str, str]:
    clock.now = clock.now + timedelta(**at) if at else clock.now
    return container.retention.run().counts.as_details()


def test_nonhit_read_pseudonymised_at_72h_images_gone_at_7d_read_gone_at_30d(
        container: Container, clock: Clock) -> None:
    start = clock.now
    [pk] = Camera(container, clock).send(PLATE)
    [sha] = images(container, pk)

    clock.now = start + timedelta(hours=71, minutes=59)
    run(container, clock)
    assert row(container, pk).plate == PLATE

    clock.now = start + timedelta(hours=72, minutes=1)
    counts = run(container, clock)
    stored = row(container, pk)
    assert counts["reads_pseudonymised"] == "1"
    assert (stored.plate, stored.plate_raw, stored.plate_key, stored.alternatives) == \
        ("", "", "", [])
    assert stored.plate_pseudonym
    assert PLATE not in stored.plate_pseudonym

    clock.now = start + timedelta(days=6, hours=23)
    run(container, clock)
    assert container.evidence.exists(sha)
    clock.now = start + timedelta(days=7, minutes=1)
    counts = run(container, clock)
    # the image and the signed envelope it came in
    assert (counts["evidence_links_deleted"], counts["objects_deleted"]) == ("2", "2")
    assert images(container, pk) == []
    assert not container.evidence.exists(sha)

    clock.now = start + timedelta(days=29, hours=23)
    run(container, clock)
    assert row(container, pk) is not None
    clock.now = start + timedelta(days=30, minutes=1)
    assert run(container, clock)["reads_deleted"] == "1"
    assert row(container, pk) is None


def test_hotlist_hit_kept_with_plate_and_images_until_its_period(
        container: Container, clock: Clock) -> None:
    container.hotlists.import_csv(
        "plate,list,reason,source,legal_basis,expires_at,priority\n"
        f"{PLATE},stolen,stolen car,police,court order 1/26,2030-01-01T00:00:00+00:00,1\n")
    start = clock.now
    [pk] = Camera(container, clock).send(PLATE)
    assert len(container.queries.alerts(limit=10, offset=0, scope=EVERYWHERE)) == 1
    [sha] = images(container, pk)

    clock.now = start + timedelta(days=89, hours=23)
    run(container, clock)
    assert row(container, pk).plate == PLATE
    assert container.evidence.exists(sha)
    assert len(container.queries.alerts(limit=10, offset=0, scope=EVERYWHERE)) == 1

    clock.now = start + timedelta(days=90, minutes=1)
    counts = run(container, clock)
    assert (counts["alerts_deleted"], counts["reads_deleted"]) == ("1", "1")
    assert container.queries.alerts(limit=10, offset=0, scope=EVERYWHERE) == []
    assert row(container, pk) is None
    assert not container.evidence.exists(sha)


def speeding(container: Container, clock: Clock) -> tuple[str, str]:
    camera = Camera(container, clock, kind="spot-speed", speed_limit_kmh=60)
    [pk] = camera.send(PLATE, speed_kmh=120.0, speed_method="radar")
    [violation] = container.queries.violations(ViolationFilter(), scope=EVERYWHERE)
    return pk, violation.id


def test_violation_kept_while_open_then_for_its_period_after_closing(
        container: Container, clock: Clock) -> None:
    start = clock.now
    pk, violation_id = speeding(container, clock)
    [sha] = images(container, pk)

    clock.now = start + timedelta(days=800)  # pending: the case is open, nothing goes
    assert run(container, clock)["objects_rekeyed"] == "2"  # the image and its envelope
    assert not container.keyring.exists(f"evidence/{start:%Y-%m-%d}")  # its day key is gone
    kept_key = f"evidence/kept-{start:%Y-%m}"  # moved under its month's key for kept evidence
    assert container.keyring.exists(kept_key)
    assert row(container, pk).plate == PLATE
    assert container.evidence.get(sha)

    container.queries.review(violation_id, decision=ViolationStatus.CONFIRMED,
                             reviewer="rev", note=None, scope=EVERYWHERE)
    closed = clock.now
    clock.now = closed + timedelta(days=364, hours=23)
    run(container, clock)
    assert container.queries.violations(ViolationFilter(), scope=EVERYWHERE) != []
    assert container.evidence.get(sha)  # readable: moved off its destroyed day key

    clock.now = closed + timedelta(days=365, minutes=1)
    counts = run(container, clock)
    assert (counts["violations_deleted"], counts["reads_deleted"]) == ("1", "1")
    assert container.queries.violations(ViolationFilter(), scope=EVERYWHERE) == []
    assert not container.evidence.exists(sha)
    assert not container.keyring.exists(kept_key)  # nothing of that month left: key destroyed


def test_legal_hold_on_a_read_stops_deletion_until_released(
        container: Container, clock: Clock) -> None:
    [pk] = Camera(container, clock).send(PLATE)
    [sha] = images(container, pk)
    hold = container.retention.place_hold(target=HoldTarget.READ, target_id=pk,
                                          reason="Court order 12/2026 preserve", actor="u-1")
    counts = run(container, clock, days=40)
    assert counts["held_skipped"] == "1"
    assert counts["reads_deleted"] == "0"
    assert row(container, pk).plate == PLATE
    assert container.evidence.get(sha)

    container.retention.release_hold(hold.id, reason="Case closed by court", actor="u-1")
    assert container.retention.holds() == []
    assert run(container, clock)["reads_deleted"] == "1"
    assert row(container, pk) is None
    assert not container.evidence.exists(sha)
    placed = audit_entries(container, AuditAction.LEGAL_HOLD_PLACED)
    released = audit_entries(container, AuditAction.LEGAL_HOLD_RELEASED)
    assert placed == released == [{"target": "read", "target_id": pk}]


def test_legal_hold_on_a_case_keeps_a_closed_violation_past_its_period(
        container: Container, clock: Clock) -> None:
    pk, violation_id = speeding(container, clock)
    container.queries.review(violation_id, decision=ViolationStatus.REJECTED,
                             reviewer="rev", note=None, scope=EVERYWHERE)
    hold = container.retention.place_hold(target=HoldTarget.VIOLATION, target_id=violation_id,
                                          reason="Appeal pending at court", actor="u-2")
    assert run(container, clock, days=300)["held_skipped"] == "0"  # not due yet anyway
    assert run(container, clock, days=100)["held_skipped"] == "1"
    assert container.queries.violation(violation_id, scope=EVERYWHERE) is not None
    assert row(container, pk) is not None

    container.retention.release_hold(hold.id, reason="Appeal dismissed", actor="u-2")
    with pytest.raises(ServiceError) as again:
        container.retention.release_hold(hold.id, reason="Appeal dismissed", actor="u-2")
    assert again.value.code == "conflict"
    counts = run(container, clock)
    assert (counts["violations_deleted"], counts["reads_deleted"]) == ("1", "1")


def test_hold_needs_an_existing_target_and_a_reason(container: Container) -> None:
    with pytest.raises(NotFound):
        container.retention.place_hold(target=HoldTarget.READ, target_id="cam:none",
                                       reason="some reason", actor="u")
    with pytest.raises(ServiceError) as short:
        container.retention.place_hold(target=HoldTarget.READ, target_id="x", reason="no",
                                       actor="u")
    assert short.value.code == "invalid_field"


def test_dry_run_reports_what_would_go_changes_nothing_and_is_audited(
        container: Container, clock: Clock) -> None:
    pks = Camera(container, clock).send(PLATE, "10B456CD", "40C789EF")
    clock.advance(days=31)
    dry = container.retention.run(dry_run=True)
    assert dry.counts.reads_deleted == 3
    assert dry.counts.objects_deleted == 4  # three images and their one envelope
    assert all(row(container, pk) is not None for pk in pks)
    real = container.retention.run()
    assert real.counts.reads_deleted == 3
    assert real.counts.objects_deleted == 4
    entries = audit_entries(container, AuditAction.RETENTION_RUN)
    assert [e["dry_run"] for e in entries] == ["true", "false"]
    assert entries[0]["reads_deleted"] == "3"
    text = json.dumps(entries)
    assert all(plate not in text for plate in (PLATE, "10B456CD", "40C789EF"))


def test_policy_changes_are_audited(tmp_path: Path, clock: Clock) -> None:
    first = clocked_container(tmp_path / "d", clock)
    first.retention.run(dry_run=True)
    first.retention.run(dry_run=True)
    first.stop()
    changed = clocked_container(tmp_path / "d", clock, retention={"nonhit_read_days": 14})
    changed.retention.run(dry_run=True)
    # Settings changes are audited per setting too (target "settings"); these are the
    # retention policy's own entries.
    policies = [e for e in audit_entries(changed, AuditAction.CONFIG_CHANGED)
                if "nonhit_read_days" in e]
    changed.stop()
    assert [p["nonhit_read_days"] for p in policies] == ["30", "14"]


def test_an_open_notice_keeps_its_case_and_a_settled_one_goes_with_it(
        container: Container, clock: Clock) -> None:
    _, violation_id = speeding(container, clock)
    container.queries.review(violation_id, decision=ViolationStatus.CONFIRMED,
                             reviewer="rev", note=None, scope=EVERYWHERE)
    notice = container.notices.issuing.issue(violation_id, actor="clerk")
    closed = clock.now
    clock.now = closed + timedelta(days=400)  # past its period, but the fine is unpaid
    assert run(container, clock)["violations_deleted"] == "0"
    assert container.notices.documents.document(notice.number).notice.number == notice.number
    container.notices.cases.change(notice.number, NoticeStatus.CANCELLED, actor="sup",
                                   reason="camera certificate lapsed")
    assert run(container, clock)["violations_deleted"] == "1"
    with pytest.raises(NotFound):
        container.notices.cases.notice(notice.number)  # keeper data gone with the case
    with container.engine.connect() as conn:
        assert conn.execute(select(notice_events)).first() is None
