"""The citizen look-up page printed on every notice (``/notice``): no sign-in, no cookies.

A plain form over the same service and the same limits as ``/api/v1/public/notices``; any
mismatch is the same message, and a look-up answers only the holder of number and plate.
Its words are the console's catalogues' ``notice_page.*`` messages, in the language of
``?lang=`` or else the browser's (never a cookie).
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from platewarden.api.appeal_form import read_appeal
from platewarden.api.deps import container_of, public
from platewarden.api.routes.citizen import throttle, throttle_client, throttle_number
from platewarden.domain.notices import NoticeStatus
from platewarden.services.citizen import CitizenView
from platewarden.services.errors import ServiceError
from platewarden.web.i18n import DEFAULT_LANGUAGE, LANGUAGES, Translator, pick_language
from platewarden.web.render import PAGE_CSP

router = APIRouter(tags=["citizen"])
_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "public"),
                   autoescape=select_autoescape(), trim_blocks=True, lstrip_blocks=True)
Text64 = Annotated[str, Form(min_length=1, max_length=64)]
APPEALABLE = (NoticeStatus.ISSUED, NoticeStatus.DELIVERED, NoticeStatus.OVERDUE)
MESSAGES = "notice_page."  # the page's keys in locales/<code>.json


def _page(request: Request, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    lang = request.query_params.get("lang") or pick_language(
        None, request.headers.get("accept-language"))
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    settings = container_of(request).settings
    t = Translator(language=lang, utc_offset_hours=settings.misuse_utc_offset_hours)
    view: CitizenView | None = context.get("view")
    images = [{"role": i.role, "content_type": i.content_type,
               "data": base64.b64encode(i.data).decode()} for i in (view.images if view else ())]
    limits = {"count": settings.notices.appeal_attachments_max,
              "mb": round(settings.notices.appeal_attachment_max_bytes / 1_000_000, 1)}
    # A service error's code names its message; a code without one shows nothing.
    key = MESSAGES + context.pop("message_key", "")
    message = t(key, **limits) if key in t.keys else ""
    html = _env.get_template("notice.html").render(
        t=t, limits=limits, lang=lang, languages=LANGUAGES, images=images, message=message,
        max_attachments=settings.notices.appeal_attachments_max,
        can_appeal=view is not None and view.status in APPEALABLE, **context)
    response = HTMLResponse(html, status_code=status_code)
    response.headers["content-security-policy"] = PAGE_CSP
    response.headers["cache-control"] = "no-store"
    return response


@router.get("/notice", response_class=HTMLResponse, dependencies=[Depends(public)])
async def form(request: Request) -> HTMLResponse:
    """The look-up form."""
    return _page(request)


@router.post("/notice", response_class=HTMLResponse, dependencies=[Depends(public)])
async def look_up(request: Request, number: Text64, plate: Text64) -> HTMLResponse:
    """The notice for whoever holds its number and plate; one message for any mismatch."""
    try:
        throttle(request, number)
    except ServiceError:
        return _page(request, status_code=429, message_key="rate_limited")
    view = await run_in_threadpool(container_of(request).notices.citizen.look_up, number,
                                   plate)
    if view is None:
        return _page(request, status_code=404, message_key="no_match")
    return _page(request, view=view, plate=plate)


@router.post("/notice/verify", response_class=HTMLResponse, dependencies=[Depends(public)])
async def verify(request: Request, code: Text64) -> HTMLResponse:
    """Whether a verification code belongs to a notice: valid or not, nothing else."""
    try:
        throttle_client(request)
    except ServiceError:
        return _page(request, status_code=429, message_key="rate_limited")
    valid = await run_in_threadpool(container_of(request).notices.citizen.verify, code)
    return _page(request, message_key="code_valid" if valid else "code_invalid")


@router.post("/notice/appeal", response_class=HTMLResponse, dependencies=[Depends(public)])
async def appeal(request: Request) -> HTMLResponse:
    """File an appeal with a text and files (multipart form), then show the notice again."""
    container = container_of(request)
    citizen = container.notices.citizen
    try:
        throttle_client(request)  # before reading: a throttled client uploads nothing
        form = await read_appeal(request,
                                 limit=container.settings.notices.appeal_request_max_bytes())
        throttle_number(request, form.number)
        filed = await run_in_threadpool(citizen.appeal, form.number, form.plate,
                                        text=form.text, attachments=form.attachments)
    except ServiceError as exc:
        return _page(request, status_code=exc.status, message_key=exc.code)
    if filed is None:
        return _page(request, status_code=404, message_key="no_match")
    view = await run_in_threadpool(citizen.look_up, form.number, form.plate)
    return _page(request, view=view, plate=form.plate, message_key="appealed")
