"""One contact: edit or remove (its organisation's members, coordinators)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.schemas import ERRORS
from convene.contacts import service
from convene.contacts.service import ContactPatch, ContactView
from convene.deps import CurrentActor, Id, SessionDep

router = APIRouter(prefix="/contacts", tags=["contacts"])


@router.patch("/{contact_id}", response_model=ContactView, responses=ERRORS)
def update_contact(
    session: SessionDep, actor: CurrentActor, contact_id: Id, body: ContactPatch
) -> ContactView:
    return service.update_contact(session, actor, contact_id, body)


@router.delete("/{contact_id}", status_code=204, response_class=Response, responses=ERRORS)
def remove_contact(session: SessionDep, actor: CurrentActor, contact_id: Id) -> Response:
    service.remove_contact(session, actor, contact_id)
    return Response(status_code=204)
