"""Manual hotlist entries with four eyes, and removals, for supervisors and investigators.

Imports (``HotlistService.import_csv``) come from the agencies that own the lists; a single
entry typed in by hand is proposed by one person and approved by a different supervisor
before it matches anything. Removing an entry is a supervisor's decision with a reason.
Every step is audited with the list, ids and counts, never the plate.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from platewarden.domain import plates
from platewarden.domain.access import Permission
from platewarden.domain.audit import AuditAction
from platewarden.domain.hotlist_changes import (
    HotlistProposal,
    ProposalRefused,
    ProposalStatus,
    decide,
)
from platewarden.domain.violations import HotlistEntry
from platewarden.services.audit import AuditService
from platewarden.services.credentials import Principal
from platewarden.services.errors import NotFound, ServiceError
from platewarden.services.hotlists import entry_id_for
from platewarden.services.unit_of_work import UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True, slots=True, kw_only=True)
class ProposeEntry:
    """A request to list one vehicle by hand."""

    plate: str
    list_name: str
    reason: str
    source: str
    legal_basis: str
    expires_at: datetime
    priority: int = 3


class HotlistChanges:
    """Proposals, decisions and removals of hotlist entries."""

    def __init__(self, *, uow_factory: UnitOfWorkFactory, audit: AuditService,
                 clock: Callable[[], datetime]) -> None:
        self._uow_factory = uow_factory
        self._audit = audit
        self._clock = clock

    def propose(self, principal: Principal, request: ProposeEntry) -> HotlistProposal:
        """Propose an entry; it matches nothing until another supervisor approves it.

        Raises:
            ServiceError: ``forbidden`` without the permission; ``invalid_field`` for a
                plate that is no plate, an expiry in the past or a priority outside 1-5.
        """
        _require(principal, Permission.HOTLIST_PROPOSE)
        now = self._clock()
        proposal = HotlistProposal(id=uuid.uuid4().hex, entry=self._entry(request, now=now),
                                   proposed_by=principal.user_id, proposed_at=now)
        with self._uow_factory() as uow:
            uow.hotlist_changes.add_proposal(proposal)
            self._record(uow, principal, proposal, change="proposed")
            uow.commit()
        return proposal

    def pending(self, principal: Principal) -> list[HotlistProposal]:
        """Proposals waiting for a decision (supervisors)."""
        _require(principal, Permission.HOTLIST_APPROVE)
        with self._uow_factory(read_only=True) as uow:
            return uow.hotlist_changes.proposals(status=ProposalStatus.PENDING)

    def decide(self, principal: Principal, proposal_id: str, *,
               approve: bool) -> HotlistProposal:
        """Approve (the entry is listed at once) or reject a proposal of someone else.

        Raises:
            ServiceError: ``forbidden``, ``own_proposal``, ``conflict`` (already decided)
                or ``not_found``.
        """
        _require(principal, Permission.HOTLIST_APPROVE)
        with self._uow_factory() as uow:
            current = uow.hotlist_changes.proposal(proposal_id)
            if current is None:
                raise NotFound("No such proposal.")
            try:
                decided = decide(current, by=principal.user_id, approve=approve,
                                 at=self._clock())
            except ProposalRefused as refused:
                raise ServiceError(refused.code, refused.message) from refused
            uow.hotlist_changes.save_decision(decided)
            if approve:
                uow.hotlist.upsert([decided.entry], at=self._clock())
            self._record(uow, principal, decided, change=decided.status.value)
            uow.commit()
        return decided

    def remove(self, principal: Principal, entry_id: str, *, reason: str) -> HotlistEntry:
        """Take an entry off its list (supervisors), with a reason.

        Raises:
            ServiceError: ``forbidden``, ``invalid_field`` (no reason) or ``not_found``.
        """
        _require(principal, Permission.HOTLIST_APPROVE)
        if not 3 <= len(reason.strip()) <= 500:
            raise ServiceError("invalid_field", "Give a reason of 3 to 500 characters.")
        with self._uow_factory() as uow:
            removed = uow.hotlist_changes.remove_entry(entry_id)
            if removed is None:
                raise NotFound("No such hotlist entry.")
            self._audit.record(uow, actor=principal.user_id,
                               action=AuditAction.HOTLIST_CHANGED, target=entry_id,
                               details={"change": "removed", "list": removed.list_name,
                                        "reason": plates.mask_plates(reason.strip())[:200]})
            uow.commit()
        return removed

    def _entry(self, request: ProposeEntry, *, now: datetime) -> HotlistEntry:
        parsed = plates.parse(request.plate)
        if parsed.format == "invalid":
            raise ServiceError("invalid_field", "The plate is not a plate.")
        if request.expires_at <= now:
            raise ServiceError("invalid_field", "The entry must expire in the future.")
        if not 1 <= request.priority <= 5:
            raise ServiceError("invalid_field", "Priority is 1 (highest) to 5.")
        fields = (request.list_name, request.reason, request.source, request.legal_basis)
        if any(not f.strip() for f in fields):
            raise ServiceError("invalid_field",
                               "List, reason, source and legal basis must be filled.")
        return HotlistEntry(
            id=entry_id_for(request.list_name.strip(), parsed.text), plate=parsed.text,
            plate_key=plates.canonical_key(parsed.text), list_name=request.list_name.strip(),
            reason=request.reason.strip(), source=request.source.strip(),
            legal_basis=request.legal_basis.strip(), expires_at=request.expires_at,
            priority=request.priority)

    def _record(self, uow: UnitOfWork, principal: Principal, proposal: HotlistProposal, *,
                change: str) -> None:
        # The list and the ids, never the plate: hotlisted plates are personal data too.
        self._audit.record(uow, actor=principal.user_id, action=AuditAction.HOTLIST_CHANGED,
                           target=proposal.entry.id,
                           details={"change": change, "list": proposal.entry.list_name,
                                    "proposal": proposal.id})


def _require(principal: Principal, permission: Permission) -> None:
    if permission not in principal.permissions:
        raise ServiceError("forbidden", "Your role does not allow this.")
