"""Manual hotlist entries: one person proposes, a supervisor approves (four eyes).

An entry typed in by hand can put any vehicle under watch, so no one may do it alone: an
investigator or supervisor proposes it, and a different supervisor decides.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from platewarden.domain.violations import HotlistEntry


class ProposalStatus(StrEnum):
    """Where a proposed entry stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ProposalRefused(ValueError):
    """A decision that breaks the four-eyes rule; ``code`` is machine-readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True, kw_only=True)
class HotlistProposal:
    """A manual hotlist entry waiting for, or given, a supervisor's decision.

    Attributes:
        id: Proposal id.
        entry: The entry as it would be listed.
        proposed_by: User id of the proposer.
        proposed_at: When it was proposed.
        status: Pending, approved or rejected.
        decided_by: User id of the supervisor who decided, once decided.
        decided_at: When it was decided.
    """

    id: str
    entry: HotlistEntry
    proposed_by: str
    proposed_at: datetime
    status: ProposalStatus = ProposalStatus.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None


def decide(proposal: HotlistProposal, *, by: str, approve: bool,
           at: datetime) -> HotlistProposal:
    """The proposal after ``by`` approved or rejected it.

    Raises:
        ProposalRefused: ``conflict`` when it was already decided; ``own_proposal`` when
            the proposer tries to decide it.
    """
    if proposal.status is not ProposalStatus.PENDING:
        raise ProposalRefused("conflict", f"The proposal is already {proposal.status}.")
    if by == proposal.proposed_by:
        raise ProposalRefused("own_proposal",
                              "A proposal must be decided by another supervisor.")
    status = ProposalStatus.APPROVED if approve else ProposalStatus.REJECTED
    return dataclasses.replace(proposal, status=status, decided_by=by, decided_at=at)
