"""``platewarden camera add|list|disable``."""

from __future__ import annotations

import base64
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from platewarden.camera.keys import load_keys, save_keys
from platewarden.cli.common import DEFAULT_DATA_DIR, DataDir, console, fail, open_container
from platewarden.domain.access import EVERYWHERE
from platewarden.domain.messages import DisableCamera, RegisterCamera
from platewarden.services.errors import ServiceError
from platewarden.sim.network import demo_network

app = typer.Typer(help="Register, list and disable cameras.", no_args_is_help=True)
KeysOut = Annotated[Path | None, typer.Option(
    "--keys-out", help="Write private keys to this JSON file (mode 0600) instead of "
    "printing them.")]


def _store_keys(path: Path, new: dict[str, bytes]) -> None:
    keys = load_keys(path) if path.exists() else {}
    keys.update(new)
    save_keys(path, keys)


@app.command("add")
def add(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    camera_id: Annotated[str | None, typer.Option("--id", help="Camera id.")] = None,
    name: Annotated[str, typer.Option(help="Human-readable name.")] = "",
    latitude: Annotated[float, typer.Option("--lat")] = 0.0,
    longitude: Annotated[float, typer.Option("--lon")] = 0.0,
    road: Annotated[str, typer.Option()] = "",
    direction: Annotated[str, typer.Option()] = "",
    lanes: Annotated[int, typer.Option(min=1, max=12)] = 1,
    kind: Annotated[str, typer.Option(help="spot-speed, section-point, red-light, lane "
                                      "or anpr.")] = "anpr",
    speed_limit_kmh: Annotated[int | None, typer.Option("--speed-limit-kmh")] = None,
    calibration_certificate: Annotated[str | None, typer.Option()] = None,
    calibration_expires_at: Annotated[datetime | None, typer.Option()] = None,
    region_code: Annotated[str, typer.Option()] = "01",
    demo_network_flag: Annotated[bool, typer.Option(
        "--demo-network", help="Register the whole demo network (cameras and sections).")
    ] = False,
    keys_out: KeysOut = None,
) -> None:
    """Register a camera (or the demo network); each private key is shown once."""
    container = open_container(data_dir)
    try:
        if demo_network_flag:
            commands = list(demo_network().cameras)
        elif camera_id:
            commands = [RegisterCamera(
                camera_id=camera_id, name=name or camera_id, latitude=latitude,
                longitude=longitude, road=road, direction=direction, lanes=lanes, kind=kind,
                speed_limit_kmh=speed_limit_kmh,
                calibration_certificate=calibration_certificate,
                calibration_expires_at=calibration_expires_at, region_code=region_code)]
        else:
            raise typer.BadParameter("give --id (and the camera's details) or --demo-network")
        keys: dict[str, bytes] = {}
        for command in commands:
            keys[command.camera_id] = container.cameras.register(command).private_key
        if demo_network_flag:
            for section in demo_network().sections:
                container.cameras.register_section(section)
    except ServiceError as exc:
        raise fail(exc) from exc
    finally:
        container.stop()
    if keys_out is not None:
        _store_keys(keys_out, keys)
        console.print(f"Registered {len(keys)} camera(s); private keys written to {keys_out}.")
        return
    for cid, key in keys.items():
        console.print(f"Registered {cid}. Private key (shown once): "
                      f"[bold]{base64.b64encode(key).decode()}[/bold]")


@app.command("list")
def list_cameras(data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """List registered cameras."""
    container = open_container(data_dir)
    try:
        # The person at the machine runs the installation: every region.
        cameras = container.cameras.all_cameras(scope=EVERYWHERE)
    finally:
        container.stop()
    table = Table("id", "kind", "name", "road", "limit", "calibration until", "enabled")
    for c in cameras:
        table.add_row(c.id, c.kind.value, c.name, c.road, str(c.speed_limit_kmh or "-"),
                      c.calibration_expires_at.date().isoformat()
                      if c.calibration_expires_at else "-", "yes" if c.enabled else "no")
    console.print(table)


@app.command("disable")
def disable(camera_id: Annotated[str, typer.Argument(help="Camera id.")],
            data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Refuse every further read from a camera."""
    container = open_container(data_dir)
    try:
        container.cameras.disable(DisableCamera(camera_id=camera_id))
    except ServiceError as exc:
        raise fail(exc) from exc
    finally:
        container.stop()
    console.print(f"Camera {camera_id} disabled.")
