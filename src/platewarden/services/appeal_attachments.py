"""Files a citizen attaches to an appeal: checked, cleaned, stored encrypted, shown to reviewers.

The type is recognised from the bytes (PDF, JPEG, PNG), never from what the client claimed.
Images are decoded and re-encoded without their metadata (a phone photo's EXIF carries the
GPS position and the device), which also refuses a truncated or undecodable image. PDFs are
rewritten page by page without document metadata, scripts, embedded files or outward actions
(an encrypted or unparsable one, or one of too many pages, is refused). The bytes
go to the evidence store, encrypted and content-addressed like camera evidence, so retention
shreds them with the case; the metadata rows (``AppealAttachment``) keep them referenced.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from platewarden.domain.audit import AuditAction
from platewarden.domain.media import pdf_is_complete, sniff_attachment_type
from platewarden.services.audit import AuditService
from platewarden.services.errors import NotFound, ServiceError
from platewarden.services.notice_ports import (
    AppealAttachment,
    AttachmentFile,
    NoticeUnitOfWorkFactory,
)
from platewarden.services.ports import EvidenceStore

MAX_NAME_CHARS = 120
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f\"\\/<>:|?*]+")


class UnreadableImage(ValueError):
    """The image cannot be decoded whole (truncated, corrupt, or too many pixels)."""


class UnreadablePdf(ValueError):
    """The PDF cannot be parsed, is encrypted, or has too many pages or objects."""


class PdfCleaner(Protocol):
    """Rewrites a PDF keeping its pages (and their text), dropping metadata, scripts,
    embedded files and actions that leave the document."""

    def clean(self, data: bytes, *, max_pages: int) -> bytes:
        """The rewritten PDF; :class:`UnreadablePdf` if it cannot be."""
        ...


class ImageCleaner(Protocol):
    """Decodes an image and encodes it again without metadata (EXIF, GPS, comments)."""

    def clean(self, data: bytes, *, content_type: str, max_pixels: int) -> bytes:
        """The re-encoded image, same type; :class:`UnreadableImage` if it cannot be."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class AttachmentUpload:
    """A file as the citizen sent it: the name their client gave and the bytes."""

    name: str
    data: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class AttachmentLimits:
    """How many files, how large each, how many pixels an image may unpack to, and how many
    pages a PDF may have."""

    max_count: int
    max_bytes: int
    max_pixels: int
    max_pdf_pages: int


class AppealAttachments:
    """Checks and stores appeal attachments, and serves them to reviewers (audited)."""

    def __init__(self, *, uow_factory: NoticeUnitOfWorkFactory, evidence: EvidenceStore,
                 cleaner: ImageCleaner, pdf_cleaner: PdfCleaner, audit: AuditService,
                 limits: AttachmentLimits) -> None:
        self._uow_factory = uow_factory
        self._evidence = evidence
        self._cleaner = cleaner
        self._pdf_cleaner = pdf_cleaner
        self._audit = audit
        self.limits = limits

    def check(self, uploads: Sequence[AttachmentUpload]) -> list[str]:
        """The sniffed type of each upload, after the checks that need no decoding.

        Raises:
            ServiceError: ``too_many_attachments``, ``attachment_empty``,
                ``attachment_too_large`` or ``attachment_type_unsupported``, naming the file
                by its position.
        """
        if len(uploads) > self.limits.max_count:
            raise ServiceError("too_many_attachments", f"At most {self.limits.max_count} "
                               "files may be attached to an appeal.")
        types = []
        for position, upload in enumerate(uploads, start=1):
            if not upload.data:
                raise ServiceError("attachment_empty", f"File {position} is empty.")
            if len(upload.data) > self.limits.max_bytes:
                raise ServiceError("attachment_too_large", f"File {position} is larger than "
                                   f"{self.limits.max_bytes} bytes.")
            found = sniff_attachment_type(upload.data[:16])
            if found is None:
                raise ServiceError("attachment_type_unsupported", f"File {position} is not "
                                   "a PDF, JPEG or PNG file.")
            types.append(found)
        return types

    def store(self, uploads: Sequence[AttachmentUpload]) -> list[AttachmentFile]:
        """Check, clean and store every upload (all are checked before any is stored).

        Raises:
            ServiceError: as :meth:`check`, or ``attachment_unreadable`` for an image that
                does not decode, or a PDF cut short, encrypted, unparsable or too long.
        """
        cleaned = [(upload, kind, self._clean(upload.data, kind, position))
                   for position, (upload, kind)
                   in enumerate(zip(uploads, self.check(uploads), strict=True), start=1)]
        files = []
        for position, (upload, kind, data) in enumerate(cleaned, start=1):
            stored = self._evidence.put(data)
            files.append(AttachmentFile(name=safe_name(upload.name, position=position,
                                                       content_type=kind),
                                        content_type=kind, size_bytes=stored.size_bytes,
                                        sha256=stored.sha256))
        if files:
            self._evidence.sync()  # durable before the appeal that refers to them commits
        return files

    def _clean(self, data: bytes, kind: str, position: int) -> bytes:
        if kind == "application/pdf":
            if not pdf_is_complete(data):
                raise ServiceError("attachment_unreadable", f"File {position} is an "
                                   "incomplete PDF.")
            try:
                return self._pdf_cleaner.clean(data, max_pages=self.limits.max_pdf_pages)
            except UnreadablePdf as exc:
                raise ServiceError("attachment_unreadable", f"File {position} is not a "
                                   f"readable PDF ({exc}).") from exc
        try:
            return self._cleaner.clean(data, content_type=kind,
                                       max_pixels=self.limits.max_pixels)
        except UnreadableImage as exc:
            raise ServiceError("attachment_unreadable", f"File {position} is not a "
                               f"readable image ({exc}).") from exc

    def of_appeal(self, appeal_id: str) -> list[AppealAttachment]:
        """The attachments of an appeal, in the order they were sent."""
        with self._uow_factory(read_only=True) as uow:
            return uow.notices.attachments(appeal_id)

    def open(self, appeal_id: str, attachment_id: str, *,
             actor: str) -> tuple[AppealAttachment, Iterator[bytes]]:
        """An attachment's metadata and decrypted bytes; the look is an audit entry.

        The caller has checked that ``actor`` may see the appeal (its region).

        Raises:
            NotFound: No such attachment on that appeal.
        """
        with self._uow_factory() as uow:
            found = next((a for a in uow.notices.attachments(appeal_id)
                          if a.id == attachment_id), None)
            if found is None:
                raise NotFound("No such attachment.")
            self._audit.record(uow, actor=actor, action=AuditAction.EVIDENCE_VIEWED,
                               target=found.sha256, details={
                                   "appeal": appeal_id, "attachment": attachment_id,
                                   "notice": found.number})
            uow.commit()
        return found, self._evidence.open(found.sha256)


def safe_name(name: str, *, position: int, content_type: str) -> str:
    """A display name: the last path part, no control or path characters, bounded."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE_NAME.sub("_", unicodedata.normalize("NFC", base)).strip(" ._")
    return base[:MAX_NAME_CHARS] or f"attachment-{position}.{EXTENSIONS[content_type]}"
