"""Serving an evidence object: the one streaming response the API and the console share."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from fastapi.responses import StreamingResponse

from platewarden.api.deps import container_of
from platewarden.domain.media import sniff_content_type
from platewarden.services.accounts import Principal


def evidence_response(request: Request, sha256: str, principal: Principal) -> StreamingResponse:
    """Decrypted evidence bytes, typed by their content; the look is audited by the service."""
    chunks = container_of(request).queries.evidence(sha256, actor=principal.user_id,
                                                    scope=principal.scope)
    first = next(chunks, b"")
    media = sniff_content_type(first[:32]) or "application/octet-stream"

    def body() -> Iterator[bytes]:
        yield first
        yield from chunks

    return StreamingResponse(body(), media_type=media)
