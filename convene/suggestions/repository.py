"""Every query about stored suggestions, dismissals and stale organisations."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from convene.models import Dismissal, Organisation, StaleOrganisation, Suggestion
from convene.models.common import utcnow
from convene.organisations.repository import chunks

_CANDIDATE = aliased(Organisation, name="candidate_org")  # made once (see relationships_of)


def list_for(
    session: Session, org_id: int, kind: str, *, limit: int, offset: int
) -> tuple[list[tuple[Suggestion, Organisation]], int]:
    candidate = _CANDIDATE
    where = (
        col(Suggestion.organisation_id) == org_id,
        col(Suggestion.kind) == kind,
        col(candidate.open_to_introductions).is_(True),
    )
    base = select(Suggestion, candidate).join(
        candidate, col(candidate.id) == col(Suggestion.candidate_id)
    )
    total = session.execute(
        select(func.count())
        .select_from(Suggestion)
        .join(candidate, col(candidate.id) == col(Suggestion.candidate_id))
        .where(*where)
    ).scalar_one()
    rows = session.execute(
        base.where(*where).order_by(col(Suggestion.rank)).limit(limit).offset(offset)
    )
    return [(s, c) for s, c in rows], int(total)


def delete_for(session: Session, org_ids: Iterable[int] | None) -> None:
    if org_ids is None:
        session.execute(delete(Suggestion))
        return
    for part in chunks(sorted(set(org_ids))):
        session.execute(delete(Suggestion).where(col(Suggestion.organisation_id).in_(part)))


SUGGESTION_COLUMNS = (
    "organisation_id", "candidate_id", "kind", "rank", "score", "reasons", "model_version",
    "created_at",
)  # fmt: skip


#: one stored suggestion, as ranked: (organisation_id, candidate_id, rank, score, reasons as JSON)
EncodedRow = tuple[int, int, int, float, str]

#: how SQLAlchemy's JSON type writes a value (json.dumps defaults), so both paths agree
encode_json = json.JSONEncoder(separators=(", ", ": ")).encode


def insert_encoded(
    session: Session,
    rows: list[EncodedRow],
    *,
    kind: str,
    model_version: str,
    created_at: datetime,
) -> None:
    """Bulk insert ranked rows whose reasons are already JSON.

    On SQLite a full refresh writes hundreds of thousands of rows, so they go straight to
    the driver's executemany (the timestamp written the way SQLAlchemy's SQLite type
    stores it), about 20 times faster than the ORM path; elsewhere through SQLAlchemy.
    """
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        session.execute(
            insert(Suggestion),
            [
                {
                    "organisation_id": org_id,
                    "candidate_id": candidate_id,
                    "kind": kind,
                    "rank": rank,
                    "score": score,
                    "reasons": json.loads(reasons),
                    "model_version": model_version,
                    "created_at": created_at,
                }
                for org_id, candidate_id, rank, score, reasons in rows
            ],
        )
        return
    placeholders = ", ".join("?" for _ in SUGGESTION_COLUMNS)
    sql = f"INSERT INTO suggestion ({', '.join(SUGGESTION_COLUMNS)}) VALUES ({placeholders})"
    stamp = created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    connection.exec_driver_sql(
        sql,
        [
            (org_id, candidate_id, kind, rank, score, reasons, model_version, stamp)
            for org_id, candidate_id, rank, score, reasons in rows
        ],
    )


def delete_pair(session: Session, org_id: int, candidate_id: int) -> None:
    session.execute(
        delete(Suggestion).where(
            col(Suggestion.organisation_id) == org_id,
            col(Suggestion.candidate_id) == candidate_id,
        )
    )


def get_dismissal(session: Session, org_id: int, candidate_id: int) -> Dismissal | None:
    return session.execute(
        select(Dismissal).where(
            col(Dismissal.organisation_id) == org_id,
            col(Dismissal.candidate_id) == candidate_id,
        )
    ).scalar_one_or_none()


def mark_stale(session: Session, org_ids: Iterable[int]) -> None:
    ids = sorted(set(org_ids))
    if not ids:
        return
    already: set[int] = set()
    for part in chunks(ids):
        already.update(
            session.execute(
                select(col(StaleOrganisation.organisation_id)).where(
                    col(StaleOrganisation.organisation_id).in_(part)
                )
            ).scalars()
        )
    now = utcnow()
    fresh = [{"organisation_id": i, "marked_at": now} for i in ids if i not in already]
    if fresh:
        session.execute(insert(StaleOrganisation), fresh)


def stale_ids(session: Session) -> list[int]:
    return list(session.execute(select(col(StaleOrganisation.organisation_id))).scalars())


def clear_stale(session: Session, org_ids: Iterable[int] | None) -> None:
    if org_ids is None:
        session.execute(delete(StaleOrganisation))
        return
    for part in chunks(sorted(set(org_ids))):
        session.execute(
            delete(StaleOrganisation).where(col(StaleOrganisation.organisation_id).in_(part))
        )


def names_for(session: Session, slugs: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in chunks(sorted(set(slugs))):
        out.update(
            dict(
                session.execute(
                    select(col(Organisation.slug), col(Organisation.name)).where(
                        col(Organisation.slug).in_(part)
                    )
                ).all()
            )
        )
    return out


def pair_suggestion(
    session: Session, org_id: int, candidate_id: int
) -> tuple[Suggestion, Organisation] | None:
    row = session.execute(
        select(Suggestion, Organisation)
        .join(Organisation, col(Organisation.id) == col(Suggestion.candidate_id))
        .where(
            col(Suggestion.organisation_id) == org_id,
            # naming both kinds lets the planner use the unique (org, kind, candidate) index
            col(Suggestion.kind).in_(["peer", "stakeholder"]),
            col(Suggestion.candidate_id) == candidate_id,
        )
        .order_by(col(Suggestion.rank))
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None
