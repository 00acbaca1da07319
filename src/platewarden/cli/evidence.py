"""``platewarden evidence export | verify``: signed evidence packages for confirmed violations."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Annotated

import typer

from platewarden.adapters.crypto import Ed25519Verifier
from platewarden.cli.common import (
    DEFAULT_DATA_DIR,
    DataDir,
    console,
    err_console,
    fail,
    open_container,
)
from platewarden.services.errors import ServiceError
from platewarden.services.evidence_packages import verify as verify_package

app = typer.Typer(help="Export and verify signed evidence packages.", no_args_is_help=True)


@app.command("export")
def export(
    violation_id: Annotated[str, typer.Argument(help="A confirmed violation's id.")],
    out: Annotated[Path, typer.Option("--out", help="The zip to write (must not exist).")],
    unredacted: Annotated[bool, typer.Option(
        "--unredacted", help="Keep other plates, faces and the camera's whole signed "
        "envelope (a court copy); the default is a redacted disclosure copy.")] = False,
    actor: Annotated[str, typer.Option(help="Who exports (recorded in the audit log).")] =
        "system",
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Write the violation's evidence package: records, images, manifest, signatures."""
    container = open_container(data_dir)
    try:
        package = container.packages.export(violation_id, redact=not unredacted, actor=actor)
    except ServiceError as exc:
        raise fail(exc) from exc
    finally:
        container.stop()
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(package.data)
    kind = "redacted disclosure copy" if package.redacted else "UNREDACTED court copy"
    console.print(f"wrote {out} ({kind}, {package.files} files, "
                  f"sha256 {hashlib.sha256(package.data).hexdigest()})", highlight=False)
    for note in package.notes:
        console.print(f"  note: {note}", highlight=False)


@app.command("verify")
def verify(
    package: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                            help="The evidence package (zip).")],
    public_key: Annotated[str | None, typer.Option(
        "--public-key", help="The platform's public key (hex), known from elsewhere.")] = None,
) -> None:
    """Check a package offline; names every changed, missing or added file and bytes."""
    try:
        pinned = bytes.fromhex(public_key) if public_key else None
    except ValueError:
        err_console.print("[red]invalid_field[/red]: --public-key is not hex")
        raise typer.Exit(2) from None
    verifier = Ed25519Verifier()

    def signature_ok(key: bytes, message: bytes, signature: bytes) -> bool:
        try:
            return verifier.verify(public_key=key, message=message, signature=signature)
        except ValueError:  # a key of the wrong length: whatever it is, it does not verify
            return False

    report = verify_package(package.read_bytes(), pinned_key=pinned,
                            signature_ok=signature_ok)
    for problem in report.problems:
        err_console.print(f"[red]{problem.kind.value}[/red] {problem.path}: {problem.message}",
                          highlight=False)
    if not report.ok:
        raise typer.Exit(1)
    console.print(f"verified evidence package for violation {report.violation_id} "
                  f"({'redacted' if report.redacted else 'unredacted'})", highlight=False)
    if pinned is None:
        console.print(f"platform key in the package: {report.platform_key}; compare it with "
                      "the key you know (or pass --public-key)", highlight=False)
