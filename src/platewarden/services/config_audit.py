"""Configuration changes leave a trace in the audit log.

Settings come from a file and the environment, edited outside the application, so a change
cannot be audited where it is made. Instead every start compares the configuration in force
with the values last recorded and appends one ``config-changed`` entry per setting that
differs: its name, the value before and the value now (secrets masked). The first start
records every setting, so the log alone tells what the configuration was at any time.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

from platewarden.domain.audit import AuditAction
from platewarden.services.audit import AuditService
from platewarden.services.unit_of_work import UnitOfWorkFactory

SETTINGS_TARGET = "settings"
REMOVED = "<removed>"
_TOKEN_SCHEMES = ("nats", "tls")
_MAX_VALUE_CHARS = 200
_SECRET_NAME = re.compile(r"secret|password|token|credential|access_key|private", re.I)


def describe_settings(values: Mapping[str, object], *, prefix: str = "") -> dict[str, str]:
    """Flatten settings into ``{"dotted.name": "value"}`` with every secret masked.

    Args:
        values: Settings as plain JSON-like data (nested mappings, lists, scalars).
        prefix: Name prefix for nested values.

    Returns:
        One string per setting: secrets become ``"<set>"`` or ``"<unset>"`` and a password
        inside a URL becomes ``"***"``.
    """
    flat: dict[str, str] = {}
    for name, value in sorted(values.items()):
        key = f"{prefix}{name}"
        if isinstance(value, Mapping):
            flat.update(describe_settings(value, prefix=f"{key}."))
        elif _SECRET_NAME.search(name):
            flat[key] = "<set>" if value else "<unset>"
        elif isinstance(value, list | tuple):
            flat[key] = ",".join(str(v) for v in value)
        else:
            flat[key] = _without_password(str(value)) if value is not None else ""
    return flat


def _without_password(text: str) -> str:
    if "://" not in text or "@" not in text:
        return text
    parts = urlsplit(text)
    if parts.password is None and not parts.scheme.startswith(_TOKEN_SCHEMES):
        return text
    host = parts.hostname or ""
    # nats://TOKEN@host carries its secret where other URLs carry a user name.
    user = "***" if parts.password is None else f"{parts.username}:***"
    netloc = f"{user}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _fit(value: str) -> str:
    """A value short enough for an audit detail; longer ones are kept as their digest."""
    if len(value) <= _MAX_VALUE_CHARS:
        return value
    return "sha256:" + hashlib.sha256(value.encode()).hexdigest()


class ConfigAudit:
    """Records each setting whose value differs from the one last recorded."""

    def __init__(self, *, uow_factory: UnitOfWorkFactory, audit: AuditService) -> None:
        self._uow_factory = uow_factory
        self._audit = audit

    def record(self, current: Mapping[str, str], *, actor: str = "system") -> list[str]:
        """Append a ``config-changed`` entry for every setting that changed.

        Returns:
            The names of the settings that changed (every name on the first run); empty
            when nothing changed and nothing was written.
        """
        now = {name: _fit(value) for name, value in current.items()}
        with self._uow_factory() as uow:
            previous: dict[str, str] = {}
            for found in uow.audit.find([AuditAction.CONFIG_CHANGED], target=SETTINGS_TARGET):
                details = found.entry.details
                previous[details["setting"]] = details["to"]
            previous = {k: v for k, v in previous.items() if v != REMOVED}
            changed = sorted(k for k in now.keys() | previous.keys()
                             if now.get(k) != previous.get(k))
            for name in changed:
                self._audit.record(uow, actor=actor, action=AuditAction.CONFIG_CHANGED,
                                   target=SETTINGS_TARGET, details={
                                       "setting": name, "from": previous.get(name, ""),
                                       "to": now.get(name, REMOVED)})
            if changed:
                uow.commit()
        return changed
