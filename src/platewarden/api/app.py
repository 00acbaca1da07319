"""The HTTP application: thin routes over the services in the container."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI

from platewarden import __version__
from platewarden.api.errors import install_error_handlers
from platewarden.api.middleware import SecurityMiddleware
from platewarden.api.routes import (
    appeals,
    auth,
    citizen,
    hotlists,
    ingest,
    operator,
    payments,
    search,
    system,
    users,
)
from platewarden.bootstrap import Container, Role, bootstrap
from platewarden.config import load_settings
from platewarden.web import install_console

ROLE_ENV = "PLATEWARDEN_SERVE_ROLE"  # set by ``serve --workers N`` for its processes
ROUTERS = {"all": (system, auth, ingest, operator, search, hotlists, users, appeals, citizen,
                   payments),
           "ingest": (system, ingest),
           "web": (system, auth, operator, search, hotlists, users, appeals, citizen, payments),
           "worker": (system,)}


def create_app(container: Container, *, own_container: bool = False,
               role: Role = "all") -> FastAPI:
    """An app serving ``container``; no docs UI, and the schema only behind a login.

    With ``own_container`` the app starts the container's workers when it starts and stops
    them when it stops (one container per server process). ``role`` picks the routes:
    ``ingest`` serves cameras only, ``web`` the operators only.
    """
    threads = container.settings.http_worker_threads

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Blocking work (verification, storage) runs in this many threads; more only
        # contend for the interpreter lock.
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        if own_container:
            container.start(role=role)
        try:
            yield
        finally:
            if own_container:
                container.stop()

    app = FastAPI(title="Platewarden", version=__version__, openapi_url=None, docs_url=None,
                  redoc_url=None, lifespan=lifespan)
    app.state.container = container
    app.state.limiters = container.limiters  # shared where guessing is limited: bootstrap
    install_error_handlers(app)
    for module in ROUTERS[role]:
        app.include_router(module.router)
    if role in ("all", "web"):  # the operator console is the web tier's, never ingest's
        install_console(app)
    app.add_middleware(SecurityMiddleware)
    return app


def app_from_environment() -> FastAPI:
    """Factory for multi-process serving: each process builds its own container.

    ``platewarden serve --workers N`` sets ``PLATEWARDEN_DATA_DIR`` for its workers.
    """
    settings = load_settings(data_dir=Path(os.environ["PLATEWARDEN_DATA_DIR"]))
    role = os.environ.get(ROLE_ENV, "all")
    if role not in ROUTERS:
        raise ValueError(f"{ROLE_ENV} must be one of {sorted(ROUTERS)}")
    return create_app(bootstrap(settings), own_container=True, role=role)  # type: ignore[arg-type]
