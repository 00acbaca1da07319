"""Notice services on the fakes, and confirmed violations with real evidence images."""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
from datetime import date, timedelta, timezone
from typing import Any

from PIL import Image

from platewarden.adapters.evidence.fake import FakeEvidenceStore
from platewarden.adapters.image_cleaner import PillowImageCleaner
from platewarden.adapters.memory.notices import InMemoryNoticeUnitOfWorkFactory
from platewarden.adapters.memory.registry import MemoryVehicleRegistry
from platewarden.adapters.pdf.cleaner import PypdfCleaner
from platewarden.adapters.pdf.notice_pdf import NoticePdfRenderer
from platewarden.config_notices import NoticeSettings
from platewarden.domain.notices import Addressee
from platewarden.domain.plates import canonical_key
from platewarden.domain.reads import ImageRef
from platewarden.domain.rules.ids import violation_id
from platewarden.domain.violations import Violation, ViolationStatus, ViolationType
from platewarden.services.appeal_attachments import AppealAttachments, AttachmentLimits
from platewarden.services.audit import AuditService
from platewarden.services.citizen import CitizenLookup
from platewarden.services.notice_cases import NoticeCases
from platewarden.services.notice_documents import NoticeDocuments
from platewarden.services.notice_ports import KeeperRecord
from platewarden.services.notices import NoticePolicy, NoticeService
from unit.rules.factories import make_camera, make_speed_read

from .factories import NOW, FixedClock, make_audit

TASHKENT = timezone(timedelta(hours=5))
PLATE = "01A123BC"
KEEPER = Addressee(name="Aziza Karimova", address="Amir Temur 1, Toshkent")


def image_bytes(colour: tuple[int, int, int], fmt: str = "JPEG") -> bytes:
    """A small real image."""
    out = io.BytesIO()
    Image.new("RGB", (160, 90), colour).save(out, format=fmt)
    return out.getvalue()


@dataclass
class NoticeWorld:
    """Every notice service on one set of fakes."""

    uow_factory: InMemoryNoticeUnitOfWorkFactory
    clock: FixedClock
    audit: AuditService
    evidence: FakeEvidenceStore
    registry: MemoryVehicleRegistry
    issuing: NoticeService
    cases: NoticeCases
    documents: NoticeDocuments
    citizen: CitizenLookup
    attachments: AppealAttachments

    def confirmed_violation(self, *, read_id: str = "r1", plate: str = PLATE,
                            speed: float = 84.0, status: ViolationStatus =
                            ViolationStatus.CONFIRMED, **fields: Any) -> Violation:
        """A violation evidenced by one speed read with an overview and a plate image."""
        images = []
        for role, colour in (("overview", (20, 120, 200)), ("plate", (240, 240, 240))):
            stored = self.evidence.put(image_bytes(colour))
            images.append(ImageRef(role=role, sha256=stored.sha256,
                                   content_type="image/jpeg", size_bytes=stored.size_bytes))
        read = dataclasses.replace(make_speed_read(speed, read_id=read_id, plate=plate),
                                   images=tuple(images))
        values: dict[str, Any] = {
            "id": violation_id(ViolationType.SPOT_SPEED, (read.id,), scope=""),
            "type": ViolationType.SPOT_SPEED, "plate": plate, "plate_key": canonical_key(plate),
            "camera_id": "cam-1", "occurred_at": read.captured_at, "read_ids": (read.id,),
            "measured": speed, "limit": 60.0, "tolerance": "limit + max(3 km/h, 3% of limit)",
            "clock_sync": "synced"}
        values.update(fields)
        violation = Violation(**values)
        with self.uow_factory() as uow:
            if uow.cameras.get("cam-1") is None:
                uow.cameras.add(make_camera(id="cam-1", name="Amir Temur / Qodiriy",
                                            road="Amir Temur Avenue"), created_at=NOW)
            uow.reads.add(read, payload_sha256="d" * 64, received_at=NOW, duplicate_of=None)
            uow.violations.add_if_absent(violation, created_at=NOW)
            if status is not ViolationStatus.PENDING:
                uow.violations.set_status(violation.id, status, by="rev-1", at=NOW, note=None)
            uow.commit()
        return violation


def make_notice_world(*, settings: NoticeSettings | None = None) -> NoticeWorld:
    """Services on fresh fakes; the registry knows ``PLATE``'s keeper."""
    settings = settings or NoticeSettings()
    uow_factory = InMemoryNoticeUnitOfWorkFactory()
    clock = FixedClock()
    audit = make_audit(uow_factory, clock)
    evidence = FakeEvidenceStore()
    registry = MemoryVehicleRegistry()
    registry.replace_all([KeeperRecord(plate_key=canonical_key(PLATE), keeper=KEEPER,
                                       valid_from=date(2020, 1, 1))])
    policy = NoticePolicy(schedules=settings.fine_schedules(), tz=TASHKENT, language="en")
    documents = NoticeDocuments(uow_factory=uow_factory, evidence=evidence,
                                renderer=NoticePdfRenderer(), audit=audit, clock=clock,
                                tz=TASHKENT, look_up_url="https://fines.example.uz/notice")
    cases = NoticeCases(uow_factory=uow_factory, audit=audit, clock=clock)
    attachments = AppealAttachments(
        uow_factory=uow_factory, evidence=evidence, cleaner=PillowImageCleaner(),
        pdf_cleaner=PypdfCleaner(), audit=audit,
        limits=AttachmentLimits(max_count=settings.appeal_attachments_max,
                                max_bytes=settings.appeal_attachment_max_bytes,
                                max_pixels=settings.appeal_attachment_max_pixels,
                                max_pdf_pages=settings.appeal_attachment_max_pdf_pages))
    return NoticeWorld(
        uow_factory=uow_factory, clock=clock, audit=audit, evidence=evidence,
        registry=registry, documents=documents, cases=cases,
        issuing=NoticeService(uow_factory=uow_factory, registry=registry, audit=audit,
                              clock=clock, policy=policy),
        citizen=CitizenLookup(uow_factory=uow_factory, documents=documents, cases=cases,
                              audit=audit, attachments=attachments),
        attachments=attachments)
