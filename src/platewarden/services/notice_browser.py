"""Notices as staff see them: a page at a time, and one notice with its whole case.

Region-scoped like violations: a notice is seen only by users of the region of its
violation's camera, and outside it is a ``NotFound`` like an absent one. A notice holds
personal data (the keeper's name and address), so each one opened is a ``record-viewed``
audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from platewarden.domain.access import RegionScope
from platewarden.domain.audit import AuditAction
from platewarden.domain.notices import Notice, NoticeStatus, StatusChange
from platewarden.services.audit import AuditService
from platewarden.services.errors import NotFound
from platewarden.services.notice_ports import Appeal, NoticeUnitOfWorkFactory
from platewarden.services.queries import OperatorQueries, ViolationView

MAX_PAGE = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class NoticeDetail:
    """A notice, its violation with the reads, its status history and its appeals."""

    notice: Notice
    violation: ViolationView
    history: tuple[StatusChange, ...]
    appeals: tuple[Appeal, ...]


class NoticeBrowser:
    """Lists notices and opens one, within a user's regions."""

    def __init__(self, *, uow_factory: NoticeUnitOfWorkFactory, queries: OperatorQueries,
                 audit: AuditService) -> None:
        self._uow_factory = uow_factory
        self._queries = queries
        self._audit = audit

    def page(self, *, scope: RegionScope, status: NoticeStatus | None = None,
             limit: int = 50, offset: int = 0) -> list[Notice]:
        """Notices in ``scope``, newest first (``limit`` at most ``MAX_PAGE``)."""
        with self._uow_factory(read_only=True) as uow:
            return uow.notices.find(status=status, camera_regions=scope.as_filter(),
                                    limit=min(max(limit, 1), MAX_PAGE), offset=max(offset, 0))

    def detail(self, number: str, *, scope: RegionScope, viewer: str) -> NoticeDetail:
        """The notice ``number`` with its case; the look is audited.

        Raises:
            NotFound: No such notice, or not in ``scope``.
        """
        number = number.strip().upper()
        with self._uow_factory(read_only=True) as uow:
            notice = uow.notices.get(number)
        try:
            if notice is None:
                raise NotFound
            view = self._queries.violation(notice.violation_id, scope=scope)
        except NotFound as exc:
            raise NotFound("No such notice.") from exc
        with self._uow_factory() as uow:
            history = uow.notices.history(number)
            appeals = uow.notices.appeals(status=None, number=number)
            self._audit.record(uow, actor=viewer, action=AuditAction.RECORD_VIEWED,
                               target=number, details={"kind": "notice"})
            uow.commit()
        return NoticeDetail(notice=notice, violation=view, history=tuple(history),
                            appeals=tuple(appeals))
