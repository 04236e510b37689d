"""The signed-in user, personal API tokens, users (admins), invitations and the audit log."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from api.schemas import ERRORS, ListOf
from convene.accounts import repository as accounts_repo
from convene.accounts import service
from convene.deps import CurrentActor, Id, PageDep, SessionDep
from convene.introductions.service import audit_log
from convene.models import (
    Accepted,
    AuditEventPublic,
    InvitationCreate,
    TokenCreate,
    TokenCreated,
    TokenPublic,
    UserPublic,
    UserUpdate,
)

router = APIRouter(tags=["accounts"])


@router.get("/me", response_model=UserPublic, responses=ERRORS)
def me(session: SessionDep, actor: CurrentActor) -> UserPublic:
    user = accounts_repo.user_by_id(session, actor.user_id)
    assert user is not None
    return service.user_public(session, user)


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(max_length=1000)
    new_password: str = Field(max_length=1000)


@router.post("/me/password", response_model=Accepted, responses=ERRORS)
def change_password(
    request: Request, session: SessionDep, actor: CurrentActor, body: PasswordChange
) -> Accepted:
    """Change one's own password; every other session of the user ends."""
    service.change_password(
        session,
        actor,
        body.current_password,
        body.new_password,
        session_id=getattr(request.state, "session_id", None),
    )
    return Accepted(status="changed", message="password changed; other sessions ended")


@router.get("/tokens", response_model=ListOf[TokenPublic], responses=ERRORS)
def list_tokens(session: SessionDep, actor: CurrentActor, page: PageDep) -> ListOf[TokenPublic]:
    items = service.list_tokens(session, actor)
    return ListOf[TokenPublic](
        items=items[page.offset : page.offset + page.limit], total=len(items)
    )


@router.post("/tokens", response_model=TokenCreated, status_code=201, responses=ERRORS)
def create_token(session: SessionDep, actor: CurrentActor, body: TokenCreate) -> TokenCreated:
    """A new personal token; its value is in this response only."""
    user = accounts_repo.user_by_id(session, actor.user_id)
    assert user is not None
    return service.create_token(session, user, body.name)


@router.delete("/tokens/{token_id}", response_model=TokenPublic, responses=ERRORS)
def revoke_token(session: SessionDep, actor: CurrentActor, token_id: Id) -> TokenPublic:
    return service.revoke_token(session, actor, token_id)


@router.get("/users", response_model=ListOf[UserPublic], responses=ERRORS)
def list_users(session: SessionDep, actor: CurrentActor, page: PageDep) -> ListOf[UserPublic]:
    items, total = service.list_users(session, actor, limit=page.limit, offset=page.offset)
    return ListOf[UserPublic](items=items, total=total)


@router.patch("/users/{user_id}", response_model=UserPublic, responses=ERRORS)
def update_user(
    session: SessionDep, actor: CurrentActor, user_id: Id, body: UserUpdate
) -> UserPublic:
    """Admins change a role or deactivate a user (which ends its sessions and tokens)."""
    return service.update_user(session, actor, user_id, role=body.role, is_active=body.is_active)


@router.post("/invitations", response_model=Accepted, status_code=202, responses=ERRORS)
def invite(session: SessionDep, actor: CurrentActor, body: InvitationCreate) -> Accepted:
    """A coordinator invites an existing contact; a single-use link is mailed."""
    service.invite(session, actor, body.email, body.role)
    return Accepted(message=f"invitation sent to {body.email}")


@router.get("/audit", response_model=ListOf[AuditEventPublic], responses=ERRORS)
def read_audit_log(
    session: SessionDep, actor: CurrentActor, page: PageDep
) -> ListOf[AuditEventPublic]:
    items, total = audit_log(session, actor, limit=page.limit, offset=page.offset)
    return ListOf[AuditEventPublic](items=items, total=total)
