"""The digest outbox, what each contact was already shown, and suppressed addresses."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from convene.models.common import UtcDateTime, created_at_field

WEEK_MAX = 8  # "2026-W48"


class DigestState(StrEnum):
    pending = "pending"
    sent = "sent"
    skipped = "skipped"  # nothing new, or the contact unsubscribed before it was sent
    failed = "failed"  # temporary refusals until the attempts ran out
    suppressed = "suppressed"  # the server refused the address permanently


class DigestDelivery(SQLModel, table=True):
    """One contact's digest for one ISO week: the outbox row that makes sending exactly-once
    from the reader's point of view (rows are created first, then sent one by one)."""

    __tablename__ = "digest_delivery"
    __table_args__ = (
        UniqueConstraint("contact_id", "week", name="uq_digest_delivery_contact_week"),
        Index("ix_digest_delivery_week_state", "week", "state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    week: str = Field(max_length=WEEK_MAX)
    state: DigestState = Field(default=DigestState.pending, sa_type=Text)
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class DigestSuggestion(SQLModel, table=True):
    """How many digests showed a contact a candidate for its organisation (at most three).

    Keyed by the pair, not by suggestion id: a refresh replaces the suggestion rows."""

    __tablename__ = "digest_suggestion"

    contact_id: int = Field(foreign_key="contact.id", primary_key=True, ondelete="CASCADE")
    organisation_id: int = Field(
        foreign_key="organisation.id", primary_key=True, ondelete="CASCADE"
    )
    candidate_id: int = Field(
        foreign_key="organisation.id", primary_key=True, index=True, ondelete="CASCADE"
    )
    times: int = 1
    first_week: str = Field(max_length=WEEK_MAX)
    last_week: str = Field(max_length=WEEK_MAX)


class EmailSuppression(SQLModel, table=True):
    """An address the mail server refused permanently (5xx): no digest goes to it again.

    Keyed by the (lower-cased) address, so a contact who changes to a working address gets
    digests again."""

    __tablename__ = "email_suppression"

    email: str = Field(primary_key=True, max_length=254)
    reason: str = Field(sa_type=Text)
    code: int | None = None
    created_at: datetime = created_at_field()


__all__ = ["DigestDelivery", "DigestState", "DigestSuggestion", "EmailSuppression"]
