"""Purpose-bound search of plate reads, supervisor approvals and misuse signals.

Every search, approval request and approval is an audit entry written in the same unit of
work as the lookup, so no search happens without its trace. Approvals need no table of their
own: a request is the audit entry ``search-approval-requested`` (its sequence number is the
approval id), an approval is ``search-approved`` targeting it, and a search that used it
targets it too, which makes it single-use. Audit details carry a keyed hash of the plate,
never its text.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from platewarden.domain.access import Permission
from platewarden.domain.audit import AuditAction, AuditRecord
from platewarden.domain.clock import from_us, to_us
from platewarden.domain.search import (
    MisuseSignal,
    PlateQuery,
    QueryKind,
    SearchRefused,
    check_case_reference,
    check_reason,
    check_window,
    misuse_signals,
    parse_query,
)
from platewarden.services.accounts import Principal
from platewarden.services.audit import AuditService
from platewarden.services.errors import NotFound
from platewarden.services.search_types import (
    HISTORY_KIND,
    Approval,
    PendingApproval,
    PseudonymousLookup,
    SearchError,
    SearchPolicy,
    SearchRequest,
    SearchResult,
)
from platewarden.services.unit_of_work import UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True, slots=True, kw_only=True)
class _Checked:
    query: PlateQuery
    reason: str
    case: str
    plate_hash: str
    needs_approval: bool


class SearchService:
    """Searches reads for investigators, approvals for supervisors, signals for auditors."""

    def __init__(self, *, uow_factory: UnitOfWorkFactory, audit: AuditService,
                 clock: Callable[[], datetime], policy: SearchPolicy,
                 plate_hash_key: bytes) -> None:
        self._uow_factory = uow_factory
        self._audit = audit
        self._clock = clock
        self._policy = policy
        self._key = plate_hash_key
        self.pseudonymous: PseudonymousLookup | None = None

    def search(self, principal: Principal, request: SearchRequest) -> SearchResult:
        """Reads matching the query, newest first, recorded in the audit log.

        Raises:
            SearchError: ``reason_required``, ``case_reference_required``,
                ``invalid_query``, ``invalid_window``, ``approval_required`` (403) or
                ``approval_not_usable`` (403).
        """
        return self._run(principal, request, purpose=request.kind.value)

    def vehicle_history(self, principal: Principal, request: SearchRequest) -> SearchResult:
        """Every read of one vehicle (confusable-aware) in the window, oldest first."""
        request = dataclasses.replace(request, kind=QueryKind.CONFUSABLE)
        result = self._run(principal, request, purpose=HISTORY_KIND)
        return SearchResult(reads=result.reads[::-1], audit_sequence=result.audit_sequence,
                            approval_id=result.approval_id)

    def request_approval(self, principal: Principal, request: SearchRequest) -> Approval:
        """Ask a supervisor to approve a search reaching before the default window."""
        _require(principal, Permission.READS_SEARCH)
        checked = self._check(request)
        if not checked.needs_approval:
            raise SearchError("invalid_window", "This window needs no approval.")
        with self._uow_factory() as uow:
            record = self._audit.record(
                uow, actor=principal.user_id, action=AuditAction.SEARCH_APPROVAL_REQUESTED,
                details={**_describe(checked, request), "kind": request.kind.value})
            uow.commit()
        return Approval(id=str(record.sequence), requested_by=principal.user_id,
                        approved_by=None, audit_sequence=record.sequence)

    def approve(self, principal: Principal, approval_id: str) -> Approval:
        """Approve another user's request (never one's own).

        Raises:
            NotFound: No such request.
            SearchError: ``self_approval`` (403), ``conflict`` when already approved, or
                ``approval_not_usable`` when it expired.
        """
        _require(principal, Permission.SEARCH_APPROVE)
        with self._uow_factory() as uow:
            requested = self._request_entry(uow, approval_id)
            if requested.entry.actor == principal.user_id:
                raise SearchError("self_approval", "You cannot approve your own request.")
            if self._approver(uow, requested) is not None:
                raise SearchError("conflict", "This request is already approved.")
            self._check_fresh(requested)
            record = self._audit.record(uow, actor=principal.user_id,
                                        action=AuditAction.SEARCH_APPROVED,
                                        target=approval_id,
                                        details={"requested_by": requested.entry.actor})
            uow.commit()
        return Approval(id=approval_id, requested_by=requested.entry.actor,
                        approved_by=principal.user_id, audit_sequence=record.sequence)

    def approved_window(self, principal: Principal, approval_id: str
                        ) -> tuple[datetime, datetime]:
        """The window of one's own approval request, so a search can ask for exactly it.

        Raises:
            NotFound: No such request of this user.
        """
        _require(principal, Permission.READS_SEARCH)
        with self._uow_factory(read_only=True) as uow:
            requested = self._request_entry(uow, approval_id)
        if requested.entry.actor != principal.user_id:
            raise NotFound("No such approval request.")
        details = requested.entry.details
        return from_us(int(details["since_us"])), from_us(int(details["until_us"]))

    def pending_approvals(self, principal: Principal) -> list[PendingApproval]:
        """Requests not yet approved nor expired, oldest first, for a supervisor to judge."""
        _require(principal, Permission.SEARCH_APPROVE)
        start = self._clock() - timedelta(days=self._policy.approval_ttl_days)
        with self._uow_factory(read_only=True) as uow:
            requests = uow.audit.find([AuditAction.SEARCH_APPROVAL_REQUESTED], start=start)
            first = requests[0].sequence if requests else 1
            approved = {r.entry.target for r in uow.audit.find([AuditAction.SEARCH_APPROVED],
                                                               from_seq=first)}
        return [_pending(r) for r in requests if str(r.sequence) not in approved]

    def misuse(self, principal: Principal, *, since: datetime | None = None,
               until: datetime | None = None) -> list[MisuseSignal]:
        """The misuse signals raised by searches in ``since``..``until``; the look is audited.

        ``until`` defaults to now and ``since`` to the default search window before it.
        """
        _require(principal, Permission.AUDIT_READ)
        until = until or self._clock()
        since = since or until - timedelta(days=self._policy.default_window_days)
        try:
            check_window(since, until, now=until, default_days=0)
        except SearchRefused as refused:
            raise SearchError(refused.code, refused.message) from refused
        with self._uow_factory() as uow:
            entries = [r.entry for r in uow.audit.find([AuditAction.SEARCH], start=since,
                                                       end=until)]
            self._audit.record(uow, actor=principal.user_id, action=AuditAction.RECORD_VIEWED,
                               target="misuse-signals",
                               details={"since_us": str(to_us(since)),
                                        "until_us": str(to_us(until)),
                                        "entries": str(len(entries))})
            uow.commit()
        return misuse_signals(entries, self._policy.misuse)

    def plate_hash(self, query: PlateQuery) -> str:
        """Keyed hash that correlates searches for one vehicle without revealing it."""
        digest = hmac.new(self._key, query.correlation_key.encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    def _run(self, principal: Principal, request: SearchRequest, *,
             purpose: str) -> SearchResult:
        _require(principal, Permission.READS_SEARCH)
        checked = self._check(request)
        limit = max(1, min(request.limit, self._policy.max_results))
        with self._uow_factory() as uow:
            approval = None
            if checked.needs_approval:
                approval = self._usable_approval(uow, principal, checked, request)
            reads = uow.reads.search(checked.query, start=request.since, end=request.until,
                                     limit=limit, camera_regions=principal.scope.as_filter())
            if self.pseudonymous is not None and checked.query.kind is QueryKind.EXACT:
                # Reads past the pseudonymisation age match only an exact plate (keyed HMAC).
                older = self.pseudonymous.find(uow, checked.query.value, start=request.since,
                                               end=request.until, limit=limit,
                                               camera_regions=principal.scope.as_filter())
                reads = sorted([*reads, *older], key=lambda r: r.captured_at,
                               reverse=True)[:limit]
            details = {**_describe(checked, request), "kind": purpose,
                       "results": str(len(reads))}
            if approval is not None:
                details["approval"] = approval
            record = self._audit.record(uow, actor=principal.user_id,
                                        action=AuditAction.SEARCH, target=approval or "",
                                        details=details)
            uow.commit()
        return SearchResult(reads=tuple(reads), audit_sequence=record.sequence,
                            approval_id=approval)

    def _check(self, request: SearchRequest) -> _Checked:
        try:
            reason = check_reason(request.reason_code, self._policy.reason_codes)
            case = check_case_reference(request.case_reference)
            query = parse_query(request.query, request.kind)
            needs = check_window(request.since, request.until, now=self._clock(),
                                 default_days=self._policy.default_window_days)
        except SearchRefused as refused:
            raise SearchError(refused.code, refused.message) from refused
        return _Checked(query=query, reason=reason, case=case,
                        plate_hash=self.plate_hash(query), needs_approval=needs)

    def _usable_approval(self, uow: UnitOfWork, principal: Principal, checked: _Checked,
                         request: SearchRequest) -> str:
        if not request.approval_id:
            raise SearchError("approval_required", "Searches reaching more than "
                              f"{self._policy.default_window_days} days back need a "
                              "supervisor's approval: request one first.")
        requested = self._request_entry(uow, request.approval_id)
        details = requested.entry.details
        refusal = None
        if requested.entry.actor != principal.user_id:
            refusal = "it was requested by someone else"
        elif details.get("plate_hash") != checked.plate_hash:
            refusal = "it is for another plate or query"
        elif not (int(details["since_us"]) <= to_us(request.since)
                  and to_us(request.until) <= int(details["until_us"])):
            refusal = "the window is wider than approved"
        elif self._approver(uow, requested) is None:
            refusal = "no supervisor has approved it yet"
        elif uow.audit.find([AuditAction.SEARCH], from_seq=requested.sequence,
                            target=request.approval_id):
            refusal = "it was already used"
        if refusal is not None:
            raise SearchError("approval_not_usable", f"The approval is not usable: {refusal}.")
        self._check_fresh(requested)
        return request.approval_id

    def _request_entry(self, uow: UnitOfWork, approval_id: str) -> AuditRecord:
        valid = approval_id.isascii() and approval_id.isdigit() and len(approval_id) <= 18
        found = uow.audit.range(int(approval_id), int(approval_id)) if valid else []
        if not found or found[0].entry.action is not AuditAction.SEARCH_APPROVAL_REQUESTED:
            raise NotFound("No such approval request.")
        return found[0]

    @staticmethod
    def _approver(uow: UnitOfWork, requested: AuditRecord) -> str | None:
        approvals = uow.audit.find([AuditAction.SEARCH_APPROVED], from_seq=requested.sequence,
                                   target=str(requested.sequence))
        return approvals[0].entry.actor if approvals else None

    def _check_fresh(self, requested: AuditRecord) -> None:
        if requested.entry.at + timedelta(days=self._policy.approval_ttl_days) < self._clock():
            raise SearchError("approval_not_usable", "The approval request has expired.")


def plate_hash_key(master_key: bytes) -> bytes:
    """The key for plate hashes in audit entries, derived from (never equal to) the master key."""
    return hmac.new(master_key, b"platewarden-search-plate-hash-v1", hashlib.sha256).digest()


def _pending(record: AuditRecord) -> PendingApproval:
    details = record.entry.details
    return PendingApproval(id=str(record.sequence), requested_by=record.entry.actor,
                           requested_at=record.entry.at, reason_code=details["reason"],
                           case_reference=details["case"], kind=details["kind"],
                           since=from_us(int(details["since_us"])),
                           until=from_us(int(details["until_us"])))


def _require(principal: Principal, permission: Permission) -> None:
    if permission not in principal.permissions:
        raise SearchError("forbidden", "Your role does not allow this.")


def _describe(checked: _Checked, request: SearchRequest) -> dict[str, str]:
    return {"reason": checked.reason, "case": checked.case, "plate_hash": checked.plate_hash,
            "since_us": str(to_us(request.since)), "until_us": str(to_us(request.until))}
