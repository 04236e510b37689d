"""Stored suggestions, dismissals ("not relevant") and the organisations awaiting a refresh."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import JSON, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from convene.models.common import OrganisationKind, created_at_field


class SuggestionKind(StrEnum):
    peer = "peer"
    stakeholder = "stakeholder"


class Suggestion(SQLModel, table=True):
    """One of an organisation's top candidates of a kind, as of the last refresh."""

    __table_args__ = (
        UniqueConstraint("organisation_id", "kind", "candidate_id", name="uq_suggestion"),
        Index("ix_suggestion_org_kind_rank", "organisation_id", "kind", "rank"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE")
    candidate_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    kind: SuggestionKind = Field(sa_type=Text)
    rank: int
    score: float
    reasons: list[dict[str, Any]] = Field(sa_type=JSON)
    model_version: str = Field(max_length=40)
    created_at: datetime = created_at_field()


class Dismissal(SQLModel, table=True):
    """An organisation said a candidate is not relevant: never suggested again."""

    __table_args__ = (
        UniqueConstraint("organisation_id", "candidate_id", name="uq_dismissal_pair"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE")
    candidate_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    created_at: datetime = created_at_field()


class StaleOrganisation(SQLModel, table=True):
    """An organisation whose profile or relationships changed since its suggestions were made."""

    __tablename__ = "stale_organisation"

    organisation_id: int = Field(
        foreign_key="organisation.id", primary_key=True, ondelete="CASCADE"
    )
    marked_at: datetime = created_at_field()


class ReasonPublic(BaseModel):
    code: str
    params: dict[str, str]
    weight: float
    text: str


class SuggestionPublic(BaseModel):
    candidate: str
    name: str
    candidate_kind: OrganisationKind
    kind: SuggestionKind
    rank: int
    score: float
    reasons: list[ReasonPublic]
    model_version: str
    created_at: datetime

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "candidate": "arisa",
                "name": "Arisa",
                "candidate_kind": "ngo",
                "kind": "stakeholder",
                "rank": 1,
                "score": 0.62,
                "reasons": [
                    {
                        "code": "theme_in_country",
                        "params": {"theme": "child-labour", "country": "IN"},
                        "weight": 0.41,
                        "text": "Works on child labour in India, where you source",
                    }
                ],
                "model_version": "convene-3",
                "created_at": "2026-11-25T02:15:00Z",
            }
        }
    )


class DismissalPublic(BaseModel):
    organisation: str
    candidate: str
    created_at: datetime
