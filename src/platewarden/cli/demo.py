"""``platewarden demo``: an installation, a camera network and live signed traffic."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from platewarden.api.app import create_app
from platewarden.bootstrap import Container
from platewarden.camera.keys import load_keys, save_keys
from platewarden.cli.admin import ADMIN_USER, ensure_installation
from platewarden.cli.common import DEFAULT_DATA_DIR, DataDir, console, open_container
from platewarden.cli.simulate import scenario_for
from platewarden.domain.access import EVERYWHERE
from platewarden.domain.violations import ViolationStatus
from platewarden.services.notice_files import demo_keepers_csv, import_keepers
from platewarden.services.notices import IssueReport
from platewarden.services.unit_of_work import ViolationFilter
from platewarden.sim.hotlist import write_hotlist_csv
from platewarden.sim.network import demo_network
from platewarden.sim.runner import run_simulation


def _register_network(container: Container, keys_file: Path) -> dict[str, bytes]:
    if keys_file.exists():
        return load_keys(keys_file)
    network = demo_network()
    keys = {c.camera_id: container.cameras.register(c).private_key for c in network.cameras}
    for section in network.sections:
        container.cameras.register_section(section)
    keys_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    save_keys(keys_file, keys)
    return keys


@contextlib.contextmanager
def _serving(container: Container, *, host: str, port: int) -> Iterator[uvicorn.Server]:
    server = uvicorn.Server(uvicorn.Config(create_app(container), host=host, port=port,
                                           log_level="warning", access_log=False,
                                           server_header=False))
    thread = threading.Thread(target=server.run, name="http", daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise typer.Exit(1)
        time.sleep(0.05)
    try:
        yield server
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def demo(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    port: Annotated[int, typer.Option(help="Port of the API on 127.0.0.1.")] = 8080,
    vehicles: Annotated[int, typer.Option(min=1, help="Vehicles per round.")] = 150,
    rounds: Annotated[int, typer.Option(min=0, help="Rounds of traffic; 0 = until "
                                        "interrupted.")] = 0,
    rate: Annotated[float, typer.Option(min=1, help="Reads per second at most.")] = 50.0,
) -> None:
    """Initialise DATA_DIR, register the demo network, serve the API and drive traffic."""
    password = ensure_installation(data_dir)
    # The demo's own summary is the output; request logs would drown it.
    container = open_container(data_dir, log_level="WARNING")
    container.start()
    keys = _register_network(container, data_dir / "demo" / "camera-keys.json")
    url = f"http://127.0.0.1:{port}"
    try:
        with _serving(container, host="127.0.0.1", port=port):
            _announce(url, password)
            number = 0
            while rounds == 0 or number < rounds:
                number += 1
                _round(container, url=url, keys=keys, seed=int(time.time()) + number,
                       vehicles=vehicles, rate=rate, data_dir=data_dir)
    except KeyboardInterrupt:
        console.print("Stopped.")
    finally:
        container.stop()


def _announce(url: str, password: str | None) -> None:
    console.print(f"Platewarden is serving on [bold]{url}[/bold] (loopback only).")
    if password is not None:
        console.print(f"Log in as [bold]{ADMIN_USER}[/bold] with password "
                      f"[bold]{password}[/bold] (shown once).", soft_wrap=True)
    console.print("Sign-in needs a second factor: see the README (Quick start) for the "
                  "two-step login with curl.", soft_wrap=True)


def _round(container: Container, *, url: str, keys: dict[str, bytes], seed: int,
           vehicles: int, rate: float, data_dir: Path) -> None:
    scenario = scenario_for(seed=seed, vehicles=vehicles, start=None, duration_min=60)
    hotlist_file = data_dir / "demo" / "hotlist.csv"
    write_hotlist_csv(hotlist_file, scenario.hotlist)
    container.hotlists.import_csv(hotlist_file.read_text(encoding="utf-8"))
    report = run_simulation(base_url=url, keys=keys, scenario=scenario, batch_size=20,
                            rate_per_s=rate)
    container.bus.wait_idle()
    # The demo reports to the person at the machine, who runs the installation: nationwide.
    pending = container.queries.violations(ViolationFilter(status=ViolationStatus.PENDING,
                                                           limit=500), scope=EVERYWHERE)
    alerts = container.queries.alerts(limit=500, offset=0, scope=EVERYWHERE)
    console.print(f"Round: {report.sent} signed reads ({report.reads_per_s:.0f}/s), "
                  f"{report.accepted} accepted; expected {len(scenario.truth.violations)} "
                  f"violations and {len(scenario.truth.alerts)} alerts. In review now: "
                  f"{len(pending)} pending violations, {len(alerts)} alerts.")
    _notices(container, plates=[v.plate for v in scenario.vehicles], data_dir=data_dir)


def _notices(container: Container, *, plates: list[str], data_dir: Path) -> IssueReport:
    """Fictitious keepers for every plate driven so far; notices for confirmed violations.

    Violations become confirmed when a person reviews them (console or API): their notices
    are issued at the end of the next round.
    """
    seen_file = data_dir / "demo" / "plates.txt"
    seen = seen_file.read_text(encoding="utf-8").split() if seen_file.exists() else []
    # Appended in order, so the seeded generator gives every earlier plate the same keeper.
    known = set(seen)
    seen += [plate for plate in dict.fromkeys(plates) if plate not in known]
    seen_file.write_text("\n".join(seen) + "\n", encoding="utf-8")
    import_keepers(demo_keepers_csv(seen), keepers=container.notices.keepers,
                   uow_factory=container.notices.uow_factory, audit=container.audit,
                   actor="demo")
    issued = container.notices.issuing.issue_pending(actor="demo")
    console.print(f"Registry: {len(seen)} fictitious keepers. Notices issued for confirmed "
                  f"violations: {len(issued.issued)}.")
    return issued
