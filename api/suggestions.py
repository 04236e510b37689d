"""Suggestions for an organisation, and dismissing one as not relevant."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.schemas import ERRORS, ListOf
from convene.deps import CurrentActor, PageDep, SessionDep
from convene.models import DismissalPublic, SuggestionKind, SuggestionPublic
from convene.suggestions import service

router = APIRouter(prefix="/organisations/{slug}/suggestions", tags=["suggestions"])


@router.get("", response_model=ListOf[SuggestionPublic], responses=ERRORS)
def list_suggestions(
    session: SessionDep,
    actor: CurrentActor,
    page: PageDep,
    slug: str,
    kind: Annotated[SuggestionKind, Query(description="peer or stakeholder")],
    lang: Annotated[str, Query(pattern="^(en|nl)$", description="Language of reasons")] = "en",
) -> ListOf[SuggestionPublic]:
    items, total = service.list_suggestions(
        session, actor, slug, kind.value, limit=page.limit, offset=page.offset, language=lang
    )
    return ListOf[SuggestionPublic](items=items, total=total)


@router.post("/{candidate}/dismiss", response_model=DismissalPublic, responses=ERRORS)
def dismiss(session: SessionDep, actor: CurrentActor, slug: str, candidate: str) -> DismissalPublic:
    """Record "not relevant" for the organisation (its members or a coordinator)."""
    dismissal = service.dismiss(session, actor, slug, candidate)
    return DismissalPublic(organisation=slug, candidate=candidate, created_at=dismissal.created_at)
