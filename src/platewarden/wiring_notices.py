"""Wiring of notices (fines, registry, PDF, lifecycle, citizen look-up) for ``bootstrap``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from platewarden.adapters.db.notices import SqlNoticeUnitOfWorkFactory
from platewarden.adapters.db.registry import SqlVehicleRegistry
from platewarden.adapters.image_cleaner import PillowImageCleaner
from platewarden.adapters.pdf.cleaner import PypdfCleaner
from platewarden.adapters.pdf.notice_pdf import NoticePdfRenderer
from platewarden.config import Settings
from platewarden.services.appeal_attachments import AppealAttachments, AttachmentLimits
from platewarden.services.appeal_queue import AppealQueue
from platewarden.services.audit import AuditService
from platewarden.services.citizen import CitizenLookup
from platewarden.services.evidence_packages import Redactor
from platewarden.services.held_payments import HeldPayments
from platewarden.services.notice_browser import NoticeBrowser
from platewarden.services.notice_cases import NoticeCases
from platewarden.services.notice_documents import NoticeDocuments
from platewarden.services.notice_ports import KeeperTable
from platewarden.services.notices import NoticePolicy, NoticeService
from platewarden.services.payment_webhook import PaymentWebhook
from platewarden.services.ports import EvidenceStore
from platewarden.services.queries import OperatorQueries


@dataclass(frozen=True, slots=True, kw_only=True)
class NoticeServices:
    """Everything about notices, wired."""

    issuing: NoticeService
    cases: NoticeCases
    documents: NoticeDocuments
    keepers: KeeperTable
    citizen: CitizenLookup
    attachments: AppealAttachments
    webhook: PaymentWebhook
    held_payments: HeldPayments
    appeal_queue: AppealQueue
    browser: NoticeBrowser
    uow_factory: SqlNoticeUnitOfWorkFactory


def notice_services(settings: Settings, *, engine: Engine, audit: AuditService,
                    evidence: EvidenceStore, queries: OperatorQueries,
                    clock: Callable[[], datetime], redactor: Redactor) -> NoticeServices:
    """The notice services on the installation's database and evidence store."""
    config = settings.notices
    uow_factory = SqlNoticeUnitOfWorkFactory(engine)
    registry = SqlVehicleRegistry(engine)
    policy = NoticePolicy(schedules=config.fine_schedules(), tz=config.tz(),
                          language=config.default_language)
    documents = NoticeDocuments(uow_factory=uow_factory, evidence=evidence,
                                renderer=NoticePdfRenderer(), audit=audit, clock=clock,
                                tz=config.tz(), look_up_url=config.look_up_url)
    cases = NoticeCases(uow_factory=uow_factory, audit=audit, clock=clock)
    attachments = AppealAttachments(
        uow_factory=uow_factory, evidence=evidence, cleaner=PillowImageCleaner(),
        pdf_cleaner=PypdfCleaner(), audit=audit,
        limits=AttachmentLimits(max_count=config.appeal_attachments_max,
                                max_bytes=config.appeal_attachment_max_bytes,
                                max_pixels=config.appeal_attachment_max_pixels,
                                max_pdf_pages=config.appeal_attachment_max_pdf_pages))
    return NoticeServices(
        issuing=NoticeService(uow_factory=uow_factory, registry=registry, audit=audit,
                              clock=clock, policy=policy),
        cases=cases, documents=documents, keepers=registry,
        citizen=CitizenLookup(uow_factory=uow_factory, documents=documents, cases=cases,
                              audit=audit, attachments=attachments,
                              redactor=redactor),
        attachments=attachments, webhook=PaymentWebhook(
            cases=cases, secret=(config.payment_webhook_secret.get_secret_value().encode()
                                 if config.payment_webhook_secret else None),
            provider=config.payment_webhook_provider,
            window_s=config.payment_webhook_window_s, clock=clock),
        held_payments=HeldPayments(uow_factory=uow_factory, cases=cases, audit=audit),
        appeal_queue=AppealQueue(cases=cases, attachments=attachments, queries=queries),
        browser=NoticeBrowser(uow_factory=uow_factory, queries=queries, audit=audit),
        uow_factory=uow_factory)
