"""``platewarden transparency report``: aggregate, public-safe figures as JSON and a page."""

from __future__ import annotations

import html
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from platewarden.bootstrap import utc_now
from platewarden.cli.common import DEFAULT_DATA_DIR, DataDir, console, fail, open_container
from platewarden.services.errors import ServiceError
from platewarden.wiring_privacy import transparency_service

app = typer.Typer(help="Publishable, aggregate transparency reports.", no_args_is_help=True)


@app.command("report")
def report(
    since: Annotated[datetime | None, typer.Option(
        help="Start (UTC date or time); default 30 days before --until.")] = None,
    until: Annotated[datetime | None, typer.Option(help="End (UTC); default now.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the JSON here.")] =
        None,
    html_out: Annotated[Path | None, typer.Option("--html", help="Write a page here.")] = None,
    min_count: Annotated[int, typer.Option(
        min=1, max=100, help="Counts below this (but not zero) are shown as '<N'.")] = 5,
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Counts per region and day, hits, violations, searches, deletions; no plate text."""
    end = _aware(until) if until is not None else utc_now()
    start = _aware(since) if since is not None else end - timedelta(days=30)
    container = open_container(data_dir)
    try:
        document = transparency_service(container.engine, clock=utc_now,
                                        min_count=min_count).report(since=start,
                                                                    until=end).document
    except ServiceError as exc:
        raise fail(exc) from exc
    finally:
        container.stop()
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    if json_out is None and html_out is None:
        console.print(text, highlight=False, markup=False, end="")
    if json_out is not None:
        _write(json_out, text)
    if html_out is not None:
        _write(html_out, render_html(document))


def render_html(document: dict[str, Any]) -> str:
    """A self-contained page of the report (every value escaped)."""
    def table(title: str, header: list[str], rows: list[list[Any]]) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row)
                       + "</tr>" for row in rows) or f"<tr><td colspan={len(header)}>none</td></tr>"
        return f"<h2>{html.escape(title)}</h2><table><tr>{head}</tr>{body}</table>"

    period = document["period"]
    checkpoint = document["audit_checkpoint"] or {}
    parts = [
        table("Reads per region and day", ["Region", "Day", "Reads"],
              [[r["region"], r["day"], r["reads"]] for r in document["reads_per_region_day"]]),
        table("Hotlist hits per region", ["Region", "Hits"],
              [[k, v] for k, v in document["hotlist_hits_per_region"].items()]),
        table("Violations by type", ["Type", "Status", "Count"],
              [[k, s, n] for k, by in document["violations_by_type"].items()
               for s, n in by.items()]),
        table("Notices by status (issued in the period)", ["Status", "Notices"],
              [[k, v] for k, v in document["notices_by_status"].items()]),
        table("Appeals by decision (filed in the period)", ["Decision", "Appeals"],
              [[k, v] for k, v in document["appeals_by_status"].items()]),
        table("Searches by reason", ["Reason", "Searches"],
              [[k, v] for k, v in document["searches_by_reason"].items()]),
        table("Deletions by retention", ["What", "Count"],
              [[k.replace("_", " "), v] for k, v in document["deletions"].items()]),
        table("Audit checkpoint", ["Sequence", "Entry hash", "Signed at"],
              [[checkpoint["sequence"], checkpoint["entry_hash"], checkpoint["at"]]]
              if checkpoint else []),
    ]
    return ("<!doctype html><html lang=en><meta charset=utf-8><title>Platewarden transparency "
            "report</title><style>body{font:15px system-ui;max-width:60em;margin:2em auto}"
            "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .6em}"
            "</style><h1>Transparency report</h1>"
            f"<p>{html.escape(period['since'])} to {html.escape(period['until'])}. Aggregate "
            f"counts only; counts under {html.escape(document['small_counts_shown_as'][1:])} "
            "are shown as a range.</p>" + "".join(parts) + "</html>\n")


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _write(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)  # meant for publishing
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)
