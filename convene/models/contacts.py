"""Contacts: people at organisations. Their emails and phones are personal data."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from convene.models.common import DigestPreference, Language, created_at_field

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class ContactBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    role: str = Field(default="", max_length=200)
    email: str = Field(
        max_length=254, schema_extra={"pattern": EMAIL_PATTERN}, unique=True, index=True
    )
    phone: str | None = Field(default=None, max_length=40)
    language: Language = Field(default=Language.en, sa_type=Text)
    digest: DigestPreference = Field(default=DigestPreference.weekly, sa_type=Text)


class Contact(ContactBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    receives_requests: bool = True
    created_at: datetime = created_at_field()


class ContactCreate(ContactBase):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    organisation: str


class ContactPublic(BaseModel):
    """A contact as a reader may see it: details only where the reader is allowed."""

    name: str
    role: str
    email: str | None = None
    phone: str | None = None
