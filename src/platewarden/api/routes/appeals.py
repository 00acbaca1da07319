"""Reviewers' appeal queue: open appeals in their regions, decided with a reason.

The original evidence is the violation's: ``GET /api/v1/violations/{violation_id}`` and its
evidence routes, as for any review. The appellant's files are listed with the appeal and
served one by one, region-scoped like the appeal and audited like evidence.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, StringConstraints
from starlette.concurrency import run_in_threadpool

from platewarden.api.deps import container_of, require
from platewarden.bootstrap import Container
from platewarden.domain.access import Permission
from platewarden.services.accounts import Principal
from platewarden.services.appeal_attachments import EXTENSIONS
from platewarden.services.appeal_queue import AppealCase
from platewarden.services.notice_ports import AppealAttachment

router = APIRouter(prefix="/api/v1/appeals", tags=["appeals"])
APPEAL_ID = Path(pattern=r"^[0-9a-f]{16}$")
ATTACHMENT_ID = Path(pattern=r"^[0-9a-f]{16}$")


class AttachmentItem(BaseModel):
    """A file the appellant attached (metadata; ``url`` serves the bytes)."""

    id: str
    name: str
    content_type: str
    size_bytes: int
    url: str


class AppealItem(BaseModel):
    """An open appeal with its notice, its files, and the violation to open for evidence."""

    id: str
    number: str
    violation_id: str
    notice_status: str
    text: str
    filed_at: datetime
    attachments: list[AttachmentItem]


class DecisionIn(BaseModel):
    """Uphold the fine (``true``) or cancel the notice (``false``), with a reason."""

    model_config = ConfigDict(extra="forbid")
    uphold: bool
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                             max_length=500)]


class DecisionOut(BaseModel):
    """The decided appeal."""

    id: str
    status: str
    decided_by: str | None
    reason: str


def _item(case: AppealCase) -> AppealItem:
    appeal = case.appeal
    files = [AttachmentItem(id=a.id, name=a.name, content_type=a.content_type,
                            size_bytes=a.size_bytes,
                            url=f"{router.prefix}/{appeal.id}/attachments/{a.id}")
             for a in case.attachments]
    return AppealItem(id=appeal.id, number=appeal.number,
                      violation_id=case.notice.violation_id,
                      notice_status=case.notice.status.value, text=appeal.text,
                      filed_at=appeal.filed_at, attachments=files)


def _queue(container: Container, principal: Principal) -> list[AppealItem]:
    return [_item(c) for c in container.notices.appeal_queue.open_cases(scope=principal.scope)]


@router.get("", response_model=list[AppealItem])
async def open_appeals(request: Request,
                       principal: Principal = Depends(require(Permission.VIOLATIONS_REVIEW))
                       ) -> list[AppealItem]:
    """Open appeals in the reviewer's regions, oldest first."""
    return await run_in_threadpool(_queue, container_of(request), principal)


@router.post("/{appeal_id}/decision", response_model=DecisionOut)
async def decide(body: DecisionIn, request: Request, appeal_id: str = APPEAL_ID,
                 principal: Principal = Depends(require(Permission.VIOLATIONS_REVIEW))
                 ) -> DecisionOut:
    """Uphold or cancel, with a reason (kept in the notice's history and the audit trail)."""
    decided = await run_in_threadpool(
        container_of(request).notices.appeal_queue.decide, appeal_id, scope=principal.scope,
        uphold=body.uphold, reviewer=principal.user_id, reason=body.reason)
    return DecisionOut(id=decided.id, status=decided.status.value,
                       decided_by=decided.decided_by, reason=decided.reason)


@router.get("/{appeal_id}/attachments/{attachment_id}")
async def attachment(request: Request, appeal_id: str = APPEAL_ID,
                     attachment_id: str = ATTACHMENT_ID,
                     principal: Principal = Depends(require(Permission.VIOLATIONS_REVIEW))
                     ) -> StreamingResponse:
    """One attached file, decrypted; 404 outside the reviewer's regions, as for absent."""
    # One answer for absent and out of region alike.
    found, chunks = await run_in_threadpool(
        container_of(request).notices.appeal_queue.attachment, appeal_id, attachment_id,
        scope=principal.scope, actor=principal.user_id)
    return attachment_response(found, chunks)


def attachment_response(found: AppealAttachment, chunks: Iterator[bytes]) -> StreamingResponse:
    """An appeal's file, always as a download under a name of ours (the appellant's name
    stays in the listing, where it is escaped)."""
    disposition = f'attachment; filename="appeal-{found.id}.{EXTENSIONS[found.content_type]}"'
    return StreamingResponse(chunks, media_type=found.content_type,
                             headers={"content-disposition": disposition})
