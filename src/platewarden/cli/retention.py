"""``platewarden retention run | hold | release | holds``."""

from __future__ import annotations

from typing import Annotated

import typer

from platewarden.cli.common import (
    DEFAULT_DATA_DIR,
    DataDir,
    console,
    err_console,
    fail,
    open_container,
)
from platewarden.domain.retention import HoldTarget
from platewarden.services.errors import ServiceError

app = typer.Typer(help="Retention (deletion by policy, crypto-shredding) and legal holds.",
                  no_args_is_help=True)
Actor = Annotated[str, typer.Option("--actor", help="Who acts (recorded in the audit log).")]


@app.command("run")
def run(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count what would go.")] = False,
    actor: Actor = "system",
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Apply the retention policy now; prints counts, never plate text. Audited."""
    container = open_container(data_dir)
    try:
        report = container.retention.run(dry_run=dry_run, actor=actor)
    finally:
        container.stop()
    verb = "would go" if dry_run else "done"
    console.print(f"retention run ({verb}), audit entry {report.audit_sequence}:",
                  highlight=False)
    for name, value in report.counts.as_details().items():
        console.print(f"  {name}: {value}", highlight=False)


@app.command("hold")
def hold(
    reason: Annotated[str, typer.Option("--reason", help="Why (5-500 characters).")],
    violation: Annotated[str | None, typer.Option(
        "--violation", help="Hold a case: the violation, its reads and images.")] = None,
    read: Annotated[str | None, typer.Option(
        "--read", help="Hold one record: a read (CAMERA:READ_ID) and its images.")] = None,
    actor: Actor = "system",
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Place a legal hold: retention keeps what it covers until it is released."""
    if (violation is None) == (read is None):
        err_console.print("[red]invalid_field[/red]: give exactly one of --violation, --read")
        raise typer.Exit(2)
    target, target_id = ((HoldTarget.VIOLATION, violation) if violation is not None
                         else (HoldTarget.READ, read))
    assert target_id is not None
    container = open_container(data_dir)
    try:
        placed = container.retention.place_hold(target=target, target_id=target_id,
                                                reason=reason, actor=actor)
    except ServiceError as exc:
        raise fail(exc) from exc
    finally:
        container.stop()
    console.print(f"hold {placed.id} on {placed.target.value} {placed.target_id}",
                  highlight=False)


@app.command("release")
def release(
    hold_id: Annotated[str, typer.Argument(help="The hold's id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (5-500 characters).")],
    actor: Actor = "system",
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Release a legal hold; the next retention run applies the policy again."""
    container = open_container(data_dir)
    try:
        released = container.retention.release_hold(hold_id, reason=reason, actor=actor)
    except ServiceError as exc:
        raise fail(exc) from exc
    finally:
        container.stop()
    console.print(f"released hold {released.id}", highlight=False)


@app.command("holds")
def holds(
    all_holds: Annotated[bool, typer.Option("--all", help="Released ones too.")] = False,
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """List legal holds: id, target, who placed it and when, reason."""
    container = open_container(data_dir)
    try:
        found = container.retention.holds(active_only=not all_holds)
    finally:
        container.stop()
    for h in found:
        state = "active" if h.active else f"released {h.released_at:%Y-%m-%d}"
        console.print(f"{h.id} {h.target.value} {h.target_id} by {h.placed_by} "
                      f"{h.placed_at:%Y-%m-%d %H:%M} ({state}): {h.reason}", highlight=False)
