"""The ASGI application: the JSON API, the pages and ``/healthz``, with one error policy."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException

import api
import web
from api import errors as api_errors
from convene import __version__
from convene.db import unit_of_work
from convene.errors import ConveneError
from web.templating import STATIC_DIR, templates

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


class Health(BaseModel):
    status: str
    database: str
    version: str


def _error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "title": TITLES.get(status, "Error"), "message": message},
        status_code=status,
    )


def create_app() -> FastAPI:
    app = FastAPI(
        title="Convene",
        version=__version__,
        description="Stakeholder matching for responsible-business networks.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
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
        return _error_page(request, exc.status_code, exc.message)

    @app.exception_handler(RequestValidationError)
    def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        if api_errors.is_api(request):
            return api_errors.validation_error(exc)
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
            return api_errors.error_response(500, "internal_error", "internal error")
        return _error_page(request, 500, "Please try again; the error has been logged.")

    return app


app = create_app()
