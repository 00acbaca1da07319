"""A retention run deletes the shared rate limits' windows that no later attempt pruned.

On SQLite and PostgreSQL, through the container's own wiring: the limiters ``serve`` and the
API use are the ones the run prunes, and the run reports (and audits) a count only.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import DBAPIError

from platewarden.adapters.db.ratelimit import rate_limit_hits
from platewarden.bootstrap import Container
from platewarden.domain.audit import AuditAction
from platewarden.domain.retention import RetentionCounts
from platewarden.ops.doctor import retention_finding
from platewarden.ops.findings import Status
from support.privacy import Clock, clocked_container

pytestmark = pytest.mark.integration


@pytest.fixture
def container(tmp_path: Path, database_url: str) -> Iterator[Container]:
    c = clocked_container(tmp_path / "data", Clock(), database_url=database_url)
    yield c
    c.stop()


def rows(container: Container) -> int:
    with container.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(rate_limit_hits)).scalar_one())


def test_a_run_deletes_expired_rate_limit_windows_and_counts_them(
        container: Container) -> None:
    assert container.limiters["login"].allow("203.0.113.9")  # live: kept
    # Written after the attempt, which prunes its own bucket's old windows. The limiters
    # count in wall time: windows of 1970 are long expired in every bucket.
    with container.engine.begin() as conn:
        conn.execute(insert(rate_limit_hits), [
            {"bucket": bucket, "key_hmac": "0" * 64, "window_us": 0, "hits": 3}
            for bucket in ("login", "notice-client", "notice-number")])

    dry = container.retention.run(dry_run=True)
    assert (dry.counts.rate_limit_rows_deleted, rows(container)) == (3, 4)
    done = container.retention.run()
    assert (done.counts.rate_limit_rows_deleted, rows(container)) == (3, 1)
    assert container.retention.run().counts.rate_limit_rows_deleted == 0

    with container.retention._uow_factory(read_only=True) as uow:
        entries = [dict(r.entry.details) for r in uow.audit.find([AuditAction.RETENTION_RUN])]
    assert [e["rate_limit_rows_deleted"] for e in entries] == ["3", "3", "0"]
    assert not any("203.0.113.9" in value for e in entries for value in e.values())


def test_a_run_that_fails_after_deleting_rows_still_leaves_its_audit_entry(
        container: Container) -> None:
    # The last step fails for real: its table is gone (a broken migration, a DBA's mistake).
    with container.engine.begin() as conn:
        rate_limit_hits.drop(conn)
    with pytest.raises(DBAPIError) as failure:
        container.retention.run()

    with container.retention._uow_factory(read_only=True) as uow:
        entries = [dict(r.entry.details) for r in uow.audit.find([AuditAction.RETENTION_RUN])]
    assert len(entries) == 1
    assert entries[0]["failed"] == f"rate_limits: {type(failure.value).__name__}"
    assert entries[0]["dry_run"] == "false"
    assert "rate_limit_hits" not in entries[0]["failed"]  # the type, never the message
    assert set(RetentionCounts.__dataclass_fields__) <= set(entries[0])  # counts so far
    # The engineer on call sees it: a failed run does not count as a recent run.
    finding = retention_finding(container.engine, container.settings, datetime.now(UTC))
    assert finding.status is Status.WARN
    assert f"failed at rate_limits: {type(failure.value).__name__}" in finding.detail
