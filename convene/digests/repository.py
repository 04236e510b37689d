"""Every query about digests: who is due, the outbox, what was already shown, and the
batch reads that build many digests with a handful of statements."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, bindparam, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased
from sqlmodel import Session, SQLModel, col

from convene.models import (
    AuditEvent,
    Contact,
    DigestDelivery,
    DigestPreference,
    DigestState,
    DigestSuggestion,
    Dismissal,
    EmailSuppression,
    IntroductionRequest,
    IntroductionState,
    Organisation,
    Role,
    Suggestion,
    User,
)
from convene.models.common import utcnow
from convene.organisations.repository import chunks

Request = IntroductionRequest


def _insert(session: Session, model: type[SQLModel]) -> Any:
    """``INSERT`` with the dialect's ``ON CONFLICT`` support (SQLite and PostgreSQL)."""
    table = model.__table__  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


# --------------------------------------------------------------------------- recipients


def _not_suppressed() -> Any:
    return ~exists().where(col(EmailSuppression.email) == func.lower(col(Contact.email)))


def due_contact_ids(session: Session) -> list[int]:
    """Contacts who want the weekly digest, have an address, and whose address works."""
    rows = session.execute(
        select(col(Contact.id))
        .where(
            col(Contact.digest) == DigestPreference.weekly.value,
            col(Contact.email).is_not(None),
            func.trim(col(Contact.email)) != "",
            _not_suppressed(),
        )
        .order_by(col(Contact.id))
    )
    return list(rows.scalars())


def is_suppressed(session: Session, email: str) -> bool:
    return session.get(EmailSuppression, email.strip().lower()) is not None


def suppressed_emails(session: Session, emails: Iterable[str]) -> set[str]:
    """Which of these addresses (compared lower-cased) are suppressed."""
    out: set[str] = set()
    for part in chunks(sorted({e.strip().lower() for e in emails})):
        rows = session.execute(
            select(col(EmailSuppression.email)).where(col(EmailSuppression.email).in_(part))
        )
        out.update(rows.scalars())
    return out


def contact_by_email(session: Session, email: str) -> Contact | None:
    return session.execute(
        select(Contact).where(func.lower(col(Contact.email)) == email.strip().lower())
    ).scalar_one_or_none()


def contacts_by_id(session: Session, ids: Sequence[int]) -> dict[int, Contact]:
    out: dict[int, Contact] = {}
    for part in chunks(sorted(set(ids))):
        for contact in session.execute(select(Contact).where(col(Contact.id).in_(part))).scalars():
            assert contact.id is not None
            out[contact.id] = contact
    return out


def set_preference(session: Session, contact_id: int, preference: DigestPreference) -> bool:
    result = session.execute(
        update(Contact)
        .where(col(Contact.id) == contact_id)
        .values(digest=preference.value)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def suppress(session: Session, email: str, reason: str, code: int | None) -> None:
    session.execute(
        _insert(session, EmailSuppression)
        .values(email=email.strip().lower(), reason=reason, code=code, created_at=utcnow())
        .on_conflict_do_nothing()
    )


# --------------------------------------------------------------------------- outbox


def enqueue(session: Session, week: str, contact_ids: Sequence[int]) -> int:
    """Create the week's pending rows; rows that exist already are left alone."""
    now = utcnow()
    created = 0
    for part in chunks(list(contact_ids), 500):
        rows = [
            {
                "contact_id": contact_id,
                "week": week,
                "state": DigestState.pending.value,
                "attempts": 0,
                "created_at": now,
                "updated_at": now,
            }
            for contact_id in part
        ]
        result = session.execute(
            _insert(session, DigestDelivery)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["contact_id", "week"])
        )
        created += max(result.rowcount or 0, 0)  # type: ignore[attr-defined]
    return created


def pending_after(
    session: Session, week: str, after_id: int, limit: int
) -> list[tuple[int, int, int]]:
    """The next ``(delivery id, contact id, attempts)`` still to send, in id order."""
    rows = session.execute(
        select(col(DigestDelivery.id), col(DigestDelivery.contact_id), col(DigestDelivery.attempts))
        .where(
            col(DigestDelivery.week) == week,
            col(DigestDelivery.state) == DigestState.pending.value,
            col(DigestDelivery.id) > after_id,
        )
        .order_by(col(DigestDelivery.id))
        .limit(limit)
    )
    return [(int(a), int(b), int(c)) for a, b, c in rows]


def count_by_state(session: Session, week: str) -> dict[str, int]:
    rows = session.execute(
        select(col(DigestDelivery.state), func.count())
        .where(col(DigestDelivery.week) == week)
        .group_by(col(DigestDelivery.state))
    )
    return {str(state): int(n) for state, n in rows}


def settled_contact_ids(session: Session, week: str) -> set[int]:
    """Contacts whose row for ``week`` is no longer pending (sent, skipped, ...)."""
    rows = session.execute(
        select(col(DigestDelivery.contact_id)).where(
            col(DigestDelivery.week) == week,
            col(DigestDelivery.state) != DigestState.pending.value,
        )
    )
    return {int(i) for i in rows.scalars()}


def delivery_for(session: Session, contact_id: int, week: str) -> DigestDelivery | None:
    return session.execute(
        select(DigestDelivery).where(
            col(DigestDelivery.contact_id) == contact_id, col(DigestDelivery.week) == week
        )
    ).scalar_one_or_none()


def mark(session: Session, delivery_ids: Sequence[int], **values: Any) -> int:
    """Move pending rows to another state (or update them); only rows still pending."""
    changed = 0
    for part in chunks(list(delivery_ids)):
        result = session.execute(
            update(DigestDelivery)
            .where(
                col(DigestDelivery.id).in_(part),
                col(DigestDelivery.state) == DigestState.pending.value,
            )
            .values(updated_at=utcnow(), **values)
            .execution_options(synchronize_session=False)
        )
        changed += result.rowcount or 0  # type: ignore[attr-defined]
    return changed


_MARK_SENT = (
    update(DigestDelivery)
    .where(
        col(DigestDelivery.id) == bindparam("delivery_id"),
        col(DigestDelivery.state) == DigestState.pending.value,
    )
    .values(
        state=DigestState.sent.value,
        attempts=bindparam("attempts"),
        sent_at=bindparam("now"),
        updated_at=bindparam("now"),
        last_error=None,
    )
    .execution_options(synchronize_session=False)
)


def mark_sent(session: Session, delivery_id: int, attempts: int) -> bool:
    """The hot path of a run: one statement, compiled once (see :func:`mark` for the rest)."""
    # Core execution on the session's connection: the ORM layer adds nothing here and costs
    # a good share of a large run
    result = session.connection().execute(
        _MARK_SENT, {"delivery_id": delivery_id, "attempts": attempts, "now": utcnow()}
    )
    return bool(result.rowcount)


@lru_cache(maxsize=2)
def _record_shown_statement(dialect: str) -> Any:
    table = DigestSuggestion.__table__  # type: ignore[attr-defined]
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    statement = insert.values(
        contact_id=bindparam("contact_id"),
        organisation_id=bindparam("organisation_id"),
        candidate_id=bindparam("candidate_id"),
        times=1,
        first_week=bindparam("week"),
        last_week=bindparam("week"),
    )
    return statement.on_conflict_do_update(
        index_elements=["contact_id", "organisation_id", "candidate_id"],
        set_={"times": table.c.times + 1, "last_week": statement.excluded.last_week},
        # a week is counted once, however often it is marked
        where=table.c.last_week != statement.excluded.last_week,
    )


def record_shown(
    session: Session, contact_id: int, week: str, pairs: Iterable[tuple[int, int]]
) -> None:
    """Count one more digest for each (organisation, candidate) it showed the contact."""
    rows = [
        {"contact_id": contact_id, "organisation_id": org_id, "candidate_id": candidate_id,
         "week": week}
        for org_id, candidate_id in pairs
    ]  # fmt: skip
    if rows:
        # one statement built once, for any number of rows (executemany)
        dialect = session.get_bind().dialect.name
        session.connection().execute(_record_shown_statement(dialect), rows)


# --------------------------------------------------------------------------- content


@dataclass(frozen=True)
class SuggestionRow:
    """A stored suggestion with just what a digest needs (``to_public`` reads these)."""

    organisation_id: int
    candidate_id: int
    kind: str
    rank: int
    score: float
    reasons: list[dict[str, Any]]
    model_version: str
    created_at: datetime


def suggestions_for(session: Session, org_ids: Sequence[int]) -> list[SuggestionRow]:
    candidate = aliased(Organisation)
    out: list[SuggestionRow] = []
    for part in chunks(sorted(set(org_ids))):
        rows = session.execute(
            select(
                col(Suggestion.organisation_id),
                col(Suggestion.candidate_id),
                col(Suggestion.kind),
                col(Suggestion.rank),
                col(Suggestion.score),
                col(Suggestion.reasons),
                col(Suggestion.model_version),
                col(Suggestion.created_at),
            )
            .join(candidate, col(candidate.id) == col(Suggestion.candidate_id))
            .where(
                col(Suggestion.organisation_id).in_(part),
                col(candidate.open_to_introductions).is_(True),
            )
            .order_by(col(Suggestion.organisation_id), col(Suggestion.kind), col(Suggestion.rank))
        )
        out.extend(SuggestionRow(*row) for row in rows)
    return out


def dismissed_pairs(session: Session, org_ids: Sequence[int]) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for part in chunks(sorted(set(org_ids))):
        rows = session.execute(
            select(col(Dismissal.organisation_id), col(Dismissal.candidate_id)).where(
                col(Dismissal.organisation_id).in_(part)
            )
        )
        out.update((int(a), int(b)) for a, b in rows)
    return out


def requested_pairs(session: Session, org_ids: Sequence[int]) -> set[tuple[int, int]]:
    """Ordered ``(low, high)`` pairs with any introduction request, in any state."""
    out: set[tuple[int, int]] = set()
    for part in chunks(sorted(set(org_ids))):
        rows = session.execute(
            select(col(Request.pair_low), col(Request.pair_high))
            .where(or_(col(Request.pair_low).in_(part), col(Request.pair_high).in_(part)))
            .distinct()
        )
        out.update((int(a), int(b)) for a, b in rows)
    return out


def shown_counts(
    session: Session, contact_ids: Sequence[int]
) -> dict[tuple[int, int, int], tuple[int, str]]:
    """(contact, organisation, candidate) → (digests that showed it, the last week)."""
    out: dict[tuple[int, int, int], tuple[int, str]] = {}
    for part in chunks(sorted(set(contact_ids))):
        rows = session.execute(
            select(
                col(DigestSuggestion.contact_id),
                col(DigestSuggestion.organisation_id),
                col(DigestSuggestion.candidate_id),
                col(DigestSuggestion.times),
                col(DigestSuggestion.last_week),
            ).where(col(DigestSuggestion.contact_id).in_(part))
        )
        for contact_id, org_id, candidate_id, times, last_week in rows:
            out[(int(contact_id), int(org_id), int(candidate_id))] = (int(times), str(last_week))
    return out


def waiting_requests(session: Session, org_ids: Sequence[int]) -> list[IntroductionRequest]:
    """Requests waiting for one of these organisations to accept or decline."""
    S = IntroductionState
    out: list[IntroductionRequest] = []
    for part in chunks(sorted(set(org_ids))):
        asked = and_(
            col(Request.proposed).is_(False),
            col(Request.state) == S.approved.value,
            col(Request.to_org_id).in_(part),
        )
        proposed = and_(
            col(Request.proposed).is_(True),
            col(Request.state).in_([S.approved.value, S.accepted.value]),
            or_(
                and_(col(Request.from_org_id).in_(part), col(Request.from_accepted).is_(False)),
                and_(col(Request.to_org_id).in_(part), col(Request.to_accepted).is_(False)),
            ),
        )
        out.extend(
            session.execute(
                select(Request).where(or_(asked, proposed)).order_by(col(Request.approved_at))
            ).scalars()
        )
    return out


def request_events(
    session: Session, org_ids: Sequence[int], since: datetime, until: datetime
) -> list[tuple[AuditEvent, IntroductionRequest]]:
    """What happened in ``[since, until)`` to requests these organisations are party to
    (their own requests, and proposals to them), apart from their creation."""
    out: list[tuple[AuditEvent, IntroductionRequest]] = []
    for part in chunks(sorted(set(org_ids))):
        rows = session.execute(
            select(AuditEvent, Request)
            .join(
                Request,
                and_(
                    col(AuditEvent.entity_type) == "introduction",
                    col(AuditEvent.entity_id) == col(Request.id),
                ),
            )
            .where(
                or_(
                    col(Request.from_org_id).in_(part),
                    and_(col(Request.proposed).is_(True), col(Request.to_org_id).in_(part)),
                ),
                col(AuditEvent.action).not_in(["request", "propose"]),
                col(AuditEvent.at) >= since,
                col(AuditEvent.at) < until,
            )
            .order_by(col(AuditEvent.at), col(AuditEvent.id))
        )
        out.extend((event, request) for event, request in rows)
    return out


def coordinator_contact_ids(session: Session, contact_ids: Sequence[int]) -> set[int]:
    out: set[int] = set()
    for part in chunks(sorted(set(contact_ids))):
        rows = session.execute(
            select(col(User.contact_id)).where(
                col(User.contact_id).in_(part),
                col(User.is_active).is_(True),
                col(User.role).in_([Role.coordinator.value, Role.admin.value]),
            )
        )
        out.update(int(c) for c in rows.scalars() if c is not None)
    return out


def queue(session: Session, oldest: int) -> tuple[int, list[IntroductionRequest]]:
    """How many requests wait for a coordinator, and the ``oldest`` of them."""
    requested = col(Request.state) == IntroductionState.requested.value
    total = session.execute(select(func.count()).select_from(Request).where(requested))
    rows = session.execute(
        select(Request)
        .where(requested)
        .order_by(col(Request.created_at), col(Request.id))
        .limit(oldest)
    ).scalars()
    return int(total.scalar_one()), list(rows)


def organisations_by_id(session: Session, ids: Iterable[int]) -> dict[int, Organisation]:
    out: dict[int, Organisation] = {}
    for part in chunks(sorted(set(ids))):
        for org in session.execute(
            select(Organisation).where(col(Organisation.id).in_(part))
        ).scalars():
            assert org.id is not None
            out[org.id] = org
    return out
