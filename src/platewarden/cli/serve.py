"""``platewarden serve``: the whole platform in one process, or one role of it."""

from __future__ import annotations

import os
import signal
import threading
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from platewarden.api.app import ROLE_ENV, create_app
from platewarden.bootstrap import Container, Role, Shard
from platewarden.cli.common import (
    DEFAULT_DATA_DIR,
    DataDir,
    err_console,
    is_loopback,
    open_container,
    settings_for,
)
from platewarden.services.notice_cases import OverdueSweep
from platewarden.services.retention_schedule import RetentionSchedule


class ServeRole(StrEnum):
    """What one process does; ``all`` is the embedded single-process default."""

    ALL = "all"
    INGEST = "ingest"
    WORKER = "worker"
    WEB = "web"


_ROLES: dict[ServeRole, Role] = {ServeRole.ALL: "all", ServeRole.INGEST: "ingest",
                                 ServeRole.WORKER: "worker", ServeRole.WEB: "web"}


def serve(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    tls_cert: Annotated[Path | None, typer.Option(help="TLS certificate (PEM).")] = None,
    tls_key: Annotated[Path | None, typer.Option(help="TLS private key (PEM).")] = None,
    workers: Annotated[int, typer.Option(min=1, max=16, help="Server processes sharing the "
                                         "data dir (one per core).")] = 1,
    role: Annotated[ServeRole, typer.Option(
        help="all: everything in one process. With bus.type = \"nats\" also: ingest (camera "
             "API), worker (writer, rules, alerts; no HTTP), web (operator API).")
    ] = ServeRole.ALL,
    worker_index: Annotated[int, typer.Option(min=0, help="This worker's number, for "
                                              "--role worker.")] = 0,
    worker_count: Annotated[int, typer.Option(min=1, help="Rule workers sharing the plate "
                                              "partitions, for --role worker.")] = 1,
) -> None:
    """Run the HTTP API (camera ingest and operator API), or one role, until interrupted."""
    settings = settings_for(data_dir)
    if role is not ServeRole.ALL and settings.bus.type != "nats":
        err_console.print(f"[red]--role {role} needs an external event log[/red]: set "
                          "bus.type = \"nats\" (see the README); the embedded bus runs "
                          "everything in one process.")
        raise typer.Exit(2)
    shard = Shard(index=worker_index, count=worker_count)
    if role is ServeRole.WORKER:
        _run_worker(open_container(data_dir), shard)
        return
    bind_host, bind_port = host or settings.host, port or settings.port
    if not is_loopback(bind_host) and not (tls_cert and tls_key):
        err_console.print(f"[red]Refusing to listen on {bind_host} without TLS[/red]: plate "
                          "data must not cross a network in clear. Give --tls-cert and "
                          "--tls-key, or listen on 127.0.0.1 behind a TLS proxy.")
        raise typer.Exit(2)
    container = open_container(data_dir)  # migrates once, before any worker starts
    tls = {"ssl_certfile": str(tls_cert) if tls_cert else None,
           "ssl_keyfile": str(tls_key) if tls_key else None}
    common = {"host": bind_host, "port": bind_port, "log_level": settings.log_level.lower(),
              "access_log": False, "server_header": False, "date_header": False, **tls}
    # Retention runs on a schedule in this (parent) process only, never once per worker,
    # and in the process that serves operators rather than the one that takes traffic.
    schedule = RetentionSchedule(service=container.retention,
                                 interval_s=settings.retention.run_interval_s)
    if settings.retention.run_interval_s > 0 and role in (ServeRole.ALL, ServeRole.WEB):
        schedule.start()
    overdue = RetentionSchedule(service=OverdueSweep(container.notices.cases),
                                interval_s=settings.notices.overdue_interval_s, name="overdue")
    if settings.notices.overdue_interval_s > 0 and role in (ServeRole.ALL, ServeRole.WEB):
        overdue.start()
    if workers > 1:
        os.environ["PLATEWARDEN_DATA_DIR"] = str(data_dir.resolve())
        os.environ[ROLE_ENV] = role.value
        try:
            uvicorn.run("platewarden.api.app:app_from_environment", factory=True,
                        workers=workers, **common)  # type: ignore[arg-type]
        finally:
            schedule.stop()
            overdue.stop()
            container.stop()
        return
    container.start(role=_ROLES[role])
    try:
        uvicorn.run(create_app(container, role=_ROLES[role]), **common)  # type: ignore[arg-type]
    finally:
        schedule.stop()
        overdue.stop()
        container.stop()


def _run_worker(container: Container, shard: Shard) -> None:
    """Consume the event log until SIGTERM or SIGINT; unfinished batches are redelivered."""
    try:
        container.start(role="worker", shard=shard)
    except ValueError as exc:
        err_console.print(f"[red]{exc}[/red]")
        container.stop()
        raise typer.Exit(2) from exc
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    err_console.print(f"worker {shard.index + 1} of {shard.count} consuming the event log")
    stopping.wait()
    container.stop()
