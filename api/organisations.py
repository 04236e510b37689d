"""Organisations: the directory, one profile, its relationships."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.schemas import ERRORS, ListOf
from convene.deps import PageDep, SessionDep
from convene.models import OrganisationKind, OrganisationPublic, RelationshipPublic
from convene.organisations import service
from convene.organisations.repository import OrganisationFilter

router = APIRouter(prefix="/organisations", tags=["organisations"])


@router.get("", response_model=ListOf[OrganisationPublic], responses=ERRORS)
def list_organisations(
    session: SessionDep,
    page: PageDep,
    kind: OrganisationKind | None = None,
    sector: Annotated[str | None, Query(description="Sector slug")] = None,
    country: Annotated[str | None, Query(description="ISO 3166-1 alpha-2 code")] = None,
    theme: Annotated[str | None, Query(description="Theme slug")] = None,
    group: Annotated[
        str | None, Query(description="Slug of a covenant, network or programme")
    ] = None,
    q: Annotated[
        str | None, Query(description="Free text in name, description, offers, seeks")
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


@router.get("/{slug}/relationships", response_model=ListOf[RelationshipPublic], responses=ERRORS)
def list_relationships(session: SessionDep, page: PageDep, slug: str) -> ListOf[RelationshipPublic]:
    items, total = service.list_relationships(session, slug, limit=page.limit, offset=page.offset)
    return ListOf[RelationshipPublic](items=items, total=total)
