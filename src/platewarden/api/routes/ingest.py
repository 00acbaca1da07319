"""Camera ingest routes: authenticated by each camera's Ed25519 signature, not by a login."""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import json
import queue
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from platewarden.api.bodies import read_body
from platewarden.api.deps import camera_signed, container_of
from platewarden.api.ratelimit import rate_limit
from platewarden.api.schemas import EnvelopeIn, IngestOut, ReadIn, ReadResultOut
from platewarden.domain.reads import Alternative, ClockSync, ImageRef, SignalPhase, SpeedMethod
from platewarden.domain.signing import canonical_bytes
from platewarden.services.blobs import UploadBlob
from platewarden.services.errors import IngestError
from platewarden.services.ingest import ReadOutcome, ReadSubmission, SubmitReads

router = APIRouter(prefix="/api/v1/ingest", tags=["ingest"],
                   dependencies=[Depends(camera_signed),
                                 Depends(rate_limit("ingest", "camera requests"))])


def _decode_b64(value: str, what: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise IngestError("invalid_field", f"{what} is not valid base64.") from exc


def _submission(read: ReadIn, raw: dict[str, Any]) -> ReadSubmission:
    if read.captured_at.tzinfo is None:
        raise IngestError("invalid_field", f"Read {read.read_id}: captured_at needs a UTC "
                          "offset.")
    return ReadSubmission(
        read_id=read.read_id, captured_at=read.captured_at,
        clock_sync=ClockSync(read.clock_sync), plate=read.plate, confidence=read.confidence,
        payload_sha256=hashlib.sha256(canonical_bytes(raw)).hexdigest(),
        alternatives=tuple(Alternative(text=a.text, confidence=a.confidence)
                           for a in read.alternatives),
        vehicle_class=read.vehicle_class, lane=read.lane, direction=read.direction,
        speed_kmh=read.speed_kmh,
        speed_method=SpeedMethod(read.speed_method) if read.speed_method else None,
        signal_phase=SignalPhase(read.signal_phase) if read.signal_phase else None,
        time_into_red_s=read.time_into_red_s,
        images=tuple(ImageRef(role=i.role, sha256=i.sha256, content_type=i.content_type,
                              size_bytes=i.size_bytes) for i in read.images))


def parse_envelope(body: bytes) -> SubmitReads:
    """Turn a request body into a typed command, refusing malformed input precisely."""
    try:
        raw = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IngestError("malformed_json", "The body is not valid JSON.") from exc
    if not isinstance(raw, dict):
        raise IngestError("malformed_json", "The body must be a JSON object.")
    try:
        envelope = EnvelopeIn.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise IngestError("invalid_field", f"{where}: {first.get('msg', 'invalid')}") from exc
    if envelope.sent_at.tzinfo is None:
        raise IngestError("invalid_field", "sent_at needs a UTC offset.")
    return SubmitReads(
        camera_id=envelope.camera_id, sent_at=envelope.sent_at, nonce=envelope.nonce,
        reads=tuple(_submission(r, raw_r)
                    for r, raw_r in zip(envelope.reads, raw["reads"], strict=True)),
        blobs={sha: _decode_b64(data, f"blob {sha[:12]}…")
               for sha, data in envelope.blobs.items()},
        signed_bytes=canonical_bytes(raw),
        signature=_decode_b64(envelope.signature, "signature"))


async def _ingest(request: Request, *, single: bool) -> IngestOut:
    container = container_of(request)
    settings = container.settings
    limit = settings.max_upload_bytes if single else settings.max_batch_upload_bytes
    body = await read_body(request, limit=limit)

    def parse_and_submit() -> list[ReadOutcome]:
        # Parsing and verifying are CPU work: off the event loop, beside the submit.
        command = parse_envelope(body)
        if single and len(command.reads) != 1:
            raise IngestError("invalid_field", "This route takes exactly one read; send "
                              "several to /api/v1/ingest/batch.")
        return container.ingest.submit(command)

    outcomes = await run_in_threadpool(parse_and_submit)
    return IngestOut(results=[ReadResultOut(read_id=o.read_id, status=o.status)
                              for o in outcomes])


@router.post("/read", response_model=IngestOut)
async def ingest_read(request: Request) -> IngestOut:
    """Store one signed read; acknowledged only once durable."""
    return await _ingest(request, single=True)


@router.post("/batch", response_model=IngestOut)
async def ingest_batch(request: Request) -> IngestOut:
    """Store a signed batch of reads (a camera's backlog)."""
    return await _ingest(request, single=False)


def _blob_command(request: Request, sha256: str) -> UploadBlob:
    headers = request.headers
    sent_at_text = headers.get("x-platewarden-sent-at", "")
    try:
        sent_at = datetime.fromisoformat(sent_at_text)
        size = int(headers.get("content-length", ""))
    except ValueError as exc:
        raise IngestError("invalid_field", "X-Platewarden-Sent-At (ISO 8601) and "
                          "Content-Length are required.") from exc
    if sent_at.tzinfo is None:
        raise IngestError("invalid_field", "X-Platewarden-Sent-At needs a UTC offset.")
    return UploadBlob(
        camera_id=headers.get("x-platewarden-camera", ""), sha256=sha256,
        content_type=headers.get("content-type", ""), size_bytes=size, sent_at=sent_at,
        sent_at_text=sent_at_text,
        nonce=headers.get("x-platewarden-nonce", ""),
        signature=_decode_b64(headers.get("x-platewarden-signature", ""), "signature"))


def _drain(chunks: queue.Queue[bytes | None]) -> Iterator[bytes]:
    while (chunk := chunks.get()) is not None:
        yield chunk


def _offer(chunks: queue.Queue[bytes | None], item: bytes | None,
           storing: asyncio.Future[bool]) -> bool:
    """Hand ``item`` to the storing thread; ``False`` once that thread has stopped."""
    while not storing.done():
        try:
            chunks.put(item, timeout=0.2)
            return True
        except queue.Full:
            continue
    return False


@router.put("/blobs/{sha256}", status_code=201)
async def upload_blob(sha256: str, request: Request) -> JSONResponse:
    """Stream a large evidence object (a clip); encrypted and hashed as it arrives."""
    container = container_of(request)
    command = _blob_command(request, sha256)
    await run_in_threadpool(container.blobs.check, command)
    chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=16)
    loop = asyncio.get_running_loop()
    storing = loop.run_in_executor(None, container.blobs.store, command, _drain(chunks))
    try:
        async for chunk in request.stream():
            if chunk and not await loop.run_in_executor(None, _offer, chunks, chunk, storing):
                break
    finally:
        await loop.run_in_executor(None, _offer, chunks, None, storing)
    created = await storing
    return JSONResponse(status_code=201 if created else 200,
                        content={"sha256": sha256, "status": "created" if created else "exists"})
