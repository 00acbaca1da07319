"""``platewarden db partitions``: upkeep of the reads table (retention is ``retention run``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from platewarden.cli.common import DEFAULT_DATA_DIR, DataDir, console, open_container

app = typer.Typer(help="Database upkeep: the day partitions of reads (PostgreSQL).",
                  no_args_is_help=True)


@app.command("partitions")
def partitions(
    ahead_days: Annotated[int, typer.Option(min=0, max=366,
                                            help="Days after today to prepare.")] = 7,
    back_days: Annotated[int, typer.Option(min=0, max=366,
                                           help="Days before today to prepare.")] = 2,
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Make the day partitions of reads around today (PostgreSQL; `serve` also does it hourly)."""
    container = open_container(data_dir)
    try:
        store = container.partitions.partitions
        if not store.partitioned:
            console.print("this database keeps reads in one table; nothing to prepare")
            return
        today = datetime.now(UTC).date()
        made = store.ensure(first_day=today - timedelta(days=back_days),
                            days=back_days + ahead_days + 1)
        console.print(f"made {made} partition(s); reads has {len(store.names())}",
                      highlight=False)
    finally:
        container.stop()
