"""Purpose-bound plate search: queries, reasons, case references and the search window.

Every search names a reason code from a fixed list and a case reference; searches reaching
further back than the default window need a supervisor's approval. The misuse-signal rules
are pure functions over the audit entries of searches.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum

from platewarden.domain.audit import AuditEntry
from platewarden.domain.plates import canonical_key, normalise

CASE_REFERENCE = re.compile(r"^[A-Z0-9][A-Z0-9/_.-]{2,39}$")
MIN_WILDCARD_LITERALS = 3
_WILDCARD_STRIP = re.compile(r"[^A-Z0-9*?]")


class QueryKind(StrEnum):
    """How a query's text matches plates."""

    EXACT = "exact"  # the normalised plate text
    WILDCARD = "wildcard"  # ``*`` any run of characters, ``?`` one character
    CONFUSABLE = "confusable"  # the canonical key: 0/O/D/Q, 1/I, 8/B ... are alike


class SearchRefused(ValueError):
    """A search request that breaks a rule; ``code`` is machine-readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True, kw_only=True)
class PlateQuery:
    """A validated plate query.

    Attributes:
        kind: How ``value`` matches.
        value: Normalised plate text (exact), pattern of ``[A-Z0-9*?]`` (wildcard) or the
            canonical key (confusable).
    """

    kind: QueryKind
    value: str

    @property
    def correlation_key(self) -> str:
        """What identifies the vehicle(s) searched for, for repeated-search signals."""
        if self.kind is QueryKind.WILDCARD:
            return "w:" + self.value
        return "k:" + canonical_key(self.value)

    def like_pattern(self) -> str:
        """The wildcard as a SQL ``LIKE`` pattern with ``\\`` as the escape character."""
        escaped = (self.value.replace("\\", "\\\\").replace("%", "\\%")
                   .replace("_", "\\_"))
        return escaped.replace("*", "%").replace("?", "_")

    def literal_prefix(self) -> str:
        """The wildcard's characters before its first ``*`` or ``?`` (may be empty).

        Stores use it to range-scan an index on the plate instead of every read in the window.
        """
        for index, char in enumerate(self.value):
            if char in "*?":
                return self.value[:index]
        return self.value

    def matches(self, plate: str, plate_key: str) -> bool:
        """Whether a stored read's normalised plate and canonical key match."""
        if self.kind is QueryKind.EXACT:
            return plate == self.value
        if self.kind is QueryKind.CONFUSABLE:
            return plate_key == self.value
        regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c)
                        for c in self.value)
        return re.fullmatch(regex, plate) is not None


def parse_query(text: str, kind: QueryKind) -> PlateQuery:
    """Validate and normalise a query.

    Raises:
        SearchRefused: ``invalid_query`` when the text is empty, too long, or a wildcard
            with fewer than three literal characters (which would list nearly everything).
    """
    if kind is QueryKind.WILDCARD:
        value = _WILDCARD_STRIP.sub("", text.upper())
        literals = sum(c not in "*?" for c in value)
        if literals < MIN_WILDCARD_LITERALS or len(value) > 16:
            raise SearchRefused("invalid_query", "A wildcard needs at least "
                                f"{MIN_WILDCARD_LITERALS} letters or digits besides * and ?.")
        return PlateQuery(kind=kind, value=value)
    plain = normalise(text)
    if not 2 <= len(plain) <= 12:
        raise SearchRefused("invalid_query", "A plate has 2 to 12 letters and digits.")
    value = plain if kind is QueryKind.EXACT else canonical_key(plain)
    return PlateQuery(kind=kind, value=value)


def check_reason(reason_code: str | None, allowed: Collection[str]) -> str:
    """The reason code if it is one of ``allowed``.

    Raises:
        SearchRefused: ``reason_required`` when it is missing or not on the list.
    """
    code = (reason_code or "").strip()
    if code not in allowed:
        raise SearchRefused("reason_required", "A search needs a reason code from the "
                            f"configured list: {', '.join(sorted(allowed))}.")
    return code


def check_case_reference(case_reference: str | None) -> str:
    """The case reference, upper-cased, if it has the expected form.

    Raises:
        SearchRefused: ``case_reference_required`` when missing or malformed.
    """
    value = (case_reference or "").strip().upper()
    if not CASE_REFERENCE.match(value) or not any(c.isdigit() for c in value):
        raise SearchRefused("case_reference_required", "A search needs a case reference: "
                            "3-40 letters, digits or - / _ . including a digit.")
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchWindow:
    """The time range searched, ``since <= captured_at <= until``."""

    since: datetime
    until: datetime

    def within(self, other: SearchWindow) -> bool:
        """Whether this window lies inside ``other``."""
        return other.since <= self.since and self.until <= other.until


def check_window(since: datetime, until: datetime, *, now: datetime,
                 default_days: int) -> bool:
    """Validate a window; whether it needs an approval (reaches before the default window).

    Raises:
        SearchRefused: ``invalid_window`` when a bound is naive or ``since`` is after
            ``until``.
    """
    if since.tzinfo is None or until.tzinfo is None:
        raise SearchRefused("invalid_window", "Give times with a timezone.")
    if since > until:
        raise SearchRefused("invalid_window", "'since' must not be after 'until'.")
    return since < now - timedelta(days=default_days)


class SignalKind(StrEnum):
    """What kind of possible misuse a signal points at."""

    REPEATED_PLATE = "repeated-plate"
    OUTSIDE_HOURS = "outside-working-hours"
    MANY_SEARCHES = "many-searches"


@dataclass(frozen=True, slots=True, kw_only=True)
class MisusePolicy:
    """Thresholds of the misuse signals.

    Attributes:
        repeat_threshold: Searches for one plate by one user that raise a signal.
        daily_threshold: The most searches by one user on one local day that raise no
            signal.
        work_start_hour: Start of working hours, local time (inclusive).
        work_end_hour: End of working hours, local time (exclusive).
        utc_offset_hours: The local time zone's offset from UTC.
    """

    repeat_threshold: int = 3
    daily_threshold: int = 50
    work_start_hour: int = 7
    work_end_hour: int = 20
    utc_offset_hours: int = 5

    def local_time(self, at: datetime) -> datetime:
        """``at`` in the installation's local time."""
        return at.astimezone(timezone(timedelta(hours=self.utc_offset_hours)))


@dataclass(frozen=True, slots=True, kw_only=True)
class MisuseSignal:
    """A pattern an auditor should look at, with the audit entries behind it.

    Attributes:
        kind: The rule that fired.
        actor: The user whose searches these are.
        sequences: Sequence numbers of the audit entries behind the signal.
        day: The local day, for per-day rules.
        plate_hash: The keyed hash of the plate, for repeated searches (never the text).
    """

    kind: SignalKind
    actor: str
    sequences: tuple[int, ...]
    day: date | None = None
    plate_hash: str | None = None


def repeated_plate(entries: Iterable[AuditEntry], policy: MisusePolicy) -> list[MisuseSignal]:
    """One signal per user and plate hash searched at least ``repeat_threshold`` times."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for entry in entries:
        plate_hash = entry.details.get("plate_hash")
        if plate_hash:
            groups[(entry.actor, plate_hash)].append(entry.sequence)
    return [MisuseSignal(kind=SignalKind.REPEATED_PLATE, actor=actor, plate_hash=plate_hash,
                         sequences=tuple(sorted(seqs)))
            for (actor, plate_hash), seqs in sorted(groups.items())
            if len(seqs) >= policy.repeat_threshold]


def outside_hours(entries: Iterable[AuditEntry], policy: MisusePolicy) -> list[MisuseSignal]:
    """One signal per user and local day with searches outside working hours."""
    groups: dict[tuple[str, date], list[int]] = defaultdict(list)
    for entry in entries:
        local = policy.local_time(entry.at)
        if not policy.work_start_hour <= local.hour < policy.work_end_hour:
            groups[(entry.actor, local.date())].append(entry.sequence)
    return _per_day(SignalKind.OUTSIDE_HOURS, groups, minimum=1)


def many_searches(entries: Iterable[AuditEntry], policy: MisusePolicy) -> list[MisuseSignal]:
    """One signal per user and local day with more than ``daily_threshold`` searches."""
    groups: dict[tuple[str, date], list[int]] = defaultdict(list)
    for entry in entries:
        groups[(entry.actor, policy.local_time(entry.at).date())].append(entry.sequence)
    return _per_day(SignalKind.MANY_SEARCHES, groups, minimum=policy.daily_threshold + 1)


def misuse_signals(entries: Sequence[AuditEntry], policy: MisusePolicy) -> list[MisuseSignal]:
    """Every signal the search entries raise, rule by rule."""
    return [*repeated_plate(entries, policy), *outside_hours(entries, policy),
            *many_searches(entries, policy)]


def _per_day(kind: SignalKind, groups: dict[tuple[str, date], list[int]], *,
             minimum: int) -> list[MisuseSignal]:
    return [MisuseSignal(kind=kind, actor=actor, day=day, sequences=tuple(sorted(seqs)))
            for (actor, day), seqs in sorted(groups.items()) if len(seqs) >= minimum]
