"""``platewarden init``."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from platewarden.cli.common import (
    DEFAULT_DATA_DIR,
    DataDir,
    console,
    fail,
    open_container,
    settings_for,
)
from platewarden.config import CONFIG_FILE_NAME
from platewarden.domain.access import EVERYWHERE, INITIAL_ADMIN, Role
from platewarden.services.errors import ServiceError

ADMIN_USER = INITIAL_ADMIN
CONFIG_TEMPLATE = """\
# Platewarden settings. Every key is optional; unknown keys are errors.
# Environment variables PLATEWARDEN_<KEY> override this file (nested: PLATEWARDEN_A__B).
# host = "127.0.0.1"
# port = 8080
# max_clock_skew_s = 300
# section_window_s = 10800
# dedupe_window_s = 10
# [retention]            # privacy-protective defaults; every change is audited
# pseudonymise_after_h = 72
# nonhit_read_days = 30
# nonhit_image_days = 7
# hotlist_hit_days = 90
# closed_violation_days = 365
# run_interval_s = 3600
# [speed_tolerance]
# absolute_kmh = 3
# percent = 3
# The event log: "inprocess" (default, one process) or NATS JetStream for serve --role ...
# [bus]
# type = "nats"
# url = "nats://127.0.0.1:4222"
# partitions = 16
"""


def ensure_installation(data_dir: Path) -> str | None:
    """Create (or check) the installation; returns a generated admin password, once."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    config_file = data_dir / CONFIG_FILE_NAME
    if not config_file.exists():
        config_file.write_text(CONFIG_TEMPLATE, encoding="utf-8")
    container = open_container(data_dir, create=True)
    try:
        if container.accounts.exists(ADMIN_USER):
            return None
        from_env = os.environ.get("PLATEWARDEN_ADMIN_PASSWORD")
        password = from_env or secrets.token_urlsafe(18)
        try:
            # The first admin also reviews, so a pilot can run with one account.
            container.accounts.create_user(username=ADMIN_USER, password=password,
                                           roles=frozenset({Role.ADMIN, Role.REVIEWER}),
                                           regions=EVERYWHERE)
        except ServiceError as exc:
            raise fail(exc) from exc
        return None if from_env else password
    finally:
        container.stop()


def init(data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Create (or check) an installation: keys, database, config file and the admin user.

    Safe to run again: nothing that exists is replaced. The admin password comes from
    PLATEWARDEN_ADMIN_PASSWORD, or is generated and printed once.
    """
    settings_for(data_dir)
    existed = (data_dir / CONFIG_FILE_NAME).exists()
    password = ensure_installation(data_dir)
    if password is not None:
        console.print(f"Initialised {data_dir}: embedded database, encrypted evidence store.")
        console.print(f"Admin user: [bold]{ADMIN_USER}[/bold]  password: "
                      f"[bold]{password}[/bold]  (shown once: keep it safe)", soft_wrap=True)
    elif existed:
        console.print(f"Installation in {data_dir} is ready; the admin user exists.")
    else:
        console.print(f"Initialised {data_dir}. Admin user: [bold]{ADMIN_USER}[/bold] with "
                      "the password from PLATEWARDEN_ADMIN_PASSWORD.")
