"""Configuration changes are audited, with secrets masked."""

from __future__ import annotations

import hashlib

from platewarden.adapters.memory import InMemoryUnitOfWorkFactory
from platewarden.domain.audit import AuditAction, verify
from platewarden.services.config_audit import ConfigAudit, describe_settings

from .factories import NOW, FixedClock, make_audit


def test_settings_are_flattened_and_secrets_masked() -> None:
    described = describe_settings({
        "port": 8080, "reasons": ["a", "b"], "empty": None,
        "database_url": "postgresql+psycopg://pw:hunter2hunter2@db.example:5432/pw",
        "bus_url": "nats://s3cr3t-token@nats.example:4222",
        "evidence": {"type": "s3", "secret_access_key": "AKIA-secret", "session_token": ""},
    })
    assert described == {
        "port": "8080", "reasons": "a,b", "empty": "",
        "database_url": "postgresql+psycopg://pw:***@db.example:5432/pw",
        "bus_url": "nats://***@nats.example:4222",
        "evidence.type": "s3", "evidence.secret_access_key": "<set>",
        "evidence.session_token": "<unset>"}
    assert "hunter2" not in repr(described)
    assert "s3cr3t" not in repr(described)


def test_only_a_changed_configuration_is_recorded_and_names_what_changed() -> None:
    uow_factory, clock = InMemoryUnitOfWorkFactory(), FixedClock(NOW)
    audit = make_audit(uow_factory, clock)
    recorder = ConfigAudit(uow_factory=uow_factory, audit=audit)
    first = {"port": "8080", "dedupe_window_s": "10.0"}
    assert recorder.record(first) == ["dedupe_window_s", "port"]
    assert recorder.record(first) == []
    assert recorder.record({"port": "8080", "dedupe_window_s": "5.0", "new": "x"}) == [
        "dedupe_window_s", "new"]
    assert recorder.record({"port": "8080"}) == ["dedupe_window_s", "new"]  # removals count
    assert recorder.record({"port": "8080", "new": "y" * 300})[0] == "new"
    with uow_factory(read_only=True) as uow:
        entries = uow.audit.find([AuditAction.CONFIG_CHANGED])
        everything = uow.audit.range(1, 100)
    assert [dict(e.entry.details) for e in entries][2:] == [
        {"setting": "dedupe_window_s", "from": "10.0", "to": "5.0"},
        {"setting": "new", "from": "", "to": "x"},
        {"setting": "dedupe_window_s", "from": "5.0", "to": "<removed>"},
        {"setting": "new", "from": "x", "to": "<removed>"},
        {"setting": "new", "from": "", "to": "sha256:" + hashlib.sha256(b"y" * 300).hexdigest()}]
    assert verify(everything, [], signature_ok=lambda _m, _s: False).ok
