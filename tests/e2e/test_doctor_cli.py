"""``platewarden doctor`` passes a good installation and names what is wrong with a bad one."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from support.cli import platewarden

pytestmark = pytest.mark.e2e


def doctor(data: Path) -> tuple[int, dict[str, dict[str, str]]]:
    result = platewarden(data, "doctor", "--format", "json", check=False)
    findings = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result.returncode, {f["check"]: f for f in findings}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    platewarden(data_dir, "init")
    return data_dir


def test_a_fresh_installation_has_no_failures(data: Path) -> None:
    code, found = doctor(data)
    assert code == 0
    assert {f["status"] for f in found.values()} <= {"ok", "warn"}
    assert found["database"]["status"] == "ok"
    assert found["audit log"]["detail"].startswith("1 entries verified")


def test_an_unknown_setting_fails_without_echoing_its_value(data: Path) -> None:
    (data / "platewarden.toml").write_text('admin_pasword = "s3cr3t-value"\n', encoding="utf-8")
    code, found = doctor(data)
    assert code == 1
    assert found["configuration"]["status"] == "fail"
    assert "admin_pasword" in found["configuration"]["detail"]
    assert "s3cr3t-value" not in json.dumps(found)


def test_open_permissions_and_a_missing_key_fail(data: Path) -> None:
    data.chmod(0o755)
    (data / "keys" / "master.key").unlink()
    code, found = doctor(data)
    assert code == 1
    assert (found["data dir"]["status"], found["master key"]["status"]) == ("fail", "fail")
    assert "chmod 700" in found["data dir"]["detail"]


def test_an_edited_audit_entry_fails_and_is_named(data: Path) -> None:
    with sqlite3.connect(data / "platewarden.db") as db:
        db.execute("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 1")
    code, found = doctor(data)
    assert code == 1
    assert found["audit log"]["status"] == "fail"
    assert "at entry 1" in found["audit log"]["detail"]


def test_exposure_risks_are_each_named(data: Path) -> None:
    (data / "platewarden.toml").write_text(
        'host = "0.0.0.0"\n'
        '[retention]\nrun_interval_s = 0\nnonhit_read_days = 400\n', encoding="utf-8")
    code, found = doctor(data)
    assert code == 1  # the unchanged initial admin on a public address is critical
    assert found["listen address"]["status"] == "warn"
    assert "--tls-cert" in found["listen address"]["detail"]
    assert found["initial admin"]["status"] == "fail"
    assert found["retention policy"]["status"] == "warn"
    assert "run_interval_s = 0" in found["retention policy"]["detail"]


def test_the_disk_probe_times_the_evidence_volume_and_cleans_up(data: Path) -> None:
    result = platewarden(data, "doctor", "--format", "json", "--probe-disk", check=False)
    found = {f["check"]: f for f in map(json.loads, result.stdout.splitlines())}
    assert found["evidence disk"]["status"] in {"ok", "warn"}
    assert "µs" in found["evidence disk"]["detail"]
    assert list((data / "evidence" / "tmp").iterdir()) == []
    assert "evidence disk" not in doctor(data)[1]  # opt-in: the plain doctor writes nothing
