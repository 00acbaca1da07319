"""Which partition of the event log a vehicle's reads belong to.

Every read of one vehicle must reach the same rule worker, so that section pairing sees all
of them in one place: the partition is a stable hash of the canonical plate key (the same key
the rules pair on, so confusable readings of one plate also land together).
"""

from __future__ import annotations

import hashlib


def partition_of(plate_key: str, *, partitions: int) -> int:
    """The partition, in ``range(partitions)``, that owns ``plate_key``.

    A cryptographic hash rather than ``hash()``: it must agree across processes, machines and
    Python versions, and it spreads similar plates evenly.

    Raises:
        ValueError: If ``partitions`` is not positive.
    """
    if partitions < 1:
        raise ValueError("partitions must be at least 1")
    digest = hashlib.sha256(plate_key.encode()).digest()
    return int.from_bytes(digest[:8], "big") % partitions


def shard_partitions(*, partitions: int, worker_index: int, worker_count: int) -> list[int]:
    """The partitions worker ``worker_index`` of ``worker_count`` owns (round robin).

    Raises:
        ValueError: If the index is outside ``range(worker_count)`` or there are more
            workers than partitions (a worker would own nothing).
    """
    if not 0 <= worker_index < worker_count:
        raise ValueError("worker_index must be in range(worker_count)")
    if worker_count > partitions:
        raise ValueError("more workers than partitions: some would have nothing to do")
    return list(range(worker_index, partitions, worker_count))
