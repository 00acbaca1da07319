"""The reviewers' appeal queue, region-scoped: what the API and the console both show.

An appeal is seen only by reviewers of the region of its violation's camera, exactly as the
violation itself; outside it, the appeal, its files and its decision are one ``NotFound``
with one message, whether the appeal exists or not.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from platewarden.domain.access import RegionScope
from platewarden.domain.notices import Notice
from platewarden.services.appeal_attachments import AppealAttachments
from platewarden.services.errors import NotFound
from platewarden.services.notice_cases import NoticeCases
from platewarden.services.notice_ports import Appeal, AppealAttachment, AppealStatus
from platewarden.services.queries import OperatorQueries, ViolationView

NO_SUCH_APPEAL = "No such appeal."


@dataclass(frozen=True, slots=True, kw_only=True)
class AppealCase:
    """An appeal with its notice, the violation and its reads, and the appellant's files."""

    appeal: Appeal
    notice: Notice
    violation: ViolationView
    attachments: tuple[AppealAttachment, ...]


class AppealQueue:
    """Open appeals in a reviewer's regions, one case at a time, and their decisions."""

    def __init__(self, *, cases: NoticeCases, attachments: AppealAttachments,
                 queries: OperatorQueries) -> None:
        self._cases = cases
        self._attachments = attachments
        self._queries = queries

    def open_cases(self, *, scope: RegionScope) -> list[AppealCase]:
        """Open appeals whose violation lies in ``scope``, oldest first.

        The region filter is the query's: only appeals in ``scope`` are read and made into
        cases, however many other regions' appeals are open.
        """
        found = []
        for appeal in self._cases.appeals(status=AppealStatus.OPEN, scope=scope):
            try:
                found.append(self._case_of(appeal, scope=scope))
            except NotFound:  # its notice or violation is gone (a nationwide scope keeps it)
                continue
        return found

    def case(self, appeal_id: str, *, scope: RegionScope,
             viewer: str | None = None) -> AppealCase:
        """One appeal in ``scope`` (a person's look, ``viewer``, is audited as a record view).

        Raises:
            NotFound: No such appeal, or not in ``scope``.
        """
        try:
            return self._case_of(self._cases.appeal(appeal_id), scope=scope, viewer=viewer)
        except NotFound as exc:
            raise NotFound(NO_SUCH_APPEAL) from exc

    def _case_of(self, appeal: Appeal, *, scope: RegionScope,
                 viewer: str | None = None) -> AppealCase:
        """The case of ``appeal``; :class:`NotFound` without its notice or outside ``scope``."""
        notice = self._cases.notice(appeal.number)
        view = self._queries.violation(notice.violation_id, scope=scope, viewer=viewer)
        return AppealCase(appeal=appeal, notice=notice, violation=view,
                          attachments=tuple(self._attachments.of_appeal(appeal.id)))

    def attachment(self, appeal_id: str, attachment_id: str, *, scope: RegionScope,
                   actor: str) -> tuple[AppealAttachment, Iterator[bytes]]:
        """One file of an appeal in ``scope``, decrypted; the look is audited.

        Raises:
            NotFound: No such file on that appeal, or the appeal is not in ``scope``.
        """
        try:
            self.case(appeal_id, scope=scope)
            return self._attachments.open(appeal_id, attachment_id, actor=actor)
        except NotFound as exc:
            raise NotFound("No such attachment.") from exc

    def decide(self, appeal_id: str, *, scope: RegionScope, uphold: bool, reviewer: str,
               reason: str) -> Appeal:
        """Uphold the fine or cancel the notice, with a reason, for an appeal in ``scope``.

        Raises:
            NotFound: No such appeal, or not in ``scope``.
            ServiceError: ``conflict`` if decided already, ``invalid_field`` without reason.
        """
        self.case(appeal_id, scope=scope)
        return self._cases.decide_appeal(appeal_id, uphold=uphold, reviewer=reviewer,
                                         reason=reason)
