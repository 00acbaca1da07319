"""The operator console: server-rendered pages over the same services as the API.

Pages authenticate with a session cookie and check a CSRF token on every state-changing
request (see ``api/cookies.py``); each route carries one access marker from ``api/deps.py``.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from platewarden.api.deps import PageRefused
from platewarden.api.errors import error_response
from platewarden.services.errors import ServiceError
from platewarden.web import (
    admin,
    appeals,
    assets,
    audit,
    live,
    notice_page,
    notices,
    payments,
    privacy,
    review,
    search,
    signin,
    supervision,
)
from platewarden.web.render import render

LOGIN_PATH = "/console/login"


def install_console(app: FastAPI) -> None:
    """Mount the console's routes and its handler for refused pages."""

    async def on_refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageRefused)
        if exc.code == "unauthenticated":
            return RedirectResponse(LOGIN_PATH, status_code=303)
        return render(request, "refused.html", status_code=403, code=exc.code)

    async def on_service_error(request: Request, exc: Exception) -> Response:
        # The API's refusals stay JSON; a page's become a page (same status and code).
        assert isinstance(exc, ServiceError)
        if not request.url.path.startswith("/console/"):
            return error_response(exc.status, exc.code, exc.message)
        return render(request, "refused.html", status_code=exc.status, code=exc.code,
                      message=exc.message)

    app.add_exception_handler(PageRefused, on_refused)
    app.add_exception_handler(ServiceError, on_service_error)
    for module in (assets, signin, live, review, appeals, notices, search, audit, admin,
                   supervision, notice_page, payments, privacy):
        app.include_router(module.router)
