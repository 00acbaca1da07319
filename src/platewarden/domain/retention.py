"""Retention policy per data class, legal holds, and the cut-off times a run works to.

Pure: the retention service passes ``now`` (from its injected clock) and acts on the cut-offs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

# Bucket key names shared by retention (which destroys keys) and the evidence stores (which
# seal under them): ``evidence/YYYY-MM-DD`` per day, and the month keys of kept evidence.
EVIDENCE_PURPOSE = "evidence"
KEPT_PREFIX = "evidence/kept-"  # + YYYY-MM: the month kept evidence was moved off its day


class HoldTarget(StrEnum):
    """What a legal hold covers."""

    VIOLATION = "violation"  # a case: the violation, its reads and their images
    READ = "read"  # one record: the read and its images


@dataclass(frozen=True, slots=True, kw_only=True)
class RetentionPolicy:
    """How long each class of data is kept (privacy-protective defaults).

    Attributes:
        pseudonymise_after_h: Reads that matched nothing keep their plate text this long,
            then only a keyed HMAC of it.
        nonhit_read_days: Reads that matched nothing are deleted after this.
        nonhit_image_days: Their images (overview, plate crop, clip) are deleted after this.
        hotlist_hit_days: Hotlist alerts (and the read behind them) are kept this long.
        closed_violation_days: A violation's evidence is kept while its case is open
            (pending review), then this long after it was confirmed, rejected or withdrawn.
        audit_log_days: Audit entries are kept this long.
    """

    pseudonymise_after_h: int = 72
    nonhit_read_days: int = 30
    nonhit_image_days: int = 7
    hotlist_hit_days: int = 90
    closed_violation_days: int = 365
    audit_log_days: int = 5 * 365 + 1

    def __post_init__(self) -> None:
        if min(self.pseudonymise_after_h, self.nonhit_read_days, self.nonhit_image_days,
               self.hotlist_hit_days, self.closed_violation_days, self.audit_log_days) < 1:
            raise ValueError("every retention period must be at least 1")
        if self.pseudonymise_after_h > self.nonhit_read_days * 24:
            raise ValueError("plate text cannot outlive the read: pseudonymise sooner")

    def cutoffs(self, now: datetime) -> Cutoffs:
        """Everything older than these goes in a run at ``now``."""
        return Cutoffs(
            pseudonymise=now - timedelta(hours=self.pseudonymise_after_h),
            nonhit_read=now - timedelta(days=self.nonhit_read_days),
            nonhit_image=now - timedelta(days=self.nonhit_image_days),
            hotlist_hit=now - timedelta(days=self.hotlist_hit_days),
            closed_violation=now - timedelta(days=self.closed_violation_days),
            audit=now - timedelta(days=self.audit_log_days))

    def describe(self) -> dict[str, str]:
        """The figures as audit details (what a policy-change entry records)."""
        return {"pseudonymise_after_h": str(self.pseudonymise_after_h),
                "nonhit_read_days": str(self.nonhit_read_days),
                "nonhit_image_days": str(self.nonhit_image_days),
                "hotlist_hit_days": str(self.hotlist_hit_days),
                "closed_violation_days": str(self.closed_violation_days),
                "audit_log_days": str(self.audit_log_days)}


@dataclass(frozen=True, slots=True, kw_only=True)
class Cutoffs:
    """Data of each class older than its cut-off is past retention."""

    pseudonymise: datetime
    nonhit_read: datetime
    nonhit_image: datetime
    hotlist_hit: datetime
    closed_violation: datetime
    audit: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class LegalHold:
    """A hold that stops retention from deleting (or pseudonymising) what it covers."""

    id: str
    target: HoldTarget
    target_id: str
    reason: str
    placed_by: str
    placed_at: datetime
    released_by: str | None = None
    released_at: datetime | None = None
    release_reason: str | None = None

    @property
    def active(self) -> bool:
        """Whether the hold still applies."""
        return self.released_at is None


@dataclass(frozen=True, slots=True, kw_only=True)
class RetentionCounts:
    """What one run removed (or, in a dry run, would remove). Counts only, never plates.

    ``evidence_links_deleted`` counts references from reads to images and to the signed
    envelope they came in; ``objects_deleted`` the evidence objects no longer referenced;
    ``rate_limit_rows_deleted`` the shared rate limits' counts (HMAC-keyed) of windows that
    can no longer count.
    """

    violations_deleted: int = 0
    alerts_deleted: int = 0
    reads_deleted: int = 0
    reads_pseudonymised: int = 0
    evidence_links_deleted: int = 0
    blobs_deleted: int = 0
    objects_deleted: int = 0
    objects_rekeyed: int = 0
    evidence_keys_destroyed: int = 0
    pseudonym_keys_destroyed: int = 0
    held_skipped: int = 0
    audit_entries_due: int = 0
    rate_limit_rows_deleted: int = 0

    def as_details(self) -> dict[str, str]:
        """The counts as audit details."""
        return {name: str(getattr(self, name)) for name in self.__dataclass_fields__}


def check_reason(reason: str) -> str:
    """A hold or release reason, stripped; at least 5 and at most 500 characters.

    Raises:
        ValueError: the reason is too short or too long.
    """
    text = " ".join(reason.split())
    if not 5 <= len(text) <= 500:
        raise ValueError("give a reason of 5 to 500 characters")
    return text


def day_start(when: datetime) -> datetime:
    """Midnight UTC at the start of ``when``'s day."""
    return when.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def day_name(when: datetime) -> str:
    """The per-day key bucket of an aware time: its UTC date, ``YYYY-MM-DD``."""
    return when.astimezone(UTC).strftime("%Y-%m-%d")


def day_from_name(name: str) -> datetime:
    """Midnight UTC of the day ``day_name`` produced ``name`` for.

    Raises:
        ValueError: ``name`` is not a ``YYYY-MM-DD`` day.
    """
    return datetime.strptime(name, "%Y-%m-%d").replace(tzinfo=UTC)
