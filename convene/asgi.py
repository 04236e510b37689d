"""The ASGI application: the JSON API, the pages and ``/healthz``, with one error policy."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import api
import web
from api import errors as api_errors
from convene import __version__
from convene.db import unit_of_work
from convene.errors import ConveneError
from web.templating import STATIC_DIR

log = logging.getLogger("convene")

TITLES = {
    400: "Bad request",
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    409: "Conflict",
    422: "Invalid input",
    500: "Something went wrong",
}


CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Adds the security headers to every response (a plain ASGI middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Health(BaseModel):
    status: str
    database: str
    version: str


def _error_page(request: Request, status: int, message: str) -> HTMLResponse:
    from web.rendering import render

    return render(
        request,
        "error.html",
        {"status": status, "title": TITLES.get(status, "Error"), "message": message},
        status_code=status,
    )


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    # Everything imported by now lives as long as the worker: move it out of the garbage
    # collector's sight, so a full collection no longer walks it (~100 ms, every few
    # hundred requests, which every request in flight then waited for).
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def create_app() -> FastAPI:
    app = FastAPI(
        lifespan=_lifespan,
        title="Convene",
        version=__version__,
        description="Stakeholder matching for responsible-business networks.",
        docs_url=None,  # Swagger UI loads from a CDN; the schema is at openapi_url
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.add_middleware(SecurityHeaders)
    app.include_router(api.router)
    app.include_router(web.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/healthz", response_model=Health, tags=["health"])
    def healthz() -> Response:
        try:
            with unit_of_work(readonly=True) as session:
                session.execute(text("SELECT 1"))
        except SQLAlchemyError:
            log.exception("health check failed")
            return JSONResponse(
                {"status": "error", "database": "unreachable", "version": __version__},
                status_code=503,
            )
        return JSONResponse({"status": "ok", "database": "ok", "version": __version__})

    @app.exception_handler(ConveneError)
    def _convene_error(request: Request, exc: ConveneError) -> Response:
        if api_errors.is_api(request):
            return api_errors.convene_error(exc)
        if exc.status_code == 401:
            target = quote(
                request.url.path + (f"?{request.url.query}" if request.url.query else "")
            )
            return RedirectResponse(f"/login?next={target}", status_code=303)
        return _error_page(request, exc.status_code, exc.message)

    @app.exception_handler(RequestValidationError)
    def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        if api_errors.is_api(request):
            return api_errors.validation_error(exc)
        if any("csrf_token" in map(str, error.get("loc", ())) for error in exc.errors()):
            return _error_page(
                request,
                403,
                "This form has expired or did not come from this site. "
                "Go back, reload and try again.",
            )
        return _error_page(request, 400, "The address has a value this page cannot use.")

    @app.exception_handler(HTTPException)
    def _http_error(request: Request, exc: HTTPException) -> Response:
        if api_errors.is_api(request):
            return api_errors.http_error(exc)
        message = exc.detail if isinstance(exc.detail, str) else ""
        return _error_page(request, exc.status_code, message)

    @app.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception) -> Response:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        if api_errors.is_api(request):
            response: Response = api_errors.error_response(500, "internal_error", "internal error")
        else:
            response = _error_page(request, 500, "Please try again; the error has been logged.")
        # this handler runs outside the middleware stack, so the headers are added here
        for name, value in SECURITY_HEADERS:
            response.headers[name.decode()] = value.decode()
        return response

    return app


app = create_app()
