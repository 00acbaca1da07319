"""Reading a request body with a bound, for routes that cannot let FastAPI read it whole."""

from __future__ import annotations

from fastapi import Request

from platewarden.services.errors import ServiceError


async def read_body(request: Request, *, limit: int) -> bytes:
    """The request body, refused with ``body_too_large`` as soon as it passes ``limit``."""
    too_large = ServiceError("body_too_large", f"The request body exceeds {limit} bytes.")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)
