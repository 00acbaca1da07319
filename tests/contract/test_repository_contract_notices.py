"""The notice repository and the embedded registry: the fake, SQLite and PostgreSQL agree."""

from __future__ import annotations

import dataclasses
import shutil
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from platewarden.adapters.db.engine import make_engine
from platewarden.adapters.db.notices import SqlNoticeUnitOfWorkFactory
from platewarden.adapters.db.registry import SqlVehicleRegistry
from platewarden.adapters.memory.notices import InMemoryNoticeUnitOfWorkFactory
from platewarden.adapters.memory.registry import MemoryVehicleRegistry
from platewarden.domain.fines import Fine
from platewarden.domain.notices import (
    Addressee,
    HoldReason,
    Notice,
    NoticeStatus,
    StatusChange,
)
from platewarden.domain.violations import ViolationStatus
from platewarden.services.notice_ports import (
    Appeal,
    AppealAttachment,
    AppealStatus,
    KeeperRecord,
    NoticeUnitOfWork,
    NoticeUnitOfWorkFactory,
    Payment,
    PaymentOutcome,
)
from unit.rules.factories import make_camera

from .conftest import empty_engine
from .helpers import T0, add_cameras, add_read, make_violation

KEEPER = Addressee(name="Aziza Karimova", address="Amir Temur 1", kind="person", language="uz")


@pytest.fixture(params=["memory", pytest.param("sql", marks=pytest.mark.integration),
                        pytest.param("postgresql", marks=pytest.mark.integration)])
def factory(request: pytest.FixtureRequest, migrated_template: Path,
            tmp_path: Path) -> Iterator[NoticeUnitOfWorkFactory]:
    if request.param == "memory":
        yield InMemoryNoticeUnitOfWorkFactory()
        return
    with empty_engine(request, migrated_template, tmp_path) as engine:
        yield SqlNoticeUnitOfWorkFactory(engine)


def a_fine() -> Fine:
    return Fine(schedule_id="default", band=1, legal_basis="Art. 1", amount_som=375_000,
                discounted_som=262_500, discount_until=T0 + timedelta(days=16),
                due_at=T0 + timedelta(days=31), penalty_points=2, repeat=False)


def a_notice(number: str = "PW-2026-0000000011", *, violation_id: str = "v1",
             code: str = "AAAA-BBBB-CCCC-DDDD", reference: str = "100000000000001",
             keeper: Addressee | None = KEEPER) -> Notice:
    return Notice(number=number, violation_id=violation_id, plate_key="01A123BC",
                  verification_code=code, payment_reference=reference, language="ru",
                  issued_at=T0, fine=a_fine(), addressee=keeper)


def notices_in_two_regions(uow: NoticeUnitOfWork) -> list[str]:
    """Three notices, of violations at cameras in regions 01, 30 and 01, issued an hour apart."""
    uow.cameras.add(make_camera(id="cam-1", region_code="01"), created_at=T0)
    uow.cameras.add(make_camera(id="cam-2", region_code="30"), created_at=T0)
    numbers = []
    for n, camera in enumerate(("cam-1", "cam-2", "cam-1")):
        read = add_read(uow, read_id=f"r{n}", camera_id=camera,
                        captured_at=T0 + timedelta(seconds=n))
        violation = make_violation(read.id, camera_id=camera)
        uow.violations.add_if_absent(violation, created_at=T0)
        numbers.append(f"PW-2026-00000000{n}{n}")
        uow.notices.add_if_absent(dataclasses.replace(
            a_notice(numbers[-1], violation_id=violation.id, code=f"CODE-{n}",
                     reference=f"10000000000000{n}"), issued_at=T0 + timedelta(hours=n)))
    return numbers


def test_a_notice_round_trips_and_a_violation_has_at_most_one(
        factory: NoticeUnitOfWorkFactory) -> None:
    with factory() as uow:
        assert uow.notices.add_if_absent(a_notice())
        assert not uow.notices.add_if_absent(a_notice("PW-2026-0000000029", code="X",
                                                      reference="2"))
        # The refused insert leaves the transaction usable (PostgreSQL would abort it).
        assert uow.notices.add_if_absent(a_notice("PW-2026-0000000037", violation_id="v2",
                                                  code="Y", reference="3"))
        uow.commit()
    with factory(read_only=True) as uow:
        assert uow.notices.get("PW-2026-0000000037") is not None
        stored = uow.notices.get("PW-2026-0000000011")
        assert stored == a_notice()
        assert uow.notices.for_violation("v1") == stored
        assert uow.notices.by_reference("100000000000001") == stored
        assert uow.notices.by_verification_code("AAAA-BBBB-CCCC-DDDD") == stored
        assert uow.notices.get("PW-2026-0000000029") is None


def test_a_notice_without_a_known_keeper_round_trips(factory: NoticeUnitOfWorkFactory) -> None:
    with factory() as uow:
        uow.notices.add_if_absent(a_notice(keeper=None))
        uow.commit()
    with factory(read_only=True) as uow:
        assert uow.notices.get("PW-2026-0000000011") == a_notice(keeper=None)


def test_status_changes_compare_and_set_and_keep_history(
        factory: NoticeUnitOfWorkFactory) -> None:
    number = "PW-2026-0000000011"
    deliver = StatusChange(number=number, old=NoticeStatus.ISSUED, new=NoticeStatus.DELIVERED,
                           actor="post", at=T0 + timedelta(hours=1), reason="handed over")
    with factory() as uow:
        uow.notices.add_if_absent(a_notice())
        assert uow.notices.change_status(deliver)
        assert not uow.notices.change_status(deliver)  # no longer issued
        paid = StatusChange(number=number, old=NoticeStatus.DELIVERED, new=NoticeStatus.PAID,
                            actor="fin", at=T0 + timedelta(hours=2), reason="payment")
        assert uow.notices.change_status(paid, paid_som=262_500)
        uow.commit()
    with factory(read_only=True) as uow:
        notice = uow.notices.get(number)
        assert notice is not None
        assert (notice.status, notice.paid_som) == (NoticeStatus.PAID, 262_500)
        assert [h.new for h in uow.notices.history(number)] == [NoticeStatus.DELIVERED,
                                                                 NoticeStatus.PAID]
        assert uow.notices.history(number)[0] == deliver


def test_due_notices_and_counts_per_plate(factory: NoticeUnitOfWorkFactory) -> None:
    with factory() as uow:
        uow.notices.add_if_absent(a_notice())
        uow.notices.add_if_absent(a_notice("PW-2026-0000000029", violation_id="v2", code="B",
                                           reference="2"))
        uow.notices.change_status(StatusChange(
            number="PW-2026-0000000029", old=NoticeStatus.ISSUED, new=NoticeStatus.CANCELLED,
            actor="s", at=T0, reason="x"))
        uow.commit()
    due = a_fine().due_at
    with factory(read_only=True) as uow:
        assert uow.notices.due_before(due - timedelta(microseconds=1), limit=10) == []
        assert uow.notices.due_before(due, limit=10) == ["PW-2026-0000000011"]
        assert uow.notices.count_for_plate("01A123BC", start=T0, end=T0 + timedelta(1)) == 1
        assert uow.notices.count_for_plate("01A123BC", start=T0 + timedelta(seconds=1),
                                           end=T0 + timedelta(1)) == 0


def test_confirmed_violations_without_a_notice(factory: NoticeUnitOfWorkFactory) -> None:
    with factory() as uow:
        add_cameras(uow, "cam-1")
        ids = []
        for n in range(3):
            read = add_read(uow, read_id=f"r{n}", captured_at=T0 + timedelta(seconds=n))
            violation = make_violation(read.id, occurred_at=read.captured_at)
            uow.violations.add_if_absent(violation, created_at=T0)
            ids.append(violation.id)
        for vid in ids[:2]:
            uow.violations.set_status(vid, ViolationStatus.CONFIRMED, by="r", at=T0, note=None)
        uow.notices.add_if_absent(a_notice(violation_id=ids[0]))
        uow.commit()
    with factory(read_only=True) as uow:
        assert uow.notices.confirmed_without_notice(limit=10) == [ids[1]]


def test_notices_are_found_newest_first_by_status_and_region(
        factory: NoticeUnitOfWorkFactory) -> None:
    with factory() as uow:
        numbers = notices_in_two_regions(uow)
        uow.notices.change_status(StatusChange(
            number=numbers[0], old=NoticeStatus.ISSUED, new=NoticeStatus.DELIVERED,
            actor="p", at=T0, reason="post"), paid_som=None)
        uow.commit()
    with factory(read_only=True) as uow:
        def found(**query: Any) -> list[str]:
            query = {"status": None, "camera_regions": None, "limit": 10, "offset": 0,
                     **query}
            return [n.number for n in uow.notices.find(**query)]

        assert found() == numbers[::-1]
        assert found(limit=1, offset=1) == [numbers[1]]
        assert found(status=NoticeStatus.DELIVERED) == [numbers[0]]
        assert found(camera_regions=frozenset({"01"})) == [numbers[2], numbers[0]]
        assert found(camera_regions=frozenset({"30"}), status=NoticeStatus.ISSUED) == [
            numbers[1]]
        assert found(camera_regions=frozenset()) == []


def test_payments_are_kept_once_per_provider_transaction(
        factory: NoticeUnitOfWorkFactory) -> None:
    payment = Payment(provider="click", transaction_id="t1", reference="r", amount_som=5,
                      paid_at=T0, outcome=PaymentOutcome.HELD,
                      hold_reason=HoldReason.UNKNOWN_REFERENCE)
    with factory() as uow:
        assert uow.notices.add_payment_if_absent(payment)
        assert not uow.notices.add_payment_if_absent(payment)
        assert uow.notices.add_payment_if_absent(Payment(
            provider="payme", transaction_id="t1", reference="r", amount_som=5, paid_at=T0,
            outcome=PaymentOutcome.APPLIED, notice_number="PW-2026-0000000011"))
        uow.commit()
    with factory(read_only=True) as uow:
        [held] = uow.notices.payments(outcome=PaymentOutcome.HELD)
        [applied] = uow.notices.payments(outcome=PaymentOutcome.APPLIED)
        assert len(uow.notices.payments(outcome=None)) == 2
    assert held == payment
    assert held.hold_reason is HoldReason.UNKNOWN_REFERENCE  # the member, not just its text
    assert applied.hold_reason is None  # stored as "" in SQL, read back as no reason


def test_payments_are_filtered_by_the_region_of_their_notice(
        factory: NoticeUnitOfWorkFactory) -> None:
    def held(tx: str, number: str | None, at: int) -> Payment:
        return Payment(provider="click", transaction_id=tx, reference="r", amount_som=5,
                       paid_at=T0 + timedelta(seconds=at), outcome=PaymentOutcome.HELD,
                       notice_number=number, hold_reason=HoldReason.SHORT)

    with factory() as uow:
        uow.cameras.add(make_camera(id="cam-1", region_code="01"), created_at=T0)
        uow.cameras.add(make_camera(id="cam-2", region_code="30"), created_at=T0)
        for n, camera in enumerate(("cam-1", "cam-2")):
            read = add_read(uow, read_id=f"r{n}", camera_id=camera,
                            captured_at=T0 + timedelta(seconds=n))
            violation = make_violation(read.id, camera_id=camera)
            uow.violations.add_if_absent(violation, created_at=T0)
            uow.notices.add_if_absent(a_notice(f"PW-2026-00000000{n}{n}",
                                               violation_id=violation.id, code=f"CODE-{n}",
                                               reference=f"10000000000000{n}"))
        for payment in (held("t-01", "PW-2026-0000000000", 0),
                        held("t-30", "PW-2026-0000000011", 1),
                        held("t-none", None, 2),  # an unknown reference: no region
                        held("t-gone", "PW-2026-0000000099", 3)):  # its notice is gone
            uow.notices.add_payment_if_absent(payment)
        uow.commit()
    with factory(read_only=True) as uow:
        def found(regions: frozenset[str] | None) -> list[str]:
            return [p.transaction_id for p in uow.notices.payments(
                outcome=PaymentOutcome.HELD, camera_regions=regions)]

        assert found(None) == ["t-01", "t-30", "t-none", "t-gone"]
        assert found(frozenset({"01"})) == ["t-01", "t-none", "t-gone"]
        assert found(frozenset({"01", "30"})) == ["t-01", "t-30", "t-none", "t-gone"]
        assert found(frozenset()) == ["t-none", "t-gone"]
        assert uow.notices.payments(outcome=PaymentOutcome.APPLIED,
                                    camera_regions=frozenset({"01"})) == []


def test_appeals_are_decided_once(factory: NoticeUnitOfWorkFactory) -> None:
    appeal = Appeal(id="a1", number="PW-2026-0000000011", text="Не я",  # noqa: RUF001
                    filed_at=T0)
    decided = Appeal(id="a1", number=appeal.number, text=appeal.text, filed_at=T0,
                     status=AppealStatus.UPHELD, decided_by="rev", decided_at=T0 + timedelta(1),
                     reason="liable")
    with factory() as uow:
        uow.notices.add_appeal(appeal)
        assert uow.notices.appeals(status=AppealStatus.OPEN) == [appeal]
        assert uow.notices.decide_appeal(decided)
        assert not uow.notices.decide_appeal(decided)
        uow.commit()
    with factory(read_only=True) as uow:
        assert uow.notices.appeal("a1") == decided
        assert uow.notices.appeals(status=AppealStatus.OPEN) == []


def test_appeals_of_one_notice(factory: NoticeUnitOfWorkFactory) -> None:
    mine = [Appeal(id=f"a{n}", number="PW-2026-0000000011", text="not me",
                   filed_at=T0 + timedelta(n)) for n in (2, 1)]
    other = Appeal(id="b1", number="PW-2026-0000000029", text="not me", filed_at=T0)
    with factory() as uow:
        for appeal in (*mine, other):
            uow.notices.add_appeal(appeal)
        uow.commit()
    with factory(read_only=True) as uow:
        assert uow.notices.appeals(status=None, number="PW-2026-0000000011") == mine[::-1]
        assert uow.notices.appeals(status=AppealStatus.UPHELD,
                                   number="PW-2026-0000000011") == []
        assert uow.notices.appeals(status=None, number="PW-2026-0000000037") == []


def test_appeals_are_filtered_by_the_region_of_their_notice(
        factory: NoticeUnitOfWorkFactory) -> None:
    with factory() as uow:
        numbers = notices_in_two_regions(uow)
        # Filed newest notice first, so filing order is not the notices' order.
        for n, number in enumerate(reversed(numbers)):
            uow.notices.add_appeal(Appeal(id=f"a{n}", number=number, text="not me",
                                          filed_at=T0 + timedelta(hours=n)))
        uow.notices.add_appeal(Appeal(id="gone", number="PW-2026-0000000099", text="not me",
                                      filed_at=T0))  # its notice is gone: in no region
        uow.notices.decide_appeal(Appeal(
            id="a0", number=numbers[2], text="not me", filed_at=T0, status=AppealStatus.UPHELD,
            decided_by="rev", decided_at=T0 + timedelta(1), reason="liable"))
        uow.commit()
    with factory(read_only=True) as uow:
        def found(regions: frozenset[str] | None, status: AppealStatus | None = None,
                  **query: Any) -> list[str]:
            return [a.id for a in uow.notices.appeals(status=status, camera_regions=regions,
                                                      **query)]

        assert found(None) == ["a0", "gone", "a1", "a2"]
        assert found(frozenset({"01"})) == ["a0", "a2"]
        assert found(frozenset({"01"}), AppealStatus.OPEN) == ["a2"]
        assert found(frozenset({"30"})) == ["a1"]
        assert found(frozenset({"01", "30"}), AppealStatus.OPEN) == ["a1", "a2"]
        assert found(frozenset({"30"}), number=numbers[0]) == []
        assert found(frozenset({"01"}), number=numbers[0]) == ["a2"]
        assert found(frozenset()) == []


def test_appeal_attachments_come_back_in_order_per_appeal(
        factory: NoticeUnitOfWorkFactory) -> None:
    def attachment(id_: str, appeal_id: str, position: int) -> AppealAttachment:
        return AppealAttachment(id=id_, appeal_id=appeal_id, number="PW-2026-0000000011",
                                position=position, name=f"договор-{position}.pdf",
                                content_type="application/pdf", size_bytes=1234,
                                sha256=f"{position:064x}", filed_at=T0)

    with factory() as uow:
        uow.notices.add_attachments([attachment("f2", "a1", 2), attachment("f1", "a1", 1),
                                     attachment("g1", "a2", 1)])
        uow.notices.add_attachments([])
        uow.commit()
    with factory(read_only=True) as uow:
        assert [a.id for a in uow.notices.attachments("a1")] == ["f1", "f2"]
        assert uow.notices.attachments("a1")[0] == attachment("f1", "a1", 1)
        assert uow.notices.attachments("nobody") == []


def test_nothing_is_kept_without_commit(factory: NoticeUnitOfWorkFactory) -> None:
    with factory() as uow:
        uow.notices.add_if_absent(a_notice())
    with factory(read_only=True) as uow:
        assert uow.notices.get("PW-2026-0000000011") is None


def test_concurrent_adds_for_one_violation_store_one_notice(
        factory: NoticeUnitOfWorkFactory) -> None:
    added: list[bool] = []
    barrier = threading.Barrier(6)

    def add(n: int) -> None:
        barrier.wait()
        with factory() as uow:
            added.append(uow.notices.add_if_absent(a_notice(
                f"PW-2026-00000000{n}0", code=f"C{n}", reference=f"R{n}")))
            uow.commit()

    threads = [threading.Thread(target=add, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(added) == [False] * 5 + [True]
    with factory(read_only=True) as uow:
        assert uow.notices.for_violation("v1") is not None


@pytest.mark.parametrize("kind", ["memory", pytest.param("sql", marks=pytest.mark.integration)])
def test_the_registry_answers_the_keeper_on_a_day(kind: str, migrated_template: Path,
                                                   tmp_path: Path) -> None:
    engine = None
    if kind == "memory":
        registry: MemoryVehicleRegistry | SqlVehicleRegistry = MemoryVehicleRegistry()
    else:
        shutil.copyfile(migrated_template, tmp_path / "db.sqlite")
        engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
        registry = SqlVehicleRegistry(engine)
    company = Addressee(name="Avto Lizing MChJ", address="Navoiy 5", kind="company",
                        language="ru")
    try:
        assert registry.replace_all([
            KeeperRecord(plate_key="01A123BC", keeper=KEEPER, valid_from=date(2020, 1, 1),
                         valid_to=date(2026, 3, 1)),
            KeeperRecord(plate_key="01A123BC", keeper=company, valid_from=date(2026, 3, 1))]) == 2
        assert registry.keeper_at("01A123BC", on=date(2026, 2, 28)) == KEEPER
        assert registry.keeper_at("01A123BC", on=date(2026, 3, 1)) == company
        assert registry.keeper_at("01A123BC", on=date(2019, 12, 31)) is None
        assert registry.keeper_at("01B777CC", on=date(2026, 3, 1)) is None
        registry.replace_all([])
        assert registry.keeper_at("01A123BC", on=date(2026, 3, 1)) is None
    finally:
        if engine is not None:
            engine.dispose()
