"""Options and helpers shared by the CLI commands."""

from __future__ import annotations

import ipaddress
import logging
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from platewarden.bootstrap import Container, bootstrap
from platewarden.config import Settings, load_settings
from platewarden.services.errors import ServiceError

console = Console()
err_console = Console(stderr=True)

DataDir = Annotated[Path, typer.Option(
    "--data-dir", envvar="PLATEWARDEN_DATA_DIR",
    help="Data directory (database, evidence, keys, platewarden.toml).")]
DEFAULT_DATA_DIR = Path("data")


def settings_for(data_dir: Path) -> Settings:
    """Settings for ``data_dir``, with a clear message on bad configuration."""
    # Every file we create (database, evidence, keys) is for this user alone.
    os.umask(0o077)
    try:
        return load_settings(data_dir=data_dir)
    except ValueError as exc:
        err_console.print(f"[red]Configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc


def open_container(data_dir: Path, *, create: bool = False,
                   log_level: str | None = None) -> Container:
    """A container for ``data_dir``, which ``init`` (``create=True``) must have created."""
    settings = settings_for(data_dir)
    if not create and not settings.sqlite_path.exists() and not settings.database_url:
        err_console.print(f"[red]No installation in {data_dir}[/red]: run "
                          f"`platewarden init --data-dir {data_dir}` first.")
        raise typer.Exit(2)
    configure_logging(log_level or settings.log_level)
    return bootstrap(settings)


def configure_logging(level: str) -> None:
    """Plain logs on stderr; plate text is only ever logged at DEBUG."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        force=True)
    # Library chatter (every HTTP request of the simulator, every migration step) is noise.
    for noisy in ("httpx", "httpcore", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def fail(exc: ServiceError) -> typer.Exit:
    """Print a service refusal and return the exit to raise."""
    err_console.print(f"[red]{exc.code}[/red]: {exc.message}")
    return typer.Exit(1)


def is_loopback(host: str) -> bool:
    """Whether ``host`` only listens on this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
