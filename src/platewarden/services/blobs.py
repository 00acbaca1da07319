"""Large evidence (clips) uploaded by a camera on its own, streamed and encrypted on the fly."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from platewarden.domain.media import CLIP_TYPES, IMAGE_TYPES, SNIFF_BYTES, sniff_content_type
from platewarden.domain.reads import ImageRef
from platewarden.domain.signing import blob_signing_bytes
from platewarden.services.errors import IngestError
from platewarden.services.group_commit import GroupCommitter
from platewarden.services.ingest import IngestService
from platewarden.services.ports import EvidenceStore, HashMismatch, TooLarge
from platewarden.services.unit_of_work import UnitOfWork

SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True, kw_only=True)
class UploadBlob:
    """Command: store one evidence object streamed by a camera."""

    camera_id: str
    sha256: str
    content_type: str
    size_bytes: int
    sent_at: datetime
    sent_at_text: str  # exactly as sent: the signature covers the text, not our re-encoding
    nonce: str
    signature: bytes


def _sniffed(chunks: Iterable[bytes], content_type: str) -> Iterator[bytes]:
    """Pass ``chunks`` on, once their first ``SNIFF_BYTES`` show the declared type."""
    head = b""
    for chunk in chunks:
        if len(head) >= SNIFF_BYTES:
            yield chunk
            continue
        head += chunk
        if len(head) >= SNIFF_BYTES:
            _check_head(head, content_type)
            yield head
    if len(head) < SNIFF_BYTES:
        _check_head(head, content_type)
        if head:
            yield head


def _check_head(head: bytes, content_type: str) -> None:
    if sniff_content_type(head[:32]) != content_type:
        raise IngestError("not_an_image", f"The upload is not the {content_type} it claims "
                          "to be.")


class BlobService:
    """Accepts clip uploads that reads reference later by SHA-256."""

    def __init__(self, *, ingest: IngestService, committer: GroupCommitter,
                 evidence: EvidenceStore, max_clip_bytes: int,
                 clock: Callable[[], datetime]) -> None:
        self._ingest = ingest
        self._committer = committer
        self._evidence = evidence
        self._max = max_clip_bytes
        self._clock = clock

    def check(self, command: UploadBlob) -> None:
        """Refuse a bad upload from its headers alone, before any byte is read."""
        if not SHA256_HEX.match(command.sha256):
            raise IngestError("invalid_field", "The path must end in a lower-case hex SHA-256.")
        if command.content_type not in CLIP_TYPES | IMAGE_TYPES:
            raise IngestError("not_an_image", f"{command.content_type} is not accepted.")
        if command.size_bytes > self._max:
            raise IngestError("body_too_large", f"At most {self._max} bytes may be uploaded.")
        signed = blob_signing_bytes(camera_id=command.camera_id, sha256=command.sha256,
                                    size_bytes=command.size_bytes,
                                    content_type=command.content_type,
                                    sent_at=command.sent_at_text, nonce=command.nonce)
        self._ingest.authenticate(camera_id=command.camera_id, signed_bytes=signed,
                                  signature=command.signature, sent_at=command.sent_at)

    def store(self, command: UploadBlob, chunks: Iterable[bytes]) -> bool:
        """Stream ``chunks`` into the evidence store; ``True`` if newly created."""
        try:
            stored = self._evidence.put_stream(_sniffed(chunks, command.content_type),
                                               expected_sha256=command.sha256,
                                               max_bytes=min(self._max, command.size_bytes))
        except HashMismatch as exc:
            raise IngestError("image_hash_mismatch", "The uploaded bytes do not hash to the "
                              "SHA-256 in the path.") from exc
        except TooLarge as exc:
            raise IngestError("body_too_large", "The upload is larger than declared.") from exc
        ref = ImageRef(role="clip", sha256=command.sha256, content_type=command.content_type,
                       size_bytes=stored.size_bytes)

        def record(uow: UnitOfWork) -> None:
            if uow.reads.nonce_digest(command.camera_id, command.nonce) is not None:
                raise IngestError("replayed_nonce", "This nonce was already used.")
            uow.reads.add_nonce(command.camera_id, command.nonce,
                                envelope_sha256=command.sha256, seen_at=self._clock())
            uow.reads.add_blob(command.camera_id, ref, created_at=self._clock())

        self._committer.run(record)
        return stored.created
