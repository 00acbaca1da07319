"""Retention runs that really delete, and the legal holds that stop them.

A run works in two phases. First, in one transaction: delete closed violations, hotlist hits,
reads that matched nothing and their images past their periods, and replace the plate text
of older non-hit reads with per-day keyed pseudonyms. Then, after the commit: delete the
evidence objects nothing refers to any more, move evidence that must be kept off day keys
that are due to go (rekey), and destroy the day keys (crypto-shredding), which makes every
copy of that day's data unreadable, backups included. A crash between the phases leaves only
orphans that the next run's key destruction shreds. Last, the shared rate limits forget the
windows that can no longer count (their own transactions). Every run, dry or real, is an
audit entry with counts and never plate text.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from platewarden.domain.audit import AuditAction, AuditRecord
from platewarden.domain.retention import (
    EVIDENCE_PURPOSE,
    KEPT_PREFIX,
    Cutoffs,
    HoldTarget,
    LegalHold,
    RetentionCounts,
    RetentionPolicy,
    check_reason,
    day_from_name,
)
from platewarden.services.audit import AuditService
from platewarden.services.errors import NotFound, ServiceError
from platewarden.services.ports import EvidenceStore, RateLimiter
from platewarden.services.privacy_ports import (
    Keyring,
    PrivacyRepository,
    PrivacyUnitOfWorkFactory,
    RekeyableStore,
)
from platewarden.services.pseudonyms import PSEUDONYM_PURPOSE, Pseudonymiser

log = logging.getLogger(__name__)
POLICY_TARGET = "retention-policy"
_BATCH = 1000
# Day keys outlive their data by a day: a read's capture time (camera clock) and the day its
# images were sealed (platform clock) can straddle midnight.
_KEY_MARGIN = timedelta(days=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class RetentionReport:
    """One run: when, whether it was dry, the counts and its audit entry."""

    at: datetime
    dry_run: bool
    counts: RetentionCounts
    audit_sequence: int


class RetentionService:
    """Runs retention and manages legal holds."""

    def __init__(self, *, uow_factory: PrivacyUnitOfWorkFactory, audit: AuditService,
                 evidence: EvidenceStore, keyring: Keyring, pseudonyms: Pseudonymiser,
                 clock: Callable[[], datetime], policy: RetentionPolicy,
                 rate_limits: Sequence[RateLimiter] = ()) -> None:
        self._uow_factory = uow_factory
        self._rate_limits = rate_limits
        self._audit = audit
        self._evidence = evidence
        self._keyring = keyring
        self._pseudonyms = pseudonyms
        self._clock = clock
        self._policy = policy

    @property
    def policy(self) -> RetentionPolicy:
        """The policy in force."""
        return self._policy

    def run(self, *, dry_run: bool = False, actor: str = "system") -> RetentionReport:
        """Apply the policy now; ``dry_run`` only counts what would go.

        Args:
            dry_run: Change nothing; report what a real run would remove.
            actor: Who started the run (``"system"`` for the schedule).
        """
        self.record_policy(actor=actor)
        now = self._clock()
        cut = self._policy.cutoffs(now)
        with self._uow_factory() as uow:
            counts, doomed = self._delete_rows(uow.privacy, cut, dry_run=dry_run)
            in_use = uow.privacy.pseudonymised_days()
            day_keys = self._day_keys(EVIDENCE_PURPOSE)
            # Kept evidence moves off day keys at the first run, not only when its day's key
            # is due, so a backup taken after that run still opens it.
            kept = uow.privacy.kept_images_received_since(
                _day_end(day_keys[0]) - 2 * _KEY_MARGIN) if day_keys else []
            kept_due = self._due_kept_keys(uow.privacy, now)
            if not dry_run:
                uow.commit()
        step = "evidence"
        try:
            counts = self._shred(counts, doomed=doomed, kept=kept, day_keys=set(day_keys),
                                 due_keys=[*self._due_evidence_keys(cut), *kept_due],
                                 pseudonym_keys=self._due_pseudonym_keys(cut, in_use),
                                 dry_run=dry_run)
            step = "rate_limits"
            # Windows no later attempt would prune (see RateLimiter.prune_expired).
            counts = replace(counts, rate_limit_rows_deleted=sum(
                limits.prune_expired(dry_run=dry_run) for limits in self._rate_limits))
        except Exception as exc:
            # The rows above are already deleted: the trail must say so even when a later
            # step fails (its counts are then those of the steps that finished).
            failed = f"{step}: {type(exc).__name__}"
            self._record_run(counts, actor=actor, dry_run=dry_run, failed=failed)
            log.error("retention run failed at %s; counts so far audited", failed)
            raise
        record = self._record_run(counts, actor=actor, dry_run=dry_run)
        log.info("retention run%s: %s", " (dry)" if dry_run else "", counts.as_details())
        return RetentionReport(at=now, dry_run=dry_run, counts=counts,
                               audit_sequence=record.sequence)

    def _record_run(self, counts: RetentionCounts, *, actor: str, dry_run: bool,
                    failed: str | None = None) -> AuditRecord:
        details = {**counts.as_details(), "dry_run": str(dry_run).lower()}
        if failed is not None:
            # The exception's type only: its message could quote a plate or a key.
            details["failed"] = failed
        with self._uow_factory() as uow:
            record = self._audit.record(uow, actor=actor, action=AuditAction.RETENTION_RUN,
                                        details=details)
            uow.commit()
        return record

    def record_policy(self, *, actor: str = "system") -> bool:
        """Audit the policy in force if it differs from the last one recorded."""
        figures = self._policy.describe()
        with self._uow_factory() as uow:
            previous = uow.audit.find([AuditAction.CONFIG_CHANGED], target=POLICY_TARGET)
            if previous and dict(previous[-1].entry.details) == figures:
                return False
            self._audit.record(uow, actor=actor, action=AuditAction.CONFIG_CHANGED,
                               target=POLICY_TARGET, details=figures)
            uow.commit()
        return True

    def place_hold(self, *, target: HoldTarget, target_id: str, reason: str,
                   actor: str) -> LegalHold:
        """Stop retention from touching a case (violation) or a record (read).

        Raises:
            ServiceError: ``invalid_field`` for a reason of the wrong length.
            NotFound: no such violation or read.
        """
        text = _reason(reason)
        hold = LegalHold(id=uuid.uuid4().hex, target=target, target_id=target_id, reason=text,
                         placed_by=actor, placed_at=self._clock())
        with self._uow_factory() as uow:
            if not uow.privacy.target_exists(target, target_id):
                raise NotFound(f"No {target.value} {target_id!r} to hold.")
            uow.privacy.add_hold(hold)
            self._audit.record(uow, actor=actor, action=AuditAction.LEGAL_HOLD_PLACED,
                               target=hold.id,
                               details={"target": target.value, "target_id": target_id})
            uow.commit()
        return hold

    def release_hold(self, hold_id: str, *, reason: str, actor: str) -> LegalHold:
        """Release an active hold; retention applies again from the next run.

        Raises:
            ServiceError: ``invalid_field`` for a bad reason, ``conflict`` if already released.
            NotFound: no such hold.
        """
        text = _reason(reason)
        at = self._clock()
        with self._uow_factory() as uow:
            hold = uow.privacy.hold(hold_id)
            if hold is None:
                raise NotFound(f"No legal hold {hold_id!r}.")
            if not uow.privacy.release_hold(hold_id, by=actor, at=at, reason=text):
                raise ServiceError("conflict", "That hold was already released.")
            self._audit.record(uow, actor=actor, action=AuditAction.LEGAL_HOLD_RELEASED,
                               target=hold_id, details={"target": hold.target.value,
                                                        "target_id": hold.target_id})
            uow.commit()
        return replace(hold, released_by=actor, released_at=at, release_reason=text)

    def holds(self, *, active_only: bool = True) -> list[LegalHold]:
        """Legal holds, oldest first."""
        with self._uow_factory(read_only=True) as uow:
            return uow.privacy.holds(active_only=active_only)

    def _delete_rows(self, repo: PrivacyRepository, cut: Cutoffs, *,
                     dry_run: bool) -> tuple[RetentionCounts, list[str]]:
        held = repo.held_past(cut.nonhit_read, closed_cutoff=cut.closed_violation)
        # A closed case's appeal attachments are evidence objects: they go with it.
        violations, case_shas = repo.delete_closed_violations_before(cut.closed_violation)
        alerts = repo.delete_alerts_before(cut.hotlist_hit)
        reads, read_shas = repo.delete_reads_before(cut.nonhit_read)
        image_shas = repo.delete_images_before(cut.nonhit_image)
        blob_shas = repo.delete_blobs_before(cut.nonhit_image)
        doomed = repo.unreferenced([*read_shas, *image_shas, *blob_shas, *case_shas])
        counts = RetentionCounts(
            violations_deleted=violations, alerts_deleted=alerts, reads_deleted=reads,
            evidence_links_deleted=len(read_shas) + len(image_shas), blobs_deleted=len(blob_shas),
            reads_pseudonymised=self._pseudonymise(repo, cut.pseudonymise, dry_run=dry_run),
            held_skipped=held, audit_entries_due=repo.audit_entries_before(cut.audit))
        return counts, doomed

    def _pseudonymise(self, repo: PrivacyRepository, cutoff: datetime, *,
                      dry_run: bool) -> int:
        if dry_run:
            return len(repo.plates_to_pseudonymise(cutoff, limit=10**9))
        total = 0
        while batch := repo.plates_to_pseudonymise(cutoff, limit=_BATCH):
            repo.set_pseudonyms([(p.read_pk, self._pseudonyms.pseudonym(
                p.plate, captured_at=p.captured_at)) for p in batch])
            total += len(batch)
        return total

    def _day_keys(self, purpose: str) -> list[str]:
        return [name for name in self._keyring.names(purpose)
                if _is_day(name.split("/")[1])]

    def _due_evidence_keys(self, cut: Cutoffs) -> list[str]:
        limit = cut.nonhit_image - _KEY_MARGIN
        return [name for name in self._day_keys(EVIDENCE_PURPOSE) if _day_end(name) <= limit]

    def _due_kept_keys(self, repo: PrivacyRepository, now: datetime) -> list[str]:
        """Month keys of kept evidence that no stored reference can need any more.

        Kept evidence moves to ``kept-M``, ``M`` the month its (latest) read was received, so
        once no read received in ``M`` has an image or envelope left, the key goes, and with
        it every copy in older backups. (An image stored byte-identical for reads of two
        months lives under the later month's key: content addressing stores it once.)
        """
        due = []
        for name in self._keyring.names(EVIDENCE_PURPOSE):
            if not name.startswith(KEPT_PREFIX):
                continue
            start = day_from_name(f"{name.removeprefix(KEPT_PREFIX)}-01")
            end = (start + timedelta(days=32)).replace(day=1)
            if end + 2 * _KEY_MARGIN > now:
                continue
            if not repo.any_references_received_between(start, end):
                due.append(name)
        return due

    def _due_pseudonym_keys(self, cut: Cutoffs, in_use: set[str]) -> list[str]:
        limit = cut.nonhit_read - _KEY_MARGIN
        return [name for name in self._keyring.names(PSEUDONYM_PURPOSE)
                if _day_end(name) <= limit and name.split("/")[1] not in in_use]

    def _shred(self, counts: RetentionCounts, *, doomed: list[str],
               kept: list[tuple[str, datetime]],
               day_keys: set[str], due_keys: list[str], pseudonym_keys: list[str],
               dry_run: bool) -> RetentionCounts:
        store = self._evidence
        to_rekey = []
        if isinstance(store, RekeyableStore):
            to_rekey = [(sha, received) for sha, received in kept
                         if store.exists(sha) and store.key_name(sha) in day_keys]
        elif due_keys and kept:
            log.warning("evidence store cannot rekey: day keys with kept evidence stay")
            due_keys = []
        if dry_run:
            return replace(counts, objects_deleted=sum(map(store.exists, doomed)),
                           objects_rekeyed=len(to_rekey),
                           evidence_keys_destroyed=len(due_keys),
                           pseudonym_keys_destroyed=len(pseudonym_keys))
        deleted = sum(store.delete(sha) for sha in doomed)
        for sha, received in to_rekey:
            assert isinstance(store, RekeyableStore)
            store.rekey(sha, key_name=f"{KEPT_PREFIX}{received:%Y-%m}")
        store.sync()
        return replace(counts, objects_deleted=deleted, objects_rekeyed=len(to_rekey),
                       evidence_keys_destroyed=sum(map(self._keyring.destroy, due_keys)),
                       pseudonym_keys_destroyed=sum(map(self._keyring.destroy,
                                                        pseudonym_keys)))


def _is_day(bucket: str) -> bool:
    try:
        day_from_name(bucket)
    except ValueError:
        return False
    return True


def _day_end(name: str) -> datetime:
    return day_from_name(name.split("/")[1]) + timedelta(days=1)


def _reason(reason: str) -> str:
    try:
        return check_reason(reason)
    except ValueError as exc:
        raise ServiceError("invalid_field", f"{exc}.") from exc
