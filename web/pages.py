"""Member pages: dashboard, directory, organisation profile and editing."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from convene.contacts import service as contacts
from convene.contacts.service import ContactIn
from convene.deps import Id, SessionDep
from convene.errors import ConveneError, NotFound
from convene.i18n import N_
from convene.introductions import service as introductions
from convene.models import OrganisationUpdate
from convene.organisations import network, service
from convene.organisations.repository import OrganisationFilter
from convene.organisations.service import RelationshipEnd, RelationshipIn
from convene.suggestions import service as suggestions
from convene.vocabulary.service import countries, load_vocabulary
from web.forms import LIST_FIELDS, FormDep, error_for, form_text, form_values, validate
from web.rendering import (
    redirect,
    render,
    request_language,
    require_actor,
    safe_path,
    verify_csrf,
)

router = APIRouter()
PAGE_SIZE = 25


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, session: SessionDep) -> Response:
    actor = getattr(request.state, "actor", None)
    if actor is None:
        return render(request, "welcome.html", private=False)
    language = request_language(request)
    boxes = {
        box: introductions.list_requests(session, actor, box=box, state=None, limit=20, offset=0)[0]
        for box in ("outgoing", "incoming")
    }
    incoming_open = [r for r in boxes["incoming"] if r.state.value in ("approved", "accepted")]
    completed, _ = introductions.list_requests(
        session, actor, box="mine", state="introduced", limit=20, offset=0
    )
    met = []
    for request_ in completed:
        mine_is_from = request_.from_ == actor.org_slug
        other = request_.to if mine_is_from else request_.from_
        other_name = request_.to_name if mine_is_from else request_.from_name
        people, _ = contacts.list_contacts(session, actor, other, limit=10, offset=0)
        met.append((request_, other, other_name, people))
    queue_total = 0
    if actor.is_coordinator:
        _, queue_total = introductions.list_requests(
            session, actor, box="queue", state=None, limit=1, offset=0
        )
    return render(
        request,
        "dashboard.html",
        {
            "peers": suggestions.suggestions_for_actor(session, actor, "peer", language=language),
            "stakeholders": suggestions.suggestions_for_actor(
                session, actor, "stakeholder", language=language
            ),
            "outgoing": boxes["outgoing"],
            "incoming": incoming_open,
            "met": met,
            "queue_total": queue_total,
        },
    )


@router.get("/organisations", response_class=HTMLResponse)
def directory(
    request: Request,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    sector: Annotated[str | None, Query(max_length=100)] = None,
    country: Annotated[str | None, Query(max_length=2)] = None,
    theme: Annotated[str | None, Query(max_length=100)] = None,
    group: Annotated[str | None, Query(max_length=100)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    require_actor(request)
    filters = {"q": q, "kind": kind, "sector": sector, "country": country, "theme": theme,
               "group": group}  # fmt: skip
    active = {k: v for k, v in filters.items() if v}
    flt = OrganisationFilter(**active)
    items, total = service.list_organisations(
        session, flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    language = request_language(request)
    vocabulary = load_vocabulary(session)
    return render(
        request,
        "directory.html",
        {
            "organisations": items,
            "total": total,
            "filters": filters,
            "page": page,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "base_query": urlencode(active) + "&" if active else "",
            "kinds": network.KINDS,
            "sector_options": tuple((k, t.name(language)) for k, t in vocabulary.sectors.items()),
            "theme_options": tuple((k, t.name(language)) for k, t in vocabulary.themes.items()),
            "country_options": tuple(countries(language).items()),
            "group_options": tuple((g.slug, g.name) for g in service.group_choices(session)),
        },
    )


def _profile_context(
    request: Request, session: SessionDep, slug: str, page: int = 1
) -> dict[str, object]:
    actor = require_actor(request)
    language = request_language(request)
    org = service.get_organisation(session, slug)
    assert org.id is not None
    public = service.get_public(session, slug)
    relationships, relationship_total = service.list_relationships(
        session, slug, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    people, _ = contacts.list_contacts(session, actor, slug, limit=100, offset=0)
    why = None
    if actor.org_id is not None and actor.org_id != org.id:
        why = suggestions.suggestion_between(session, actor.org_id, org.id, language=language)
    own_suggestions = {}
    if actor.is_coordinator and str(org.kind) not in ("covenant", "network", "programme"):
        for kind in ("peer", "stakeholder"):
            own_suggestions[kind], _ = suggestions.list_suggestions(
                session, actor, slug, kind, limit=10, language=language
            )
    vocabulary = load_vocabulary(session)
    return {
        "org": public,
        "relationships": relationships,
        "relationship_total": relationship_total,
        "page": page,
        "pages": max(1, -(-relationship_total // PAGE_SIZE)),
        "contacts": people,
        "why": why,
        "coordinator_suggestions": own_suggestions,
        "ego": network.ego_network(session, org),
        "can_edit": actor.acts_for(org.id),
        "can_request": actor.org_id is not None
        and actor.org_id != org.id
        and public.open_to_introductions
        and str(org.kind) not in ("covenant", "network", "programme"),
        "names": {
            "sectors": {k: t.name(language) for k, t in vocabulary.sectors.items()},
            "themes": {k: t.name(language) for k, t in vocabulary.themes.items()},
            "countries": countries(language),
        },
        "relationship_types": ["partner", "supplier_of", "member_of", "dispute", "introduced"],
    }


@router.get("/organisations/{slug}", response_class=HTMLResponse)
def profile(
    request: Request,
    session: SessionDep,
    slug: str,
    page: Annotated[int, Query(ge=1, le=10_000, description="Page of relationships")] = 1,
) -> Response:
    return render(request, "organisation.html", _profile_context(request, session, slug, page))


EDIT_FIELDS = ("name", "description", "offers", "seeks", "size_band", "website",
               "sectors", "countries", "themes")  # fmt: skip


def _edit_context(session: SessionDep, request: Request) -> dict[str, object]:
    vocabulary = load_vocabulary(session)
    return {
        "sectors": vocabulary.sectors,
        "themes": vocabulary.themes,
        "size_bands": vocabulary.size_bands,
        "countries": countries(request_language(request)),
    }


@router.get("/organisations/{slug}/edit", response_class=HTMLResponse)
def edit_form(request: Request, session: SessionDep, slug: str) -> Response:
    actor = require_actor(request)
    org = service.get_organisation(session, slug)
    assert org.id is not None
    if not actor.acts_for(org.id):
        raise NotFound(f"no organisation {slug!r} you can edit")
    people, _ = contacts.list_contacts(session, actor, slug, limit=100, offset=0)
    return render(
        request,
        "organisation_edit.html",
        {
            "org": service.get_public(session, slug),
            "values": service.get_public(session, slug).model_dump(),
            "errors": {},
            "contacts": people,
            **_edit_context(session, request),
        },
    )


@router.post("/organisations/{slug}/edit", response_class=HTMLResponse)
def edit(request: Request, session: SessionDep, form: FormDep, slug: str) -> Response:
    actor = require_actor(request)
    verify_csrf(request, form_text(form, "csrf_token"))
    values = form_values(form, EDIT_FIELDS, lists=LIST_FIELDS)
    values["open_to_introductions"] = form.get("open_to_introductions") == "on"
    for optional in ("size_band", "website"):
        if values.get(optional) == "":
            values[optional] = None
    body, errors = validate(OrganisationUpdate, values)
    if body is not None:
        try:
            service.update_organisation(session, actor, slug, body)
            return redirect(request, f"/organisations/{slug}", flash=N_("Profile saved"))
        except ConveneError as exc:
            if exc.status_code in (403, 404):
                raise
            errors = error_for(exc)
            session.rollback()
    people, _count = contacts.list_contacts(session, actor, slug, limit=100, offset=0)
    return render(
        request,
        "organisation_edit.html",
        {
            "org": service.get_public(session, slug),
            "values": values,
            "errors": errors,
            "contacts": people,
            **_edit_context(session, request),
        },
        status_code=422,
    )


CONTACT_FIELDS = ("name", "role", "email", "phone", "language", "digest")


@router.post("/organisations/{slug}/contacts", response_class=HTMLResponse)
def add_contact(request: Request, session: SessionDep, form: FormDep, slug: str) -> Response:
    actor = require_actor(request)
    verify_csrf(request, form_text(form, "csrf_token"))
    values = form_values(form, CONTACT_FIELDS)
    values["receives_requests"] = form.get("receives_requests") == "on"
    if values.get("phone") == "":
        values["phone"] = None
    body, errors = validate(ContactIn, values)
    if body is None:
        field, message = next(iter(errors.items()))
        return redirect(request, f"/organisations/{slug}/edit", flash=f"{field}: {message}",
                        error=True)  # fmt: skip
    try:
        contacts.add_contact(session, actor, slug, body)
    except ConveneError as exc:
        if exc.status_code in (403, 404):
            raise
        return redirect(request, f"/organisations/{slug}/edit", flash=exc.message, error=True)
    return redirect(request, f"/organisations/{slug}/edit", flash=N_("Contact added"))


@router.post("/contacts/{contact_id}/delete", response_class=HTMLResponse)
def remove_contact(
    request: Request, session: SessionDep, form: FormDep, contact_id: Id
) -> Response:
    actor = require_actor(request)
    verify_csrf(request, form_text(form, "csrf_token"))
    contacts.remove_contact(session, actor, contact_id)
    return redirect(request, safe_path(form_text(form, "back")), flash=N_("Contact removed"))


@router.post("/organisations/{slug}/suggestions/{candidate}/dismiss", response_class=HTMLResponse)
def dismiss(
    request: Request, session: SessionDep, form: FormDep, slug: str, candidate: str
) -> Response:
    actor = require_actor(request)
    verify_csrf(request, form_text(form, "csrf_token"))
    suggestions.dismiss(session, actor, slug, candidate)
    return redirect(
        request, "/", flash=N_("Marked as not relevant; it will not be suggested again")
    )


@router.post("/organisations/{slug}/relationships", response_class=HTMLResponse)
def add_relationship(request: Request, session: SessionDep, form: FormDep, slug: str) -> Response:
    actor = require_actor(request)
    verify_csrf(request, form_text(form, "csrf_token"))
    values = form_values(form, ("target", "type", "since", "until"))
    if values.get("until") == "":
        values["until"] = None
    body, errors = validate(RelationshipIn, values)
    back = f"/organisations/{slug}"
    if body is None:
        field, message = next(iter(errors.items()))
        return redirect(request, back, flash=f"{field}: {message}", error=True)
    try:
        service.add_relationship(session, actor, slug, body)
    except ConveneError as exc:
        if exc.status_code in (403, 404):
            raise
        return redirect(request, back, flash=exc.message, error=True)
    return redirect(request, back, flash=N_("Relationship added"))


@router.post("/relationships/{relationship_id}/end", response_class=HTMLResponse)
def end_relationship(
    request: Request, session: SessionDep, form: FormDep, relationship_id: Id
) -> Response:
    actor = require_actor(request)
    verify_csrf(request, form_text(form, "csrf_token"))
    back = safe_path(form_text(form, "back"))
    body, errors = validate(RelationshipEnd, {"until": form_text(form, "until")})
    if body is None:
        return redirect(request, back, flash=next(iter(errors.values())), error=True)
    try:
        service.end_relationship(session, actor, relationship_id, body)
    except ConveneError as exc:
        if exc.status_code in (403, 404):
            raise
        return redirect(request, back, flash=exc.message, error=True)
    return redirect(request, back, flash=N_("Relationship ended"))
