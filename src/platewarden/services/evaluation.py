"""Running the rules over stored reads: violations and hotlist alerts, exactly once.

Each read is evaluated in the transaction that marks it evaluated, and every violation and
alert has an id derived from the reads behind it, so a crash between the two, a redelivered
event or a second worker can never create a second violation for the same reads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from platewarden.domain.cameras import Camera, Section
from platewarden.domain.messages import (
    AlertRaised,
    Event,
    ReadAccepted,
    ReadStored,
    ViolationDetected,
    ViolationWithdrawn,
)
from platewarden.domain.reads import PlateRead
from platewarden.domain.rules import evaluate_single_read
from platewarden.domain.rules.hotlist import HotlistKeys, match
from platewarden.domain.rules.section_reconcile import WITHDRAW_REASON, reconcile, scope_for
from platewarden.domain.tolerance import SpeedTolerance
from platewarden.domain.violations import Alert, Violation, ViolationStatus
from platewarden.services.ports import EventPublisher
from platewarden.services.unit_of_work import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class RulePolicy:
    """Settings the rules need."""

    tolerance: SpeedTolerance
    section_window_s: float
    dedupe_window_s: float = 10.0


@dataclass(slots=True)
class _Pass:
    uow: UnitOfWork
    now: datetime
    events: list[Event] = field(default_factory=list)
    cameras: dict[str, Camera | None] = field(default_factory=dict)
    sections: dict[str, list[Section]] = field(default_factory=dict)

    def camera(self, camera_id: str) -> Camera | None:
        if camera_id not in self.cameras:
            self.cameras[camera_id] = self.uow.cameras.get(camera_id)
        return self.cameras[camera_id]

    def sections_for(self, camera_id: str) -> list[Section]:
        if camera_id not in self.sections:
            self.sections[camera_id] = self.uow.cameras.sections_for(camera_id)
        return self.sections[camera_id]


def _raised(alert: Alert) -> AlertRaised:
    return AlertRaised(alert_id=alert.id, kind=alert.kind.value, priority=alert.priority,
                       camera_id=alert.camera_id, occurred_at=alert.occurred_at)


def _detected(violation: Violation) -> ViolationDetected:
    return ViolationDetected(violation_id=violation.id, type=violation.type.value,
                             camera_id=violation.camera_id, occurred_at=violation.occurred_at)


def _announced_before(uow: UnitOfWork, read_pks: Sequence[str]) -> list[Event]:
    """The events an earlier evaluation of these reads raised, to announce again.

    A worker that died after committing an evaluation but before publishing its events
    gets the batch redelivered and finds the reads evaluated; announcing what they raised
    again closes that gap. Publishers and consumers key events by violation and alert id
    (the event log drops repeats inside its duplicate window), so a repeat adds nothing;
    an alert dispatched twice is better than one never dispatched.
    """
    events: list[Event] = [_raised(a) for a in uow.violations.alerts_for_reads(read_pks)]
    events.extend(_detected(v) for v in uow.violations.for_reads(read_pks)
                  if v.status is not ViolationStatus.WITHDRAWN)
    return events


class RuleEngine:
    """Evaluates reads as they are accepted, and any left pending by a crash."""

    def __init__(self, *, uow_factory: UnitOfWorkFactory, publisher: EventPublisher,
                 policy: RulePolicy, clock: Callable[[], datetime]) -> None:
        self._uow_factory = uow_factory
        self._publisher = publisher
        self._policy = policy
        self._clock = clock
        self._hotlist = HotlistKeys()
        self._hotlist_version: str | None = None

    def on_reads_accepted(self, events: Sequence[Event]) -> None:
        """Bus handler for ``ReadAccepted`` (embedded bus) and ``ReadStored`` (event log)."""
        self.evaluate([e.read_id for e in events if isinstance(e, ReadAccepted | ReadStored)])

    def evaluate_pending(self, *, batch: int = 500) -> int:
        """Evaluate every read not yet evaluated (crash recovery); returns how many."""
        total = 0
        while True:
            with self._uow_factory(read_only=True) as uow:
                pending = uow.reads.unevaluated(limit=batch)
            if not pending:
                return total
            self.evaluate(pending)
            total += len(pending)

    def evaluate(self, read_pks: Sequence[str]) -> list[Event]:
        """Run every rule over the given reads in one transaction; idempotent."""
        if not read_pks:
            return []
        self._refresh_hotlist()  # outside the write transaction: a reload takes a while
        with self._uow_factory() as uow:
            run = _Pass(uow=uow, now=self._clock())
            found = {s.read.id: s for s in uow.reads.get_many(read_pks)}
            done_before = [pk for pk, s in found.items() if s.evaluated]
            for pk in dict.fromkeys(read_pks):
                stored = found.get(pk)
                if stored is None or stored.evaluated or stored.duplicate_of is not None:
                    continue
                original = self._pass_of(uow, stored.read)
                if original is not None:
                    # One vehicle passing one camera is one read: repeats are kept (they
                    # were acknowledged) but never evaluated.
                    uow.reads.mark_duplicate(pk, duplicate_of=original)
                    continue
                self._evaluate_read(run, stored.read)
            if done_before:
                run.events.extend(_announced_before(uow, done_before))
            uow.reads.mark_evaluated(list(read_pks))
            uow.commit()
        self._publisher.publish(run.events)
        return run.events

    def _pass_of(self, uow: UnitOfWork, read: PlateRead) -> str | None:
        """The read that already stands for ``read``'s pass, if another does.

        Normally the pass's first read. A read that arrives after a later read of its pass
        was evaluated joins that one instead: the pass has been counted (perhaps already
        reviewed or fined), and changing its representative afterwards would count it
        twice or withdraw a decided case.
        """
        return uow.reads.find_pass(read=read, window_s=self._policy.dedupe_window_s)

    def _refresh_hotlist(self) -> None:
        """Reload the hotlist's keys when its version changed (polled before each batch)."""
        with self._uow_factory(read_only=True) as uow:
            version = uow.hotlist.version()
            if version == self._hotlist_version:
                return
            # Expired entries stay: a replayed backlog read from before the expiry must
            # still match; the rule checks expiry at the read's time.
            keys = uow.hotlist.keys()
        self._hotlist = HotlistKeys(keys)
        self._hotlist_version = version
        log.info("hotlist loaded: %d keys", len(keys))

    def _evaluate_read(self, run: _Pass, read: PlateRead) -> None:
        camera = run.camera(read.camera_id)
        if camera is None:
            return
        for violation in evaluate_single_read(read, camera, tolerance=self._policy.tolerance):
            self._add(run, violation)
        self._evaluate_sections(run, read)
        key = self._hotlist.key_of(read.plate)
        listed = run.uow.hotlist.for_keys([key]) if key is not None else []
        for alert in match(read, listed):
            if run.uow.violations.add_alert_if_absent(alert, created_at=run.now):
                run.events.append(_raised(alert))

    def _add(self, run: _Pass, violation: Violation) -> None:
        if run.uow.violations.add_if_absent(violation, created_at=run.now):
            run.events.append(_detected(violation))

    def _evaluate_sections(self, run: _Pass, read: PlateRead) -> None:
        window = self._policy.section_window_s
        for section in run.sections_for(read.camera_id):
            scope = scope_for([read], window_s=window)
            reads = run.uow.reads.for_plate(
                plate_key=read.plate_key,
                camera_ids=(section.entry_camera_id, section.exit_camera_id),
                start=scope.reads_from, end=scope.reads_until)
            existing = run.uow.violations.for_section_plate(section.id, read.plate_key)
            change = reconcile(existing, reads, section=section,
                               tolerance=self._policy.tolerance, window_s=window, scope=scope)
            for violation in change.add:
                self._add(run, violation)
            self._set_status(run, change.withdraw, ViolationStatus.WITHDRAWN, WITHDRAW_REASON)
            self._set_status(run, [v.id for v in change.reinstate], ViolationStatus.PENDING,
                             "reinstated: the reads support it again")
            if change.disputed:
                log.warning("%d confirmed section violation(s) no longer supported by the "
                            "reads; a reviewer must look again", len(change.disputed))

    @staticmethod
    def _set_status(run: _Pass, ids: Iterable[str], status: ViolationStatus,
                    note: str) -> None:
        for violation_id in ids:
            run.uow.violations.set_status(violation_id, status, by=None, at=run.now, note=note)
            if status is ViolationStatus.WITHDRAWN:
                run.events.append(ViolationWithdrawn(violation_id=violation_id, reason=note))
