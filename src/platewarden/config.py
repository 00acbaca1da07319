"""One typed settings object: a TOML file in the data dir, overridden by PLATEWARDEN_* variables.

Unknown keys are errors, names carry their units, and secrets are never defaulted.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from platewarden.adapters.bus.registry import BusConfig, InProcessBusConfig
from platewarden.adapters.evidence.registry import EvidenceStoreConfig, LocalEvidenceStoreConfig
from platewarden.config_notices import NoticeSettings

CONFIG_FILE_NAME = "platewarden.toml"
_DATABASE_SCHEMES = {"sqlite", "sqlite+pysqlite", "postgresql", "postgresql+psycopg"}
_PLACEHOLDER_PASSWORDS = {"password", "postgres", "changeme", "secret", "admin", "platewarden"}


class SpeedToleranceSettings(BaseModel):
    """Speed tolerance policy: a violation needs limit + max(absolute, percent of limit)."""

    model_config = ConfigDict(extra="forbid")
    absolute_kmh: float = Field(default=3.0, ge=0)
    percent: float = Field(default=3.0, ge=0, le=50)


class RetentionSettings(BaseModel):
    """How long each class of data is kept; the defaults are the privacy-protective choice.

    Reads that matched nothing lose their plate text (a keyed HMAC stays) after
    ``pseudonymise_after_h`` and are deleted after ``nonhit_read_days``, their images after
    ``nonhit_image_days``; hotlist hits go after ``hotlist_hit_days``; violation evidence is
    kept while pending review, then ``closed_violation_days``; the audit log
    ``audit_log_days``. ``run_interval_s`` is how often ``serve`` runs retention (0: never).
    """

    model_config = ConfigDict(extra="forbid")
    pseudonymise_after_h: int = Field(default=72, ge=1, le=24 * 3650)
    nonhit_read_days: int = Field(default=30, ge=1, le=3650)
    nonhit_image_days: int = Field(default=7, ge=1, le=3650)
    hotlist_hit_days: int = Field(default=90, ge=1, le=3650)
    closed_violation_days: int = Field(default=365, ge=1, le=3650)
    audit_log_days: int = Field(default=5 * 365 + 1, ge=1, le=36500)
    run_interval_s: float = Field(default=3600.0, ge=0, le=7 * 86400)


class _TomlSource(PydanticBaseSettingsSource):
    """Reads ``platewarden.toml`` from the data dir, if present."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path | None) -> None:
        super().__init__(settings_cls)
        self._data: dict[str, Any] = {}
        if path is not None and path.is_file():
            self._data = tomllib.loads(path.read_text(encoding="utf-8"))

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self._data)


class Settings(BaseSettings):
    """Everything configurable about one Platewarden installation."""

    # Errors name the setting and the rule, never the value: it may be a secret.
    model_config = SettingsConfigDict(env_prefix="PLATEWARDEN_", extra="forbid",
                                      env_nested_delimiter="__", hide_input_in_errors=True)

    data_dir: Path = Path("data")
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8080
    # Empty: the SQLite file in the data dir. Else sqlite:///… or postgresql+psycopg://…; pass
    # a password by PLATEWARDEN_DATABASE_URL or a libpq service/.pgpass, not the TOML file.
    database_url: str = ""
    evidence: EvidenceStoreConfig = LocalEvidenceStoreConfig()
    bus: BusConfig = InProcessBusConfig()
    master_key_file: str = "keys/master.key"
    max_upload_bytes: Annotated[int, Field(ge=1024)] = 2 * 1024 * 1024  # one-read request
    max_batch_upload_bytes: Annotated[int, Field(ge=1024)] = 32 * 1024 * 1024
    max_image_bytes: Annotated[int, Field(ge=1024)] = 1024 * 1024
    max_clip_bytes: Annotated[int, Field(ge=1024)] = 64 * 1024 * 1024
    max_batch_reads: Annotated[int, Field(ge=1, le=5000)] = 500
    max_clock_skew_s: Annotated[float, Field(gt=0, le=3600)] = 300.0
    camera_cache_ttl_s: Annotated[float, Field(ge=0, le=60)] = 2.0
    dedupe_window_s: Annotated[float, Field(ge=0, le=600)] = 10.0
    section_window_s: Annotated[float, Field(gt=0)] = 3 * 3600.0
    speed_tolerance: SpeedToleranceSettings = SpeedToleranceSettings()
    retention: RetentionSettings = RetentionSettings()
    notices: NoticeSettings = NoticeSettings()
    session_ttl_s: Annotated[int, Field(ge=60)] = 8 * 3600  # console (cookie) sessions
    # API clients get short-lived bearer tokens (never longer than a console session).
    api_token_ttl_s: Annotated[int, Field(ge=60, le=24 * 3600)] = 3600
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    login_attempts_per_min: Annotated[int, Field(ge=1, le=10_000)] = 20
    ingest_requests_per_s: Annotated[int, Field(ge=1, le=1_000_000)] = 2000
    http_worker_threads: Annotated[int, Field(ge=1, le=256)] = 32
    group_commit_max_reads: Annotated[int, Field(ge=1)] = 1000
    search_reason_codes: Annotated[list[str], Field(min_length=1)] = [
        "stolen-vehicle", "wanted-person", "missing-person", "traffic-investigation",
        "court-order"]
    search_default_window_days: Annotated[int, Field(ge=1, le=3650)] = 90
    search_max_results: Annotated[int, Field(ge=1, le=5000)] = 500
    search_approval_ttl_days: Annotated[int, Field(ge=1, le=90)] = 7
    misuse_repeat_threshold: Annotated[int, Field(ge=2)] = 3
    misuse_daily_search_threshold: Annotated[int, Field(ge=1)] = 50
    misuse_work_start_hour: Annotated[int, Field(ge=0, le=23)] = 7
    misuse_work_end_hour: Annotated[int, Field(ge=1, le=24)] = 20
    misuse_utc_offset_hours: Annotated[int, Field(ge=-12, le=14)] = 5

    @field_validator("database_url")
    @classmethod
    def _only_known_backends(cls, value: str) -> str:
        scheme = value.partition("://")[0]
        if value and scheme not in _DATABASE_SCHEMES:
            raise ValueError("database_url must start with sqlite:// or postgresql+psycopg://")
        password = value.partition("://")[2].rpartition("@")[0].partition(":")[2]
        if password.lower() in _PLACEHOLDER_PASSWORDS:
            raise ValueError("database_url carries a placeholder password")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        data_dir = init_settings().get("data_dir")
        path = Path(data_dir) / CONFIG_FILE_NAME if data_dir is not None else None
        return (init_settings, env_settings, _TomlSource(settings_cls, path))

    @property
    def sqlite_path(self) -> Path:
        """The embedded database file."""
        return self.data_dir / "platewarden.db"

    @property
    def resolved_database_url(self) -> str:
        """The SQLAlchemy URL, defaulting to the embedded SQLite file."""
        return self.database_url or f"sqlite:///{self.sqlite_path}"

    def path_in_data_dir(self, relative: str) -> Path:
        """Resolve a setting that names a path relative to the data dir."""
        path = Path(relative)
        return path if path.is_absolute() else self.data_dir / path


def load_settings(*, data_dir: Path, **overrides: Any) -> Settings:
    """Settings for ``data_dir``: file, then environment, then explicit overrides."""
    return Settings(data_dir=data_dir, **overrides)
