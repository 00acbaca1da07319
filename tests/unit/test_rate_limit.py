"""The in-memory sliding-window limiter behind the ingest flood guard."""

from __future__ import annotations

from platewarden.adapters.ratelimit import SlidingWindowLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_limit_applies_per_key_and_the_window_slides() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(limit=3, window_s=60, clock=clock)
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b")  # another client is not affected
    clock.now += 59.9
    assert not limiter.allow("a")
    clock.now += 0.1  # the first three events leave the window
    assert limiter.allow("a")


def test_refused_events_do_not_extend_the_wait() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(limit=1, window_s=10, clock=clock)
    assert limiter.allow("a")
    for _ in range(5):
        clock.now += 1
        assert not limiter.allow("a")
    clock.now += 5
    assert limiter.allow("a")
