"""The citizen look-up: a notice seen by whoever holds its number and the plate.

The one public data surface. Both fields are needed and checked together, and every failure
is the same ``None`` (the API answers one identical refusal), so an answer never tells which
field was wrong nor whether a number exists. Rate limits per client and per notice are the
API's (they need the client's address). Overview images show other vehicles and people: they
are shown only as redacted for disclosure (other plates and faces blurred); without a
redactor, or when redaction fails, only the plate crop is shown.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from platewarden.domain.audit import AuditAction
from platewarden.domain.notices import NoticeStatus, number_is_well_formed
from platewarden.domain.plates import canonical_key
from platewarden.services.appeal_attachments import AppealAttachments, AttachmentUpload
from platewarden.services.audit import AuditService
from platewarden.services.evidence_packages import Redactor
from platewarden.services.notice_cases import CITIZEN, NoticeCases
from platewarden.services.notice_documents import EvidenceImage, NoticeDocuments
from platewarden.services.notice_ports import Appeal, NoticeUnitOfWorkFactory

_DUMMY_KEY = "0" * 16  # compared against when the number is unknown, to take the same time
_CACHED_REDACTIONS = 256  # redacting runs the detector: each image once, not once per look


@dataclass(frozen=True, slots=True, kw_only=True)
class CitizenView:
    """What the holder of a notice sees: the case, never the keeper's personal data.

    The public API's answer (``NoticeOut``) is built from these fields: one added here is
    published to whoever holds a notice's number and plate.
    """

    number: str
    status: NoticeStatus
    violation_type: str
    occurred_local: datetime
    place: str
    measured: float
    limit: float
    tolerance: str
    legal_basis: str
    amount_som: int
    discounted_som: int
    discount_last_day: date
    due_last_day: date
    payment_reference: str
    images: tuple[EvidenceImage, ...]
    appeals: tuple[Appeal, ...]


class CitizenLookup:
    """Finds a notice by number and plate, and files appeals against it."""

    def __init__(self, *, uow_factory: NoticeUnitOfWorkFactory, documents: NoticeDocuments,
                 cases: NoticeCases, audit: AuditService, attachments: AppealAttachments,
                 redactor: Redactor | None = None) -> None:
        self._uow_factory = uow_factory
        self._attachments = attachments
        self._audit = audit
        self._documents = documents
        self._cases = cases
        self.redactor = redactor
        self._redacted: OrderedDict[tuple[str, str], EvidenceImage | None] = OrderedDict()
        self._redacting = threading.Lock()  # one at a time: it is CPU work for the public

    def matches(self, number: str, plate: str) -> bool:
        """Whether ``number`` is a notice for ``plate`` (same time and answer otherwise)."""
        number = number.strip().upper()
        key = canonical_key(plate) if plate.strip() else ""
        stored = _DUMMY_KEY
        if number_is_well_formed(number):
            with self._uow_factory(read_only=True) as uow:
                notice = uow.notices.get(number)
            stored = notice.plate_key if notice is not None else _DUMMY_KEY
        same = hmac.compare_digest(stored.encode(), key.encode())
        return same and bool(key) and stored != _DUMMY_KEY

    def look_up(self, number: str, plate: str) -> CitizenView | None:
        """The notice ``number`` if it is for ``plate``; ``None`` for any mismatch."""
        if not self.matches(number, plate):
            return None
        document = self._documents.document(number.strip().upper())
        notice, fine = document.notice, document.notice.fine
        with self._uow_factory() as uow:
            appeals = tuple(uow.notices.appeals(status=None, number=notice.number))
            # Who saw a case is part of it: each look that matched is audited (not misses:
            # they show nothing, and anyone could fill the log with them).
            self._audit.record(uow, actor=CITIZEN, action=AuditAction.RECORD_VIEWED,
                               target=notice.number, details={"via": "citizen-look-up"})
            uow.commit()
        return CitizenView(
            number=notice.number, status=notice.status, violation_type=document.violation_type,
            occurred_local=document.occurred_local, place=document.place,
            measured=document.measured, limit=document.limit, tolerance=document.tolerance,
            legal_basis=fine.legal_basis, amount_som=fine.amount_som,
            discounted_som=fine.discounted_som, discount_last_day=document.discount_last_day,
            due_last_day=document.due_last_day, payment_reference=notice.payment_reference,
            images=self._shown(document.images, plate=document.plate), appeals=appeals)

    def appeal(self, number: str, plate: str, *, text: str,
               attachments: Sequence[AttachmentUpload] = ()) -> Appeal | None:
        """File an appeal with its files if ``number`` and ``plate`` match; ``None`` otherwise.

        Raises:
            ServiceError: ``conflict`` when the notice cannot be appealed, or any refusal of
                :meth:`AppealAttachments.store` (then nothing is filed).
        """
        if not self.matches(number, plate):
            return None
        number = number.strip().upper()
        self._cases.check_appealable(number)  # before storing files that would go unused
        files = self._attachments.store(attachments)
        return self._cases.file_appeal(number, text=text, attachments=files)

    def verify(self, code: str) -> bool:
        """Whether ``code`` is the verification code of a notice (nothing else is told)."""
        code = code.strip().upper()
        if len(code) != 19:
            return False
        with self._uow_factory(read_only=True) as uow:
            return uow.notices.by_verification_code(code) is not None

    def _shown(self, images: tuple[EvidenceImage, ...], *,
               plate: str) -> tuple[EvidenceImage, ...]:
        shown: list[EvidenceImage] = []
        for image in images:
            redacted = image if image.role == "plate" else self._redact(image, plate=plate)
            if redacted is not None:
                shown.append(redacted)
        return tuple(shown)

    def _redact(self, image: EvidenceImage, *, plate: str) -> EvidenceImage | None:
        """``image`` as disclosed: redacted, or ``None`` (withheld) when that is not possible."""
        if self.redactor is None:
            return None
        key = (hashlib.sha256(image.data).hexdigest(), plate)
        with self._redacting:
            if key not in self._redacted:
                try:
                    done = self.redactor.redact(image.data, keep_plate=plate)
                    result: EvidenceImage | None = EvidenceImage(
                        role=image.role, content_type=done.content_type, data=done.data)
                except (ValueError, OSError):
                    result = None  # an image the redactor cannot read is never shown as is
                self._redacted[key] = result
                if len(self._redacted) > _CACHED_REDACTIONS:
                    self._redacted.popitem(last=False)
            return self._redacted[key]
