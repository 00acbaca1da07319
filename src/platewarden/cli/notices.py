"""``platewarden notices …`` and ``platewarden registry …``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from platewarden.cli.common import DEFAULT_DATA_DIR, DataDir, console, fail, open_container
from platewarden.domain.notices import NoticeStatus
from platewarden.services.errors import ServiceError
from platewarden.services.notice_files import demo_keepers_csv, import_keepers, parse_payments

app = typer.Typer(help="Notices of fines: issue, print, payments, appeals.",
                  no_args_is_help=True)
registry_app = typer.Typer(help="The embedded vehicle registry (keepers of plates).",
                           no_args_is_help=True)
CLI_ACTOR = "cli"
CsvFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]
Language = Annotated[str | None, typer.Option(help="uz, ru or en (default: settings)")]


@app.command("issue")
def issue(data_dir: DataDir = DEFAULT_DATA_DIR, language: Language = None) -> None:
    """Issue a notice for every confirmed violation that has none yet."""
    container = open_container(data_dir)
    try:
        report = container.notices.issuing.issue_pending(actor=CLI_ACTOR, language=language)
    except ServiceError as exc:
        raise fail(exc) from exc
    finally:
        container.stop()
    console.print(f"Issued {len(report.issued)} notice(s); "
                  f"{len(report.not_fineable)} violation(s) without a fine in the schedule.")
    for number in report.issued:
        console.print(number)


@app.command("pdf")
def pdf(number: Annotated[str, typer.Argument(help="Notice number")],
        out: Annotated[Path, typer.Option("--out", dir_okay=False, help="PDF file to write")],
        data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Write notice NUMBER as a PDF (an audited export)."""
    container = open_container(data_dir)
    try:
        data = container.notices.documents.pdf(number, actor=CLI_ACTOR)
    except ServiceError as exc:
        raise fail(exc) from exc
    finally:
        container.stop()
    out.write_bytes(data)
    console.print(f"Wrote {out} ({len(data)} bytes).")


@app.command("status")
def status(number: Annotated[str, typer.Argument(help="Notice number")],
           to: Annotated[NoticeStatus, typer.Option("--to", help="New status")],
           reason: Annotated[str, typer.Option(help="Why (kept in the audit trail)")],
           data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Change a notice's status (delivered, cancelled ...), with a reason."""
    container = open_container(data_dir)
    try:
        notice = container.notices.cases.change(number, to, actor=CLI_ACTOR, reason=reason)
    except ServiceError as exc:
        raise fail(exc) from exc
    finally:
        container.stop()
    console.print(f"{notice.number}: {notice.status.value}")


@app.command("overdue")
def overdue(data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Mark overdue every open notice whose due date has passed."""
    container = open_container(data_dir)
    try:
        numbers = container.notices.cases.mark_overdue()
    finally:
        container.stop()
    console.print(f"{len(numbers)} notice(s) now overdue.")


@app.command("payments")
def payments(csv_file: CsvFile,
             provider: Annotated[str, typer.Option(help="Payment provider's name")],
             data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Import a provider's CSV (transaction_id,reference,amount_som,paid_at), once each."""
    container = open_container(data_dir)
    try:
        lines = parse_payments(csv_file.read_text(encoding="utf-8"))
        report = container.notices.cases.import_payments(lines, provider=provider,
                                                         actor=CLI_ACTOR)
    except ServiceError as exc:
        raise fail(exc) from exc
    finally:
        container.stop()
    console.print(f"Applied {report.applied}, held for a person {report.held}, "
                  f"already imported {report.duplicates}.")


@registry_app.command("import")
def registry_import(csv_file: CsvFile, data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Replace the registry with CSV rows: plate,name,address,kind,valid_from,valid_to."""
    container = open_container(data_dir)
    try:
        count = import_keepers(csv_file.read_text(encoding="utf-8"),
                               keepers=container.notices.keepers,
                               uow_factory=container.notices.uow_factory,
                               audit=container.audit, actor=CLI_ACTOR)
    except ServiceError as exc:
        raise fail(exc) from exc
    finally:
        container.stop()
    console.print(f"Imported {count} registry row(s).")


@registry_app.command("demo-csv")
def registry_demo_csv(
        plates: Annotated[list[str], typer.Argument(help="Plates to invent keepers for")],
        out: Annotated[Path, typer.Option("--out", dir_okay=False)]) -> None:
    """Write a registry CSV of fictitious keepers for PLATES (for the demo)."""
    out.write_text(demo_keepers_csv(plates), encoding="utf-8")
    console.print(f"Wrote {len(plates)} fictitious keeper(s) to {out}.")
