"""Keeping stored section-speed violations equal to what the reads support.

Cameras replay backlogs, so a late entry read can land between an entry and an exit that
were already paired and break that pair. The service calls :func:`reconcile` after each
arrival and applies the result; property tests check that the store then equals
:func:`~platewarden.domain.rules.section_speed.expected_violations` of the reads seen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from platewarden.domain.cameras import Section
from platewarden.domain.reads import PlateRead
from platewarden.domain.rules.section_speed import expected_violations
from platewarden.domain.tolerance import SpeedTolerance
from platewarden.domain.violations import Violation, ViolationStatus, ViolationType

WITHDRAW_REASON = "section re-paired: a late read changed which reads form this passage"


@dataclass(frozen=True, slots=True, kw_only=True)
class Scope:
    """The part of a plate's history that new reads can affect.

    A read at ``t`` can only change passages whose exit lies in ``[t, t + window]``, and
    those depend only on reads in ``[t - window, t + window]``; so the service need not
    load a plate's whole history. All bounds are inclusive.

    Attributes:
        reads_from: Earliest capture time of reads to load.
        reads_until: Latest capture time of reads to load.
        exits_from: Earliest exit (``occurred_at``) of passages and violations to compare.
        exits_until: Latest exit of passages and violations to compare.
    """

    reads_from: datetime
    reads_until: datetime
    exits_from: datetime
    exits_until: datetime

    def covers_read(self, read: PlateRead) -> bool:
        """Whether ``read`` must be loaded."""
        return self.reads_from <= read.captured_at <= self.reads_until

    def covers_exit(self, when: datetime) -> bool:
        """Whether a passage or violation ending at ``when`` is compared."""
        return self.exits_from <= when <= self.exits_until


def scope_for(new_reads: Iterable[PlateRead], *, window_s: float) -> Scope:
    """The :class:`Scope` affected by ``new_reads`` (one read, or a replayed batch).

    Raises:
        ValueError: If ``new_reads`` is empty.
    """
    times = [read.captured_at for read in new_reads]
    if not times:
        raise ValueError("scope_for needs at least one read")
    window = timedelta(seconds=window_s)
    first, last = min(times), max(times)
    return Scope(reads_from=first - window, reads_until=last + window,
                 exits_from=first, exits_until=last + window)


@dataclass(frozen=True, slots=True, kw_only=True)
class Reconciliation:
    """What to change in the store so it matches :func:`expected_violations`.

    Attributes:
        add: New violations to insert as pending.
        withdraw: Ids of pending violations no longer supported (mark them withdrawn,
            reason :data:`WITHDRAW_REASON`).
        reinstate: Violations stored as withdrawn that the reads support again (only
            possible when reads are removed); set them back to pending.
        disputed: Ids of *confirmed* violations no longer supported: a reviewer's decision
            is never changed automatically, so a person must look again.
    """

    add: tuple[Violation, ...] = ()
    withdraw: tuple[str, ...] = ()
    reinstate: tuple[Violation, ...] = ()
    disputed: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Whether nothing needs to change."""
        return not (self.add or self.withdraw or self.reinstate or self.disputed)


def reconcile(
    existing: Iterable[Violation],
    reads: Iterable[PlateRead],
    *,
    section: Section,
    tolerance: SpeedTolerance,
    window_s: float,
    scope: Scope | None = None,
) -> Reconciliation:
    """Compare stored section violations with what the current reads support.

    Applying the result (insert ``add``, withdraw ``withdraw``, reinstate ``reinstate``)
    makes the pending-or-confirmed violations in scope equal to
    :func:`expected_violations` of the full read set, whatever order reads arrived in.

    Enum fields are compared by value, so violations rebuilt from storage with plain
    strings for ``type`` and ``status`` work too.

    Args:
        existing: Stored violations of this section and plate, any status; others (another
            type, section or plate key) are ignored.
        reads: The plate's reads; with ``scope``, at least every read it covers.
        section: The section.
        tolerance: Speed tolerance policy.
        window_s: Pairing window in seconds.
        scope: Limit the comparison to passages ending in the scope (see
            :func:`scope_for`); ``None`` compares everything.

    Returns:
        The changes, each list ordered by violation id.
    """
    reads = list(reads)
    keys = {read.plate_key for read in reads}
    desired = {
        v.id: v
        for v in expected_violations(reads, section=section, tolerance=tolerance,
                                     window_s=window_s)
        if scope is None or scope.covers_exit(v.occurred_at)
    }
    stored = {
        v.id: v
        for v in existing
        if v.type == ViolationType.SECTION_SPEED
        and v.details.get("section_id") == section.id
        and v.plate_key in keys
        and (scope is None or scope.covers_exit(v.occurred_at))
    }
    gone = sorted(set(stored) - set(desired))
    return Reconciliation(
        add=tuple(desired[i] for i in sorted(set(desired) - set(stored))),
        withdraw=tuple(i for i in gone if stored[i].status == ViolationStatus.PENDING),
        reinstate=tuple(desired[i] for i in sorted(set(desired) & set(stored))
                        if stored[i].status == ViolationStatus.WITHDRAWN),
        disputed=tuple(i for i in gone if stored[i].status == ViolationStatus.CONFIRMED),
    )
