"""Every query about introduction requests and audit events.

``readable_by`` is where access starts: a member sees its organisation's own requests,
and requests to it once a coordinator approved them; coordinators see everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, update
from sqlmodel import Session, col

from convene.models import (
    OPEN_STATES,
    AuditEvent,
    Contact,
    IntroductionRequest,
    IntroductionState,
    Relationship,
    RelationshipType,
    User,
)
from convene.permissions import Actor

Request = IntroductionRequest


def visible_clause(actor: Actor) -> ColumnElement[bool] | None:
    if actor.is_coordinator:
        return None
    if actor.org_id is None:
        return col(Request.id) == -1  # sees nothing
    return or_(
        col(Request.from_org_id) == actor.org_id,
        and_(col(Request.to_org_id) == actor.org_id, col(Request.approved_at).is_not(None)),
    )


def readable_by(actor: Actor) -> Select[IntroductionRequest]:
    statement = select(Request)
    clause = visible_clause(actor)
    return statement if clause is None else statement.where(clause)


def get_readable(session: Session, actor: Actor, request_id: int) -> IntroductionRequest | None:
    return session.execute(
        readable_by(actor).where(col(Request.id) == request_id)
    ).scalar_one_or_none()


def box_clause(actor: Actor, box: str | None) -> ColumnElement[bool] | None:
    if box == "queue":
        return col(Request.state) == IntroductionState.requested.value
    if box == "outgoing":
        if actor.org_id is None:
            return col(Request.requested_by_id) == actor.user_id
        return and_(col(Request.from_org_id) == actor.org_id, col(Request.proposed).is_(False))
    if box == "mine":
        if actor.org_id is None:
            return col(Request.id) == -1
        return or_(col(Request.from_org_id) == actor.org_id, col(Request.to_org_id) == actor.org_id)
    if box == "incoming":
        if actor.org_id is None:
            return col(Request.id) == -1
        return and_(
            col(Request.approved_at).is_not(None),
            or_(
                col(Request.to_org_id) == actor.org_id,
                and_(col(Request.proposed).is_(True), col(Request.from_org_id) == actor.org_id),
            ),
        )
    return None


def list_readable(
    session: Session,
    actor: Actor,
    *,
    box: str | None,
    state: str | None,
    limit: int,
    offset: int,
) -> tuple[list[IntroductionRequest], int]:
    clauses = [c for c in (visible_clause(actor), box_clause(actor, box)) if c is not None]
    if state:
        clauses.append(col(Request.state) == state)
    total = session.execute(select(func.count()).select_from(Request).where(*clauses)).scalar_one()
    order = col(Request.created_at).asc() if box == "queue" else col(Request.created_at).desc()
    rows = session.execute(
        select(Request).where(*clauses).order_by(order, col(Request.id)).limit(limit).offset(offset)
    ).scalars()
    return list(rows), int(total)


def pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def open_between(session: Session, a: int, b: int) -> IntroductionRequest | None:
    low, high = pair(a, b)
    return session.execute(
        select(Request).where(
            col(Request.pair_low) == low,
            col(Request.pair_high) == high,
            col(Request.state).in_([s.value for s in OPEN_STATES]),
        )
    ).scalar_one_or_none()


def closed_since(
    session: Session, a: int, b: int, states: Iterable[IntroductionState], since: datetime
) -> IntroductionRequest | None:
    low, high = pair(a, b)
    return session.execute(
        select(Request)
        .where(
            col(Request.pair_low) == low,
            col(Request.pair_high) == high,
            col(Request.state).in_([s.value for s in states]),
            col(Request.updated_at) >= since,
        )
        .limit(1)
    ).scalar_one_or_none()


def relationships_between(session: Session, a: int, b: int) -> list[Relationship]:
    return list(
        session.execute(
            select(Relationship).where(
                or_(
                    and_(col(Relationship.source_id) == a, col(Relationship.target_id) == b),
                    and_(col(Relationship.source_id) == b, col(Relationship.target_id) == a),
                )
            )
        ).scalars()
    )


def transition(
    session: Session,
    request_id: int,
    from_states: Iterable[IntroductionState],
    values: dict[str, Any],
    *,
    extra: Iterable[ColumnElement[bool]] = (),
) -> bool:
    """One conditional UPDATE: it changes the row only if it is still in ``from_states``.

    Two coordinators approving at once both send this; the database lets exactly one
    match, so there is no read-then-write race."""
    result = session.execute(
        update(Request)
        .where(
            col(Request.id) == request_id,
            col(Request.state).in_([s.value for s in from_states]),
            *extra,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def expirable(session: Session, before: datetime) -> list[IntroductionRequest]:
    return list(
        session.execute(
            select(Request).where(
                col(Request.state).in_([s.value for s in OPEN_STATES]),
                col(Request.updated_at) < before,
            )
        ).scalars()
    )


def events_for(session: Session, request_id: int) -> list[tuple[AuditEvent, str | None]]:
    """A request's history as its parties see it: actors by name, never by email (the
    other side must not learn an address before both consented)."""
    rows = session.execute(
        select(AuditEvent, func.coalesce(col(Contact.name), col(User.role)))
        .outerjoin(User, col(User.id) == col(AuditEvent.actor_id))
        .outerjoin(Contact, col(Contact.id) == col(User.contact_id))
        .where(
            col(AuditEvent.entity_type) == "introduction", col(AuditEvent.entity_id) == request_id
        )
        .order_by(col(AuditEvent.at), col(AuditEvent.id))
    )
    return [(e, email) for e, email in rows]


def all_events(
    session: Session, *, limit: int, offset: int
) -> tuple[list[tuple[AuditEvent, str | None]], int]:
    total = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    rows = session.execute(
        select(AuditEvent, col(User.email))
        .outerjoin(User, col(User.id) == col(AuditEvent.actor_id))
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .limit(limit)
        .offset(offset)
    )
    return [(e, email) for e, email in rows], int(total)


def exclusion_pairs(session: Session, cooldown_since: datetime) -> list[tuple[int, int]]:
    """Pairs matching must not suggest: open requests, introductions, and declines or
    rejections within the cooldown."""
    rows = session.execute(
        select(col(Request.from_org_id), col(Request.to_org_id)).where(
            or_(
                col(Request.state).in_(
                    [s.value for s in (*OPEN_STATES, IntroductionState.introduced)]
                ),
                and_(
                    col(Request.state).in_(
                        [IntroductionState.declined.value, IntroductionState.rejected.value]
                    ),
                    col(Request.updated_at) >= cooldown_since,
                ),
            )
        )
    )
    return [(a, b) for a, b in rows]


def introduced_relationship_exists(session: Session, a: int, b: int) -> bool:
    return any(r.type == RelationshipType.introduced for r in relationships_between(session, a, b))
