"""The messages and policy of purpose-bound search (``services.search``): plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from platewarden.domain.reads import PlateRead
from platewarden.domain.search import MisusePolicy, QueryKind
from platewarden.services.errors import ServiceError
from platewarden.services.unit_of_work import UnitOfWork

_STATUS = {"approval_required": 403, "approval_not_usable": 403, "self_approval": 403,
           "forbidden": 403, "conflict": 409}
HISTORY_KIND = "history"


class PseudonymousLookup(Protocol):
    """Finds reads whose plate text was replaced by a keyed pseudonym (``services.pseudonyms``)."""

    def find(self, uow: UnitOfWork, plate: str, *, start: datetime, end: datetime,
             limit: int, camera_regions: frozenset[str] | None) -> list[PlateRead]: ...


class SearchError(ServiceError):
    """A refused search, approval or signal request."""

    @property
    def status(self) -> int:
        """403 for approval problems, 422 for a bad request."""
        return _STATUS.get(self.code, 422)


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchPolicy:
    """What searches must name and how far back they may reach."""

    reason_codes: frozenset[str]
    default_window_days: int = 90
    max_results: int = 500
    approval_ttl_days: int = 7
    misuse: MisusePolicy = field(default_factory=MisusePolicy)


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchRequest:
    """One search (or vehicle-history request) as the caller asks for it."""

    query: str
    kind: QueryKind
    reason_code: str | None
    case_reference: str | None
    since: datetime
    until: datetime
    approval_id: str | None = None
    limit: int = 100


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchResult:
    """The reads found and the audit entry that recorded the search."""

    reads: tuple[PlateRead, ...]
    audit_sequence: int
    approval_id: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Approval:
    """A request for a wider search, and whether a supervisor approved it."""

    id: str
    requested_by: str
    approved_by: str | None
    audit_sequence: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PendingApproval:
    """What a supervisor sees of a request: who, why, which case, which window (no plate)."""

    id: str
    requested_by: str
    requested_at: datetime
    reason_code: str
    case_reference: str
    kind: str
    since: datetime
    until: datetime
