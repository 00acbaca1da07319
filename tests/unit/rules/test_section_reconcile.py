"""Section speed under late, out-of-order arrival: pairing and reconciliation properties."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from platewarden.domain.reads import ClockSync, PlateRead
from platewarden.domain.rules.section_reconcile import (
    Reconciliation,
    Scope,
    reconcile,
    scope_for,
)
from platewarden.domain.rules.section_speed import expected_violations, pair_passages
from platewarden.domain.tolerance import SpeedTolerance
from platewarden.domain.violations import Violation, ViolationStatus

from .factories import at, make_read, make_section

SECTION = make_section(distance_m=1050.0)  # 60 s is exactly the 63 km/h threshold
TOL = SpeedTolerance(absolute_kmh=3, percent=3.0)
WINDOW = 90.0
Store = dict[str, Violation]


def entry(seconds: float, n: str, **kw: Any) -> PlateRead:
    return make_read(camera_id="cam-a", read_id=n, captured_at=at(seconds), **kw)


def exit_(seconds: float, n: str, **kw: Any) -> PlateRead:
    return make_read(camera_id="cam-b", read_id=n, captured_at=at(seconds), **kw)


def expected(reads: Iterable[PlateRead], window_s: float = WINDOW) -> Store:
    found = expected_violations(reads, section=SECTION, tolerance=TOL, window_s=window_s)
    return {v.id: v for v in found}


def apply(store: Store, change: Reconciliation) -> None:
    """What the service does with a reconciliation."""
    for violation in change.add:
        assert violation.id not in store, "reconcile must never add a stored id twice"
        store[violation.id] = violation
    for violation_id in change.withdraw:
        assert store[violation_id].status is ViolationStatus.PENDING
        store[violation_id] = dataclasses.replace(store[violation_id],
                                                  status=ViolationStatus.WITHDRAWN)
    for violation in change.reinstate:
        store[violation.id] = violation


def active(store: Store) -> Store:
    return {k: v for k, v in store.items() if v.status is ViolationStatus.PENDING}


def full(store: Store, reads: list[PlateRead], window_s: float = WINDOW) -> Reconciliation:
    return reconcile(store.values(), reads, section=SECTION, tolerance=TOL, window_s=window_s)


# --- examples --------------------------------------------------------------------------


def test_first_pairing_is_added() -> None:
    store: Store = {}
    apply(store, full(store, [entry(0, "e1"), exit_(40, "x")]))
    assert active(store) == expected([entry(0, "e1"), exit_(40, "x")])
    assert len(store) == 1


def test_re_running_changes_nothing() -> None:
    reads = [entry(0, "e1"), exit_(40, "x")]
    store: Store = {}
    apply(store, full(store, reads))
    assert full(store, reads).is_empty


def test_late_entry_withdraws_the_old_pair_and_adds_the_new() -> None:
    store: Store = {}
    reads = [entry(0, "e1"), exit_(40, "x")]
    apply(store, full(store, reads))
    (old_id,) = store
    change = full(store, [*reads, entry(20, "e2")])
    assert change.withdraw == (old_id,)
    assert len(change.add) == 1
    assert change.add[0].read_ids == ("cam-a:e2", "cam-b:x")


def test_an_earlier_entry_changes_nothing() -> None:
    store: Store = {}
    reads = [entry(0, "e1"), exit_(30, "x")]
    apply(store, full(store, reads))
    assert full(store, [*reads, entry(-20, "e0")]).is_empty


def test_a_late_exit_that_breaks_the_trip_only_withdraws() -> None:
    # A second exit read at the entry's instant sorts between entry and exit, pairs with
    # nothing (zero gap) and so leaves the later exit unpaired.
    store: Store = {}
    reads = [entry(0, "e1"), exit_(30, "x")]
    apply(store, full(store, reads))
    change = full(store, [*reads, exit_(0, "x0")])
    assert len(change.withdraw) == 1
    assert change.add == ()


def test_confirmed_violations_are_disputed_not_withdrawn() -> None:
    store: Store = {}
    reads = [entry(0, "e1"), exit_(40, "x")]
    apply(store, full(store, reads))
    (old_id,) = store
    store[old_id] = dataclasses.replace(store[old_id], status=ViolationStatus.CONFIRMED)
    change = full(store, [*reads, entry(20, "e2")])
    assert change.withdraw == ()
    assert change.disputed == (old_id,)


def test_rejected_violations_are_left_alone() -> None:
    store: Store = {}
    reads = [entry(0, "e1"), exit_(40, "x")]
    apply(store, full(store, reads))
    (old_id,) = store
    store[old_id] = dataclasses.replace(store[old_id], status=ViolationStatus.REJECTED)
    assert full(store, reads).is_empty
    change = full(store, [*reads, entry(20, "e2")])
    assert (change.withdraw, change.disputed, len(change.add)) == ((), (), 1)


def test_a_removed_read_reinstates_a_withdrawn_pairing() -> None:
    store: Store = {}
    reads = [entry(0, "e1"), exit_(40, "x"), entry(20, "e2")]
    apply(store, full(store, reads[:2]))
    apply(store, full(store, reads))
    change = full(store, reads[:2])  # e2 purged (or rejected as a bad read)
    assert [v.read_ids for v in change.reinstate] == [("cam-a:e1", "cam-b:x")]
    apply(store, change)
    assert active(store) == expected(reads[:2])


def test_violations_of_other_sections_and_plates_are_ignored() -> None:
    store: Store = {}
    reads = [entry(0, "e1"), exit_(40, "x")]
    apply(store, full(store, reads))
    other_plate = [entry(0, "e1", plate="10B456CD"), exit_(40, "x", plate="10B456CD")]
    assert full(store, other_plate).add != ()
    assert full(store, other_plate).withdraw == ()
    elsewhere = reconcile(store.values(), reads, section=make_section(id="sec-2"),
                          tolerance=TOL, window_s=WINDOW)
    assert elsewhere.withdraw == ()


def test_scope_for_one_read_and_for_a_batch() -> None:
    scope = scope_for([entry(100, "e")], window_s=30)
    assert scope == Scope(reads_from=at(70), reads_until=at(130), exits_from=at(100),
                          exits_until=at(130))
    batch = scope_for([entry(100, "e"), exit_(50, "x")], window_s=30)
    assert (batch.reads_from, batch.exits_from, batch.exits_until) == (at(20), at(50), at(130))
    assert scope.covers_read(entry(70, "edge"))
    assert not scope.covers_read(entry(130.5, "past"))
    with pytest.raises(ValueError, match="at least one"):
        scope_for([], window_s=30)


SCENARIOS = {
    "one trip, gap over half the window": [entry(0, "e"), exit_(50, "x")],
    "late entry re-pairs": [entry(0, "e1"), entry(40, "e2"), exit_(50, "x")],
    "two trips": [entry(0, "e1"), exit_(50, "x1"), entry(100, "e2"), exit_(150, "x2")],
    "tied exit blocks": [entry(0, "e"), exit_(0, "x0"), exit_(30, "x")],
    "window edge": [entry(0, "e"), exit_(90, "x"), entry(95, "e2"), exit_(185.5, "x2")],
    "latest entry out of window": [entry(0, "e1"), entry(10, "e2"), exit_(95, "x")],
    "truck then car": [entry(0, "e", vehicle_class="truck"), exit_(65, "x"),
                       exit_(66, "x2", vehicle_class="truck")],
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_arrival_order_of_small_scenarios(name: str) -> None:
    """Exhaustive over arrival orders, for both full and scoped reconciliation."""
    reads = SCENARIOS[name]
    for arrival in itertools.permutations(reads):
        full_store: Store = {}
        scoped_store: Store = {}
        for n, read in enumerate(arrival, start=1):
            seen = list(arrival[:n])
            apply(full_store, full(full_store, seen))
            scope = scope_for([read], window_s=WINDOW)
            stored = [v for v in scoped_store.values() if scope.covers_exit(v.occurred_at)]
            loaded = [r for r in seen if scope.covers_read(r)]
            apply(scoped_store, reconcile(stored, loaded, section=SECTION, tolerance=TOL,
                                          window_s=WINDOW, scope=scope))
            assert active(full_store) == active(scoped_store) == expected(seen)


# --- properties ------------------------------------------------------------------------

PLATES = ["01A123BC", "O1A123BC", "10B456CD"]  # the first two share a canonical key


@st.composite
def read_sets(draw: st.DrawFn, max_size: int = 14) -> list[PlateRead]:
    """Reads of up to two vehicles at both cameras, with ties and tight gaps."""
    specs = draw(st.lists(
        st.tuples(st.booleans(), st.integers(0, 240), st.sampled_from(PLATES),
                  st.sampled_from([None, "car", "truck"]), st.sampled_from(list(ClockSync))),
        max_size=max_size,
    ))
    reads = []
    for n, (is_entry, seconds, plate, vehicle_class, sync) in enumerate(specs):
        make = entry if is_entry else exit_
        reads.append(make(seconds, f"r{n}", plate=plate, vehicle_class=vehicle_class,
                          clock_sync=sync))
    return reads


def order(read: PlateRead) -> tuple[datetime, str]:
    return (read.captured_at, read.id)


def oracle_pairs(reads: list[PlateRead], window_s: float) -> set[tuple[str, str]]:
    """The pairing rule as written in the spec, by brute force."""
    found = set()
    for x in reads:
        if x.camera_id != "cam-b":
            continue
        same = [r for r in reads if r.plate_key == x.plate_key and order(r) < order(x)]
        entries = [r for r in same if r.camera_id == "cam-a"]
        if not entries:
            continue
        e = max(entries, key=order)
        between = [r for r in same if r.camera_id == "cam-b" and order(e) < order(r)]
        gap = (x.captured_at - e.captured_at).total_seconds()
        if not between and 0 < gap <= window_s:
            found.add((e.id, x.id))
    return found


@settings(max_examples=200, deadline=None)
@given(reads=read_sets(), data=st.data(), window_s=st.sampled_from([30.0, 60.0, 90.0]))
def test_pairing_is_a_function_of_the_set(
    reads: list[PlateRead], data: st.DataObject, window_s: float
) -> None:
    shuffled = data.draw(st.permutations(reads))
    passages = pair_passages(reads, section=SECTION, window_s=window_s)
    assert passages == pair_passages(shuffled, section=SECTION, window_s=window_s)
    got = {(p.entry.id, p.exit.id) for p in passages}
    assert got == oracle_pairs(reads, window_s)
    used = [r for p in passages for r in (p.entry.id, p.exit.id)]
    assert len(used) == len(set(used)), "a read is in at most one passage"


@settings(max_examples=200, deadline=None)
@given(reads=read_sets(), data=st.data())
def test_any_arrival_order_converges_on_the_pure_result(
    reads: list[PlateRead], data: st.DataObject
) -> None:
    arrival = data.draw(st.permutations(reads))
    store: Store = {}
    seen: list[PlateRead] = []
    for read in arrival:
        seen.append(read)
        apply(store, full(store, seen))
        assert active(store) == expected(seen)
    assert active(store) == expected(reads)


@settings(max_examples=200, deadline=None)
@given(reads=read_sets(), data=st.data(), batch=st.integers(1, 4))
def test_scoped_reconciliation_matches_the_full_history(
    reads: list[PlateRead], data: st.DataObject, batch: int
) -> None:
    """The service loads only the scope's reads and violations, as a real store would."""
    arrival = data.draw(st.permutations(reads))
    store: Store = {}
    seen: list[PlateRead] = []
    for start in range(0, len(arrival), batch):
        new = arrival[start:start + batch]
        seen.extend(new)
        scope = scope_for(new, window_s=WINDOW)
        loaded = [r for r in seen if scope.covers_read(r)]
        stored = [v for v in store.values() if scope.covers_exit(v.occurred_at)]
        apply(store, reconcile(stored, loaded, section=SECTION, tolerance=TOL,
                               window_s=WINDOW, scope=scope))
        assert active(store) == expected(seen)
    assert active(store) == expected(reads)


def test_violations_rebuilt_from_storage_with_plain_strings_are_understood() -> None:
    store: Store = {}
    reads = [entry(0, "e1"), exit_(40, "x")]
    apply(store, full(store, reads))
    (old_id,) = store
    raw: dict[str, Any] = {"type": "section-speed", "status": "pending"}
    store[old_id] = dataclasses.replace(store[old_id], **raw)
    assert full(store, [*reads, entry(20, "e2")]).withdraw == (old_id,)
