"""``serve --role``: roles other than ``all`` need the external event log; a bad shard is
refused with a message, not a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from platewarden.adapters.bus.registry import NatsBusConfig
from support.cli import platewarden
from support.jetstream import delete_stream, own_stream_config

pytestmark = pytest.mark.e2e


def test_a_role_on_the_embedded_bus_is_refused(tmp_path: Path) -> None:
    result = platewarden(tmp_path / "data", "serve", "--role", "worker", check=False)
    assert result.returncode == 2
    assert "needs an external event log" in result.stderr


@pytest.fixture
def nats_data_dir(tmp_path: Path) -> Iterator[tuple[Path, NatsBusConfig]]:
    config = own_stream_config(partitions=2)
    data_dir = tmp_path / "data"
    platewarden(data_dir, "init")
    with (data_dir / "platewarden.toml").open("a", encoding="utf-8") as toml:
        toml.write(f'[bus]\ntype = "nats"\nstream = "{config.stream}"\n'
                   f'subject_prefix = "{config.subject_prefix}"\npartitions = 2\n')
    yield data_dir, config
    delete_stream(config)


def test_more_workers_than_partitions_is_refused(
        nats_data_dir: tuple[Path, NatsBusConfig]) -> None:
    data_dir, _ = nats_data_dir
    result = platewarden(data_dir, "serve", "--role", "worker", "--worker-index", "0",
                         "--worker-count", "3", check=False)
    assert result.returncode == 2
    assert "more workers than partitions" in result.stderr
