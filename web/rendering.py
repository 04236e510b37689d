"""Rendering pages: the CSRF token every form carries, and the site's cookies."""

from __future__ import annotations

import hmac
import secrets
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from convene import i18n
from convene.deps import CSRF_COOKIE, SESSION_COOKIE
from convene.errors import Forbidden, Unauthorized
from convene.permissions import Actor
from convene.settings import get_settings
from web.templating import templates


def csrf_token(request: Request) -> str:
    """The double-submit token: a random value in a cookie that every form echoes back."""
    token: str | None = getattr(request.state, "csrf_token", None)
    if token is None:
        token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        request.state.csrf_token = token
    return token


def verify_csrf(request: Request, sent: str | None) -> None:
    expected = request.cookies.get(CSRF_COOKIE, "")
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        raise Forbidden(
            "This form has expired or did not come from this site. Go back, reload and try again.",
            code="csrf",
        )


def cookie_args() -> dict[str, Any]:
    return {"httponly": True, "samesite": "lax", "secure": get_settings().secure_cookies}


def with_cookies(request: Request, response: Response) -> Response:
    token = getattr(request.state, "csrf_token", None)
    if token and request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, **cookie_args())
    return response


LANGUAGE_COOKIE = "convene_lang"


def request_language(request: Request) -> str:
    """The user's saved choice, else the language cookie, else Accept-Language, else English."""
    actor = getattr(request.state, "actor", None)
    if actor is not None and actor.language in i18n.LANGUAGES:
        return str(actor.language)
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in i18n.LANGUAGES:
        return str(cookie)
    return i18n.negotiate(request.headers.get("accept-language"))


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    private: bool = True,
) -> HTMLResponse:
    language = request_language(request)
    i18n.current_language.set(language)
    ctx = {
        "csrf_token": csrf_token(request),
        "actor": getattr(request.state, "actor", None),
        "language": language,
        "flash": _read_flash(request),
        "path": request.url.path,
        # where the language switch returns to: this page with its query (the request form's
        # ?to=, the directory's filters), or a GET of it would lose what the reader had open
        "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
    }
    ctx.update(context or {})
    response = templates.TemplateResponse(request, template, ctx, status_code=status_code)
    if private:
        response.headers["Cache-Control"] = "no-store"
    with_cookies(request, response)
    if ctx["flash"]:
        response.delete_cookie(FLASH_COOKIE)
    return response


FLASH_COOKIE = "convene_flash"


def _read_flash(request: Request) -> dict[str, str] | None:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    kind, _, message = unquote(raw).partition(":")
    if kind not in ("ok", "error") or not message:
        return None
    return {"kind": kind, "message": message}


def redirect(
    request: Request, url: str, *, flash: str | None = None, error: bool = False
) -> RedirectResponse:
    """Post/redirect/get, optionally with a one-time message for the next page."""
    response = RedirectResponse(url, status_code=303)
    with_cookies(request, response)
    if flash:
        value = quote(f"{'error' if error else 'ok'}:{flash}"[:500])
        response.set_cookie(FLASH_COOKIE, value, max_age=60, **cookie_args())
    return response


def require_actor(request: Request) -> Actor:
    """The signed-in person; pages that need one send others to the login page."""
    actor: Actor | None = getattr(request.state, "actor", None)
    if actor is None:
        raise Unauthorized("please sign in")
    return actor


def set_session_cookie(response: Response, raw: str) -> None:
    days = get_settings().session_days
    response.set_cookie(SESSION_COOKIE, raw, max_age=days * 86400, **cookie_args())


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, **cookie_args())


def safe_path(target: str | None, default: str = "/") -> str:
    """Only local paths, so no form can bounce people to another site."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return default
