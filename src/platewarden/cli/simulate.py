"""``platewarden simulate``: drive a signed camera network's traffic into a server."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from platewarden.camera.keys import load_keys
from platewarden.cli.common import console
from platewarden.sim.hotlist import write_hotlist_csv
from platewarden.sim.runner import SimProgress, SimReport, run_simulation
from platewarden.sim.traffic import Scenario, generate_scenario


def scenario_for(*, seed: int, vehicles: int, start: datetime | None,
                 duration_min: float) -> Scenario:
    """The seeded scenario; by default it ends ten minutes before now."""
    duration = timedelta(minutes=duration_min)
    begin = start or datetime.now(UTC) - duration - timedelta(minutes=10)
    if begin.tzinfo is None:
        begin = begin.replace(tzinfo=UTC)
    return generate_scenario(seed=seed, vehicles=vehicles, start=begin, duration=duration)


def truth_json(scenario: Scenario) -> dict[str, Any]:
    """The ground truth in a form a test or a person can compare with the server."""
    truth = scenario.truth
    return {
        "violations": [{"type": str(v.type), "plate": v.plate, "camera_id": v.camera_id,
                        "section_id": v.section_id, "read_ids": list(v.read_ids)}
                       for v in truth.violations],
        "alerts": [{"kind": str(a.kind), "read_id": a.read_id, "plate": a.plate,
                    "listed_plate": a.listed_plate} for a in truth.alerts],
        "reads": len(scenario.reads),
    }


def send(scenario: Scenario, *, url: str, keys: dict[str, bytes], batch_size: int,
         rate_per_s: float | None) -> SimReport:
    """Send the scenario with a progress bar."""
    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                  transient=True) as bar:
        task = bar.add_task("sending signed reads", total=len(scenario.reads))

        def on_progress(p: SimProgress) -> None:
            bar.update(task, completed=p.sent)

        return run_simulation(base_url=url, keys=keys, scenario=scenario,
                              batch_size=batch_size, rate_per_s=rate_per_s,
                              progress=on_progress)


def simulate(
    url: Annotated[str, typer.Option(help="Server root URL.")] = "http://127.0.0.1:8080",
    keys_file: Annotated[Path | None, typer.Option(
        "--keys", help="Camera keys JSON written by `camera add --keys-out`.")] = None,
    vehicles: Annotated[int, typer.Option(min=1, max=100_000)] = 200,
    seed: Annotated[int, typer.Option()] = 1,
    start: Annotated[datetime | None, typer.Option(
        help="Scenario start (UTC); default: so that it ends 10 minutes ago.")] = None,
    duration_min: Annotated[float, typer.Option(min=1)] = 60.0,
    batch_size: Annotated[int, typer.Option(min=1, max=500)] = 50,
    rate: Annotated[float | None, typer.Option(help="Reads per second at most.")] = None,
    hotlist_out: Annotated[Path | None, typer.Option(
        help="Write the scenario's hotlist as CSV (import it before sending).")] = None,
    truth_out: Annotated[Path | None, typer.Option(
        help="Write the expected violations and alerts as JSON.")] = None,
    dry_run: Annotated[bool, typer.Option(help="Write files only; send nothing.")] = False,
) -> None:
    """Drive signed traffic from the demo camera network into a server.

    Vehicles carry valid Uzbek plates; a share speed, run red lights, use the bus lane in its
    hours or are on a hotlist. Every read is signed and carries a rendered plate crop and an
    overview image.
    """
    scenario = scenario_for(seed=seed, vehicles=vehicles, start=start,
                            duration_min=duration_min)
    if hotlist_out is not None:
        write_hotlist_csv(hotlist_out, scenario.hotlist)
    if truth_out is not None:
        truth_out.write_text(json.dumps(truth_json(scenario), indent=2), encoding="utf-8")
    console.print(f"Scenario: {len(scenario.vehicles)} vehicles, {len(scenario.reads)} reads, "
                  f"{len(scenario.truth.violations)} expected violations, "
                  f"{len(scenario.truth.alerts)} expected alerts.")
    if dry_run:
        return
    if keys_file is None:
        raise typer.BadParameter("--keys is required unless --dry-run")
    report = send(scenario, url=url, keys=load_keys(keys_file), batch_size=batch_size,
                  rate_per_s=rate)
    console.print(f"Sent {report.sent} reads in {report.seconds:.1f} s "
                  f"({report.reads_per_s:.0f}/s): {report.accepted} accepted, "
                  f"{report.duplicates} duplicates, rejected {report.rejected or 0}, "
                  f"unavailable {report.unavailable}.")
    if report.rejected or report.unavailable:
        raise typer.Exit(1)
