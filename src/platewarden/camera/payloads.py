"""What a camera sends: reads with their evidence, packed into a signed envelope.

``build_envelope`` produces exactly the JSON of the ingest contract
(``notes/ingest-contract.md``): every read lists its images by SHA-256 and size, inline
image bytes travel base64-encoded in ``blobs`` (unsigned, bound through the signed hashes),
and the signature is Ed25519 over ``platewarden.domain.signing.canonical_bytes``.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from platewarden.domain.reads import Alternative, ImageRef
from platewarden.domain.signing import canonical_bytes

MAX_BATCH_READS = 500


@dataclass(frozen=True, slots=True, kw_only=True)
class Attachment:
    """Evidence bytes sent inline with a read.

    Attributes:
        role: ``plate`` (crop), ``overview`` or ``clip``.
        content_type: ``image/jpeg``, ``image/png`` or ``video/mp4``.
        data: The bytes themselves.
    """

    role: str
    content_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        """Lower-case hex SHA-256 of ``data``."""
        return hashlib.sha256(self.data).hexdigest()

    def ref(self) -> ImageRef:
        """The reference a read lists for this attachment."""
        return ImageRef(role=self.role, sha256=self.sha256, content_type=self.content_type,
                        size_bytes=len(self.data))


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadPayload:
    """One plate read as the camera reports it.

    ``images`` holds ``Attachment`` objects (sent inline) or ``ImageRef`` objects for
    evidence uploaded earlier through the blob endpoint (clips).
    """

    read_id: str
    captured_at: datetime
    plate: str
    confidence: float
    clock_sync: str = "synced"
    alternatives: tuple[Alternative, ...] = ()
    vehicle_class: str | None = None
    lane: int | None = None
    direction: str | None = None
    speed_kmh: float | None = None
    speed_method: str | None = None
    signal_phase: str | None = None
    time_into_red_s: float | None = None
    images: tuple[Attachment | ImageRef, ...] = ()


def utc_iso(moment: datetime) -> str:
    """ISO 8601 text of an aware datetime, converted to UTC (``+00:00``)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetimes sent to the server must be timezone-aware")
    return moment.astimezone(UTC).isoformat()


def _image_json(image: Attachment | ImageRef) -> dict[str, Any]:
    ref = image.ref() if isinstance(image, Attachment) else image
    return {"role": ref.role, "sha256": ref.sha256, "content_type": ref.content_type,
            "size_bytes": ref.size_bytes}


def read_json(read: ReadPayload) -> dict[str, Any]:
    """The contract's JSON object for one read (every field present, ``null`` if unknown)."""
    return {
        "read_id": read.read_id,
        "captured_at": utc_iso(read.captured_at),
        "clock_sync": read.clock_sync,
        "plate": read.plate,
        "confidence": float(read.confidence),
        "alternatives": [{"text": alt.text, "confidence": float(alt.confidence)}
                         for alt in read.alternatives],
        "vehicle_class": read.vehicle_class,
        "lane": read.lane,
        "direction": read.direction,
        "speed_kmh": None if read.speed_kmh is None else float(read.speed_kmh),
        "speed_method": read.speed_method,
        "signal_phase": read.signal_phase,
        "time_into_red_s": None if read.time_into_red_s is None else float(read.time_into_red_s),
        "images": [_image_json(image) for image in read.images],
    }


def inline_blobs(reads: Sequence[ReadPayload]) -> dict[str, str]:
    """``{sha256: base64 bytes}`` of every inline attachment, each stored once."""
    blobs: dict[str, str] = {}
    for read in reads:
        for image in read.images:
            if isinstance(image, Attachment):
                digest = image.sha256
                if digest not in blobs:
                    blobs[digest] = base64.b64encode(image.data).decode("ascii")
    return blobs


def sign(private_key: Ed25519PrivateKey, message: dict[str, Any]) -> str:
    """Base64 Ed25519 signature of ``message``'s canonical bytes."""
    return base64.b64encode(private_key.sign(canonical_bytes(message))).decode("ascii")


def build_envelope(*, camera_id: str, private_key: Ed25519PrivateKey,
                   reads: Sequence[ReadPayload], sent_at: datetime, nonce: str) -> dict[str, Any]:
    """A signed ingest envelope carrying ``reads`` and their inline evidence.

    Args:
        camera_id: The sending camera.
        private_key: The camera's Ed25519 key.
        reads: 1 to 500 reads.
        sent_at: Sending time (timezone-aware); the server checks it against its clock.
        nonce: A value never used before by this camera (16..64 of ``[A-Za-z0-9_-]``).

    Returns:
        The envelope as a JSON-ready dict, ``signature`` included.
    """
    if not 1 <= len(reads) <= MAX_BATCH_READS:
        raise ValueError(f"an envelope carries 1..{MAX_BATCH_READS} reads, got {len(reads)}")
    envelope: dict[str, Any] = {
        "camera_id": camera_id,
        "sent_at": utc_iso(sent_at),
        "nonce": nonce,
        "reads": [read_json(read) for read in reads],
        "blobs": inline_blobs(reads),
    }
    envelope["signature"] = sign(private_key, envelope)
    return envelope
