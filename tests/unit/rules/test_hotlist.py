"""Hotlist matching and its index."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from platewarden.domain.plates import canonical_key
from platewarden.domain.rules import hotlist
from platewarden.domain.rules.hotlist import HotlistIndex, HotlistKeys
from platewarden.domain.rules.ids import alert_id
from platewarden.domain.violations import AlertKind

from .factories import T0, make_entry, make_read


def test_exact_plate_is_a_hit() -> None:
    read = make_read(plate="01 A 123 BC", camera_id="cam-9")
    (alert,) = hotlist.match(read, [make_entry("01A123BC")])
    assert alert.kind is AlertKind.HIT
    assert alert.id == alert_id(read.id, "h1")
    assert (alert.read_id, alert.hotlist_entry_id) == (read.id, "h1")
    assert (alert.plate, alert.listed_plate) == ("01A123BC", "01A123BC")
    assert (alert.camera_id, alert.occurred_at, alert.priority) == ("cam-9", T0, 2)
    assert alert.status == "open"


def test_confusable_plate_is_only_a_possible_hit() -> None:
    read = make_read(plate="01A123BC")
    (alert,) = hotlist.match(read, [make_entry("O1A1238C")])  # O/0 and 8/B fold together
    assert alert.kind is AlertKind.POSSIBLE_HIT
    assert alert.listed_plate == "O1A1238C"


def test_different_plates_do_not_match() -> None:
    assert hotlist.match(make_read(plate="01A123BC"), [make_entry("01A123BD")]) == []


def test_expired_entries_never_match() -> None:
    read = make_read(plate="01A123BC")
    assert hotlist.match(read, [make_entry("01A123BC", expires_at=T0)]) == []
    just_active = make_entry("01A123BC", expires_at=T0 + timedelta(microseconds=1))
    assert len(hotlist.match(read, [just_active])) == 1


def test_expiry_is_judged_at_capture_time_not_now() -> None:
    old_read = make_read(captured_at=T0 - timedelta(days=400))
    entry = make_entry(expires_at=T0 - timedelta(days=300))  # long expired "today"
    assert len(hotlist.match(old_read, [entry])) == 1


def test_stale_stored_keys_are_not_trusted() -> None:
    entry = make_entry("01A123BC", plate_key="WRONG")
    assert len(hotlist.match(make_read(plate="01A123BC"), [entry])) == 1


def test_several_entries_are_ordered_hits_first_then_priority() -> None:
    entries = [
        make_entry("O1A123BC", id="h-possible", priority=1),
        make_entry("01A123BC", id="h-low", priority=5),
        make_entry("01A123BC", id="h-high", priority=1),
    ]
    alerts = hotlist.match(make_read(plate="01A123BC"), entries)
    assert [a.hotlist_entry_id for a in alerts] == ["h-high", "h-low", "h-possible"]


def test_index_matches_like_the_scan() -> None:
    entries = [make_entry("01A123BC", id="a"), make_entry("O1A123BC", id="b"),
               make_entry("10B456CD", id="c"), make_entry("01A123BC", id="d", expires_at=T0)]
    index = HotlistIndex(entries)
    read = make_read(plate="01A123BC")
    assert index.match(read) == hotlist.match(read, entries)
    assert len(index) == 4
    assert len(index.candidates("01A123BC")) == 3


def test_index_add_replace_and_discard() -> None:
    index = HotlistIndex()
    index.add(make_entry("01A123BC", id="a"))
    index.add(make_entry("10B456CD", id="a"))  # same id: replaced, old key emptied
    assert len(index) == 1
    assert "a" in index
    assert index.match(make_read(plate="01A123BC")) == []
    assert len(index.match(make_read(plate="10B456CD"))) == 1
    assert index.discard("a") is True
    assert index.discard("a") is False
    assert len(index) == 0
    assert list(index) == []


def test_index_prunes_entries_expired_at_a_given_time() -> None:
    index = HotlistIndex([make_entry(id="old", expires_at=T0),
                          make_entry(id="new", expires_at=T0 + timedelta(days=1))])
    assert index.prune_expired(at=T0) == 1
    assert [e.id for e in index] == ["new"]


def test_index_stays_fast_with_many_entries() -> None:
    # Every entry shares nothing with the read but one: matching looks at one bucket.
    entries = [make_entry(f"01A{n:03d}XY", id=f"h{n}") for n in range(1000)]
    index = HotlistIndex(entries)
    assert len(index.candidates("01A123XY")) == 1
    assert [a.hotlist_entry_id for a in index.match(make_read(plate="01A123XY"))] == ["h123"]


PLATES = st.sampled_from(["01A123BC", "O1A123BC", "01A12385", "10B456CD", "1OB456CD"])


@settings(max_examples=100, deadline=None)
@given(
    read_plate=PLATES,
    listed=st.lists(st.tuples(PLATES, st.integers(-2, 2)), max_size=8),
)
def test_index_equals_scan(read_plate: str, listed: list[tuple[str, int]]) -> None:
    entries = [make_entry(plate, id=f"h{n}", expires_at=T0 + timedelta(seconds=offset))
               for n, (plate, offset) in enumerate(listed)]
    read = make_read(plate=read_plate)
    alerts = hotlist.match(read, entries)
    assert HotlistIndex(entries).match(read) == alerts
    for alert in alerts:
        expected = AlertKind.HIT if alert.listed_plate == read.plate else AlertKind.POSSIBLE_HIT
        assert alert.kind is expected


def test_hotlist_keys_find_a_plate_and_its_confusable_readings_only() -> None:
    keys = HotlistKeys([canonical_key("01A123BC")])
    assert keys.key_of("01 a 123 bc") == canonical_key("01A123BC")
    assert keys.key_of("01A1238C") == canonical_key("01A123BC")  # 8/B alike
    assert keys.key_of("01A124BC") is None
    assert len(keys) == 1
    assert len(HotlistKeys()) == 0
