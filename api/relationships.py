"""Ending a relationship (coordinators); the edge and its history stay."""

from __future__ import annotations

from fastapi import APIRouter

from api.schemas import ERRORS
from convene.deps import CurrentActor, Id, SessionDep
from convene.organisations import service
from convene.organisations.service import RelationshipEnd, RelationshipView

router = APIRouter(prefix="/relationships", tags=["relationships"])


@router.post("/{relationship_id}/end", response_model=RelationshipView, responses=ERRORS)
def end_relationship(
    session: SessionDep, actor: CurrentActor, relationship_id: Id, body: RelationshipEnd
) -> RelationshipView:
    return service.end_relationship(session, actor, relationship_id, body)
