"""Sign-in pages: login, logout, accepting an invitation, resetting a password."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from convene.accounts import service as accounts
from convene.deps import SESSION_COOKIE, OptionalActor, SessionDep, client_address
from convene.errors import ConveneError
from convene.models import User
from web.rendering import (
    clear_session_cookie,
    redirect,
    render,
    safe_path,
    set_session_cookie,
    verify_csrf,
)

router = APIRouter()
CsrfField = Annotated[str, Form(alias="csrf_token")]


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, actor: OptionalActor, next: str | None = None) -> Response:
    if actor is not None:
        return redirect(request, safe_path(next))
    return render(request, "login.html", {"next": safe_path(next), "email": ""})


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: SessionDep,
    csrf: CsrfField,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    verify_csrf(request, csrf)
    try:
        user = accounts.authenticate(session, email, password, client=client_address(request))
    except ConveneError as exc:
        # the failed attempt is recorded (throttling) even though the page shows an error
        session.commit()
        return render(
            request,
            "login.html",
            {"error": exc.message, "email": email, "next": safe_path(next)},
            status_code=exc.status_code,
        )
    raw = accounts.start_session(session, user, client=request.headers.get("user-agent", ""))
    response = redirect(request, safe_path(next))
    set_session_cookie(response, raw)
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, csrf: CsrfField) -> Response:
    verify_csrf(request, csrf)
    raw = request.cookies.get(SESSION_COOKIE)
    if raw:
        accounts.end_session(session, raw)
    response = redirect(request, "/login")
    clear_session_cookie(response)
    return response


@router.get("/invitations/{token}", response_class=HTMLResponse)
def invitation_form(request: Request, session: SessionDep, token: str) -> Response:
    user = accounts.check_one_time(session, token, accounts.INVITE)
    return render(request, "set_password.html", {"email": user.email, "purpose": "invite"})


def _set_password_with_link(
    request: Request,
    session: SessionDep,
    token: str,
    password: str,
    purpose: str,
    complete: Callable[[Session, str, str], User],
) -> User | Response:
    """Use a single-use link to set a password; a refused password keeps the link usable."""
    user = accounts.check_one_time(session, token, purpose)
    try:
        return complete(session, token, password)
    except ConveneError as exc:
        if exc.status_code == 404:
            raise
        session.rollback()  # the link stays unused: the person can try a better password
        return render(
            request,
            "set_password.html",
            {"email": user.email, "purpose": purpose, "error": exc.message},
            status_code=exc.status_code,
        )


@router.post("/invitations/{token}", response_class=HTMLResponse)
def accept_invitation(
    request: Request,
    session: SessionDep,
    token: str,
    csrf: CsrfField,
    password: Annotated[str, Form(max_length=1000)],
) -> Response:
    verify_csrf(request, csrf)
    result = _set_password_with_link(
        request, session, token, password, accounts.INVITE, accounts.accept_invitation
    )
    if isinstance(result, Response):
        return result
    raw = accounts.start_session(session, result, client=request.headers.get("user-agent", ""))
    response = redirect(request, "/")
    set_session_cookie(response, raw)
    return response


@router.get("/password-reset", response_class=HTMLResponse)
def reset_request_form(request: Request) -> Response:
    return render(request, "reset_request.html", {"sent": False})


@router.post("/password-reset", response_class=HTMLResponse)
def reset_request(
    request: Request,
    session: SessionDep,
    csrf: CsrfField,
    email: Annotated[str, Form(max_length=254)],
) -> Response:
    verify_csrf(request, csrf)
    accounts.request_password_reset(session, email)
    # the same answer whether or not the account exists
    return render(request, "reset_request.html", {"sent": True})


@router.get("/password-reset/{token}", response_class=HTMLResponse)
def reset_form(request: Request, session: SessionDep, token: str) -> Response:
    user = accounts.check_one_time(session, token, accounts.RESET)
    return render(request, "set_password.html", {"email": user.email, "purpose": "reset"})


@router.post("/password-reset/{token}", response_class=HTMLResponse)
def reset_password(
    request: Request,
    session: SessionDep,
    token: str,
    csrf: CsrfField,
    password: Annotated[str, Form(max_length=1000)],
) -> Response:
    verify_csrf(request, csrf)
    result = _set_password_with_link(
        request, session, token, password, accounts.RESET, accounts.complete_password_reset
    )
    if isinstance(result, Response):
        return result
    return redirect(request, "/login")
