"""Digest pages: one-click unsubscribe (RFC 8058) and the coordinator's preview."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from convene.deps import CurrentActor, SessionDep
from convene.digests import service
from convene.permissions import require_coordinator
from web.rendering import render

router = APIRouter()


def _masked(email: str) -> str:
    """Enough of the address to recognise it, not enough to harvest it from a link."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}…@{domain}" if domain else "…"


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_form(request: Request, session: SessionDep, token: str) -> HTMLResponse:
    """A confirmation page only: link scanners and previews fetch this, so it never
    changes anything."""
    contact = service.unsubscribe_target(session, token)
    return render(
        request,
        "digests/unsubscribe.html",
        {"token": token, "email": _masked(contact.email), "done": False},
    )


@router.post("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe(request: Request, session: SessionDep, token: str) -> HTMLResponse:
    """One click, from a mail client (body ``List-Unsubscribe=One-Click``) or the form above:
    the signed token is the proof, so neither sign-in nor a CSRF token is asked for."""
    contact = service.unsubscribe(session, token)
    return render(
        request,
        "digests/unsubscribe.html",
        {"token": token, "email": _masked(contact.email), "done": True},
    )


@router.get("/coordinator/digests/preview", response_class=HTMLResponse)
def preview(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    contact: Annotated[str | None, Query(max_length=254)] = None,
) -> HTMLResponse:
    """Any contact's digest for the current week, exactly as the sender would build it."""
    require_coordinator(actor, "preview digests")
    shown = service.preview_for(session, actor, contact) if contact else None
    return render(
        request,
        "digests/preview.html",
        {
            "contact": contact or "",
            "preview": shown,
            "not_due": service.NOT_DUE.get(shown.not_due or "") if shown else None,
        },
    )
