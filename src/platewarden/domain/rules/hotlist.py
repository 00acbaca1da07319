"""Hotlist matching: is a read a vehicle of interest?

An exact plate match is a HIT. A plate that only shares the canonical key (it differs in
confusable characters such as ``0``/``O``) is a POSSIBLE_HIT that a person must confirm
before anyone acts on it. Entries expired at the read's capture time never match.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from platewarden.domain.plates import canonical_key, normalise
from platewarden.domain.reads import PlateRead
from platewarden.domain.rules._common import require_aware
from platewarden.domain.rules.ids import alert_id
from platewarden.domain.violations import Alert, AlertKind, HotlistEntry


def _alert(read: PlateRead, entry: HotlistEntry, kind: AlertKind) -> Alert:
    return Alert(
        id=alert_id(read.id, entry.id),
        kind=kind,
        read_id=read.id,
        hotlist_entry_id=entry.id,
        plate=read.plate,
        listed_plate=entry.plate,
        camera_id=read.camera_id,
        occurred_at=read.captured_at,
        priority=entry.priority,
    )


def _matches(read: PlateRead, candidates: Iterable[HotlistEntry]) -> list[Alert]:
    require_aware(read.captured_at, what="captured_at")
    plate = normalise(read.plate)
    key = canonical_key(plate)
    alerts = []
    for entry in candidates:
        listed = normalise(entry.plate)
        if canonical_key(listed) != key or not entry.active_at(read.captured_at):
            continue
        kind = AlertKind.HIT if listed == plate else AlertKind.POSSIBLE_HIT
        alerts.append(_alert(read, entry, kind))
    # Most urgent first; ties broken by id so the order never depends on the input's.
    alerts.sort(key=lambda a: (a.kind is not AlertKind.HIT, a.priority, a.hotlist_entry_id))
    return alerts


def match(read: PlateRead, entries: Iterable[HotlistEntry]) -> list[Alert]:
    """Alerts for ``read`` against ``entries`` (a linear scan; use :class:`HotlistIndex`).

    Keys are recomputed from the plate texts rather than trusted from the stored
    ``plate_key`` fields, so a stale key cannot hide or invent a match.

    Args:
        read: The read; its ``captured_at`` decides whether an entry is still active.
        entries: Hotlist entries.

    Returns:
        One alert per matching active entry: hits first, then by priority and entry id.

    Raises:
        ValueError: If the read's time is naive.
    """
    return _matches(read, entries)


class HotlistIndex:
    """Hotlist entries indexed by canonical key: matching costs O(entries under one key).

    Not thread-safe; build a new index and swap it in to refresh from another thread.
    """

    def __init__(self, entries: Iterable[HotlistEntry] = ()) -> None:
        """Index ``entries``; a later entry with the same id replaces an earlier one."""
        self._by_key: dict[str, dict[str, HotlistEntry]] = {}
        self._key_of: dict[str, str] = {}
        for entry in entries:
            self.add(entry)

    def add(self, entry: HotlistEntry) -> None:
        """Add ``entry``, replacing any entry with the same id."""
        self.discard(entry.id)
        key = canonical_key(entry.plate)
        self._by_key.setdefault(key, {})[entry.id] = entry
        self._key_of[entry.id] = key

    def discard(self, entry_id: str) -> bool:
        """Remove the entry with ``entry_id``; ``True`` if it was present."""
        key = self._key_of.pop(entry_id, None)
        if key is None:
            return False
        bucket = self._by_key[key]
        del bucket[entry_id]
        if not bucket:
            del self._by_key[key]
        return True

    def prune_expired(self, *, at: datetime) -> int:
        """Drop entries inactive at ``at`` (a time the caller chose); returns how many."""
        stale = [e.id for e in self if not e.active_at(at)]
        for entry_id in stale:
            self.discard(entry_id)
        return len(stale)

    def candidates(self, plate: str) -> tuple[HotlistEntry, ...]:
        """Entries sharing ``plate``'s canonical key, expired or not."""
        return tuple(self._by_key.get(canonical_key(plate), {}).values())

    def match(self, read: PlateRead) -> list[Alert]:
        """Same result as :func:`match` over every indexed entry."""
        return _matches(read, self.candidates(read.plate))

    def __len__(self) -> int:
        return len(self._key_of)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._key_of

    def __iter__(self) -> Iterator[HotlistEntry]:
        for bucket in self._by_key.values():
            yield from bucket.values()


class HotlistKeys:
    """The canonical keys of a whole hotlist: the per-read check, in memory, cheaply.

    A national list has about a million entries; holding every entry in a
    :class:`HotlistIndex` costs most of a gigabyte in each rule worker. Almost no read
    matches, so only the keys are held: a read whose key is absent cannot match (decided
    without I/O), and for the rare read whose key is present the caller fetches that key's
    entries and runs :func:`match` on them, which also re-checks the texts and the expiry.
    """

    def __init__(self, keys: Iterable[str] = ()) -> None:
        """Hold ``keys`` (canonical keys, as stored with each entry)."""
        self._keys = frozenset(keys)

    def key_of(self, plate: str) -> str | None:
        """``plate``'s canonical key if some entry shares it, else ``None``."""
        key = canonical_key(normalise(plate))
        return key if key in self._keys else None

    def __len__(self) -> int:
        return len(self._keys)
