"""Wiring of the privacy lifecycle (retention, holds, pseudonymous search) for ``bootstrap``.

Kept apart from ``bootstrap`` so the privacy pieces change in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from platewarden.adapters.crypto import Ed25519FileSigner
from platewarden.adapters.db.privacy import SqlPrivacy, SqlPrivacyUnitOfWorkFactory
from platewarden.adapters.db.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from platewarden.adapters.keyring import BucketKeyring
from platewarden.config import Settings
from platewarden.domain.retention import RetentionPolicy
from platewarden.domain.tolerance import SpeedTolerance
from platewarden.services.audit import AuditService
from platewarden.services.evidence_packages import EvidencePackager, Redaction, Redactor
from platewarden.services.ports import EvidenceStore, RateLimiter
from platewarden.services.privacy_ports import PrivacyRepository
from platewarden.services.pseudonyms import Pseudonymiser, PseudonymousReads
from platewarden.services.retention import RetentionService
from platewarden.services.search import SearchService
from platewarden.services.transparency import TransparencyService
from platewarden.services.unit_of_work import UnitOfWork


def retention_policy(settings: Settings) -> RetentionPolicy:
    """The policy the settings describe."""
    r = settings.retention
    return RetentionPolicy(
        pseudonymise_after_h=r.pseudonymise_after_h, nonhit_read_days=r.nonhit_read_days,
        nonhit_image_days=r.nonhit_image_days, hotlist_hit_days=r.hotlist_hit_days,
        closed_violation_days=r.closed_violation_days, audit_log_days=r.audit_log_days)


def privacy_services(settings: Settings, *, engine: Engine, audit: AuditService,
                     evidence: EvidenceStore, keyring: BucketKeyring,
                     clock: Callable[[], datetime], search: SearchService,
                     rate_limits: Sequence[RateLimiter]) -> RetentionService:
    """The retention service; also lets ``search`` find pseudonymised reads.

    ``rate_limits`` are the limiters whose expired windows each run deletes.
    """
    pseudonymiser = Pseudonymiser(keyring=keyring)
    search.pseudonymous = PseudonymousReads(pseudonymiser=pseudonymiser,
                                            repository=_privacy_of)
    return RetentionService(uow_factory=SqlPrivacyUnitOfWorkFactory(engine), audit=audit,
                            evidence=evidence, keyring=keyring, pseudonyms=pseudonymiser,
                            clock=clock, policy=retention_policy(settings),
                            rate_limits=rate_limits)


def evidence_packager(settings: Settings, *, engine: Engine, audit: AuditService,
                      evidence: EvidenceStore, clock: Callable[[], datetime],
                      signing_key: Path, redactor: Redactor) -> EvidencePackager:
    """Evidence packages signed with the platform key, redacted with the recognition models."""
    tolerance = SpeedTolerance(absolute_kmh=settings.speed_tolerance.absolute_kmh,
                               percent=settings.speed_tolerance.percent)
    return EvidencePackager(uow_factory=SqlUnitOfWorkFactory(engine), evidence=evidence,
                            signer=Ed25519FileSigner(signing_key), audit=audit, clock=clock,
                            tolerance=tolerance, redactor=redactor)


class RecognitionRedactor:
    """The services' ``Redactor`` on the recognition pipeline (models load on first use)."""

    def __init__(self) -> None:
        self._redactor: Any = None

    def redact(self, image: bytes, *, keep_plate: str) -> Redaction:
        """Blur every plate but ``keep_plate`` and every face."""
        if self._redactor is None:
            # Imported here: the models and ONNX runtime cost every other command start-up.
            from platewarden.recognition.presets import load_recognizer
            from platewarden.recognition.redaction import ImageRedactor

            # The 640 px detector: a redacted copy must not miss a small plate.
            self._redactor = ImageRedactor(
                recognizer=lambda: load_recognizer("platewarden-640"))
        done = self._redactor.redact(image, keep_plate=keep_plate)
        return Redaction(data=done.data, content_type="image/jpeg",
                         plates_blurred=done.plates_blurred, faces_blurred=done.faces_blurred,
                         plate_kept=done.plate_kept)


def _privacy_of(uow: UnitOfWork) -> PrivacyRepository:
    if not isinstance(uow, SqlUnitOfWork):
        raise TypeError("pseudonymous search needs the SQL unit of work")
    return SqlPrivacy(uow.connection)


def transparency_service(engine: Engine, *, clock: Callable[[], datetime],
                         min_count: int = 5) -> TransparencyService:
    """The transparency report on the installation's database."""
    return TransparencyService(uow_factory=SqlPrivacyUnitOfWorkFactory(engine), clock=clock,
                               min_count=min_count)
