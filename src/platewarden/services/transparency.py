"""The transparency report: aggregate, public-safe figures about what the system did.

Reads per camera region and day, hotlist hits per region, violations by type and status,
notices by status (issued in the period) and appeals by decision (filed in it), searches by
reason code, what retention deleted, and the newest signed audit checkpoint.
Counts only: no plate, no person, no camera id (regions are coarser than cameras), no case
reference. Counts below ``min_count`` (but above zero) are published as ``"<min_count"``
so a small region-day cannot single out a vehicle's trip. Reads and hits are counted from
what is still held, so a period older than the retention periods shows fewer; publish the
report periodically (the deletions themselves come from the audit trail and stay exact).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from platewarden.domain.audit import AuditAction
from platewarden.services.errors import ServiceError
from platewarden.services.privacy_ports import PrivacyUnitOfWorkFactory

FORMAT = "platewarden-transparency-report-v1"
_DELETION_KEYS = ("reads_deleted", "reads_pseudonymised", "violations_deleted",
                  "alerts_deleted", "objects_deleted", "evidence_keys_destroyed",
                  "pseudonym_keys_destroyed")


@dataclass(frozen=True, slots=True, kw_only=True)
class TransparencyReport:
    """The report as a JSON-ready document."""

    document: dict[str, Any]


class TransparencyService:
    """Builds transparency reports from aggregate queries and the audit trail."""

    def __init__(self, *, uow_factory: PrivacyUnitOfWorkFactory,
                 clock: Callable[[], datetime], min_count: int = 5) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._min = min_count

    def report(self, *, since: datetime, until: datetime) -> TransparencyReport:
        """The report for ``since`` (inclusive) to ``until`` (exclusive).

        Raises:
            ServiceError: ``invalid_field`` for an empty or reversed window.
        """
        if since.tzinfo is None or until.tzinfo is None or until <= since:
            raise ServiceError("invalid_field", "Give an aware window with since < until.")
        with self._uow_factory(read_only=True) as uow:
            reads = uow.transparency.reads_per_region_day(since, until)
            hits = uow.transparency.hits_per_region(since, until)
            violations = uow.transparency.violations_per_type(since, until)
            notices = uow.transparency.notices_per_status(since, until)
            appeals = uow.transparency.appeals_per_status(since, until)
            entries = uow.audit.find([AuditAction.SEARCH, AuditAction.RETENTION_RUN],
                                     start=since, end=until)
            checkpoints = uow.audit.checkpoints()
        searches = Counter(e.entry.details.get("reason", "unknown") for e in entries
                           if e.entry.action is AuditAction.SEARCH)
        deleted: Counter[str] = Counter()
        for e in entries:
            if e.entry.action is AuditAction.RETENTION_RUN and \
                    e.entry.details.get("dry_run") == "false":
                deleted.update({k: int(e.entry.details.get(k, "0")) for k in _DELETION_KEYS})
        newest = max(checkpoints, key=lambda c: c.sequence, default=None)
        return TransparencyReport(document={
            "format": FORMAT, "generated_at": self._clock().isoformat(),
            "period": {"since": since.isoformat(), "until": until.isoformat()},
            "small_counts_shown_as": f"<{self._min}",
            "reads_per_region_day": [{"region": region, "day": day, "reads": self._n(n)}
                                     for region, day, n in reads],
            "hotlist_hits_per_region": {r: self._n(n) for r, n in sorted(hits.items())},
            "violations_by_type": {kind: {s: self._n(n) for s, n in sorted(by.items())}
                                   for kind, by in sorted(violations.items())},
            "notices_by_status": {s: self._n(n) for s, n in sorted(notices.items())},
            "appeals_by_status": {s: self._n(n) for s, n in sorted(appeals.items())},
            "searches_by_reason": {r: self._n(n) for r, n in sorted(searches.items())},
            "deletions": {k: deleted.get(k, 0) for k in _DELETION_KEYS},
            "audit_checkpoint": None if newest is None else {
                "sequence": newest.sequence, "entry_hash": newest.entry_hash.hex(),
                "at": newest.at.isoformat(), "signature": newest.signature.hex()},
        })

    def _n(self, count: int) -> int | str:
        return count if count == 0 or count >= self._min else f"<{self._min}"
