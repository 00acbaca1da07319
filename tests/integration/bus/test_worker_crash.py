"""Kill a worker process with SIGKILL in the middle of its batches, restart it, and show that
every acknowledged read is stored exactly once and no violation or alert is duplicated."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from platewarden.adapters.bus.registry import NatsBusConfig
from platewarden.adapters.crypto import Argon2PasswordHasher
from platewarden.adapters.db.engine import make_engine
from platewarden.bootstrap import Container, bootstrap
from platewarden.camera.client import CameraClient
from platewarden.camera.payloads import ReadPayload
from platewarden.domain.messages import RegisterSection
from support.factories import make_settings, register_camera
from support.jetstream import delete_stream, own_stream_config
from support.server import running_server

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PAIRS = 300  # section passages, every one too fast: 300 violations
FILLER = 2000  # other reads, 20 of them on the hotlist
LISTED = 20
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)


@pytest.fixture
def bus_config() -> Iterator[NatsBusConfig]:
    config = own_stream_config(ack_wait_s=2.0, writer_batch_reads=200, rules_batch_reads=100)
    yield config
    delete_stream(config)


def write_config(data_dir: Path, config: NatsBusConfig, database_url: str) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    lines = [f"database_url = {database_url!r}", "[bus]",
             *(f'{k} = {v!r}' if isinstance(v, str) else f"{k} = {v}"
               for k, v in config.model_dump().items())]
    (data_dir / "platewarden.toml").write_text("\n".join(lines).replace("'", '"') + "\n",
                                               encoding="utf-8")


def send_everything(container: Container, url: str) -> int:
    entry, entry_key = register_camera(container, camera_id="sec-in", kind="section-point",
                                       speed_limit_kmh=100)
    exit_, exit_key = register_camera(container, camera_id="sec-out", kind="section-point",
                                      speed_limit_kmh=100)
    container.cameras.register_section(RegisterSection(
        section_id="crash-section", name="crash", entry_camera_id=entry, exit_camera_id=exit_,
        distance_m=2000.0, speed_limit_kmh=100))
    anpr, anpr_key = register_camera(container, camera_id="anpr")
    rows = ["plate,list,reason,source,legal_basis,expires_at,priority"]
    rows += [f"30B{n:03d}KA,stolen,theft,police,art. 1,2031-01-01T00:00:00+00:00,1"
             for n in range(LISTED)]
    container.hotlists.import_csv("\n".join(rows) + "\n")

    def read(n: int, plate: str, at: datetime) -> ReadPayload:
        return ReadPayload(read_id=f"r{n}", captured_at=at, plate=plate, confidence=0.95)

    plan = {
        (entry, entry_key): [read(n, f"01S{n:03d}AA", T0 + timedelta(seconds=n))
                             for n in range(PAIRS)],
        # 2 km in 50 s is 144 km/h on a 100 km/h section.
        (exit_, exit_key): [read(n, f"01S{n:03d}AA", T0 + timedelta(seconds=n + 50))
                            for n in range(PAIRS)],
        (anpr, anpr_key): [read(n, f"30B{n:03d}KA", T0 + timedelta(seconds=n))
                           for n in range(FILLER)],
    }
    accepted = 0
    for (camera_id, key), reads in plan.items():
        with CameraClient(base_url=url, camera_id=camera_id, private_key=key) as client:
            for start in range(0, len(reads), 100):
                accepted += len(client.send_reads(reads[start:start + 100]).accepted)
    return accepted


def start_worker(data_dir: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PLATEWARDEN_LOG_LEVEL="WARNING")
    return subprocess.Popen([sys.executable, "-m", "platewarden.cli.main", "serve", "--role",
                             "worker", "--data-dir", str(data_dir)], env=env)


def scalar_row(engine: Engine, sql: str) -> tuple[int, ...]:
    with engine.connect() as db:
        row = db.execute(text(sql)).one()
    return tuple(int(v or 0) for v in row)


def stored_reads(engine: Engine) -> int:
    return scalar_row(engine, "select count(*) from reads")[0]


def test_sigkilled_worker_loses_nothing_and_duplicates_nothing(
        tmp_path: Path, bus_config: NatsBusConfig, database_url: str) -> None:
    data_dir = tmp_path / "data"
    write_config(data_dir, bus_config, database_url)
    ingest = bootstrap(make_settings(data_dir), hasher=Argon2PasswordHasher(fast_for_tests=True))
    ingest.start(role="ingest")
    engine = make_engine(ingest.settings.resolved_database_url)
    worker = None
    try:
        with running_server(ingest) as url:
            acknowledged = send_everything(ingest, url)
        assert acknowledged == 2 * PAIRS + FILLER  # all in the log; no worker ran yet
        assert stored_reads(engine) == 0

        worker = start_worker(data_dir)
        deadline = time.monotonic() + 120
        while stored_reads(engine) == 0:
            assert time.monotonic() < deadline
            assert worker.poll() is None
            time.sleep(0.01)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        killed_at = stored_reads(engine)
        assert killed_at < acknowledged, "the worker finished before it could be killed"

        worker = start_worker(data_dir)
        assert ingest.bus.wait_idle(timeout_s=180), "the restarted worker did not catch up"
        reads = scalar_row(engine, "select count(*), count(distinct id), "
                                   "sum(case when evaluated then 1 else 0 end) from reads")
        violations = scalar_row(engine, "select count(*), count(distinct plate), sum(case "
                                        "when status = 'pending' then 1 else 0 end) "
                                        "from violations")
        alerts = scalar_row(engine, "select count(*), count(distinct read_pk) from alerts")
        assert reads == (acknowledged, acknowledged, acknowledged)
        assert violations == (PAIRS, PAIRS, PAIRS)
        assert alerts == (LISTED, LISTED)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        ingest.stop()
        engine.dispose()
