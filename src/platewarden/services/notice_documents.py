"""A notice as a document: every fact the PDF prints, gathered from the stores.

The facts are assembled here (times in the legal time zone, deadlines as their last local
day); the wording and layout in each language belong to the renderer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Protocol

from platewarden.domain.audit import AuditAction
from platewarden.domain.notices import Notice
from platewarden.domain.violations import Violation
from platewarden.services.audit import AuditService
from platewarden.services.errors import NotFound
from platewarden.services.notice_ports import NoticeUnitOfWork, NoticeUnitOfWorkFactory
from platewarden.services.ports import EvidenceNotFound, EvidenceStore

MAX_IMAGES = 4


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceImage:
    """One evidence image printed on the notice."""

    role: str  # ``overview`` or ``plate``
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class NoticeDocument:
    """Everything a notice states, in the language it is printed in.

    Attributes:
        notice: The notice (number, fine, references, addressee, status).
        plate: The plate as recognised (and confirmed).
        violation_type: Violation type code (the renderer names it).
        occurred_local: Time of the offence in the legal time zone.
        place: Camera name and road.
        latitude: Camera position.
        longitude: Camera position.
        measured: Measured value (km/h for speed, seconds into red ...).
        limit: Limit applied.
        tolerance: Tolerance policy applied, as recorded with the violation.
        issued_on: Local issue day.
        discount_last_day: Last local day the discount applies.
        due_last_day: Last local day before the notice is overdue.
        look_up_url: The public page to check, see the evidence and appeal.
        images: Evidence images.
    """

    notice: Notice
    plate: str
    violation_type: str
    occurred_local: datetime
    place: str
    latitude: float
    longitude: float
    measured: float
    limit: float
    tolerance: str
    issued_on: date
    discount_last_day: date
    due_last_day: date
    look_up_url: str
    images: tuple[EvidenceImage, ...]


class NoticeRenderer(Protocol):
    """Turns a notice document into a file (PDF)."""

    def render(self, document: NoticeDocument) -> bytes: ...


def last_day(until: datetime, tz: tzinfo) -> date:
    """The last local day before the exclusive instant ``until``."""
    return (until.astimezone(tz) - timedelta(microseconds=1)).date()


class NoticeDocuments:
    """Assembles and renders notices; every rendering is audited (it discloses a case)."""

    def __init__(self, *, uow_factory: NoticeUnitOfWorkFactory, evidence: EvidenceStore,
                 renderer: NoticeRenderer, audit: AuditService, clock: Callable[[], datetime],
                 tz: tzinfo, look_up_url: str) -> None:
        self._uow_factory = uow_factory
        self._evidence = evidence
        self._renderer = renderer
        self._audit = audit
        self._clock = clock
        self._tz = tz
        self._look_up_url = look_up_url

    def document(self, number: str) -> NoticeDocument:
        """The facts of notice ``number``; :class:`NotFound` if there is none."""
        with self._uow_factory(read_only=True) as uow:
            notice = uow.notices.get(number)
            violation = uow.violations.get(notice.violation_id) if notice else None
            if notice is None or violation is None:
                raise NotFound("No such notice.")
            camera = uow.cameras.get(violation.camera_id)
            refs = _image_refs(uow, violation)
        images = tuple(image for image in (self._image(*ref) for ref in refs) if image)
        fine = notice.fine
        return NoticeDocument(
            notice=notice, plate=violation.plate, violation_type=violation.type.value,
            occurred_local=violation.occurred_at.astimezone(self._tz),
            place=f"{camera.name}, {camera.road}" if camera else violation.camera_id,
            latitude=camera.latitude if camera else 0.0,
            longitude=camera.longitude if camera else 0.0, measured=violation.measured,
            limit=violation.limit, tolerance=violation.tolerance,
            issued_on=notice.issued_at.astimezone(self._tz).date(),
            discount_last_day=last_day(fine.discount_until, self._tz),
            due_last_day=last_day(fine.due_at, self._tz), look_up_url=self._look_up_url,
            images=images)

    def pdf(self, number: str, *, actor: str) -> bytes:
        """Notice ``number`` as a PDF, audited as an export by ``actor``."""
        data = self._renderer.render(self.document(number))
        with self._uow_factory() as uow:
            self._audit.record(uow, actor=actor, action=AuditAction.EXPORT, target=number,
                               details={"kind": "notice-pdf", "bytes": str(len(data))})
            uow.commit()
        return data

    def _image(self, role: str, sha256: str, content_type: str) -> EvidenceImage | None:
        try:
            return EvidenceImage(role=role, content_type=content_type,
                                 data=self._evidence.get(sha256))
        except EvidenceNotFound:
            return None  # deleted by retention or a failed store: the notice still prints


def _image_refs(uow: NoticeUnitOfWork, violation: Violation) -> list[tuple[str, str, str]]:
    refs: list[tuple[str, str, str]] = []
    for stored in uow.reads.get_many(list(violation.read_ids)):
        for image in stored.read.images:
            if image.role in ("overview", "plate") and image.content_type.startswith("image/"):
                refs.append((image.role, image.sha256, image.content_type))
    return refs[:MAX_IMAGES]
