"""Importing hotlists (stolen, wanted ...) from CSV."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Collection
from datetime import UTC, datetime

from platewarden.domain import plates
from platewarden.domain.audit import AuditAction
from platewarden.domain.violations import HotlistEntry
from platewarden.services.audit import AuditService
from platewarden.services.errors import ServiceError
from platewarden.services.unit_of_work import UnitOfWorkFactory

COLUMNS = ("plate", "list", "reason", "source", "legal_basis", "expires_at", "priority")


def _entry(row: dict[str, str], line: int) -> HotlistEntry:
    missing = [c for c in COLUMNS[:-1] if not (row.get(c) or "").strip()]
    if missing:
        raise ServiceError("invalid_csv", f"Line {line}: {', '.join(missing)} must be filled.")
    parsed = plates.parse(row["plate"])
    if parsed.format == "invalid":
        raise ServiceError("invalid_csv", f"Line {line}: the plate is not a plate.")
    try:
        expires = datetime.fromisoformat(row["expires_at"].strip())
    except ValueError as exc:
        raise ServiceError("invalid_csv", f"Line {line}: expires_at is not an ISO 8601 "
                           "date-time.") from exc
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    try:
        priority = int((row.get("priority") or "3").strip())
    except ValueError as exc:
        raise ServiceError("invalid_csv", f"Line {line}: priority must be 1-5.") from exc
    if not 1 <= priority <= 5:
        raise ServiceError("invalid_csv", f"Line {line}: priority must be 1-5.")
    list_name = row["list"].strip()
    return HotlistEntry(id=entry_id_for(list_name, parsed.text), plate=parsed.text,
                        plate_key=plates.canonical_key(parsed.text), list_name=list_name,
                        reason=row["reason"].strip(), source=row["source"].strip(),
                        legal_basis=row["legal_basis"].strip(), expires_at=expires,
                        priority=priority)


def entry_id_for(list_name: str, plate: str) -> str:
    """An entry's id: one entry per plate and list, so a re-import replaces it."""
    return hashlib.sha256(f"{list_name}\x00{plate}".encode()).hexdigest()[:32]


def parse_csv(text: str) -> list[HotlistEntry]:
    """Entries from CSV text with the columns in ``COLUMNS``; all or nothing."""
    # Spreadsheets write a byte-order mark that would otherwise stick to the first header.
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    header = set(reader.fieldnames or [])
    absent = [c for c in COLUMNS[:-1] if c not in header]
    if absent:
        raise ServiceError("invalid_csv", f"Missing column(s): {', '.join(absent)}.")
    return [_entry(row, number) for number, row in enumerate(reader, start=2)]


class HotlistService:
    """Keeps the hotlist in the database."""

    def __init__(self, *, uow_factory: UnitOfWorkFactory,
                 clock: Callable[[], datetime], audit: AuditService | None = None) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._audit = audit

    def listed_at(self, entry_ids: Collection[str]) -> dict[str, datetime]:
        """When each entry (still on its list) was listed: how old the reason to act is."""
        with self._uow_factory(read_only=True) as uow:
            return uow.hotlist.listed_at(entry_ids)

    def import_csv(self, text: str, *, actor: str = "system") -> int:
        """Insert or replace the entries in ``text``; returns how many."""
        entries = parse_csv(text)
        with self._uow_factory() as uow:
            count = uow.hotlist.upsert(entries, at=self._clock())
            if self._audit is not None:
                # Counts only: hotlist plates are personal data and stay out of the log.
                lists = sorted({e.list_name for e in entries})
                self._audit.record(uow, actor=actor, action=AuditAction.HOTLIST_IMPORTED,
                                   details={"entries": str(count), "lists": str(len(lists))})
            uow.commit()
        return count
