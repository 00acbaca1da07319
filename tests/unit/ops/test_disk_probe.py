"""``doctor --probe-disk``: the evidence volume's cost per file, and nothing left behind."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from platewarden.adapters.evidence.registry import S3EvidenceStoreConfig
from platewarden.config import Settings
from platewarden.ops.disk_probe import CHECK, probe_evidence_disk
from platewarden.ops.findings import Status


def installation(tmp_path: Path) -> Settings:
    settings = Settings(data_dir=tmp_path / "data")
    (settings.data_dir / "evidence" / "tmp").mkdir(parents=True)
    return settings


def ticking(step_s: float) -> Callable[[], float]:
    """A clock that moves ``step_s`` each time it is read."""
    now = [0.0]

    def clock() -> float:
        now[0] += step_s
        return now[0]

    return clock


def test_it_measures_and_leaves_nothing_behind(tmp_path: Path) -> None:
    settings = installation(tmp_path)
    finding = probe_evidence_disk(settings, objects=20)
    assert finding.check == CHECK
    assert finding.status in {Status.OK, Status.WARN}  # the real disk decides
    assert "µs" in finding.detail
    assert "fsync" in finding.detail
    assert list((settings.data_dir / "evidence" / "tmp").iterdir()) == []


def test_a_slow_volume_warns_and_a_fast_one_passes(tmp_path: Path) -> None:
    settings = installation(tmp_path)
    # Two readings of the clock span the whole batch: a step of s is s / objects per file.
    slow = probe_evidence_disk(settings, objects=10, timer=ticking(10 * 300e-6))
    fast = probe_evidence_disk(settings, objects=10, timer=ticking(10 * 50e-6))
    assert slow.status is Status.WARN
    assert "300 µs" in slow.detail
    assert "another volume" in slow.detail
    assert fast.status is Status.OK
    assert "50 µs" in fast.detail


def test_no_evidence_dir_yet_and_s3_are_said_plainly(tmp_path: Path) -> None:
    fresh = Settings(data_dir=tmp_path / "empty")
    assert probe_evidence_disk(fresh).status is Status.WARN
    remote = Settings(data_dir=tmp_path / "s3", evidence=S3EvidenceStoreConfig(
        type="s3", bucket="evidence", region="us-east-1",
        endpoint_url="http://127.0.0.1:9"))
    finding = probe_evidence_disk(remote)
    assert finding.status is Status.OK
    assert "S3" in finding.detail
