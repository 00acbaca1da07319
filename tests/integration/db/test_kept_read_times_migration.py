"""Migration 0012 on SQLite: violation links made before it get their read's capture time."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from platewarden.adapters.db.engine import alembic_config, migrate
from support.migrations import database_at

pytestmark = pytest.mark.integration

_CAMERA = ("INSERT INTO cameras (id, name, latitude, longitude, road, direction, lanes, kind, "
           "public_key, enabled, region_code, lane_restrictions, red_light_grace_s, "
           "created_us) VALUES ('c', 'c', 0, 0, 'r', 'n', 1, 'anpr', x'00', 1, '01', '[]', 0, 0)")
_READ = ("INSERT INTO reads (id, camera_id, read_id, captured_us, received_us, clock_sync, "
         "plate_raw, plate, plate_key, country, plate_format, confidence, alternatives, "
         "payload_sha256, evaluated) VALUES ('c:r', 'c', 'r', 1234, 0, 'synced', 'P', 'P', "
         "'P', 'UZ', 'x', 1, '[]', 'd', 1)")
_VIOLATION = ("INSERT INTO violations (id, type, plate, plate_key, camera_id, occurred_us, "
              "read_ids, measured, limit_value, tolerance, clock_sync, status, details, "
              "created_us) VALUES ('v', 'spot_speed', 'P', 'P', 'c', 1234, '[]', 1, 1, 't', "
              "'synced', 'pending', '{}', 0)")
_LINKS = ("INSERT INTO violation_reads (violation_id, read_pk) VALUES ('v', 'c:r'), "
          "('v', 'c:gone')")


def test_links_from_before_0012_take_their_reads_capture_time(tmp_path: Path) -> None:
    engine = database_at(tmp_path / "old.sqlite", "0011", _CAMERA, _READ, _VIOLATION, _LINKS)
    try:
        migrate(engine)
        with engine.connect() as connection:
            links = dict(connection.execute(text(
                "SELECT read_pk, captured_us FROM violation_reads")).all())
        assert links == {"c:r": 1234, "c:gone": None}  # no read: retention treats it as any day
        assert "ix_alerts_occurred" in {i["name"] for i in inspect(engine).get_indexes("alerts")}
        config = alembic_config(engine)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0011")
        columns = {c["name"] for c in inspect(engine).get_columns("violation_reads")}
        assert "captured_us" not in columns
    finally:
        engine.dispose()
