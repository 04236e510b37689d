"""Users (sign-ins for contacts, with a role), their sessions and API tokens, sign-in
throttling, and single-use links (invitations, password resets)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from convene.models.common import Language, Role, UtcDateTime, created_at_field


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
    language: Language | None = Field(default=None, sa_type=Text)
    created_at: datetime = created_at_field()


class UserSession(SQLModel, table=True):
    """A signed-in browser. Only the SHA-256 of the cookie value is stored."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    created_at: datetime = created_at_field()
    expires_at: datetime = Field(sa_type=UtcDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    client: str = Field(default="", max_length=100)


class ApiToken(SQLModel, table=True):
    """A personal API token (``Authorization: Bearer ...``); stored hashed."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=100)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    prefix: str = Field(max_length=12)
    created_at: datetime = created_at_field()
    last_used_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class LoginFailure(SQLModel, table=True):
    """One failed sign-in, keyed by account and by client address, for throttling."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_key_at", "key", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300)
    at: datetime = created_at_field()


class OneTimeToken(SQLModel, table=True):
    """A single-use, expiring link: an invitation or a password reset."""

    __tablename__ = "one_time_token"

    id: int | None = Field(default=None, primary_key=True)
    purpose: str = Field(max_length=20)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    created_at: datetime = created_at_field()
    expires_at: datetime = Field(sa_type=UtcDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class UserPublic(BaseModel):
    id: int
    email: str
    role: Role
    is_active: bool
    organisation: str | None = None
    name: str | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": 3,
                "email": "anna.devries@example.org",
                "role": "member",
                "is_active": True,
                "organisation": "noordzee-natuursteen",
                "name": "Anna de Vries",
            }
        }
    )


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    is_active: bool | None = None


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)


class TokenPublic(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool


class TokenCreated(TokenPublic):
    token: str = Field(description="Shown once; store it now")


class InvitationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=254, description="Email of an existing contact")
    role: Role = Role.member


class PasswordResetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=254)


class Accepted(BaseModel):
    status: str = "accepted"
    message: str
