"""Contract of the search queries: reads by plate and audit entries by action, fake = SQL."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from platewarden.domain.audit import AuditAction, AuditEntry, AuditRecord, chain
from platewarden.domain.search import PlateQuery, QueryKind, parse_query
from platewarden.services.unit_of_work import UnitOfWorkFactory, ViolationFilter
from unit.rules.factories import make_camera

from .helpers import T0, add_cameras, add_read, make_alert, make_violation

WIDE = (T0 - timedelta(days=1), T0 + timedelta(days=1))


def store_reads(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        add_cameras(uow, "cam-1", "cam-2")
        add_read(uow, read_id="a", plate="01A123BC", captured_at=T0)
        add_read(uow, read_id="b", plate="01A123B0", captured_at=T0 + timedelta(seconds=5))
        add_read(uow, read_id="c", plate="01A123BC", captured_at=T0 + timedelta(seconds=9),
                 duplicate_of="cam-1:a")
        add_read(uow, camera_id="cam-2", read_id="d", plate="01A123BC",
                 captured_at=T0 + timedelta(hours=2))
        add_read(uow, read_id="e", plate="30X999ZZ", captured_at=T0 + timedelta(hours=3))
        add_read(uow, read_id="f", plate="01A123BC", captured_at=T0 - timedelta(days=3))
        uow.commit()


def ids(uow_factory: UnitOfWorkFactory, query: PlateQuery, *, limit: int = 50,
        window: tuple[object, ...] = WIDE) -> list[str]:
    with uow_factory(read_only=True) as uow:
        start, end = window
        found = uow.reads.search(query, start=start, end=end, limit=limit)  # type: ignore[arg-type]
    return [r.id for r in found]


def test_exact_search_skips_repeats_and_orders_newest_first(
        uow_factory: UnitOfWorkFactory) -> None:
    store_reads(uow_factory)
    assert ids(uow_factory, parse_query("01A123BC", QueryKind.EXACT)) == [
        "cam-2:d", "cam-1:a"]


def test_confusable_search_matches_the_canonical_key(uow_factory: UnitOfWorkFactory) -> None:
    store_reads(uow_factory)
    # O and 0 fold together, as do I and 1; C folds with nothing.
    assert ids(uow_factory, parse_query("01A123BO", QueryKind.CONFUSABLE)) == ["cam-1:b"]
    assert ids(uow_factory, parse_query("OIA123BC", QueryKind.CONFUSABLE)) == [
        "cam-2:d", "cam-1:a"]


def test_wildcard_search_translates_star_and_question_mark(
        uow_factory: UnitOfWorkFactory) -> None:
    store_reads(uow_factory)
    assert ids(uow_factory, parse_query("01A123B?", QueryKind.WILDCARD)) == [
        "cam-2:d", "cam-1:b", "cam-1:a"]
    assert ids(uow_factory, parse_query("*999*", QueryKind.WILDCARD)) == ["cam-1:e"]
    assert ids(uow_factory, parse_query("01A*C", QueryKind.WILDCARD)) == ["cam-2:d", "cam-1:a"]


def test_literal_percent_and_underscore_are_not_wildcards(
        uow_factory: UnitOfWorkFactory) -> None:
    store_reads(uow_factory)
    # Not reachable through parse_query (it strips them), but the adapters must not widen.
    assert ids(uow_factory, PlateQuery(kind=QueryKind.WILDCARD, value="01A%")) == []
    assert ids(uow_factory, PlateQuery(kind=QueryKind.WILDCARD, value="01A123B_")) == []


def test_search_honours_window_bounds_and_limit(uow_factory: UnitOfWorkFactory) -> None:
    store_reads(uow_factory)
    query = parse_query("01A123B?", QueryKind.WILDCARD)
    assert ids(uow_factory, query, limit=1) == ["cam-2:d"]
    assert ids(uow_factory, query, window=(T0, T0 + timedelta(seconds=5))) == [
        "cam-1:b", "cam-1:a"]
    assert ids(uow_factory, query, window=(T0 - timedelta(days=4), T0 - timedelta(days=2))) \
        == ["cam-1:f"]


def test_wildcard_results_across_many_days_are_the_newest_in_order(
        uow_factory: UnitOfWorkFactory) -> None:
    # Stores may look for wildcards a few days at a time, newest first: the answer must be
    # the same as one query over the window, ties at a day's edge included.
    times = [T0 - timedelta(days=d, hours=h) for d in (0, 1, 2, 3, 6, 13, 29) for h in (0, 7)]
    with uow_factory() as uow:
        add_cameras(uow, "cam-1", "cam-2")
        for n, at in enumerate(times):
            add_read(uow, read_id=f"r{n:02d}", plate=f"01A{n:03d}BC", captured_at=at)
            add_read(uow, camera_id="cam-2", read_id=f"r{n:02d}", plate="01A999BC",
                     captured_at=at)
        uow.commit()
    ordered = sorted(((at, f"cam-{c}:r{n:02d}") for n, at in enumerate(times) for c in (1, 2)),
                     key=lambda pair: (-pair[0].timestamp(), pair[1]))
    query = parse_query("01A*BC", QueryKind.WILDCARD)
    window = (T0 - timedelta(days=40), T0)
    for limit in (1, 5, 9, 28, 50):
        assert ids(uow_factory, query, limit=limit, window=window) == [
            pk for _, pk in ordered[:limit]]


def make_log() -> list[AuditRecord]:
    actions = [AuditAction.LOGIN, AuditAction.SEARCH, AuditAction.SEARCH_APPROVAL_REQUESTED,
               AuditAction.SEARCH, AuditAction.SEARCH_APPROVED, AuditAction.SEARCH]
    records: list[AuditRecord] = []
    for seq, action in enumerate(actions, start=1):
        entry = AuditEntry(sequence=seq, at=T0 + timedelta(minutes=seq), actor="u1",
                           action=action, target="3" if seq in (5, 6) else "",
                           details={"n": str(seq)})
        records.append(chain(records[-1] if records else None, entry))
    return records


def test_audit_find_filters_by_action_number_time_and_target(
        uow_factory: UnitOfWorkFactory) -> None:
    records = make_log()
    with uow_factory() as uow:
        for record in records:
            uow.audit.append(record)
        uow.commit()
    with uow_factory(read_only=True) as uow:
        audit = uow.audit
        assert [r.sequence for r in audit.find([AuditAction.SEARCH])] == [2, 4, 6]
        assert audit.find([AuditAction.SEARCH])[0] == records[1]
        assert [r.sequence for r in audit.find([AuditAction.SEARCH], from_seq=3)] == [4, 6]
        assert [r.sequence for r in audit.find(
            [AuditAction.SEARCH, AuditAction.LOGIN], start=T0 + timedelta(minutes=1),
            end=T0 + timedelta(minutes=4))] == [1, 2, 4]
        assert [r.sequence for r in audit.find(
            [AuditAction.SEARCH, AuditAction.SEARCH_APPROVED], target="3")] == [5, 6]
        assert audit.find([AuditAction.EXPORT]) == []
        assert audit.find([]) == []


def test_region_filters_keep_only_cameras_of_those_regions(
        uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.cameras.add(make_camera(id="cam-tk", region_code="10"), created_at=T0)
        uow.cameras.add(make_camera(id="cam-sa", region_code="30"), created_at=T0)
        for camera_id in ("cam-tk", "cam-sa"):
            read = add_read(uow, camera_id=camera_id, read_id="r", plate="01A123BC",
                            captured_at=T0)
            uow.violations.add_if_absent(make_violation(read.id, camera_id=camera_id),
                                         created_at=T0)
            alert = dataclasses.replace(make_alert(read.id), camera_id=camera_id)
            uow.violations.add_alert_if_absent(alert, created_at=T0)
        uow.commit()
    query = parse_query("01A123BC", QueryKind.EXACT)
    with uow_factory(read_only=True) as uow:
        found = {
            regions: ([r.camera_id for r in uow.reads.search(
                query, start=WIDE[0], end=WIDE[1], limit=9, camera_regions=regions)],
                sorted(v.camera_id for v in uow.violations.find(
                    ViolationFilter(camera_regions=regions))),
                sorted(a.camera_id for a in uow.violations.list_alerts(
                    limit=9, offset=0, camera_regions=regions)))
            for regions in (None, frozenset({"30", "31"}), frozenset())}
    assert found[None] == (["cam-sa", "cam-tk"], ["cam-sa", "cam-tk"], ["cam-sa", "cam-tk"])
    assert found[frozenset({"30", "31"})] == (["cam-sa"], ["cam-sa"], ["cam-sa"])
    assert found[frozenset()] == ([], [], [])
