"""Relationships: the typed edges of the network graph."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import CheckConstraint, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from convene.models.common import RelationshipType, created_at_field


class RelationshipBase(SQLModel):
    type: RelationshipType = Field(sa_type=Text)
    since: date
    until: date | None = None


class Relationship(RelationshipBase, table=True):
    """An edge; a symmetric type is stored once, with the alphabetically first slug as source."""

    __table_args__ = (
        UniqueConstraint("source_id", "target_id", "type", name="uq_relationship_pair_type"),
        CheckConstraint("source_id <> target_id", name="ck_relationship_no_self_loop"),
        CheckConstraint("until IS NULL OR until >= since", name="ck_relationship_period"),
        # members of a group, read from the index alone (migration 0007)
        Index("ix_relationship_target_type", "target_id", "type", "until", "source_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    target_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE")
    created_at: datetime = created_at_field()


class RelationshipCreate(RelationshipBase):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    source: str
    target: str


class RelationshipPublic(BaseModel):
    source: str
    target: str
    type: RelationshipType
    since: date
    until: date | None
    active: bool

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "source": "noordzee-natuursteen",
                "target": "natural-stone-covenant",
                "type": "member_of",
                "since": "2017-06-01",
                "until": None,
                "active": True,
            }
        }
    )
