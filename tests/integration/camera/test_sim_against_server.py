"""The simulator against a real server: the server finds exactly the scenario's ground truth,
and the camera client's blob upload and outage handling work over real HTTP."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from platewarden.bootstrap import Container
from platewarden.camera.client import CameraClient, IngestUnavailable
from platewarden.camera.payloads import ReadPayload
from platewarden.domain.access import EVERYWHERE
from platewarden.services.unit_of_work import ViolationFilter
from platewarden.sim.hotlist import write_hotlist_csv
from platewarden.sim.network import demo_network
from platewarden.sim.runner import run_simulation
from platewarden.sim.traffic import Scenario, generate_scenario
from support.factories import make_container
from support.server import free_port, running_server

pytestmark = [pytest.mark.integration, pytest.mark.slow]

NOW = datetime.now(UTC)


@pytest.fixture
def server(tmp_path: Path,
           database_url: str) -> Iterator[tuple[Container, str, dict[str, bytes]]]:
    container = make_container(tmp_path / "data", database_url=database_url)
    network = demo_network(now=NOW)
    keys = {cam.camera_id: container.cameras.register(cam).private_key
            for cam in network.cameras}
    for section in network.sections:
        container.cameras.register_section(section)
    with running_server(container) as url:
        yield container, url, keys
    container.stop()


def scenario_for_test() -> Scenario:
    # 09:00-11:00 in Tashkent, yesterday: the bus lane is restricted for part of the span.
    day = (NOW - timedelta(days=1)).date()
    start = datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC)
    return generate_scenario(seed=42, vehicles=60, start=start, duration=timedelta(hours=2),
                             network=demo_network(now=NOW))


def settled_findings(container: Container, *, expected: int) -> set[tuple[str, str, str]]:
    # Rules run on the event bus after each acknowledgement: wait until they are done.
    found: set[tuple[str, str, str]] = set()
    for _ in range(50):
        container.bus.wait_idle()
        violations = container.queries.violations(ViolationFilter(limit=10_000), scope=EVERYWHERE)
        found = {(str(v.type), v.plate, v.camera_id) for v in violations}
        if len(found) >= expected:
            break
    return found


def test_server_finds_exactly_the_ground_truth(
        server: tuple[Container, str, dict[str, bytes]], tmp_path: Path) -> None:
    container, url, keys = server
    scenario = scenario_for_test()
    write_hotlist_csv(tmp_path / "hotlist.csv", scenario.hotlist)
    container.hotlists.import_csv((tmp_path / "hotlist.csv").read_text(encoding="utf-8"))
    report = run_simulation(base_url=url, keys=keys, scenario=scenario, batch_size=50,
                            max_batch_delay_s=600)
    assert (report.sent, report.accepted, report.rejected) == (len(scenario.reads),
                                                               len(scenario.reads), {})
    truth = scenario.truth
    assert len(truth.violation_set()) >= 10
    assert settled_findings(container, expected=len(truth.violations)) == truth.violation_set()
    alerts = container.queries.alerts(limit=10_000, offset=0, scope=EVERYWHERE)
    assert {(str(a.kind), a.read_id, a.listed_plate) for a in alerts} == truth.alert_set()
    again = run_simulation(base_url=url, keys=keys, scenario=scenario, batch_size=50,
                           max_batch_delay_s=600)
    assert again.duplicates == len(scenario.reads)


def test_clip_uploaded_by_stream_can_back_a_read(
        server: tuple[Container, str, dict[str, bytes]], tmp_path: Path) -> None:
    _, url, keys = server
    clip = tmp_path / "clip.mp4"
    # A minimal MP4 header ("ftyp" box) followed by filler, bigger than one stream chunk.
    clip.write_bytes(b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(300_000))
    camera_id = "tas-amirtemur-qodiriy-rl"
    with CameraClient(base_url=url, camera_id=camera_id, private_key=keys[camera_id]) as client:
        first = client.upload_blob(clip, "video/mp4")
        second = client.upload_blob(clip, "video/mp4")
        read = ReadPayload(read_id="clip-1", captured_at=NOW - timedelta(seconds=5),
                           plate="01A123BA", confidence=0.95, signal_phase="red",
                           time_into_red_s=2.0, images=(first.ref,))
        result = client.send_reads([read])
    assert first.ref.sha256 == hashlib.sha256(clip.read_bytes()).hexdigest()
    assert (first.created, second.created) == (True, False)
    assert result.accepted == ("clip-1",)


def test_no_server_is_unavailable_not_rejected() -> None:
    client = CameraClient(base_url=f"http://127.0.0.1:{free_port()}", camera_id="c",
                          private_key=bytes(32), timeout_s=2)
    with client, pytest.raises(IngestUnavailable):
        client.send_reads([ReadPayload(read_id="1", captured_at=NOW, plate="01A123BA",
                                       confidence=0.9)])
