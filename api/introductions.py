"""Introduction requests: ask, propose, approve, reject, accept, decline, withdraw."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Query

from api.schemas import ERRORS, ListOf
from convene.deps import CurrentActor, Id, PageDep, SessionDep
from convene.introductions import service
from convene.models import (
    AuditEventPublic,
    IntroductionCreate,
    IntroductionPublic,
    IntroductionState,
    TransitionNote,
)

router = APIRouter(prefix="/introductions", tags=["introductions"])
Action = Literal["approve", "reject", "accept", "decline", "withdraw"]


def _one(session: SessionDep, request_id: int) -> IntroductionPublic:
    from convene.models import IntroductionRequest

    request = session.get(IntroductionRequest, request_id)
    assert request is not None
    return service.to_public(session, [request])[0]


@router.post("", response_model=IntroductionPublic, status_code=201, responses=ERRORS)
def create_introduction(
    session: SessionDep, actor: CurrentActor, body: IntroductionCreate
) -> IntroductionPublic:
    """A member asks (``to``, ``motivation``); a coordinator proposes (``from``, ``to``,
    ``motivation``). Refused with 409 and a reason code: ``self``,
    ``existing_relationship``, ``pending_request``, ``dispute``, ``opted_out``,
    ``recently_declined``."""
    request = service.create(session, actor, body)
    assert request.id is not None
    return _one(session, request.id)


@router.get("", response_model=ListOf[IntroductionPublic], responses=ERRORS)
def list_introductions(
    session: SessionDep,
    actor: CurrentActor,
    page: PageDep,
    box: Annotated[
        Literal["outgoing", "incoming", "queue"] | None,
        Query(description="outgoing, incoming, or queue (coordinators; oldest first)"),
    ] = None,
    state: IntroductionState | None = None,
) -> ListOf[IntroductionPublic]:
    items, total = service.list_requests(
        session,
        actor,
        box=box,
        state=state.value if state else None,
        limit=page.limit,
        offset=page.offset,
    )
    return ListOf[IntroductionPublic](items=items, total=total)


@router.get("/{request_id}", response_model=IntroductionPublic, responses=ERRORS)
def get_introduction(
    session: SessionDep, actor: CurrentActor, request_id: Id
) -> IntroductionPublic:
    return service.to_public(session, [service.get(session, actor, request_id)])[0]


@router.get("/{request_id}/events", response_model=ListOf[AuditEventPublic], responses=ERRORS)
def list_events(
    session: SessionDep, actor: CurrentActor, page: PageDep, request_id: Id
) -> ListOf[AuditEventPublic]:
    items = service.events(session, actor, request_id)
    return ListOf[AuditEventPublic](
        items=items[page.offset : page.offset + page.limit], total=len(items)
    )


@router.post(
    "/{request_id}/{action}",
    response_model=IntroductionPublic,
    responses={**ERRORS, 409: {"description": "Not possible in the current state"}},
)
def transition(
    session: SessionDep,
    actor: CurrentActor,
    request_id: Id,
    action: Action,
    body: Annotated[TransitionNote | None, Body()] = None,
) -> IntroductionPublic:
    """``approve`` / ``reject`` (coordinators; reject needs a note), ``accept`` /
    ``decline`` (the side asked), ``withdraw`` (the requester)."""
    request = service.act(session, actor, request_id, action, body.note if body else None)
    assert request.id is not None
    return _one(session, request.id)
