"""Users: sign-ins for contacts, with a role."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from convene.models.common import Role, created_at_field


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    contact_id: int | None = Field(
        default=None, foreign_key="contact.id", unique=True, ondelete="SET NULL"
    )
    role: Role = Field(sa_type=Text)
    password_hash: str = Field(default="", sa_type=Text)
    is_active: bool = True
    created_at: datetime = created_at_field()
