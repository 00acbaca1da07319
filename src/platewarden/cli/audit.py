"""``platewarden audit verify | export | checkpoint``."""

from __future__ import annotations

import json
import os
from pathlib import Path
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
from platewarden.domain.audit import Checkpoint
from platewarden.services.audit import checkpoint_from_json, checkpoint_json
from platewarden.services.errors import ServiceError

app = typer.Typer(help="Verify, export and checkpoint the tamper-evident audit log.",
                  no_args_is_help=True)


@app.command("verify")
def verify(
    checkpoint_file: Annotated[Path | None, typer.Option(
        "--checkpoint", exists=True, dir_okay=False, readable=True,
        help="File of lines printed by `audit checkpoint`, kept outside the system.")] = None,
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Check every entry against the hash chain and the signed checkpoints."""
    container = open_container(data_dir)
    try:
        kept = _kept_checkpoints(checkpoint_file, container.audit.public_key())
        result = container.audit.verify(kept_elsewhere=kept)
    except ServiceError as exc:
        raise fail(exc) from exc
    finally:
        container.stop()
    if result.problem is not None:
        problem = result.problem
        err_console.print(f"[red]audit log tampered[/red]: {problem.kind.value} at entry "
                          f"{problem.sequence}: {problem.message}", highlight=False)
        raise typer.Exit(1)
    console.print(f"verified {result.entries} entries, {result.checkpoints} checkpoints",
                  highlight=False)


def _kept_checkpoints(path: Path | None, public_key: bytes) -> list[Checkpoint]:
    if path is None:
        return []
    kept = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ServiceError("invalid_field", f"{path}:{number} is not JSON.") from exc
        if document.get("public_key") != public_key.hex():
            # A replaced key could re-sign a rewritten log; the copy kept outside says so.
            raise ServiceError("key_changed", f"{path}:{number} was signed by another key "
                               "than the platform's signing key now.")
        kept.append(checkpoint_from_json(document))
    return kept


@app.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", dir_okay=False,
                                      help="File to write the JSON export to.")],
    from_seq: Annotated[int, typer.Option("--from", min=1, help="First entry.")] = 1,
    to_seq: Annotated[int | None, typer.Option("--to", min=1,
                                               help="Last entry (default: the newest).")] = None,
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Write entries FROM..TO with their hashes, checkpoints and the public key."""
    container = open_container(data_dir)
    try:
        document = container.audit.export(from_seq, to_seq, actor="cli")
    except ServiceError as exc:
        raise fail(exc) from exc
    finally:
        container.stop()
    # The export holds who did what: readable by this user only, like the database.
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(document)
    entries = len(json.loads(document)["entries"])
    console.print(f"exported {entries} entries to {out}", highlight=False)


@app.command("checkpoint")
def checkpoint(data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Sign the newest entry's hash; keep the printed line somewhere outside the system."""
    container = open_container(data_dir)
    try:
        signed = container.audit.checkpoint()
        public_key = container.audit.public_key()
    except ServiceError as exc:
        raise fail(exc) from exc
    finally:
        container.stop()
    document = {**checkpoint_json(signed), "public_key": public_key.hex()}
    typer.echo(json.dumps(document, sort_keys=True))
