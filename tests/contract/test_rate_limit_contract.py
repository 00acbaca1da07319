"""Rate limiters: the in-memory one and the database one (SQLite, PostgreSQL) keep one contract.

The database limiter adds what the in-memory one cannot do: several processes (here, several
engines on one database) count against one allowance, and it stores no client address.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from contract.conftest import empty_engine
from platewarden.adapters.db.engine import make_engine
from platewarden.adapters.db.ratelimit import SqlRateLimiter
from platewarden.adapters.ratelimit import SlidingWindowLimiter
from platewarden.services.ports import RateLimiter

KEY = b"k" * 32


class Clock:
    """Wall seconds the test moves by hand (the database limiter's windows are wall time)."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


MakeLimiter = Callable[..., RateLimiter]


@pytest.fixture(params=["memory", pytest.param("sql", marks=pytest.mark.integration),
                        pytest.param("postgresql", marks=pytest.mark.integration)])
def make_limiter(request: pytest.FixtureRequest, migrated_template: Path,
                 tmp_path: Path) -> Iterator[MakeLimiter]:
    """A factory of limiters of one kind: ``make_limiter(limit=, window_s=, clock=)``."""
    if request.param == "memory":
        yield lambda **options: SlidingWindowLimiter(**options)
        return
    with empty_engine(request, migrated_template, tmp_path) as engine:
        yield lambda **options: SqlRateLimiter(engine, bucket="test", hmac_key=KEY, **options)


@pytest.fixture(params=[pytest.param("sql", marks=pytest.mark.integration),
                        pytest.param("postgresql", marks=pytest.mark.integration)])
def engines(request: pytest.FixtureRequest, migrated_template: Path,
            tmp_path: Path) -> Iterator[tuple[Engine, Engine]]:
    """Two engines (two connection pools, as two processes have) on one empty database."""
    with empty_engine(request, migrated_template, tmp_path) as engine:
        other = make_engine(engine.url.render_as_string(hide_password=False))
        try:
            yield engine, other
        finally:
            other.dispose()


def test_the_limit_holds_per_key(make_limiter: MakeLimiter) -> None:
    limiter = make_limiter(limit=3, window_s=60.0, clock=Clock())
    assert [limiter.allow("10.0.0.1") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("10.0.0.2")  # another client is not affected


def test_refused_attempts_are_not_counted_and_the_window_passes(
        make_limiter: MakeLimiter) -> None:
    clock = Clock()
    limiter = make_limiter(limit=2, window_s=10.0, clock=clock)
    assert limiter.allow("a")
    assert limiter.allow("a")
    for _ in range(20):  # hammering while refused does not prolong the block
        assert not limiter.allow("a")
    clock.now += 20.0  # two windows on, nothing of the old attempts counts any more
    assert [limiter.allow("a") for _ in range(3)] == [True, True, False]


def test_expired_windows_are_pruned_on_demand_and_live_ones_kept(
        make_limiter: MakeLimiter) -> None:
    clock = Clock()
    limiter = make_limiter(limit=1, window_s=10.0, clock=clock)
    assert limiter.allow("gone")  # never tried again: only a scheduled prune removes it
    clock.now += 15.0
    assert limiter.allow("live")
    clock.now += 6.0  # "gone" can no longer count, "live" still does
    assert limiter.prune_expired(dry_run=True) == 1
    assert limiter.prune_expired(dry_run=True) == 1  # a dry run removes nothing
    assert limiter.prune_expired() == 1
    assert limiter.prune_expired() == 0
    assert not limiter.allow("live")  # its attempt still counts against it


def test_processes_share_one_allowance(engines: tuple[Engine, Engine]) -> None:
    clock = Clock()
    first, second = (SqlRateLimiter(e, bucket="login", limit=4, window_s=60.0, hmac_key=KEY,
                                    clock=clock) for e in engines)
    answers = [limiter.allow("203.0.113.9") for limiter in (first, second) * 3]
    assert answers == [True, True, True, True, False, False]


def test_buckets_are_separate(engines: tuple[Engine, Engine]) -> None:
    engine, _ = engines
    login = SqlRateLimiter(engine, bucket="login", limit=1, window_s=60.0, hmac_key=KEY,
                           clock=Clock())
    look_up = SqlRateLimiter(engine, bucket="notice-client", limit=1, window_s=60.0,
                             hmac_key=KEY, clock=Clock())
    assert login.allow("203.0.113.9")
    assert look_up.allow("203.0.113.9")
    assert not login.allow("203.0.113.9")


def test_no_client_address_is_stored_and_old_windows_are_pruned(
        engines: tuple[Engine, Engine]) -> None:
    engine, _ = engines
    clock = Clock()
    limiter = SqlRateLimiter(engine, bucket="login", limit=5, window_s=60.0, hmac_key=KEY,
                             clock=clock)
    for n in range(3):
        assert limiter.allow(f"198.51.100.{n}")
    with engine.connect() as conn:
        keys = [row.key_hmac for row in conn.execute(text("SELECT key_hmac FROM rate_limit_hits"))]
    assert len(keys) == 3
    assert not any("198.51.100" in key for key in keys)
    clock.now += 180.0  # three windows later the first attempt's window is pruned
    assert limiter.allow("198.51.100.7")
    with engine.connect() as conn:
        left = conn.execute(text("SELECT count(*) FROM rate_limit_hits")).scalar_one()
    assert left == 1


def test_each_bucket_prunes_only_its_own_windows_by_its_own_length(
        engines: tuple[Engine, Engine]) -> None:
    engine, _ = engines
    clock = Clock()
    login = SqlRateLimiter(engine, bucket="login", limit=5, window_s=60.0, hmac_key=KEY,
                           clock=clock)
    per_notice = SqlRateLimiter(engine, bucket="notice-number", limit=5, window_s=3600.0,
                                hmac_key=KEY, clock=clock)
    assert login.allow("203.0.113.9")
    assert per_notice.allow("PW-2026-1234567890")
    clock.now += 180.0  # three minute windows on, still inside the first hour
    assert per_notice.prune_expired() == 0
    assert login.prune_expired() == 1
    with engine.connect() as conn:
        left = list(conn.execute(text("SELECT bucket FROM rate_limit_hits")).scalars())
    assert left == ["notice-number"]


def test_concurrent_attempts_never_exceed_the_limit(engines: tuple[Engine, Engine]) -> None:
    clock = Clock()
    limiters = [SqlRateLimiter(e, bucket="notice-number", limit=10, window_s=3600.0,
                               hmac_key=KEY, clock=clock) for e in engines]
    allowed: list[bool] = []
    lock = threading.Lock()

    def attempt(limiter: SqlRateLimiter) -> None:
        for _ in range(8):
            answer = limiter.allow("PW-2026-1234567890")
            with lock:
                allowed.append(answer)

    threads = [threading.Thread(target=attempt, args=(limiters[n % 2],)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 32
    assert allowed.count(True) == 10
