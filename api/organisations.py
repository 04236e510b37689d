"""Organisations: the directory, profiles, editing, contacts and relationships."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.schemas import ERRORS, ListOf
from convene.contacts import service as contacts
from convene.contacts.service import ContactIn, ContactView
from convene.deps import CurrentActor, PageDep, SessionDep
from convene.models import (
    OrganisationKind,
    OrganisationPublic,
    OrganisationUpdate,
)
from convene.organisations import service
from convene.organisations.repository import OrganisationFilter
from convene.organisations.service import RelationshipIn, RelationshipView

router = APIRouter(prefix="/organisations", tags=["organisations"])


@router.get("", response_model=ListOf[OrganisationPublic], responses=ERRORS)
def list_organisations(
    session: SessionDep,
    page: PageDep,
    kind: OrganisationKind | None = None,
    sector: Annotated[str | None, Query(max_length=100, description="Sector slug")] = None,
    country: Annotated[str | None, Query(max_length=2, description="ISO alpha-2 code")] = None,
    theme: Annotated[str | None, Query(max_length=100, description="Theme slug")] = None,
    group: Annotated[
        str | None, Query(max_length=100, description="Covenant, network or programme slug")
    ] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Text in name, description, offers, seeks")
    ] = None,
) -> ListOf[OrganisationPublic]:
    flt = OrganisationFilter(
        kind=kind.value if kind else None,
        sector=sector,
        country=country,
        theme=theme,
        group=group,
        q=q,
    )
    items, total = service.list_organisations(session, flt, limit=page.limit, offset=page.offset)
    return ListOf[OrganisationPublic](items=items, total=total)


@router.get("/{slug}", response_model=OrganisationPublic, responses=ERRORS)
def get_organisation(session: SessionDep, slug: str) -> OrganisationPublic:
    return service.get_public(session, slug)


@router.patch("/{slug}", response_model=OrganisationPublic, responses=ERRORS)
def update_organisation(
    session: SessionDep, actor: CurrentActor, slug: str, body: OrganisationUpdate
) -> OrganisationPublic:
    """Edit a profile (its members or a coordinator); validated like an import."""
    return service.update_organisation(session, actor, slug, body)


@router.get("/{slug}/relationships", response_model=ListOf[RelationshipView], responses=ERRORS)
def list_relationships(session: SessionDep, page: PageDep, slug: str) -> ListOf[RelationshipView]:
    items, total = service.list_relationships(session, slug, limit=page.limit, offset=page.offset)
    return ListOf[RelationshipView](items=items, total=total)


@router.post(
    "/{slug}/relationships", response_model=RelationshipView, status_code=201, responses=ERRORS
)
def add_relationship(
    session: SessionDep, actor: CurrentActor, slug: str, body: RelationshipIn
) -> RelationshipView:
    """Coordinators add a relationship, including a ``dispute``."""
    return service.add_relationship(session, actor, slug, body)


@router.get("/{slug}/contacts", response_model=ListOf[ContactView], responses=ERRORS)
def list_contacts(
    session: SessionDep, actor: CurrentActor, page: PageDep, slug: str
) -> ListOf[ContactView]:
    """Names and roles for everyone; emails and phones only for the organisation itself,
    coordinators, and organisations it has been introduced to."""
    items, total = contacts.list_contacts(
        session, actor, slug, limit=page.limit, offset=page.offset
    )
    return ListOf[ContactView](items=items, total=total)


@router.post("/{slug}/contacts", response_model=ContactView, status_code=201, responses=ERRORS)
def add_contact(
    session: SessionDep, actor: CurrentActor, slug: str, body: ContactIn
) -> ContactView:
    return contacts.add_contact(session, actor, slug, body)
