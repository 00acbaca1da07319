"""``platewarden retention`` as an operator runs it: dry run, real run, holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.cli import platewarden

pytestmark = pytest.mark.e2e


def test_retention_cli_runs_dry_and_real_and_refuses_a_hold_on_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    platewarden(data, "init")
    dry = platewarden(data, "retention", "run", "--dry-run")
    assert "would go" in dry.stdout
    assert "reads_deleted: 0" in dry.stdout
    real = platewarden(data, "retention", "run", "--actor", "ops-1")
    assert "done" in real.stdout
    assert "evidence_keys_destroyed: 0" in real.stdout
    missing = platewarden(data, "retention", "hold", "--read", "cam:none", "--reason",
                          "court order 5", check=False)
    assert missing.returncode == 1
    assert "not_found" in missing.stderr
    both = platewarden(data, "retention", "hold", "--reason", "court order 5", check=False)
    assert both.returncode == 2
    assert platewarden(data, "retention", "holds").stdout.strip() == ""
    log = platewarden(data, "audit", "verify")
    assert "verified" in log.stdout
