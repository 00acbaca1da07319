"""Doctor checks that need no installation: the database URL's exposure."""

from __future__ import annotations

from pathlib import Path

import pytest

from platewarden.config import Settings
from platewarden.ops.doctor import database_url_exposure
from platewarden.ops.findings import Status


@pytest.mark.parametrize(("url", "status"), [
    ("", Status.OK),
    ("postgresql+psycopg://pw@db.example.org/pw", Status.FAIL),
    ("postgresql+psycopg://pw:long-secret@db.example.org/pw", Status.OK),
    ("postgresql+psycopg://pw@127.0.0.1/pw", Status.OK),
    ("postgresql+psycopg:///pw", Status.OK),  # a local socket, peer authentication
])
def test_a_server_database_needs_a_password(url: str, status: Status) -> None:
    # model_construct: the URL check is the doctor's, whatever backends this build accepts.
    settings = Settings.model_construct(data_dir=Path("data"), database_url=url)
    finding = database_url_exposure(settings)
    assert finding.status is status
    assert "long-secret" not in finding.detail
