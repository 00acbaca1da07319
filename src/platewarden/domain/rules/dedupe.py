"""One vehicle passing one camera is one read.

Cameras often read the same plate several times in one pass (several frames, a slow
queue). Of reads of one plate at one camera that lie within ``window_s`` of each other,
only the earliest by ``(captured_at, id)`` counts; the rest are repeats.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from platewarden.domain.reads import PlateRead


def _order(read: PlateRead) -> tuple[datetime, str]:
    return (read.captured_at, read.id)


def is_repeat(read: PlateRead, recent: Iterable[PlateRead], *, window_s: float) -> bool:
    """Whether ``read`` repeats an earlier read of the same pass.

    ``read`` is a repeat when some other read in ``recent`` has the same camera and plate
    key, lies within ``window_s`` seconds (inclusive) and comes before it by
    ``(captured_at, id)``. Of two close reads exactly one is therefore a repeat, whichever
    arrived first. A chain of reads each within the window of the previous one (a queue
    in front of the camera) collapses onto its first read.

    Args:
        read: The read in question (may itself be in ``recent``; it is skipped).
        recent: Other reads, e.g. the camera's reads around ``read.captured_at``.
        window_s: Largest gap in seconds between reads of one pass.

    Returns:
        ``True`` if ``read`` should not be counted again.
    """
    window = timedelta(seconds=window_s)
    for other in recent:
        if other.id == read.id or other.camera_id != read.camera_id:
            continue
        if other.plate_key != read.plate_key:
            continue
        if abs(read.captured_at - other.captured_at) <= window and _order(other) < _order(read):
            return True
    return False


def first_reads(reads: Iterable[PlateRead], *, window_s: float) -> list[PlateRead]:
    """The reads of a set that are not repeats of another read in the set.

    Equal to ``[r for r in reads if not is_repeat(r, reads, window_s=window_s)]`` but
    O(n log n), and ordered by ``(captured_at, id)``; repeated ids count once.
    """
    window = timedelta(seconds=window_s)
    groups: dict[tuple[str, str], dict[str, PlateRead]] = defaultdict(dict)
    for read in reads:
        groups[(read.camera_id, read.plate_key)].setdefault(read.id, read)
    kept: list[PlateRead] = []
    for group in groups.values():
        previous: PlateRead | None = None
        for read in sorted(group.values(), key=_order):
            # Sorted, so the nearest earlier read decides: if it is out of the window, so
            # is every read before it.
            if previous is None or read.captured_at - previous.captured_at > window:
                kept.append(read)
            previous = read
    kept.sort(key=_order)
    return kept
