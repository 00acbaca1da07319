"""``platewarden hotlist import``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from platewarden.cli.common import DEFAULT_DATA_DIR, DataDir, console, fail, open_container
from platewarden.services.errors import ServiceError

app = typer.Typer(help="Manage hotlists (vehicles of interest).", no_args_is_help=True)


@app.command("import")
def import_csv(
    csv_file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                             help="CSV: plate,list,reason,source,"
                                             "legal_basis,expires_at,priority")],
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Insert or replace hotlist entries from a CSV file (all or nothing)."""
    container = open_container(data_dir)
    try:
        count = container.hotlists.import_csv(csv_file.read_text(encoding="utf-8"))
    except ServiceError as exc:
        raise fail(exc) from exc
    finally:
        container.stop()
    console.print(f"Imported {count} hotlist entr{'y' if count == 1 else 'ies'}.")
