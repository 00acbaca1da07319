"""The retention schedule that ``serve`` starts runs retention and audits each run."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from platewarden.domain.audit import AuditAction
from platewarden.services.retention_schedule import RetentionSchedule
from support.privacy import Clock, clocked_container

pytestmark = pytest.mark.integration


def test_schedule_runs_retention_until_stopped(tmp_path: Path) -> None:
    container = clocked_container(tmp_path / "data", Clock())
    schedule = RetentionSchedule(service=container.retention, interval_s=0.05,
                                 first_delay_s=0.0)
    try:
        schedule.start()
        deadline = time.monotonic() + 20
        while schedule.runs < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        schedule.stop()
    runs = schedule.runs
    with container.retention._uow_factory(read_only=True) as uow:
        audited = uow.audit.find([AuditAction.RETENTION_RUN])
    container.stop()
    assert runs >= 2
    assert len(audited) == runs
