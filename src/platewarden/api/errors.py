"""Every refusal as ``{"error": {"code", "message"}}`` with a 4xx status."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from platewarden.services.errors import ServiceError

HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large",
              401: "unauthenticated", 403: "forbidden"}


def error_response(status: int, code: str, message: str) -> JSONResponse:
    """The standard error body."""
    return JSONResponse(status_code=status, content={"error": {"code": code,
                                                               "message": message}})


def describe_validation(exc: RequestValidationError) -> str:
    """A short message naming the offending fields, without echoing their values."""
    parts = []
    for error in exc.errors()[:5]:
        location = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
        parts.append(f"{location or 'body'}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "The request is not valid."


def install_error_handlers(app: FastAPI) -> None:
    """Map service errors, validation errors and HTTP errors to the standard body."""

    async def on_service_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ServiceError)
        return error_response(exc.status, exc.code, exc.message)

    async def on_validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return error_response(422, "invalid_field", describe_validation(exc))

    async def on_http(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = HTTP_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else "Request refused."
        return error_response(exc.status_code, code, message)

    app.add_exception_handler(ServiceError, on_service_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
