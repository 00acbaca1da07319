"""``platewarden db partitions`` as an operator's cron job runs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.cli import platewarden
from support.factories import make_container
from support.postgres import temporary_database

pytestmark = pytest.mark.e2e


def test_partitions_are_made_around_today_on_postgresql(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with temporary_database() as url:
        (data / "platewarden.toml").write_text(f'database_url = "{url}"\n')
        make_container(data).stop()  # serve's start made two days back and seven ahead
        made = platewarden(data, "db", "partitions", "--back-days", "35").stdout
        # 33 more days, each a partition of reads and one of images; plus the default.
        assert "made 66 partition(s); reads has 44" in made
        again = platewarden(data, "db", "partitions", "--back-days", "35").stdout
        assert "made 0 partition(s)" in again


def test_sqlite_has_nothing_to_prepare(tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_container(data).stop()
    assert "nothing to prepare" in platewarden(data, "db", "partitions").stdout
