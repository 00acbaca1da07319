"""``platewarden doctor``: check an installation's configuration, keys, schema and logs."""

from __future__ import annotations

import json
from typing import Annotated, Literal

import typer
from rich.table import Table

from platewarden.cli.common import DEFAULT_DATA_DIR, DataDir, console
from platewarden.ops.doctor import diagnose
from platewarden.ops.findings import Status

_STYLE = {Status.OK: "green", Status.WARN: "yellow", Status.FAIL: "red"}


def doctor(
    output: Annotated[Literal["text", "json"], typer.Option(
        "--format", help="text (a table) or json (one object per check).")] = "text",
    skip_audit: Annotated[bool, typer.Option(
        "--skip-audit-verify", help="Do not verify the whole audit log (large logs).")] = False,
    probe_disk: Annotated[bool, typer.Option(
        "--probe-disk", help="Also time writing 200 small files as the evidence store does "
        "(in its tmp directory; removed again): warns on a slow volume.")] = False,
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Check that the installation is safe and healthy to run; changes nothing.

    Looks at the settings, the data dir and key permissions, the listen address, free disk,
    the database schema, accounts, the audit log and retention, and with --probe-disk how
    fast the evidence volume creates files. Exits 1 if any check fails.
    """
    findings = diagnose(data_dir, verify_audit=not skip_audit, probe_disk=probe_disk)
    if output == "json":
        for finding in findings:
            print(json.dumps({"check": finding.check, "status": finding.status.value,
                              "detail": finding.detail}))
    else:
        table = Table("check", "status", "detail", title=f"platewarden doctor: {data_dir}")
        for finding in findings:
            style = _STYLE[finding.status]
            table.add_row(finding.check, f"[{style}]{finding.status.value}[/{style}]",
                          finding.detail)
        console.print(table)
    if any(f.status is Status.FAIL for f in findings):
        raise typer.Exit(1)
