"""The account page: language, password, API tokens, digest preference."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from convene.accounts import repository as accounts_repo
from convene.accounts import service as accounts
from convene.contacts.service import ContactPatch, update_contact
from convene.deps import Id, SessionDep
from convene.errors import ConveneError
from convene.i18n import LANGUAGES, N_
from convene.models import Contact, DigestPreference, Language
from web.forms import FormDep, form_text
from web.rendering import (
    LANGUAGE_COOKIE,
    cookie_args,
    redirect,
    render,
    require_actor,
    verify_csrf,
)

router = APIRouter()


def _account_context(request: Request, session: SessionDep) -> dict[str, object]:
    actor = require_actor(request)
    user = accounts_repo.user_by_id(session, actor.user_id)
    assert user is not None
    contact = session.get(Contact, user.contact_id) if user.contact_id else None
    return {
        "user": accounts.user_public(session, user),
        "tokens": accounts.list_tokens(session, actor),
        "contact": contact,
        "new_token": None,
    }


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, session: SessionDep) -> Response:
    return render(request, "account.html", _account_context(request, session))


@router.post("/account/password", response_class=HTMLResponse)
def change_password(request: Request, session: SessionDep, form: FormDep) -> Response:
    actor = require_actor(request)
    verify_csrf(request, form_text(form, "csrf_token"))
    try:
        accounts.change_password(
            session,
            actor,
            form_text(form, "current_password"),
            form_text(form, "new_password"),
            session_id=getattr(request.state, "session_id", None),
        )
    except ConveneError as exc:
        session.rollback()
        return redirect(request, "/account", flash=exc.message, error=True)
    return redirect(request, "/account", flash=N_("Password changed; your other sessions ended"))


@router.post("/account/tokens", response_class=HTMLResponse)
def create_token(request: Request, session: SessionDep, form: FormDep) -> Response:
    actor = require_actor(request)
    verify_csrf(request, form_text(form, "csrf_token"))
    name = form_text(form, "name")[:100]
    if not name:
        return redirect(request, "/account", flash=N_("Give the token a name"), error=True)
    user = accounts_repo.user_by_id(session, actor.user_id)
    assert user is not None
    created = accounts.create_token(session, user, name)
    context = _account_context(request, session)
    context["new_token"] = created  # shown once, on this response only
    return render(request, "account.html", context)


@router.post("/account/tokens/{token_id}/revoke", response_class=HTMLResponse)
def revoke_token(request: Request, session: SessionDep, form: FormDep, token_id: Id) -> Response:
    actor = require_actor(request)
    verify_csrf(request, form_text(form, "csrf_token"))
    accounts.revoke_token(session, actor, token_id)
    return redirect(request, "/account", flash=N_("Token revoked"))


@router.post("/account/preferences", response_class=HTMLResponse)
def preferences(request: Request, session: SessionDep, form: FormDep) -> Response:
    actor = require_actor(request)
    verify_csrf(request, form_text(form, "csrf_token"))
    language = form_text(form, "language")
    digest = form_text(form, "digest")
    user = accounts_repo.user_by_id(session, actor.user_id)
    assert user is not None
    if language in LANGUAGES:
        user.language = Language(language)
        session.add(user)
    if user.contact_id and digest in (d.value for d in DigestPreference):
        patch = ContactPatch(digest=DigestPreference(digest))
        if language in LANGUAGES:
            patch.language = Language(language)
        update_contact(session, actor, user.contact_id, patch)
    session.flush()
    response = redirect(request, "/account", flash=N_("Preferences saved"))
    if language in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 86400, **cookie_args())
    return response


@router.post("/language", response_class=HTMLResponse)
def choose_language(request: Request, form: FormDep) -> Response:
    """The language switch in the footer (works signed out too)."""
    verify_csrf(request, form_text(form, "csrf_token"))
    language = form_text(form, "language")
    back = form_text(form, "back") or "/"
    response = redirect(
        request, back if back.startswith("/") and not back.startswith("//") else "/"
    )
    if language in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 86400, **cookie_args())
    return response
