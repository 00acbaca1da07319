"""The HTTP application: thin routes over the services in the container."""

from __future__ import annotations

from fastapi import FastAPI

from platewarden import __version__
from platewarden.api.errors import install_error_handlers
from platewarden.api.middleware import SecurityMiddleware
from platewarden.api.routes import auth, ingest, operator, system
from platewarden.bootstrap import Container


def create_app(container: Container) -> FastAPI:
    """An app serving ``container``; no docs UI, and the schema only behind a login."""
    app = FastAPI(title="Platewarden", version=__version__, openapi_url=None, docs_url=None,
                  redoc_url=None)
    app.state.container = container
    install_error_handlers(app)
    for module in (system, auth, ingest, operator):
        app.include_router(module.router)
    app.add_middleware(SecurityMiddleware)
    return app
