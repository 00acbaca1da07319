"""One typed settings object: file, then environment; unknown keys are errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from platewarden.config import load_settings


def test_defaults_need_no_file(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    assert (settings.host, settings.port) == ("127.0.0.1", 8080)
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'platewarden.db'}"


def test_the_environment_overrides_the_file(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "platewarden.toml").write_text("port = 7000\n[speed_tolerance]\npercent = 5\n")
    assert load_settings(data_dir=tmp_path).port == 7000
    monkeypatch.setenv("PLATEWARDEN_PORT", "9000")
    monkeypatch.setenv("PLATEWARDEN_SPEED_TOLERANCE__ABSOLUTE_KMH", "4")
    settings = load_settings(data_dir=tmp_path)
    assert settings.port == 9000
    assert (settings.speed_tolerance.absolute_kmh, settings.speed_tolerance.percent) == (4, 5)


@pytest.mark.parametrize("content", ["bogus = 1\n", "[speed_tolerance]\nmph = 3\n",
                                     "port = 70000\n", "max_clock_skew_s = -1\n",
                                     "database_url = \"mysql://x\"\n",
                                     "database_url = \"postgresql://pw:changeme@db/pw\"\n"])
def test_bad_settings_stop_start_up(tmp_path: Path, content: str) -> None:
    (tmp_path / "platewarden.toml").write_text(content)
    with pytest.raises(ValidationError):
        load_settings(data_dir=tmp_path)


@pytest.mark.parametrize("url", ["sqlite:////srv/pw.db", "postgresql+psycopg://pw@db/pw",
                                 "postgresql://pw:Xk2-long-random@db:5432/pw"])
def test_postgresql_and_sqlite_urls_are_accepted(tmp_path: Path, url: str) -> None:
    assert load_settings(data_dir=tmp_path, database_url=url).resolved_database_url == url
