"""The canonical form that cameras sign, shared by the camera client and the ingest service.

A camera signs ``canonical_bytes`` of its message with the ``signature`` field and any inline
image data left out: image bytes are bound to the signature through their SHA-256 in each
read's ``images`` list, which *is* signed.
"""

from __future__ import annotations

import json
from typing import Any

UNSIGNED_FIELDS = frozenset({"signature", "blobs"})


def canonical_bytes(message: dict[str, Any]) -> bytes:
    """Deterministic JSON encoding of ``message`` without its unsigned fields.

    Keys are sorted, separators are minimal and non-ASCII text is kept as UTF-8, so any
    client in any language can reproduce the bytes.
    """
    signed = {k: v for k, v in message.items() if k not in UNSIGNED_FIELDS}
    return json.dumps(signed, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def blob_signing_bytes(*, camera_id: str, sha256: str, size_bytes: int, content_type: str,
                       sent_at: str, nonce: str) -> bytes:
    """Bytes a camera signs to upload one large evidence object (a clip) by itself."""
    return canonical_bytes({
        "kind": "blob",
        "camera_id": camera_id,
        "sha256": sha256,
        "size_bytes": size_bytes,
        "content_type": content_type,
        "sent_at": sent_at,
        "nonce": nonce,
    })
