"""The citizen look-up: the one public data surface (a notice by its number and plate).

Both fields are required and checked together; any mismatch, a malformed number included,
is the same 404 with the same body, so no answer tells which field was wrong or whether a
number exists. Every attempt counts against two limits before anything is looked up: per
client address (``lookups_per_client_per_min``) and per notice number
(``lookups_per_notice_per_h``, so many addresses cannot share the guessing of one notice's
plate). Bodies, not URLs, carry the number and plate: they stay out of access logs.
"""

from __future__ import annotations

import base64
import dataclasses
from datetime import datetime
from typing import Any, get_type_hints

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, create_model
from starlette.concurrency import run_in_threadpool

from platewarden.api.appeal_form import Field64, read_appeal
from platewarden.api.deps import container_of, public
from platewarden.api.ratelimit import client_key, limiter
from platewarden.domain.notices import number_is_well_formed
from platewarden.services.citizen import CitizenView
from platewarden.services.errors import NotFound, ServiceError

router = APIRouter(prefix="/api/v1/public/notices", tags=["citizen"])
NO_MATCH = "No notice matches this number and plate."


class LookupIn(BaseModel):
    """The notice number and the plate, both as printed on the notice."""

    model_config = ConfigDict(extra="forbid")
    number: Field64
    plate: Field64


class VerifyIn(BaseModel):
    """A verification code printed on a notice."""

    model_config = ConfigDict(extra="forbid")
    code: Field64


class ImageOut(BaseModel):
    """An evidence image (redacted for disclosure), inline."""

    role: str
    content_type: str
    data_base64: str


class AppealOut(BaseModel):
    """An appeal as the appellant sees it."""

    id: str
    filed_at: datetime
    status: str
    reason: str
    attachments: int = 0


def _notice_model() -> type[BaseModel]:
    """``NoticeOut`` built from :class:`CitizenView`'s fields: the list lives there alone.

    Three have a wire form of their own: the status's value, images inline (base64) and
    appeals as the appellant sees them.
    """
    hints = get_type_hints(CitizenView)
    wire: dict[str, Any] = {"status": str, "images": list[ImageOut],
                            "appeals": list[AppealOut]}
    fields: dict[str, Any] = {f.name: (wire.get(f.name, hints[f.name]), ...)
                              for f in dataclasses.fields(CitizenView)}
    return create_model("NoticeOut", __module__=__name__, __doc__=(
        "A notice as its holder sees it: the case, never the keeper's personal data."),
        **fields)


NoticeOut = _notice_model()


def _refused() -> ServiceError:
    return ServiceError("rate_limited", "Too many look-ups; wait a while and try again.")


def throttle_client(request: Request) -> None:
    """Count an attempt against the client's window; 429 past it."""
    if not limiter(request, "notice-client").allow(client_key(request)):
        raise _refused()


def throttle_number(request: Request, number: str) -> None:
    """Count an attempt against the notice's window; 429 past it."""
    # Only well-formed numbers get a window of their own, so made-up ones cannot crowd out
    # (and so reset) the window of a real notice; they share one and never match anyway.
    number = number.strip().upper()
    if not limiter(request, "notice-number").allow(
            number if number_is_well_formed(number) else "malformed"):
        raise _refused()


def throttle(request: Request, number: str) -> None:
    """Count a look-up against the client's and the notice's windows; 429 past either."""
    throttle_client(request)  # first: a throttled client spends none of the notice's window
    throttle_number(request, number)


def _out(view: CitizenView) -> BaseModel:
    shared = {f.name: getattr(view, f.name) for f in dataclasses.fields(CitizenView)}
    return NoticeOut(**shared | {
        "status": view.status.value,
        "images": [ImageOut(role=i.role, content_type=i.content_type,
                            data_base64=base64.b64encode(i.data).decode())
                   for i in view.images],
        "appeals": [AppealOut(id=a.id, filed_at=a.filed_at, status=a.status.value,
                              reason=a.reason) for a in view.appeals]})


@router.post("/lookup", response_model=NoticeOut, dependencies=[Depends(public)])
async def look_up(body: LookupIn, request: Request) -> BaseModel:
    """The notice, its status and its evidence, for the holder of its number and plate."""
    throttle(request, body.number)
    view = await run_in_threadpool(container_of(request).notices.citizen.look_up,
                                   body.number, body.plate)
    if view is None:
        raise NotFound(NO_MATCH)
    return _out(view)


@router.post("/appeal", response_model=AppealOut, status_code=201,
             dependencies=[Depends(public)])
async def appeal(request: Request) -> AppealOut:
    """File an appeal against the notice with a text, and files if sent as multipart.

    ``{number, plate, text}`` as JSON, or the same fields as ``multipart/form-data`` with up
    to ``notices.appeal_attachments_max`` files in ``attachments`` (PDF, JPEG, PNG).
    """
    container = container_of(request)
    throttle_client(request)  # before reading: a throttled client uploads nothing
    appeal = await read_appeal(request,
                               limit=container.settings.notices.appeal_request_max_bytes())
    throttle_number(request, appeal.number)
    filed = await run_in_threadpool(container.notices.citizen.appeal, appeal.number,
                                    appeal.plate, text=appeal.text,
                                    attachments=appeal.attachments)
    if filed is None:
        raise NotFound(NO_MATCH)
    return AppealOut(id=filed.id, filed_at=filed.filed_at, status=filed.status.value,
                     reason=filed.reason, attachments=len(appeal.attachments))


@router.post("/verify", dependencies=[Depends(public)])
async def verify(body: VerifyIn, request: Request) -> dict[str, bool]:
    """Whether a verification code belongs to a notice: valid or not, nothing else."""
    throttle_client(request)
    valid = await run_in_threadpool(container_of(request).notices.citizen.verify, body.code)
    return {"valid": valid}
