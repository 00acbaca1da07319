"""Contract of ``ReadRepository.find_pass``: which read stands for a read's vehicle pass."""

from __future__ import annotations

from datetime import timedelta

from platewarden.services.unit_of_work import UnitOfWorkFactory
from unit.rules.factories import at, make_read

from .helpers import T0, add_cameras, add_read, us


def find_pass(uow_factory: UnitOfWorkFactory, *, read_id: str, seconds: float,
              window_s: float = 10.0, camera_id: str = "cam-1") -> str | None:
    """``find_pass`` for a read of the usual plate not stored itself."""
    read = make_read(read_id=read_id, camera_id=camera_id,
                     captured_at=T0 + timedelta(seconds=seconds))
    with uow_factory(read_only=True) as uow:
        return uow.reads.find_pass(read=read, window_s=window_s)


def test_an_earlier_read_is_looked_for_over_the_window_only(
        uow_factory: UnitOfWorkFactory) -> None:
    window = 10.0
    with uow_factory() as uow:
        add_cameras(uow, "cam-1", "cam-2")
        first = add_read(uow, read_id="first", captured_at=at(0))
        add_read(uow, read_id="other-plate", plate="01B999CC", captured_at=at(1))
        add_read(uow, camera_id="cam-2", read_id="elsewhere", captured_at=at(1))
        uow.commit()

    def probe(read_id: str, when: timedelta, camera_id: str = "cam-1") -> str | None:
        read = make_read(read_id=read_id, camera_id=camera_id, captured_at=T0 + when)
        with uow_factory(read_only=True) as uow:
            return uow.reads.find_pass(read=read, window_s=window)

    assert probe("x", timedelta(seconds=window)) == first.id  # inclusive lower bound
    assert probe("x", timedelta(seconds=window) + us(1)) is None
    assert probe("x", timedelta(seconds=-1)) is None  # a later read counts only if evaluated
    assert probe("first", timedelta(0)) is None  # a read is not its own pass
    assert probe("a", timedelta(0)) is None  # same instant: the lower id is the first
    assert probe("z", timedelta(0)) == first.id
    assert probe("x", timedelta(seconds=2), camera_id="cam-2") == "cam-2:elsewhere"


def test_a_queue_of_repeats_points_at_its_first_read(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        add_cameras(uow, "cam-1")
        first = add_read(uow, read_id="first", captured_at=at(0))
        second = add_read(uow, read_id="second", captured_at=at(8))
        uow.reads.mark_duplicate(second.id, duplicate_of=first.id)
        uow.commit()
    assert find_pass(uow_factory, read_id="third", seconds=16) == first.id
    with uow_factory(read_only=True) as uow:
        assert uow.reads.get(second.id).duplicate_of == first.id  # type: ignore[union-attr]


def test_a_late_read_joins_a_counted_later_read_only(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        add_cameras(uow, "cam-1")
        counted = add_read(uow, read_id="counted", captured_at=at(5))
        repeat = add_read(uow, read_id="repeat", captured_at=at(3))
        add_read(uow, read_id="pending", captured_at=at(2))
        uow.reads.mark_evaluated([counted.id, repeat.id])
        uow.reads.mark_duplicate(repeat.id, duplicate_of=counted.id)
        uow.commit()

    def probe(seconds: float, window_s: float = 10.0, read_id: str = "late") -> str | None:
        return find_pass(uow_factory, read_id=read_id, seconds=seconds, window_s=window_s)

    assert probe(0) == counted.id  # neither the unevaluated read nor the repeat
    assert probe(0, window_s=5) == counted.id  # inclusive upper bound
    assert probe(0, window_s=4.9) is None
    # The same instant counts, whichever id sorts first (nothing earlier in a 1 s window).
    assert probe(5, window_s=1, read_id="a-late") == counted.id
    assert probe(6, window_s=0.5) is None  # only later reads


def test_an_earlier_read_wins_over_a_counted_later_one(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        add_cameras(uow, "cam-1")
        first = add_read(uow, read_id="first", captured_at=at(0))
        again = add_read(uow, read_id="again", captured_at=at(2))
        counted = add_read(uow, read_id="counted", captured_at=at(8))
        uow.reads.mark_duplicate(again.id, duplicate_of=first.id)
        uow.reads.mark_evaluated([first.id, again.id, counted.id])
        uow.commit()

    assert find_pass(uow_factory, read_id="late", seconds=1) == first.id
    # Only the repeat is in reach behind (the counted read ahead too): it answers with its
    # original.
    assert find_pass(uow_factory, read_id="late", seconds=5, window_s=3) == first.id
    # Nothing in reach behind: the counted later read.
    assert find_pass(uow_factory, read_id="late", seconds=6, window_s=3) == counted.id
