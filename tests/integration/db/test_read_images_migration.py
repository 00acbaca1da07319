"""Migration 0007 on SQLite: image rows made before it get their read's capture time."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from platewarden.adapters.db.engine import alembic_config, make_engine, migrate

pytestmark = pytest.mark.integration


def test_images_from_before_0007_take_their_reads_capture_time(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    try:
        config = alembic_config(engine)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0006")
            connection.execute(text(
                "INSERT INTO cameras (id, name, latitude, longitude, road, direction, lanes, "
                "kind, public_key, enabled, region_code, lane_restrictions, "
                "red_light_grace_s, created_us) VALUES ('c', 'c', 0, 0, 'r', 'n', 1, 'anpr', "
                "x'00', 1, '01', '[]', 0, 0)"))
            connection.execute(text(
                "INSERT INTO reads (id, camera_id, read_id, captured_us, received_us, "
                "clock_sync, plate_raw, plate, plate_key, country, plate_format, confidence, "
                "alternatives, payload_sha256, evaluated) VALUES ('c:r', 'c', 'r', 1234, 0, "
                "'synced', 'P', 'P', 'P', 'UZ', 'x', 1, '[]', 'd', 1)"))
            connection.execute(text(
                "INSERT INTO read_images (read_pk, role, sha256, content_type, size_bytes) "
                "VALUES ('c:r', 'plate', 'ab', 'image/jpeg', 5)"))
        migrate(engine)
        with engine.connect() as connection:
            assert connection.execute(text(
                "SELECT captured_us FROM read_images")).scalar_one() == 1234
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0006")
            columns = {row[1] for row in connection.execute(
                text("PRAGMA table_info(read_images)"))}
        assert "captured_us" not in columns
    finally:
        engine.dispose()
