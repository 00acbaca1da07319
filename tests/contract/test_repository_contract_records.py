"""Contract of violations, alerts, the hotlist and accounts: the fake behaves as SQL does."""

from __future__ import annotations

from datetime import timedelta

from platewarden.domain.plates import canonical_key
from platewarden.domain.violations import ViolationStatus, ViolationType
from platewarden.services.unit_of_work import Session, UnitOfWorkFactory, User, ViolationFilter
from unit.rules.factories import at, make_entry

from .helpers import T0, make_alert, make_violation


def test_add_if_absent_refuses_a_duplicate(uow_factory: UnitOfWorkFactory) -> None:
    violation = make_violation("cam-1:r1", "cam-1:r2", details={"section_id": "sec-1"},
                               kind=ViolationType.SECTION_SPEED)
    with uow_factory() as uow:
        assert uow.violations.add_if_absent(violation, created_at=T0)
        assert not uow.violations.add_if_absent(violation, created_at=at(1))
        uow.commit()
    with uow_factory() as uow:
        assert not uow.violations.add_if_absent(violation, created_at=at(2))
        assert uow.violations.get(violation.id) == violation
        assert uow.violations.get("0" * 64) is None


def test_find_filters_orders_and_pages(uow_factory: UnitOfWorkFactory) -> None:
    old = make_violation("cam-1:a", occurred_at=at(0))
    new = make_violation("cam-1:b", occurred_at=at(10))
    red = make_violation("cam-1:c", occurred_at=at(10), kind=ViolationType.RED_LIGHT)
    done = make_violation("cam-1:d", occurred_at=at(5), status=ViolationStatus.CONFIRMED)
    with uow_factory() as uow:
        for violation in (old, red, done, new):
            uow.violations.add_if_absent(violation, created_at=T0)
        uow.commit()
    newest_first = [*sorted([new, red], key=lambda v: v.id), done, old]
    with uow_factory(read_only=True) as uow:
        assert uow.violations.find(ViolationFilter()) == newest_first
        assert uow.violations.find(ViolationFilter(limit=2, offset=1)) == newest_first[1:3]
        assert uow.violations.find(ViolationFilter(status=ViolationStatus.CONFIRMED)) == [done]
        assert uow.violations.find(ViolationFilter(type="red-light")) == [red]
        assert uow.violations.find(ViolationFilter(status=ViolationStatus.WITHDRAWN)) == []


def test_for_section_plate(uow_factory: UnitOfWorkFactory) -> None:
    kind = ViolationType.SECTION_SPEED
    mine = make_violation("cam-a:1", "cam-b:1", kind=kind, details={"section_id": "sec-1"})
    other_section = make_violation("cam-a:2", "cam-b:2", kind=kind,
                                   details={"section_id": "sec-2"})
    other_plate = make_violation("cam-a:3", "cam-b:3", kind=kind, plate_key="X",
                                 details={"section_id": "sec-1"})
    with uow_factory() as uow:
        for violation in (mine, other_section, other_plate):
            uow.violations.add_if_absent(violation, created_at=T0)
        assert uow.violations.for_section_plate("sec-1", mine.plate_key) == [mine]
        assert uow.violations.for_section_plate("sec-3", mine.plate_key) == []


def test_violations_and_alerts_for_reads(uow_factory: UnitOfWorkFactory) -> None:
    pair = make_violation("cam-a:1", "cam-b:1", kind=ViolationType.SECTION_SPEED,
                          details={"section_id": "sec-1"})
    spot = make_violation("cam-a:2")
    hit = make_alert("cam-a:2", occurred_at=at(0))
    other = make_alert("cam-a:3", occurred_at=at(1))
    with uow_factory() as uow:
        for violation in (pair, spot):
            uow.violations.add_if_absent(violation, created_at=T0)
        for alert in (hit, other):
            uow.violations.add_alert_if_absent(alert, created_at=T0)
        uow.commit()
    with uow_factory(read_only=True) as uow:
        assert uow.violations.for_reads(["cam-b:1"]) == [pair]
        assert sorted(v.id for v in uow.violations.for_reads(["cam-a:1", "cam-a:2"])) == sorted(
            [pair.id, spot.id])
        assert uow.violations.alerts_for_reads(["cam-a:2", "cam-a:9"]) == [hit]
        assert uow.violations.for_reads(["cam-a:9"]) == []
        assert uow.violations.alerts_for_reads([]) == []


def test_set_status(uow_factory: UnitOfWorkFactory) -> None:
    violation = make_violation("cam-1:r1")
    with uow_factory() as uow:
        uow.violations.add_if_absent(violation, created_at=T0)
        assert uow.violations.set_status(violation.id, ViolationStatus.CONFIRMED, by="ann",
                                         at=at(5), note="clear")
        assert not uow.violations.set_status("0" * 64, ViolationStatus.REJECTED, by=None,
                                             at=at(5), note=None)
        uow.commit()
    with uow_factory(read_only=True) as uow:
        stored = uow.violations.get(violation.id)
    assert stored is not None
    assert stored.status is ViolationStatus.CONFIRMED
    assert stored.details == violation.details  # kept when no details are given


def test_set_status_with_details(uow_factory: UnitOfWorkFactory) -> None:
    violation = make_violation("cam-1:r1")
    with uow_factory() as uow:
        uow.violations.add_if_absent(violation, created_at=T0)
        details = {**violation.details, "corrected_plate": "01B777ZZ"}
        assert uow.violations.set_status(violation.id, ViolationStatus.CONFIRMED, by="ann",
                                         at=at(5), note=None, details=details)
        uow.commit()
    with uow_factory(read_only=True) as uow:
        stored = uow.violations.get(violation.id)
    assert stored is not None
    assert (stored.plate, stored.details) == (violation.plate, details)


def test_alerts(uow_factory: UnitOfWorkFactory) -> None:
    first = make_alert("cam-1:r1", occurred_at=at(0))
    second = make_alert("cam-1:r2", occurred_at=at(9))
    with uow_factory() as uow:
        assert uow.violations.add_alert_if_absent(first, created_at=T0)
        assert uow.violations.add_alert_if_absent(second, created_at=T0)
        assert not uow.violations.add_alert_if_absent(first, created_at=at(1))
        uow.commit()
    with uow_factory(read_only=True) as uow:
        assert uow.violations.get_alert(first.id) == first
        assert uow.violations.get_alert("nope") is None
        assert uow.violations.list_alerts(limit=10, offset=0) == [second, first]
        assert uow.violations.list_alerts(limit=1, offset=1) == [first]



def test_set_alert_status(uow_factory: UnitOfWorkFactory) -> None:
    alert = make_alert("cam-1:r1", occurred_at=at(0))
    with uow_factory() as uow:
        uow.violations.add_alert_if_absent(alert, created_at=T0)
        assert uow.violations.set_alert_status(alert.id, "confirmed")
        assert not uow.violations.set_alert_status("nope", "dismissed")
        uow.commit()
    with uow_factory(read_only=True) as uow:
        stored = uow.violations.get_alert(alert.id)
    assert stored is not None
    assert (stored.status, stored.plate) == ("confirmed", alert.plate)


def test_hotlist_upsert_active_and_version(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory(read_only=True) as uow:
        empty = uow.hotlist.version()
        assert uow.hotlist.active(at=T0) == []
    entry = make_entry(expires_at=at(100))
    with uow_factory() as uow:
        assert uow.hotlist.upsert([entry, make_entry("01B999CC", id="h2")], at=T0) == 2
        uow.commit()
    with uow_factory(read_only=True) as uow:
        first = uow.hotlist.version()
        assert first != empty
        assert uow.hotlist.version() == first  # stable while nothing changes
        assert sorted(e.id for e in uow.hotlist.active(at=at(99))) == ["h1", "h2"]
        assert [e.id for e in uow.hotlist.active(at=at(100))] == ["h2"]  # expiry is exclusive
    replacement = make_entry(reason="recovered, then stolen again",
                             expires_at=at(100) + timedelta(days=1))
    with uow_factory() as uow:
        assert uow.hotlist.upsert([replacement], at=at(1)) == 1
        uow.commit()
    with uow_factory(read_only=True) as uow:
        second = uow.hotlist.version()
        assert second not in (empty, first)
        assert replacement in uow.hotlist.active(at=at(100))
        assert len(uow.hotlist.active(at=T0)) == 2


def test_a_rolled_back_upsert_leaves_the_version(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory(read_only=True) as uow:
        before = uow.hotlist.version()
    with uow_factory() as uow:
        uow.hotlist.upsert([make_entry()], at=T0)
        assert uow.hotlist.version() != before
    with uow_factory(read_only=True) as uow:
        assert uow.hotlist.version() == before
        assert uow.hotlist.active(at=T0) == []


def test_users_and_sessions(uow_factory: UnitOfWorkFactory) -> None:
    user = User(id="u1", username="ann", password_hash="h1",
                roles=frozenset({"reviewer", "auditor"}))
    session = Session(token_sha256="t" * 64, user_id="u1", expires_at=at(3600))
    with uow_factory() as uow:
        uow.accounts.add_user(user, created_at=T0)
        uow.accounts.add_session(session, created_at=T0)
        uow.commit()
    with uow_factory() as uow:
        assert uow.accounts.user_by_name("ann") == user
        assert uow.accounts.user_by_name("bob") is None
        assert uow.accounts.user("u1") == user
        assert uow.accounts.user("u2") is None
        assert uow.accounts.session("t" * 64) == session
        assert uow.accounts.session("x" * 64) is None
        uow.accounts.set_password("u1", "h2")
        uow.accounts.delete_session("t" * 64)
        uow.accounts.delete_session("x" * 64)  # unknown: nothing happens
        uow.commit()
    with uow_factory(read_only=True) as uow:
        changed = uow.accounts.user("u1")
        assert changed is not None
        assert changed.password_hash == "h2"
        assert uow.accounts.session("t" * 64) is None


def test_hotlist_keys_and_entries_by_key_include_expired_ones(
        uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.hotlist.upsert([make_entry("01A123BC", id="h1", expires_at=at(1)),
                            make_entry("01A123BC", id="h2", list_name="wanted"),
                            make_entry("01B999CC", id="h3"),
                            make_entry("01B999CC", id="h3", reason="last one wins")], at=T0)
        uow.commit()
    with uow_factory(read_only=True) as uow:
        keys = uow.hotlist.keys()
        assert keys == {canonical_key("01A123BC"), canonical_key("01B999CC")}
        found = uow.hotlist.for_keys([canonical_key("01A123BC")])
        assert sorted(e.id for e in found) == ["h1", "h2"]
        assert [e.reason for e in uow.hotlist.for_keys([canonical_key("01B999CC")])] == [
            "last one wins"]
        assert uow.hotlist.for_keys([]) == []
        assert uow.hotlist.for_keys(["NOSUCHKEY"]) == []
