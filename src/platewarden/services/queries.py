"""Operator read side: violations, alerts, evidence, and the review decision.

Every method takes the caller's region scope: a record of a camera outside it is treated as
absent (``NotFound``), so no object is reachable by guessing its id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime

from platewarden.domain.access import RegionScope
from platewarden.domain.audit import AuditAction
from platewarden.domain.plates import normalise
from platewarden.domain.reads import PlateRead
from platewarden.domain.violations import Alert, Violation, ViolationStatus
from platewarden.services.audit import AuditService
from platewarden.services.errors import NotFound, ServiceError
from platewarden.services.ports import EvidenceStore
from platewarden.services.unit_of_work import UnitOfWork, UnitOfWorkFactory, ViolationFilter


@dataclass(frozen=True, slots=True, kw_only=True)
class ViolationView:
    """A violation with the reads that evidence it."""

    violation: Violation
    reads: tuple[PlateRead, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertView:
    """An alert with its read."""

    alert: Alert
    read: PlateRead | None


class OperatorQueries:
    """What reviewers see and decide."""

    def __init__(self, *, uow_factory: UnitOfWorkFactory, evidence: EvidenceStore,
                 clock: Callable[[], datetime], audit: AuditService | None = None) -> None:
        self._uow_factory = uow_factory
        self._evidence = evidence
        self._clock = clock
        self._audit = audit

    def violations(self, query: ViolationFilter, *, scope: RegionScope) -> list[Violation]:
        """A page of violations in ``scope``, newest first."""
        scoped = replace(query, camera_regions=_narrow(query.camera_regions, scope))
        with self._uow_factory(read_only=True) as uow:
            return uow.violations.find(scoped)

    def violation(self, violation_id: str, *, scope: RegionScope,
                  viewer: str | None = None) -> ViolationView:
        """One violation with its reads; a person's look (``viewer``) is audited."""
        with self._uow_factory(read_only=not self._audits(viewer)) as uow:
            violation = uow.violations.get(violation_id)
            if violation is None or not camera_visible(uow, violation.camera_id, scope):
                raise NotFound("No such violation.")
            stored = [uow.reads.get(pk) for pk in violation.read_ids]
            self._viewed(uow, viewer, kind="violation", target=violation_id)
        return ViolationView(violation=violation,
                             reads=tuple(s.read for s in stored if s is not None))

    def review(self, violation_id: str, *, decision: ViolationStatus, reviewer: str,
               note: str | None, scope: RegionScope,
               corrected_plate: str | None = None) -> Violation:
        """Confirm or reject a pending violation.

        A confirmation may correct a misread plate: the correction is kept in the details
        as ``corrected_plate`` beside the camera's reading, which stays as it was read.
        """
        if decision not in (ViolationStatus.CONFIRMED, ViolationStatus.REJECTED):
            raise ServiceError("invalid_field", "A review confirms or rejects.")
        correction = normalise(corrected_plate or "")
        if corrected_plate is not None and not 2 <= len(correction) <= 16:
            raise ServiceError("invalid_field", "A corrected plate has 2 to 16 characters.")
        with self._uow_factory() as uow:
            current = uow.violations.get(violation_id)
            if current is None or not camera_visible(uow, current.camera_id, scope):
                raise NotFound("No such violation.")
            if current.status is not ViolationStatus.PENDING:
                raise ServiceError("conflict", f"The violation is already {current.status}.")
            corrected = bool(correction) and correction != current.plate
            details = dict(current.details)
            if corrected:
                details["corrected_plate"] = correction
            uow.violations.set_status(violation_id, decision, by=reviewer, at=self._clock(),
                                      note=note, details=details)
            updated = uow.violations.get(violation_id)
            if self._audit is not None:
                # That a plate was corrected is recorded, never either plate's text.
                audit_details = {"decision": decision.value}
                if corrected:
                    audit_details["plate_corrected"] = "true"
                self._audit.record(uow, actor=reviewer, action=AuditAction.VIOLATION_REVIEWED,
                                   target=violation_id, details=audit_details)
            uow.commit()
        assert updated is not None
        return updated

    def alerts(self, *, limit: int, offset: int, scope: RegionScope) -> list[Alert]:
        """A page of alerts in ``scope``, newest first."""
        with self._uow_factory(read_only=True) as uow:
            return uow.violations.list_alerts(limit=limit, offset=offset,
                                              camera_regions=scope.as_filter())

    def alert(self, alert_id: str, *, scope: RegionScope,
              viewer: str | None = None) -> AlertView:
        """One alert with its read; a person's look (``viewer``) is audited."""
        with self._uow_factory(read_only=not self._audits(viewer)) as uow:
            alert = uow.violations.get_alert(alert_id)
            if alert is None or not camera_visible(uow, alert.camera_id, scope):
                raise NotFound("No such alert.")
            stored = uow.reads.get(alert.read_id)
            self._viewed(uow, viewer, kind="alert", target=alert_id)
        return AlertView(alert=alert, read=stored.read if stored else None)

    def decide_alert(self, alert_id: str, *, confirm: bool, reviewer: str,
                     scope: RegionScope) -> Alert:
        """A person compared the image with the listed plate: confirm the match, or dismiss it.

        Raises:
            NotFound: No such alert in ``scope``.
            ServiceError: ``conflict`` when it was already decided.
        """
        status = "confirmed" if confirm else "dismissed"
        with self._uow_factory() as uow:
            alert = uow.violations.get_alert(alert_id)
            if alert is None or not camera_visible(uow, alert.camera_id, scope):
                raise NotFound("No such alert.")
            if alert.status != "open":
                raise ServiceError("conflict", f"The alert is already {alert.status}.")
            uow.violations.set_alert_status(alert_id, status)
            if self._audit is not None:
                self._audit.record(uow, actor=reviewer, action=AuditAction.ALERT_REVIEWED,
                                   target=alert_id, details={"decision": status,
                                                             "kind": alert.kind.value})
            decided = uow.violations.get_alert(alert_id)
            uow.commit()
        assert decided is not None
        return decided

    def _audits(self, viewer: str | None) -> bool:
        return viewer is not None and self._audit is not None

    def _viewed(self, uow: UnitOfWork, viewer: str | None, *, kind: str, target: str) -> None:
        if viewer is not None and self._audit is not None:
            self._audit.record(uow, actor=viewer, action=AuditAction.RECORD_VIEWED,
                               target=target, details={"record": kind})
            uow.commit()

    def evidence(self, sha256: str, *, actor: str, scope: RegionScope) -> Iterator[bytes]:
        """An evidence object, only if it belongs to a violation or an alert in ``scope``.

        Images of reads that matched nothing are not served to anyone: most reads are of
        vehicles that did nothing wrong. Every object served is recorded in the audit log.
        """
        with self._uow_factory(read_only=self._audit is None) as uow:
            allowed = any(camera_visible(uow, camera_id, scope)
                          for camera_id in uow.reads.evidence_camera_ids(sha256))
            if allowed and self._audit is not None:
                self._audit.record(uow, actor=actor, action=AuditAction.EVIDENCE_VIEWED,
                                   target=sha256)
                uow.commit()
        if not allowed:
            raise NotFound("No such evidence.")
        return self._evidence.open(sha256)


def camera_visible(uow: UnitOfWork, camera_id: str, scope: RegionScope) -> bool:
    """Whether the camera ``camera_id`` is in ``scope`` (an unknown camera is not, unless
    every region is granted)."""
    if scope.nationwide:
        return True
    camera = uow.cameras.get(camera_id)
    return camera is not None and scope.allows(camera.region_code)


def _narrow(asked: frozenset[str] | None, scope: RegionScope) -> frozenset[str] | None:
    """The regions a query may cover: what was asked for, within what is granted."""
    granted = scope.as_filter()
    if granted is None:
        return asked
    return granted if asked is None else asked & granted
