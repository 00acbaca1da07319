"""The JetStream pipeline against the machine's real NATS server: ingest publishes, the writer
stores, rule workers sharing the plate partitions find exactly the scenario's ground truth."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from platewarden.adapters.bus.registry import NatsBusConfig
from platewarden.adapters.crypto import Argon2PasswordHasher
from platewarden.bootstrap import Container, Role, Shard, bootstrap
from platewarden.camera.client import CameraClient
from platewarden.domain.access import EVERYWHERE
from platewarden.services.unit_of_work import ViolationFilter
from platewarden.sim.hotlist import write_hotlist_csv
from platewarden.sim.network import demo_network
from platewarden.sim.runner import run_simulation
from platewarden.sim.traffic import Scenario, generate_scenario
from support.factories import make_container, make_read, make_settings, register_camera
from support.jetstream import delete_stream, own_stream_config, stream_messages
from support.server import running_server

pytestmark = [pytest.mark.integration, pytest.mark.slow]

NOW = datetime.now(UTC)


@pytest.fixture
def bus_config() -> Iterator[NatsBusConfig]:
    config = own_stream_config()
    yield config
    delete_stream(config)


def count_reads(container: Container, read_ids: list[str]) -> int:
    with container.rules._uow_factory(read_only=True) as uow:
        return len(uow.reads.get_many(read_ids))


def test_read_published_is_stored_once_and_a_resend_is_a_duplicate(
        tmp_path: Path, bus_config: NatsBusConfig) -> None:
    container = make_container(tmp_path / "data", bus=bus_config)
    camera_id, key = register_camera(container)
    reads = [make_read(plate=f"01A{n:03d}BC") for n in range(30)]
    try:
        with running_server(container) as url, CameraClient(
                base_url=url, camera_id=camera_id, private_key=key) as client:
            first = client.send_reads(reads)
            again = client.send_reads(reads)
            assert container.bus.wait_idle(timeout_s=30)
            stored_again = client.send_reads(reads[:5])
        assert len(first.accepted) == 30
        assert len(again.duplicates) == 30  # the log had them, the database maybe not yet
        assert len(stored_again.duplicates) == 5  # now the database has them
        assert count_reads(container, [f"{camera_id}:{r.read_id}" for r in reads]) == 30
        assert stream_messages(bus_config) == 0  # every consumer acknowledged everything
    finally:
        container.stop()


def scenario_for_test() -> Scenario:
    day = (NOW - timedelta(days=1)).date()
    start = datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC)
    return generate_scenario(seed=42, vehicles=60, start=start, duration=timedelta(hours=2),
                             network=demo_network(now=NOW))


@pytest.mark.parametrize("workers", [1, 2])
def test_rule_workers_sharing_partitions_find_exactly_the_ground_truth(
        tmp_path: Path, bus_config: NatsBusConfig, workers: int, database_url: str) -> None:
    data_dir = tmp_path / "data"
    ingest = make_container_for_role(data_dir, bus_config, role="ingest",
                                     database_url=database_url)
    pool = [make_container_for_role(data_dir, bus_config, role="worker",
                                    shard=Shard(index=n, count=workers),
                                    database_url=database_url)
            for n in range(workers)]
    try:
        network = demo_network(now=NOW)
        keys = {cam.camera_id: ingest.cameras.register(cam).private_key
                for cam in network.cameras}
        for section in network.sections:
            ingest.cameras.register_section(section)
        scenario = scenario_for_test()
        write_hotlist_csv(tmp_path / "hotlist.csv", scenario.hotlist)
        ingest.hotlists.import_csv((tmp_path / "hotlist.csv").read_text(encoding="utf-8"))
        with running_server(ingest) as url:
            report = run_simulation(base_url=url, keys=keys, scenario=scenario,
                                    batch_size=50, max_batch_delay_s=600)
        assert report.accepted == len(scenario.reads)
        assert ingest.bus.wait_idle(timeout_s=60)
        truth = scenario.truth
        violations = ingest.queries.violations(ViolationFilter(limit=10_000), scope=EVERYWHERE)
        assert {(str(v.type), v.plate, v.camera_id) for v in violations} == \
            truth.violation_set()
        alerts = ingest.queries.alerts(limit=10_000, offset=0, scope=EVERYWHERE)
        assert {(str(a.kind), a.read_id, a.listed_plate) for a in alerts} == truth.alert_set()
        assert sum(c.alerts.dispatched for c in pool) >= len(truth.alert_set())
    finally:
        for container in (ingest, *pool):
            container.stop()


def make_container_for_role(data_dir: Path, bus_config: NatsBusConfig, *, role: Role,
                            shard: Shard = Shard(), database_url: str = "") -> Container:
    container = bootstrap(make_settings(data_dir, bus=bus_config, database_url=database_url),
                          hasher=Argon2PasswordHasher(fast_for_tests=True))
    container.start(role=role, shard=shard)
    return container
