"""The pages of this first release: a directory on the home page and a profile page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from convene.deps import SessionDep
from convene.organisations import service
from convene.organisations.repository import OrganisationFilter
from web.rendering import render

router = APIRouter()
PAGE_SIZE = 25


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    flt = OrganisationFilter(q=q or None)
    items, total = service.list_organisations(
        session, flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    pages = max(1, -(-total // PAGE_SIZE))
    return render(
        request,
        "index.html",
        {"organisations": items, "total": total, "q": q or "", "page": page, "pages": pages},
    )


@router.get("/organisations/{slug}", response_class=HTMLResponse)
def organisation(request: Request, session: SessionDep, slug: str) -> HTMLResponse:
    org = service.get_public(session, slug)
    relationships, total = service.list_relationships(session, slug, limit=100)
    return render(
        request,
        "organisation.html",
        {"org": org, "relationships": relationships, "relationship_total": total},
    )
