"""Reading a citizen's appeal: JSON, a plain form, or multipart with attached files.

The body is bounded before it is parsed: a declared length over the limit is refused unread,
and a body that grows past it while streaming is refused at that point, so an upload never
costs more memory than ``notices.appeal_request_max_bytes()``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Request
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser

from platewarden.api.bodies import read_body
from platewarden.services.appeal_attachments import AttachmentUpload
from platewarden.services.errors import ServiceError

ATTACHMENT_FIELD = "attachments"
_MAX_PARTS = 64  # fields and files together; the count allowed is the service's to refuse
Field64 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class AppealIn(BaseModel):
    """An appeal's fields: the notice number and plate as printed, and the text."""

    model_config = ConfigDict(extra="forbid")
    number: Field64
    plate: Field64
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                           max_length=5000)]


@dataclass(frozen=True, slots=True, kw_only=True)
class AppealRequest:
    """The fields of an appeal and the files that came with it."""

    number: str
    plate: str
    text: str
    attachments: tuple[AttachmentUpload, ...] = ()


async def read_appeal(request: Request, *, limit: int) -> AppealRequest:
    """The appeal in the request, whichever of the three encodings it came in.

    Raises:
        ServiceError: ``body_too_large``, ``malformed_json`` or ``invalid_field``.
    """
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await read_body(request, limit=limit)
    if media == "application/json":
        try:
            fields = AppealIn.model_validate_json(body)
        except ValidationError as exc:
            raise ServiceError("invalid_field", _describe(exc)) from exc
        return AppealRequest(number=fields.number, plate=fields.plate, text=fields.text)
    if media not in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raise ServiceError("invalid_field", "Send the appeal as JSON, a form, or "
                           "multipart/form-data with the files.")
    form = await _parse_form(request, body, multipart=media == "multipart/form-data")
    try:
        uploads = tuple([AttachmentUpload(name=item.filename or "", data=await item.read())
                         for item in form.getlist(ATTACHMENT_FIELD)
                         if isinstance(item, UploadFile)])
        texts = {key: value for key, value in form.multi_items() if isinstance(value, str)}
    finally:
        await form.close()
    try:
        fields = AppealIn.model_validate({k: texts.get(k, "") for k in ("number", "plate",
                                                                       "text")})
    except ValidationError as exc:
        raise ServiceError("invalid_field", _describe(exc)) from exc
    # A form's file input left empty still sends a part with no name and no bytes.
    chosen = tuple(u for u in uploads if u.name or u.data)
    return AppealRequest(number=fields.number, plate=fields.plate, text=fields.text,
                         attachments=chosen)


async def _parse_form(request: Request, body: bytes, *, multipart: bool) -> FormData:
    async def replay() -> AsyncGenerator[bytes, None]:
        yield body

    try:
        if multipart:
            return await MultiPartParser(request.headers, replay(), max_files=_MAX_PARTS,
                                         max_fields=_MAX_PARTS).parse()
        return await FormParser(request.headers, replay()).parse()
    except MultiPartException as exc:
        raise ServiceError("invalid_field", f"The form cannot be read: {exc.message}") from exc


def _describe(exc: ValidationError) -> str:
    """The offending fields and why, never their values."""
    parts = [f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}"
             for e in exc.errors()[:5]]
    return "; ".join(parts) or "The appeal is not valid."
