"""Wiring of the privacy lifecycle (retention, holds, pseudonymous search) for ``bootstrap``.

Kept apart from ``bootstrap`` so the privacy pieces change in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine

from platewarden.adapters.db.privacy import SqlPrivacy, SqlPrivacyUnitOfWorkFactory
from platewarden.adapters.db.uow import SqlUnitOfWork
from platewarden.adapters.keyring import BucketKeyring
from platewarden.config import Settings
from platewarden.domain.retention import RetentionPolicy
from platewarden.services.audit import AuditService
from platewarden.services.ports import EvidenceStore
from platewarden.services.privacy_ports import PrivacyRepository
from platewarden.services.pseudonyms import Pseudonymiser, PseudonymousReads
from platewarden.services.retention import RetentionService
from platewarden.services.search import SearchService
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
                     clock: Callable[[], datetime], search: SearchService) -> RetentionService:
    """The retention service; also lets ``search`` find pseudonymised reads."""
    pseudonymiser = Pseudonymiser(keyring=keyring)
    search.pseudonymous = PseudonymousReads(pseudonymiser=pseudonymiser,
                                            repository=_privacy_of)
    return RetentionService(uow_factory=SqlPrivacyUnitOfWorkFactory(engine), audit=audit,
                            evidence=evidence, keyring=keyring, pseudonyms=pseudonymiser,
                            clock=clock, policy=retention_policy(settings))


def _privacy_of(uow: UnitOfWork) -> PrivacyRepository:
    if not isinstance(uow, SqlUnitOfWork):
        raise TypeError("pseudonymous search needs the SQL unit of work")
    return SqlPrivacy(uow.connection)
