"""The simulated hotlist: which vehicles are of interest, and its CSV file."""

from __future__ import annotations

import csv
import os
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from platewarden.domain.plates import canonical_key, normalise
from platewarden.domain.violations import HotlistEntry
from platewarden.sim.plates import random_plate

CSV_COLUMNS = ("plate", "list", "reason", "source", "legal_basis", "expires_at", "priority")
_LISTS = (
    ("stolen", "vehicle reported stolen", 1),
    ("wanted", "vehicle sought in a criminal investigation", 2),
)
_SOURCE = "SIMULATED: Tashkent city police (demo data)"
_LEGAL_BASIS = "SIMULATED: Criminal Procedure Code of the Republic of Uzbekistan (demo data)"


@dataclass(frozen=True, slots=True, kw_only=True)
class HotlistPlan:
    """The hotlist of a scenario and the decoys it contains.

    Attributes:
        entries: Every entry, to be loaded on the server.
        expired_plates: Plates whose (only) entry expired before the scenario starts.
    """

    entries: tuple[HotlistEntry, ...]
    expired_plates: tuple[str, ...]


def _entry(number: int, plate: str, rng: random.Random, *, expires_at: datetime) -> HotlistEntry:
    list_name, reason, priority = rng.choice(_LISTS)
    return HotlistEntry(id=f"sim-{number:04d}", plate=plate, plate_key=canonical_key(plate),
                        list_name=list_name, reason=reason, source=_SOURCE,
                        legal_basis=_LEGAL_BASIS, expires_at=expires_at, priority=priority)


def plan_hotlist(rng: random.Random, *, listed: Sequence[str], expired: Sequence[str],
                 confusable: Sequence[str], used_keys: set[str], start: datetime,
                 unseen: int = 3) -> HotlistPlan:
    """Build the entries of a scenario.

    Args:
        rng: Source of list names and of unseen plates.
        listed: Plates of vehicles in the scenario to list (active entries).
        expired: Plates of vehicles in the scenario whose entry expired before ``start``.
        confusable: Listed plates that no vehicle carries but that share a canonical key with
            one (they give possible hits).
        used_keys: Canonical keys of every plate in the scenario; unseen plates avoid them
            (and are added to them).
        start: Scenario start; active entries expire 90 days after it.
        unseen: How many listed plates no vehicle carries at all.
    """
    active_until, gone_at = start + timedelta(days=90), start - timedelta(days=1)
    planned = [(plate, active_until) for plate in (*listed, *confusable)]
    planned += [(plate, gone_at) for plate in expired]
    while unseen > 0:
        plate = random_plate(rng)
        if canonical_key(plate) not in used_keys:
            used_keys.add(canonical_key(plate))
            planned.append((plate, active_until))
            unseen -= 1
    entries = tuple(_entry(n, plate, rng, expires_at=expires)
                    for n, (plate, expires) in enumerate(planned, start=1))
    return HotlistPlan(entries=entries, expired_plates=tuple(expired))


def write_hotlist_csv(path: str | os.PathLike[str], entries: Iterable[HotlistEntry]) -> int:
    """Write ``entries`` as CSV with columns ``plate,list,reason,source,legal_basis,
    expires_at,priority`` (``expires_at`` in ISO 8601 UTC); returns the number of rows."""
    rows = 0
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for entry in entries:
            writer.writerow((normalise(entry.plate), entry.list_name, entry.reason,
                             entry.source, entry.legal_basis, entry.expires_at.isoformat(),
                             entry.priority))
            rows += 1
    return rows
