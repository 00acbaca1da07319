"""Roles and the permissions each grants: the least each job needs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from platewarden.domain.plates import REGIONS


class Permission(StrEnum):
    """Things a route may require."""

    CAMERAS_READ = "cameras:read"
    CAMERAS_WRITE = "cameras:write"
    VIOLATIONS_READ = "violations:read"
    VIOLATIONS_REVIEW = "violations:review"
    ALERTS_READ = "alerts:read"
    ALERTS_CONFIRM = "alerts:confirm"  # a person confirms or dismisses a hotlist match
    EVIDENCE_READ = "evidence:read"
    API_SCHEMA_READ = "api-schema:read"
    READS_SEARCH = "reads:search"
    SEARCH_APPROVE = "search:approve"
    AUDIT_READ = "audit:read"
    HOTLIST_PROPOSE = "hotlist:propose"
    HOTLIST_APPROVE = "hotlist:approve"
    USERS_MANAGE = "users:manage"
    PRIVACY_READ = "privacy:read"  # retention policy, legal holds, transparency report
    PAYMENTS_RESOLVE = "payments:resolve"  # held payments: apply, refund or reject


class Role(StrEnum):
    """Roles a user may hold (several at once)."""

    ADMIN = "admin"
    REVIEWER = "reviewer"
    INVESTIGATOR = "investigator"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset({Permission.CAMERAS_READ, Permission.CAMERAS_WRITE,
                           Permission.API_SCHEMA_READ, Permission.USERS_MANAGE,
                           Permission.PRIVACY_READ}),
    Role.REVIEWER: frozenset({Permission.VIOLATIONS_READ, Permission.VIOLATIONS_REVIEW,
                              Permission.ALERTS_READ, Permission.ALERTS_CONFIRM,
                              Permission.EVIDENCE_READ, Permission.CAMERAS_READ}),
    Role.INVESTIGATOR: frozenset({Permission.ALERTS_READ, Permission.ALERTS_CONFIRM,
                                  Permission.EVIDENCE_READ, Permission.CAMERAS_READ,
                                  Permission.READS_SEARCH, Permission.HOTLIST_PROPOSE}),
    Role.SUPERVISOR: frozenset({Permission.VIOLATIONS_READ, Permission.ALERTS_READ,
                                Permission.CAMERAS_READ, Permission.READS_SEARCH,
                                Permission.SEARCH_APPROVE, Permission.HOTLIST_PROPOSE,
                                Permission.HOTLIST_APPROVE, Permission.PAYMENTS_RESOLVE}),
    # Auditors see the audit trail and misuse signals, never raw plate data.
    Role.AUDITOR: frozenset({Permission.AUDIT_READ, Permission.PRIVACY_READ}),
}


def permissions_of(roles: frozenset[str]) -> frozenset[Permission]:
    """Union of the permissions of ``roles``; unknown role names grant nothing."""
    granted: set[Permission] = set()
    for name in roles:
        try:
            granted |= ROLE_PERMISSIONS[Role(name)]
        except ValueError:
            continue
    return frozenset(granted)


NATIONWIDE = "*"
INITIAL_ADMIN = "admin"  # the account `platewarden init` creates


def _region_range(code: str) -> tuple[int, int]:
    if not (len(code) == 2 and code.isdigit()):
        raise ValueError(f"{code!r} is not a two-digit region code or {NATIONWIDE!r}")
    number = int(code)
    for low, high, _name in REGIONS:
        if low <= number <= high:
            return low, high
    raise ValueError(f"{code!r} is not a region code")


@dataclass(frozen=True, slots=True)
class RegionScope:
    """The regions whose cameras and records a user may see.

    Several agencies or regions share one installation; a user sees only what was granted.
    A grant names a region by any of its two-digit codes ("12" grants the whole Tashkent
    region, codes 10-19) and is stored as the region's first code. ``NATIONWIDE`` grants every
    region; an empty scope sees nothing.
    """

    codes: frozenset[str]

    @classmethod
    def of(cls, codes: Iterable[str]) -> RegionScope:
        """A scope from region codes or ``"*"``.

        Raises:
            ValueError: A code that names no region.
        """
        granted: set[str] = set()
        for raw in codes:
            code = raw.strip()
            granted.add(code if code == NATIONWIDE else f"{_region_range(code)[0]:02d}")
        return cls(frozenset(granted))

    @property
    def nationwide(self) -> bool:
        """Whether every region is granted."""
        return NATIONWIDE in self.codes

    def camera_codes(self) -> frozenset[str]:
        """Every two-digit camera region code the scope covers."""
        covered: set[str] = set()
        for code in self.codes - {NATIONWIDE}:
            low, high = _region_range(code)
            covered.update(f"{n:02d}" for n in range(low, high + 1))
        return frozenset(covered)

    def allows(self, region_code: str) -> bool:
        """Whether records of cameras in ``region_code`` are visible."""
        return self.nationwide or region_code in self.camera_codes()

    def as_filter(self) -> frozenset[str] | None:
        """Camera region codes to filter a query by, or ``None`` when nothing is filtered."""
        return None if self.nationwide else self.camera_codes()


EVERYWHERE = RegionScope(frozenset({NATIONWIDE}))
