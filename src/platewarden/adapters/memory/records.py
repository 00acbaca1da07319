"""Violations, alerts and the hotlist in plain dicts."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime

from platewarden.adapters.memory.state import Transaction, in_regions, stored_time
from platewarden.domain.clock import to_us
from platewarden.domain.violations import Alert, HotlistEntry, Violation, ViolationStatus
from platewarden.services.unit_of_work import ViolationFilter


def _newest_first(item: Violation | Alert) -> tuple[int, str]:
    return (-to_us(item.occurred_at), item.id)


class MemoryViolations:
    """Violations and hotlist alerts."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    def add_if_absent(self, violation: Violation, *, created_at: datetime) -> bool:
        if violation.id in self._tx.read().violations:
            return False
        # Normalised as a round trip through the SQL columns would normalise them.
        self._tx.write().violations[violation.id] = dataclasses.replace(
            violation, occurred_at=stored_time(violation.occurred_at),
            read_ids=tuple(violation.read_ids), measured=float(violation.measured),
            limit=float(violation.limit), details=dict(violation.details))
        return True

    def get(self, violation_id: str) -> Violation | None:
        return self._tx.read().violations.get(violation_id)

    def find(self, query: ViolationFilter) -> list[Violation]:
        state = self._tx.read()
        found = [v for v in state.violations.values()
                 if (query.status is None or v.status == query.status)
                 and (query.type is None or v.type == query.type)
                 and in_regions(state, v.camera_id, query.camera_regions)]
        found.sort(key=_newest_first)
        return found[query.offset:query.offset + query.limit]

    def for_section_plate(self, section_id: str, plate_key: str) -> list[Violation]:
        return [v for v in self._tx.read().violations.values()
                if v.details.get("section_id") == section_id and v.plate_key == plate_key]

    def for_reads(self, read_ids: Sequence[str]) -> list[Violation]:
        wanted = set(read_ids)
        return [v for v in self._tx.read().violations.values() if wanted & set(v.read_ids)]

    def alerts_for_reads(self, read_ids: Sequence[str]) -> list[Alert]:
        wanted = set(read_ids)
        return [a for a in self._tx.read().alerts.values() if a.read_id in wanted]

    def set_status(self, violation_id: str, status: ViolationStatus, *, by: str | None,
                   at: datetime, note: str | None,
                   details: Mapping[str, str] | None = None) -> bool:
        # Who reviewed it, when and why are stored by the SQL adapter but never read back
        # through the interface, so the fake keeps only the status and details.
        if violation_id not in self._tx.read().violations:
            return False
        violations = self._tx.write().violations
        current = violations[violation_id]
        violations[violation_id] = dataclasses.replace(
            current, status=status, details=dict(details) if details is not None
            else current.details)
        return True

    def add_alert_if_absent(self, alert: Alert, *, created_at: datetime) -> bool:
        if alert.id in self._tx.read().alerts:
            return False
        self._tx.write().alerts[alert.id] = dataclasses.replace(
            alert, occurred_at=stored_time(alert.occurred_at))
        return True

    def get_alert(self, alert_id: str) -> Alert | None:
        return self._tx.read().alerts.get(alert_id)

    def set_alert_status(self, alert_id: str, status: str) -> bool:
        if alert_id not in self._tx.read().alerts:
            return False
        alerts = self._tx.write().alerts
        alerts[alert_id] = dataclasses.replace(alerts[alert_id], status=status)
        return True

    def list_alerts(self, *, limit: int, offset: int,
                    camera_regions: frozenset[str] | None = None) -> list[Alert]:
        state = self._tx.read()
        found = [a for a in state.alerts.values()
                 if in_regions(state, a.camera_id, camera_regions)]
        return sorted(found, key=_newest_first)[offset:offset + limit]


class MemoryHotlist:
    """Hotlist entries; the version changes with every upsert."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    def upsert(self, entries: Iterable[HotlistEntry], *, at: datetime) -> int:
        state = self._tx.write()
        count = 0
        for entry in entries:
            state.hotlist[entry.id] = dataclasses.replace(
                entry, expires_at=stored_time(entry.expires_at))
            state.hotlist_listed[entry.id] = stored_time(at)
            count += 1
        state.hotlist_version += 1
        return count

    def active(self, *, at: datetime) -> list[HotlistEntry]:
        return [e for e in self._tx.read().hotlist.values() if e.expires_at > at]

    def version(self) -> str:
        number = self._tx.read().hotlist_version
        return f"memory-{number}" if number else "empty"

    def keys(self) -> set[str]:
        return {e.plate_key for e in self._tx.read().hotlist.values()}

    def for_keys(self, keys: Collection[str]) -> list[HotlistEntry]:
        wanted = set(keys)
        return [e for e in self._tx.read().hotlist.values() if e.plate_key in wanted]

    def listed_at(self, entry_ids: Collection[str]) -> dict[str, datetime]:
        state = self._tx.read()
        return {i: state.hotlist_listed[i] for i in entry_ids
                if i in state.hotlist and i in state.hotlist_listed}
