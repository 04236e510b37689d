"""Introduction pages: the request form, one request with its history and actions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from convene.contacts import service as contacts
from convene.deps import Id, SessionDep
from convene.errors import ConveneError, Forbidden
from convene.i18n import N_
from convene.introductions import service as introductions
from convene.models import IntroductionCreate, IntroductionState
from convene.models.introductions import MOTIVATION_MAX, MOTIVATION_MIN
from convene.organisations import service as organisations
from convene.suggestions import service as suggestions
from web.forms import FormDep, form_text, validate
from web.rendering import (
    redirect,
    render,
    request_language,
    require_actor,
    verify_csrf,
)

router = APIRouter()

REFUSALS = {
    "self": N_("You cannot ask for an introduction to your own organisation."),
    "existing_relationship": N_("Your organisations already know each other."),
    "pending_request": N_("A request between your organisations is already pending."),
    "dispute": N_("Your organisations are in a dispute; Convene does not introduce across it."),
    "opted_out": N_("This organisation does not take introductions."),
    "recently_declined": N_("A request between your organisations was declined or rejected "
                           "recently; try again later."),
}  # fmt: skip


def _new_context(request: Request, session: SessionDep, to: str) -> dict[str, object]:
    actor = require_actor(request)
    target = organisations.get_organisation(session, to)
    why = None
    if actor.org_id is not None and target.id is not None:
        why = suggestions.suggestion_between(
            session, actor.org_id, target.id, language=request_language(request)
        )
    return {
        "target": organisations.get_public(session, to),
        "why": why,
        "min": MOTIVATION_MIN,
        "max": MOTIVATION_MAX,
        "errors": {},
        "motivation": "",
        "groups": organisations.group_choices(session) if actor.is_coordinator else [],
    }


@router.get("/introductions/new", response_class=HTMLResponse)
def new_request(
    request: Request, session: SessionDep, to: Annotated[str, Query(max_length=100)]
) -> Response:
    actor = require_actor(request)
    if actor.org_id is None and not actor.is_coordinator:
        raise Forbidden("Your account does not act for an organisation.")
    return render(request, "introduction_new.html", _new_context(request, session, to))


@router.post("/introductions/new", response_class=HTMLResponse)
def create_request(request: Request, session: SessionDep, form: FormDep) -> Response:
    actor = require_actor(request)
    verify_csrf(request, form_text(form, "csrf_token"))
    to = form_text(form, "to")
    values: dict[str, object] = {"to": to, "motivation": form_text(form, "motivation")}
    if actor.is_coordinator:
        values["from"] = form_text(form, "from") or None
    body, errors = validate(IntroductionCreate, values)
    if body is not None:
        try:
            created = introductions.create(session, actor, body)
            return redirect(
                request, f"/introductions/{created.id}", flash=N_("Your request was sent")
            )
        except ConveneError as exc:
            if exc.status_code in (403, 404) and exc.field is None:
                raise
            session.rollback()
            errors = {exc.field or "form": REFUSALS.get(exc.code, exc.message)}
    context = _new_context(request, session, to)
    context.update(errors=errors, motivation=values["motivation"])
    return render(
        request, "introduction_new.html", context, status_code=409 if "form" in errors else 422
    )


@router.get("/introductions/{request_id}", response_class=HTMLResponse)
def show(request: Request, session: SessionDep, request_id: Id) -> Response:
    actor = require_actor(request)
    found = introductions.get(session, actor, request_id)
    public = introductions.to_public(session, [found])[0]
    state = IntroductionState(found.state)
    side = None
    if actor.org_id == found.to_org_id:
        side = "to"
    elif actor.org_id == found.from_org_id:
        side = "from"
    may_answer = side is not None and (
        (not found.proposed and side == "to" and state is IntroductionState.approved)
        or (
            found.proposed
            and state in (IntroductionState.approved, IntroductionState.accepted)
            and not (found.to_accepted if side == "to" else found.from_accepted)
        )
    )
    people = {}
    if state is IntroductionState.introduced:
        for slug in (public.from_, public.to):
            people[slug], _count = contacts.list_contacts(session, actor, slug, limit=20, offset=0)
    return render(
        request,
        "introduction.html",
        {
            "req": public,
            "events": introductions.events(session, actor, request_id),
            "can_decide": actor.is_coordinator and state is IntroductionState.requested,
            "can_answer": may_answer,
            "can_withdraw": state.value in ("requested", "approved", "accepted")
            and (actor.is_coordinator or (side == "from" and not found.proposed)),
            "people": people,
            "names": {
                public.from_: organisations.get_organisation(session, public.from_).name,
                public.to: organisations.get_organisation(session, public.to).name,
            },
        },
    )


@router.post("/introductions/{request_id}/{action}", response_class=HTMLResponse)
def act(
    request: Request, session: SessionDep, form: FormDep, request_id: Id, action: str
) -> Response:
    actor = require_actor(request)
    verify_csrf(request, form_text(form, "csrf_token"))
    back = form_text(form, "back")
    target = (
        back
        if back.startswith("/") and not back.startswith("//")
        else (f"/introductions/{request_id}")
    )
    try:
        introductions.act(session, actor, request_id, action, form_text(form, "note") or None)
    except ConveneError as exc:
        if exc.status_code in (403, 404):
            raise
        session.rollback()
        return redirect(request, target, flash=exc.message, error=True)
    messages = {
        "approve": N_("Approved; the other organisation has been asked"),
        "reject": N_("Rejected; the requester has been told"),
        "accept": N_("Accepted"),
        "decline": N_("Declined"),
        "withdraw": N_("Withdrawn"),
    }
    return redirect(request, target, flash=messages.get(action, N_("Done")))
