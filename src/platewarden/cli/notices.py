"""``platewarden notices …`` and ``platewarden registry …``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from platewarden.cli.common import DEFAULT_DATA_DIR, DataDir, console, fail, open_container
from platewarden.domain.access import NATIONWIDE, RegionScope
from platewarden.domain.notices import NoticeStatus
from platewarden.services.errors import ServiceError
from platewarden.services.held_payments import Resolution
from platewarden.services.notice_files import demo_keepers_csv, import_keepers, parse_payments

app = typer.Typer(help="Notices of fines: issue, print, payments, appeals.",
                  no_args_is_help=True)
registry_app = typer.Typer(help="The embedded vehicle registry (keepers of plates).",
                           no_args_is_help=True)
CLI_ACTOR = "cli"
# The CLI is the operator's, on the installation's own data: every region.
OPERATOR_SCOPE = RegionScope.of([NATIONWIDE])
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


@app.command("held")
def held(data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """List the payments held for a person, and why each is held."""
    container = open_container(data_dir)
    try:
        found = container.notices.held_payments.held(scope=OPERATOR_SCOPE)
    finally:
        container.stop()
    for p in found:
        console.print(f"{p.provider}\t{p.transaction_id}\t{p.reference}\t{p.amount_som}\t"
                      f"{p.paid_at.isoformat()}\t{p.notice_number or '-'}\t{p.hold_reason or '-'}",
                      markup=False, highlight=False)
    console.print(f"{len(found)} payment(s) held.")


@app.command("resolve")
def resolve(provider: Annotated[str, typer.Argument(help="Payment provider's name")],
            transaction_id: Annotated[str, typer.Argument(help="The provider's transaction")],
            resolution: Annotated[Resolution, typer.Option(help="apply, refund or reject")],
            reason: Annotated[str, typer.Option(help="Why (kept in the audit trail)")],
            notice: Annotated[str | None, typer.Option(
                help="The notice to apply the payment to (with --resolution apply)")] = None,
            data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Resolve a held payment: apply it to a notice, or mark it refunded or rejected."""
    container = open_container(data_dir)
    try:
        done = container.notices.held_payments.resolve(
            provider, transaction_id, scope=OPERATOR_SCOPE, resolution=resolution,
            notice_number=notice.strip().upper() if notice else None, actor=CLI_ACTOR,
            reason=reason)
    except ServiceError as exc:
        raise fail(exc) from exc
    finally:
        container.stop()
    console.print(f"{done.provider}/{done.transaction_id}: {done.outcome.value}"
                  f"{' to ' + done.notice_number if done.notice_number else ''}",
                  markup=False, highlight=False)


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
