"""``platewarden audit``: checkpoint, export and verify as an operator runs them, then the
same verify after someone edited the database by hand."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from platewarden.domain.access import Role
from support.cli import platewarden
from support.factories import make_container, make_user

pytestmark = pytest.mark.e2e


def test_checkpoint_export_verify_then_tampering_is_named(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # An installation with one user, made in-process: `init` would cost a process start.
    container = make_container(data)
    make_user(container, Role.REVIEWER)
    container.stop()
    printed = platewarden(data, "audit", "checkpoint").stdout
    kept = tmp_path / "kept-elsewhere.jsonl"
    kept.write_text(printed)
    checkpoint = json.loads(printed)
    assert set(checkpoint) >= {"sequence", "entry_hash", "signature", "public_key"}
    entries = checkpoint["sequence"]
    assert entries >= 1

    verified = platewarden(data, "audit", "verify")
    assert f"verified {entries} entries, 1 checkpoints" in verified.stdout

    out = tmp_path / "audit.json"
    platewarden(data, "audit", "export", "--from", "1", "--to", str(entries), "--out", str(out))
    document = json.loads(out.read_text())
    assert [e["sequence"] for e in document["entries"]] == list(range(1, entries + 1))
    assert document["anchored"] is True
    assert (out.stat().st_mode & 0o077) == 0

    with sqlite3.connect(data / "platewarden.db") as db:
        db.execute("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 1")
    tampered = platewarden(data, "audit", "verify", "--checkpoint", str(kept), check=False)
    assert tampered.returncode == 1
    assert "edited at entry 1" in tampered.stderr
