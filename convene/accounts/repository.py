"""Every query about users, sessions, tokens, sign-in failures and one-time links."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlmodel import Session, col

from convene.models import (
    ApiToken,
    Contact,
    LoginFailure,
    OneTimeToken,
    Organisation,
    User,
    UserSession,
)


def user_by_email(session: Session, email: str) -> User | None:
    statement = select(User).where(func.lower(col(User.email)) == email.strip().lower())
    return session.execute(statement).scalar_one_or_none()


def user_by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def contact_and_org(session: Session, contact_id: int) -> tuple[Contact, Organisation] | None:
    row = session.execute(
        select(Contact, Organisation)
        .join(Organisation, col(Organisation.id) == col(Contact.organisation_id))
        .where(col(Contact.id) == contact_id)
    ).first()
    return (row[0], row[1]) if row else None


def contact_by_email(session: Session, email: str) -> Contact | None:
    statement = select(Contact).where(func.lower(col(Contact.email)) == email.strip().lower())
    return session.execute(statement).scalar_one_or_none()


def live_session(session: Session, token_hash: str, now: datetime) -> UserSession | None:
    return session.execute(
        select(UserSession).where(
            col(UserSession.token_hash) == token_hash,
            col(UserSession.revoked_at).is_(None),
            col(UserSession.expires_at) > now,
        )
    ).scalar_one_or_none()


def revoke_sessions(
    session: Session, user_id: int, now: datetime, *, keep_id: int | None = None
) -> None:
    statement = (
        update(UserSession)
        .where(col(UserSession.user_id) == user_id, col(UserSession.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    if keep_id is not None:
        statement = statement.where(col(UserSession.id) != keep_id)
    session.execute(statement)


def live_token(session: Session, token_hash: str) -> ApiToken | None:
    return session.execute(
        select(ApiToken).where(
            col(ApiToken.token_hash) == token_hash, col(ApiToken.revoked_at).is_(None)
        )
    ).scalar_one_or_none()


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    return list(
        session.execute(
            select(ApiToken).where(col(ApiToken.user_id) == user_id).order_by(col(ApiToken.id))
        ).scalars()
    )


def revoke_tokens(session: Session, user_id: int, now: datetime) -> None:
    session.execute(
        update(ApiToken)
        .where(col(ApiToken.user_id) == user_id, col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=now)
    )


def failures_since(session: Session, key: str, since: datetime) -> int:
    return int(
        session.execute(
            select(func.count())
            .select_from(LoginFailure)
            .where(col(LoginFailure.key) == key, col(LoginFailure.at) > since)
        ).scalar_one()
    )


def clear_failures(session: Session, key: str) -> None:
    session.execute(delete(LoginFailure).where(col(LoginFailure.key) == key))


def one_time_token(session: Session, token_hash: str, purpose: str) -> OneTimeToken | None:
    return session.execute(
        select(OneTimeToken).where(
            col(OneTimeToken.token_hash) == token_hash, col(OneTimeToken.purpose) == purpose
        )
    ).scalar_one_or_none()


def list_users(session: Session, *, limit: int, offset: int) -> tuple[list[User], int]:
    total = session.execute(select(func.count()).select_from(User)).scalar_one()
    rows = session.execute(select(User).order_by(col(User.id)).limit(limit).offset(offset))
    return list(rows.scalars()), int(total)


def touch_token(session: Session, token_id: int, now: datetime, every: timedelta) -> None:
    session.execute(
        update(ApiToken)
        .where(
            col(ApiToken.id) == token_id,
            (col(ApiToken.last_used_at).is_(None)) | (col(ApiToken.last_used_at) < now - every),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
