"""One pass, one read."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from platewarden.domain.reads import PlateRead
from platewarden.domain.rules.dedupe import first_reads, is_repeat

from .factories import at, make_read


def read(seconds: float, n: str, **kw: Any) -> PlateRead:
    return make_read(read_id=n, captured_at=at(seconds), **kw)


def test_the_later_of_two_close_reads_is_the_repeat() -> None:
    first, second = read(0, "a"), read(1, "b")
    assert is_repeat(second, [first], window_s=2)
    assert not is_repeat(first, [second], window_s=2)


def test_simultaneous_reads_break_the_tie_by_id() -> None:
    a, b = read(5, "a"), read(5, "b")
    assert [is_repeat(a, [b], window_s=2), is_repeat(b, [a], window_s=2)] == [False, True]


def test_window_boundary_is_inclusive() -> None:
    assert is_repeat(read(2, "b"), [read(0, "a")], window_s=2)
    assert not is_repeat(read(2.000001, "b"), [read(0, "a")], window_s=2)


def test_other_cameras_and_plates_do_not_count() -> None:
    base = read(0, "a")
    assert not is_repeat(read(1, "b", camera_id="cam-2"), [base], window_s=2)
    assert not is_repeat(read(1, "b", plate="10B456CD"), [base], window_s=2)


def test_confusable_readings_of_one_pass_are_repeats() -> None:
    assert is_repeat(read(1, "b", plate="O1A123BC"), [read(0, "a")], window_s=2)


def test_the_read_itself_is_skipped() -> None:
    only = read(0, "a")
    assert not is_repeat(only, [only], window_s=2)


def test_a_queue_collapses_onto_its_first_read() -> None:
    reads = [read(0, "a"), read(1.5, "b"), read(3, "c"), read(10, "d")]
    assert [r.read_id for r in first_reads(reads, window_s=2)] == ["a", "d"]


SPECS = st.lists(
    st.tuples(st.integers(0, 20), st.sampled_from(["cam-1", "cam-2"]),
              st.sampled_from(["01A123BC", "O1A123BC", "10B456CD"])),
    max_size=10,
)


@settings(max_examples=200, deadline=None)
@given(specs=SPECS, data=st.data(), window_s=st.sampled_from([0.0, 1.0, 3.0]))
def test_first_reads_is_is_repeat_over_the_set_in_any_order(
    specs: list[tuple[int, str, str]], data: st.DataObject, window_s: float
) -> None:
    reads = [read(t, f"r{n}", camera_id=cam, plate=plate) for n, (t, cam, plate)
             in enumerate(specs)]
    brute = [r for r in reads if not is_repeat(r, reads, window_s=window_s)]
    kept = first_reads(data.draw(st.permutations(reads)), window_s=window_s)
    assert sorted(r.id for r in kept) == sorted(r.id for r in brute)
    # No two counted reads of one camera and plate key are within the window.
    for a in kept:
        for b in kept:
            same = (a.camera_id, a.plate_key) == (b.camera_id, b.plate_key)
            if a.id != b.id and same:
                assert abs((a.captured_at - b.captured_at).total_seconds()) > window_s
