"""The whole flow a user runs: init, serve, camera add, simulate, and the operator API."""

from __future__ import annotations

import json
import signal
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from platewarden.camera.keys import load_keys
from platewarden.sim.runner import SimProgress, run_simulation
from platewarden.sim.traffic import generate_scenario
from support.cli import ADMIN_PASSWORD, login, platewarden, server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
VEHICLES = 40


def violations(url: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = httpx.get(f"{url}/api/v1/violations", params={"limit": 500}, headers=headers)
    response.raise_for_status()
    found: list[dict[str, Any]] = response.json()
    return found


def wait_for(predicate: Any, timeout_s: float = 60, interval_s: float = 0.5) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(interval_s)


def prepared(tmp_path: Path) -> tuple[Path, Path, str]:
    data = tmp_path / "data"
    first = platewarden(data, "init")
    assert "admin" in first.stdout
    assert ADMIN_PASSWORD not in first.stdout  # taken from the environment, never echoed
    again = platewarden(data, "init")
    assert "ready" in again.stdout
    keys = tmp_path / "camera-keys.json"
    platewarden(data, "camera", "add", "--demo-network", "--keys-out", str(keys))
    assert (keys.stat().st_mode & 0o077) == 0
    start = (datetime.now(UTC) - timedelta(minutes=80)).replace(microsecond=0).isoformat()
    return data, keys, start[:19]


def test_init_serve_camera_add_simulate_finds_the_expected_violations(tmp_path: Path) -> None:
    data, keys, start = prepared(tmp_path)
    common = ["--vehicles", str(VEHICLES), "--seed", "11", "--start", start]
    hotlist, truth_file = tmp_path / "hotlist.csv", tmp_path / "truth.json"
    platewarden(data, "simulate", "--dry-run", *common, "--hotlist-out", str(hotlist),
                "--truth-out", str(truth_file))
    platewarden(data, "hotlist", "import", str(hotlist))
    truth = json.loads(truth_file.read_text())
    assert truth["violations"], "the scenario must contain offences"
    with server(data) as (url, _):
        platewarden(data, "simulate", "--url", url, "--keys", str(keys), *common)
        headers = login(url)
        wait_for(lambda: len(violations(url, headers)) >= len(truth["violations"]))
        found = violations(url, headers)
        alerts = httpx.get(f"{url}/api/v1/alerts", params={"limit": 500}, headers=headers).json()
        detail = httpx.get(f"{url}/api/v1/violations/{found[0]['id']}", headers=headers).json()
        image = detail["reads"][0]["images"][0]
        evidence = httpx.get(url + image["url"], headers=headers)
        unauthenticated = httpx.get(url + image["url"])
    expected = {(v["type"], v["plate"], v["camera_id"]) for v in truth["violations"]}
    assert {(v["type"], v["plate"], v["camera_id"]) for v in found} == expected
    assert len(found) == len(truth["violations"])
    assert {(a["kind"], a["listed_plate"]) for a in alerts} == {
        (a["kind"], a["listed_plate"]) for a in truth["alerts"]}
    assert evidence.status_code == 200
    assert evidence.content[:3] == b"\xff\xd8\xff"
    assert unauthenticated.status_code == 401


def test_a_killed_server_loses_no_acknowledged_read_and_duplicates_no_violation(
        tmp_path: Path) -> None:
    data, keys_file, start = prepared(tmp_path)
    scenario = generate_scenario(seed=5, vehicles=VEHICLES,
                                 start=datetime.fromisoformat(start).replace(tzinfo=UTC),
                                 duration=timedelta(minutes=60))
    keys = load_keys(keys_file)
    accepted_so_far = [0]
    with server(data) as (url, process):
        def kill_midway() -> None:
            wait_for(lambda: accepted_so_far[0] >= len(scenario.reads) // 3, timeout_s=120,
                     interval_s=0.01)
            process.send_signal(signal.SIGKILL)

        def on_progress(progress: SimProgress) -> None:
            accepted_so_far[0] = progress.accepted

        killer = threading.Thread(target=kill_midway)
        killer.start()
        # Paced, so the kill lands mid-run on a fast machine too.
        report = run_simulation(base_url=url, keys=keys, scenario=scenario, batch_size=5,
                                retries=0, rate_per_s=40, progress=on_progress)
        killer.join()
        assert report.unavailable > 0, "the kill must have interrupted the run"
        accepted_before_kill = report.accepted
    with server(data) as (url, _):
        again = run_simulation(base_url=url, keys=keys, scenario=scenario, batch_size=5)
        headers = login(url)
        wait_for(lambda: len(violations(url, headers)) >= len(scenario.truth.violations))
        time.sleep(1)
        found = violations(url, headers)
    # Every read acknowledged before the kill was stored: the replay calls it a duplicate.
    assert again.duplicates >= accepted_before_kill
    assert again.accepted + again.duplicates == len(scenario.reads)
    assert len(found) == len({v["id"] for v in found}) == len(scenario.truth.violations)
