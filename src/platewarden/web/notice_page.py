"""The citizen look-up page printed on every notice (``/notice``): no sign-in, no cookies.

A plain form over the same service and the same limits as ``/api/v1/public/notices``; any
mismatch is the same message, and a look-up answers only the holder of number and plate.
"""

# ruff: noqa: RUF001 - Uzbek letters with U+02BB and Cyrillic words, not look-alikes

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
from platewarden.web.i18n import LANGUAGES, pick_language
from platewarden.web.render import PAGE_CSP

router = APIRouter(tags=["citizen"])
_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "public"),
                   autoescape=select_autoescape(), trim_blocks=True, lstrip_blocks=True)
Text64 = Annotated[str, Form(min_length=1, max_length=64)]
APPEALABLE = (NoticeStatus.ISSUED, NoticeStatus.DELIVERED, NoticeStatus.OVERDUE)
WORDS: dict[str, dict[str, str]] = {
    "en": {"title": "Check a notice", "number": "Notice number", "plate": "Plate",
           "look_up": "Look up", "status": "Status", "offence": "Offence", "when": "Time",
           "where": "Place", "measured": "Measured / limit", "law": "Legal basis",
           "amount": "Fine (som)", "until": "until", "due": "Due by",
           "reference": "Payment reference", "appeal": "Appeal",
           "appeal_text": "Why the notice is wrong",
           "no_match": "No notice matches this number and plate.",
           "appealed": "Your appeal has been filed.",
           "rate_limited": "Too many look-ups; wait a while and try again.",
           "code_valid": "This verification code belongs to a notice issued by this system.",
           "code_invalid": "This verification code does not belong to any notice.",
           "code": "Verification code",
           "attachments": "Documents or photos (PDF, JPEG, PNG; up to {count}, {mb} MB each)",
           "too_many_attachments": "Too many files: attach at most {count}.",
           "attachment_empty": "One of the files is empty.",
           "attachment_too_large": "One of the files is larger than {mb} MB.",
           "attachment_type_unsupported": "Only PDF, JPEG and PNG files can be attached.",
           "attachment_unreadable": "One of the files is damaged or incomplete.",
           "body_too_large": "The files together are too large.",
           "invalid_field": "Fill in every field (the text at most 5000 characters).",
           "conflict": "This notice cannot be appealed now.",
           "check": "Check the code"},
    "ru": {"title": "Проверка постановления", "number": "Номер постановления",
           "plate": "Госномер", "look_up": "Найти", "status": "Статус",
           "offence": "Правонарушение", "when": "Время", "where": "Место",
           "measured": "Измерено / ограничение", "law": "Правовое основание",
           "amount": "Штраф (сум)", "until": "до", "due": "Оплатить до",
           "reference": "Номер платежа", "appeal": "Обжаловать",
           "appeal_text": "Почему постановление неверно",
           "no_match": "Постановление с таким номером и госномером не найдено.",
           "appealed": "Жалоба подана.",
           "rate_limited": "Слишком много запросов; попробуйте позже.",
           "code_valid": "Этот код проверки принадлежит постановлению этой системы.",
           "code_invalid": "Этот код проверки не принадлежит ни одному постановлению.",
           "code": "Код проверки",
           "attachments": "Документы или фото (PDF, JPEG, PNG; до {count}, до {mb} МБ каждый)",
           "too_many_attachments": "Слишком много файлов: не более {count}.",
           "attachment_empty": "Один из файлов пуст.",
           "attachment_too_large": "Один из файлов больше {mb} МБ.",
           "attachment_type_unsupported": "Можно прикрепить только файлы PDF, JPEG и PNG.",
           "attachment_unreadable": "Один из файлов повреждён или загружен не полностью.",
           "body_too_large": "Файлы вместе слишком велики.",
           "invalid_field": "Заполните все поля (текст не длиннее 5000 символов).",
           "conflict": "Это постановление сейчас нельзя обжаловать.",
           "check": "Проверить код"},
    "uz": {"title": "Bildirishnomani tekshirish", "number": "Bildirishnoma raqami",
           "plate": "Davlat raqami", "look_up": "Qidirish", "status": "Holati",
           "offence": "Huquqbuzarlik", "when": "Vaqti", "where": "Joyi",
           "measured": "Oʻlchangan / cheklov", "law": "Huquqiy asos",
           "amount": "Jarima (soʻm)", "until": "gacha", "due": "Toʻlash muddati",
           "reference": "Toʻlov raqami", "appeal": "Shikoyat qilish",
           "appeal_text": "Bildirishnoma nima uchun notoʻgʻri",
           "no_match": "Bu raqam va davlat raqami boʻyicha bildirishnoma topilmadi.",
           "appealed": "Shikoyatingiz qabul qilindi.",
           "rate_limited": "Soʻrovlar juda koʻp; keyinroq urinib koʻring.",
           "code_valid": "Bu tekshirish kodi ushbu tizim bergan bildirishnomaga tegishli.",
           "code_invalid": "Bu tekshirish kodi hech qaysi bildirishnomaga tegishli emas.",
           "code": "Tekshirish kodi",
           "attachments": "Hujjatlar yoki suratlar (PDF, JPEG, PNG; {count} tagacha, "
                          "har biri {mb} MB gacha)",
           "too_many_attachments": "Fayllar juda koʻp: koʻpi bilan {count} ta.",
           "attachment_empty": "Fayllardan biri boʻsh.",
           "attachment_too_large": "Fayllardan biri {mb} MB dan katta.",
           "attachment_type_unsupported": "Faqat PDF, JPEG va PNG fayllarni biriktirish mumkin.",
           "attachment_unreadable": "Fayllardan biri buzilgan yoki toʻliq yuklanmagan.",
           "body_too_large": "Fayllar birgalikda juda katta.",
           "invalid_field": "Barcha maydonlarni toʻldiring (matn 5000 belgigacha).",
           "conflict": "Bu bildirishnomani hozir shikoyat qilib boʻlmaydi.",
           "check": "Kodni tekshirish"},
}


def _page(request: Request, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    lang = request.query_params.get("lang") or pick_language(
        None, request.headers.get("accept-language"))
    lang = lang if lang in WORDS else "uz"
    view: CitizenView | None = context.get("view")
    images = [{"role": i.role, "content_type": i.content_type,
               "data": base64.b64encode(i.data).decode()} for i in (view.images if view else ())]
    notices = container_of(request).settings.notices
    limits = {"count": notices.appeal_attachments_max,
              "mb": round(notices.appeal_attachment_max_bytes / 1_000_000, 1)}
    words = {key: text.format(**limits) if "{" in text else text
             for key, text in WORDS[lang].items()}
    message = words.get(context.pop("message_key", ""), "")
    html = _env.get_template("notice.html").render(
        t=words, lang=lang, languages=LANGUAGES, images=images, message=message,
        max_attachments=notices.appeal_attachments_max,
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
