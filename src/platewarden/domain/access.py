"""Roles and the permissions each grants: the least each job needs."""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    """Things a route may require."""

    CAMERAS_READ = "cameras:read"
    CAMERAS_WRITE = "cameras:write"
    VIOLATIONS_READ = "violations:read"
    VIOLATIONS_REVIEW = "violations:review"
    ALERTS_READ = "alerts:read"
    EVIDENCE_READ = "evidence:read"
    API_SCHEMA_READ = "api-schema:read"
    READS_SEARCH = "reads:search"
    SEARCH_APPROVE = "search:approve"
    AUDIT_READ = "audit:read"


class Role(StrEnum):
    """Roles a user may hold (several at once)."""

    ADMIN = "admin"
    REVIEWER = "reviewer"
    INVESTIGATOR = "investigator"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset({Permission.CAMERAS_READ, Permission.CAMERAS_WRITE,
                           Permission.API_SCHEMA_READ}),
    Role.REVIEWER: frozenset({Permission.VIOLATIONS_READ, Permission.VIOLATIONS_REVIEW,
                              Permission.ALERTS_READ, Permission.EVIDENCE_READ,
                              Permission.CAMERAS_READ}),
    Role.INVESTIGATOR: frozenset({Permission.ALERTS_READ, Permission.EVIDENCE_READ,
                                  Permission.CAMERAS_READ, Permission.READS_SEARCH}),
    Role.SUPERVISOR: frozenset({Permission.VIOLATIONS_READ, Permission.ALERTS_READ,
                                Permission.CAMERAS_READ, Permission.READS_SEARCH,
                                Permission.SEARCH_APPROVE}),
    # Auditors see the audit trail and misuse signals, never raw plate data.
    Role.AUDITOR: frozenset({Permission.AUDIT_READ}),
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
