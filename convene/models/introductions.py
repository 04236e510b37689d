"""Introduction requests and the audit log of every state change."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict
from sqlalchemy import CheckConstraint, Index, Text, text
from sqlmodel import Field, SQLModel

from convene.models.common import UtcDateTime, created_at_field

MOTIVATION_MIN = 20
MOTIVATION_MAX = 2000


class IntroductionState(StrEnum):
    requested = "requested"
    approved = "approved"
    accepted = "accepted"
    introduced = "introduced"
    rejected = "rejected"
    declined = "declined"
    withdrawn = "withdrawn"
    expired = "expired"


OPEN_STATES = (
    IntroductionState.requested,
    IntroductionState.approved,
    IntroductionState.accepted,
)
_OPEN_SQL = "state IN ('requested', 'approved', 'accepted')"


class IntroductionRequest(SQLModel, table=True):
    """From an organisation to another. ``pair_low``/``pair_high`` order the pair so that a
    partial unique index allows one open request per pair, whichever side asked."""

    __tablename__ = "introduction_request"
    __table_args__ = (
        Index(
            "uq_introduction_open_pair",
            "pair_low",
            "pair_high",
            unique=True,
            sqlite_where=text(_OPEN_SQL),
            postgresql_where=text(_OPEN_SQL),
        ),
        CheckConstraint("from_org_id <> to_org_id", name="ck_introduction_not_self"),
    )

    id: int | None = Field(default=None, primary_key=True)
    from_org_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    to_org_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    pair_low: int
    pair_high: int
    requested_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    proposed: bool = False
    motivation: str = Field(sa_type=Text)
    state: IntroductionState = Field(sa_type=Text, index=True)
    note: str | None = Field(default=None, sa_type=Text)
    from_accepted: bool = False
    to_accepted: bool = False
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    approved_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class AuditEvent(SQLModel, table=True):
    """Who changed what, when, from which state to which, with what note."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_entity", "entity_type", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = created_at_field()
    actor_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    entity_type: str = Field(max_length=40)
    entity_id: int
    action: str = Field(max_length=40)
    from_state: str | None = Field(default=None, max_length=40)
    to_state: str | None = Field(default=None, max_length=40)
    note: str | None = Field(default=None, sa_type=Text)


class IntroductionCreate(BaseModel):
    """A member asks for ``to``; a coordinator proposes ``from`` → ``to``."""

    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        json_schema_extra={
            "example": {
                "to": "arisa",
                "motivation": "We source granite in Telangana and want to set up remediation "
                "for child labour with an NGO that knows the quarries.",
            }
        },
    )

    from_: str | None = Field(default=None, alias="from", description="Coordinators only")
    to: str
    motivation: str = Field(min_length=MOTIVATION_MIN, max_length=MOTIVATION_MAX)


class TransitionNote(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, max_length=2000)


class IntroductionPublic(BaseModel):
    id: int
    from_: str = Field(serialization_alias="from")
    to: str
    from_name: str = ""
    to_name: str = ""
    state: IntroductionState
    proposed: bool
    motivation: str
    note: str | None
    from_accepted: bool
    to_accepted: bool
    created_at: datetime
    updated_at: datetime

    model_config = ConfigDict(populate_by_name=True)


class AuditEventPublic(BaseModel):
    id: int
    at: datetime
    actor: str | None
    entity_type: str
    entity_id: int
    action: str
    from_state: str | None
    to_state: str | None
    note: str | None
