"""Plain records for ``matching/`` from the database, read with a few column queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import Session, col

from convene.models import Dismissal, Organisation, Relationship
from convene.organisations import repository as orgs_repo

if TYPE_CHECKING:
    from matching import EdgeRecord, OrgRecord


@dataclass
class Network:
    orgs: list[OrgRecord]
    edges: list[EdgeRecord]
    exclude: list[tuple[str, str]]
    ids: dict[str, int]

    @property
    def slugs(self) -> dict[int, str]:
        return {id_: slug for slug, id_ in self.ids.items()}


def load_network(session: Session, today: date | None = None) -> Network:
    """Every organisation, relationship and exclusion as ``matching`` records."""
    from matching import EdgeRecord, OrgRecord

    today = today or date.today()
    tags = orgs_repo.all_tags(session)
    rows = session.execute(
        select(
            col(Organisation.id),
            col(Organisation.slug),
            col(Organisation.kind),
            col(Organisation.name),
            col(Organisation.description),
            col(Organisation.offers),
            col(Organisation.seeks),
            col(Organisation.open_to_introductions),
        ).order_by(col(Organisation.slug))
    )
    orgs: list[OrgRecord] = []
    ids: dict[str, int] = {}
    empty = orgs_repo.TagSet()
    for id_, slug, kind, name, description, offers, seeks, is_open in rows:
        t = tags.get(id_, empty)
        ids[slug] = id_
        orgs.append(
            OrgRecord(
                slug=slug,
                kind=str(kind),
                name=name,
                description=description,
                offers=offers,
                seeks=seeks,
                sectors=tuple(t.sectors),
                countries=tuple(t.countries),
                themes=tuple(t.themes),
                open_to_introductions=bool(is_open),
            )
        )
    slugs = {id_: slug for slug, id_ in ids.items()}
    edges = [
        EdgeRecord(
            source=slugs[source],
            target=slugs[target],
            type=str(rel_type),
            active=until is None or until >= today,
        )
        for source, target, rel_type, until in session.execute(
            select(
                col(Relationship.source_id),
                col(Relationship.target_id),
                col(Relationship.type),
                col(Relationship.until),
            ).order_by(col(Relationship.id))
        )
    ]
    return Network(orgs=orgs, edges=edges, exclude=exclusion_pairs(session, slugs), ids=ids)


def exclusion_pairs(session: Session, slugs: dict[int, str]) -> list[tuple[str, str]]:
    """Pairs never to suggest beyond what the graph itself says: dismissals (and, once
    introductions exist, pending, declined, rejected and completed requests)."""
    from convene.introductions.service import exclusion_slug_pairs

    pairs = [
        (slugs[org], slugs[cand])
        for org, cand in session.execute(
            select(col(Dismissal.organisation_id), col(Dismissal.candidate_id))
        )
    ]
    return pairs + exclusion_slug_pairs(session, slugs)
