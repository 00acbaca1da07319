"""A configuration edited between starts is recorded in the audit trail at the next start."""

from __future__ import annotations

from pathlib import Path

import pytest

from platewarden.adapters.db.uow import SqlUnitOfWorkFactory
from platewarden.domain.audit import AuditAction
from support.factories import make_container

pytestmark = pytest.mark.integration


def config_entries(data_dir: Path, **overrides: object) -> list[dict[str, str]]:
    container = make_container(data_dir, **overrides)
    try:
        with SqlUnitOfWorkFactory(container.engine)(read_only=True) as uow:
            found = uow.audit.find([AuditAction.CONFIG_CHANGED], target="settings")
        return [dict(r.entry.details) for r in found]
    finally:
        container.stop()


def test_an_edit_to_the_file_between_starts_is_audited(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = config_entries(data)
    assert {"setting": "dedupe_window_s", "from": "", "to": "10.0"} in first
    assert config_entries(data) == first  # an unchanged restart writes nothing
    (data / "platewarden.toml").write_text("dedupe_window_s = 4.5\n", encoding="utf-8")
    after = config_entries(data)
    assert after[len(first):] == [{"setting": "dedupe_window_s", "from": "10.0", "to": "4.5"}]
