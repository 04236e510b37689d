"""Every query about organisations, tags and relationships."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from convene.models import (
    GROUP_KINDS,
    Facet,
    Organisation,
    OrganisationTag,
    Relationship,
    RelationshipType,
)
from convene.organisations.directory import directory_index

TAG_COLUMNS = (
    col(OrganisationTag.organisation_id),
    col(OrganisationTag.facet),
    col(OrganisationTag.value),
)
CHUNK = 900  # stays under SQLite's bound-parameter limit with room to spare


def chunks(values: Sequence[int] | Sequence[str], size: int = CHUNK) -> Iterable[list]:  # type: ignore[type-arg]
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


@dataclass
class OrganisationFilter:
    kind: str | None = None
    sector: str | None = None
    country: str | None = None
    theme: str | None = None
    group: str | None = None
    q: str | None = None


@dataclass
class TagSet:
    sectors: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)

    def add(self, facet: str, value: str) -> None:
        {"sector": self.sectors, "country": self.countries, "theme": self.themes}[facet].append(
            value
        )


def get_by_slug(session: Session, slug: str) -> Organisation | None:
    statement = select(Organisation).where(col(Organisation.slug) == slug)
    return session.execute(statement).scalar_one_or_none()


def slug_to_id(session: Session) -> dict[str, int]:
    rows = session.execute(select(col(Organisation.slug), col(Organisation.id)))
    return dict(rows.all())


def slugs_by_id(session: Session, ids: Iterable[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for part in chunks(sorted(set(ids))):
        rows = session.execute(
            select(col(Organisation.id), col(Organisation.slug)).where(
                col(Organisation.id).in_(part)
            )
        )
        out.update(dict(rows.all()))
    return out


def names_by_id(session: Session, ids: Iterable[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for part in chunks(sorted(set(ids))):
        rows = session.execute(
            select(col(Organisation.id), col(Organisation.name)).where(
                col(Organisation.id).in_(part)
            )
        )
        out.update(dict(rows.all()))
    return out


def active_clause(today: date) -> ColumnElement[bool]:
    return or_(col(Relationship.until).is_(None), col(Relationship.until) >= today)


def _has_tag(facet: Facet, value: str) -> ColumnElement[bool]:
    # IN over one range of the (facet, value, organisation_id) index rather than an EXISTS
    # probed for every organisation: with two tag filters at 25,000, 3 ms instead of 13 ms
    return col(Organisation.id).in_(
        select(col(OrganisationTag.organisation_id)).where(
            col(OrganisationTag.facet) == facet.value,
            col(OrganisationTag.value) == value,
        )
    )


def filter_clauses(flt: OrganisationFilter, today: date) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if flt.kind:
        clauses.append(col(Organisation.kind) == flt.kind)
    if flt.sector:
        clauses.append(_has_tag(Facet.sector, flt.sector))
    if flt.country:
        clauses.append(_has_tag(Facet.country, flt.country.upper()))
    if flt.theme:
        clauses.append(_has_tag(Facet.theme, flt.theme))
    if flt.group:
        clauses.append(col(Organisation.id).in_(_group_members(flt.group, today)))
    if flt.q:
        pattern = f"%{flt.q.strip().lower()}%"
        clauses.append(
            or_(
                *(
                    func.lower(column).like(pattern)
                    for column in (
                        col(Organisation.name),
                        col(Organisation.slug),
                        col(Organisation.description),
                        col(Organisation.offers),
                        col(Organisation.seeks),
                    )
                )
            )
        )
    return clauses


def list_organisations(
    session: Session, flt: OrganisationFilter, *, limit: int, offset: int, today: date
) -> tuple[list[Organisation], int]:
    """One page of the organisations matching ``flt``, in directory order, and their count.

    Kind and tag filters (and none) use the in-memory directory index; one group alone
    has its own two queries; text search, and a group with other filters, are SQL.
    """
    tagged = flt.kind or flt.sector or flt.country or flt.theme
    if flt.q or (flt.group and tagged):
        return _search(session, flt, limit=limit, offset=offset, today=today)
    if flt.group:
        return _group_page(session, flt.group, limit=limit, offset=offset, today=today)
    index = directory_index(session)
    mask = np.ones(index.ids.size, dtype=bool)
    if flt.kind:
        mask &= index.kinds == flt.kind
    for facet, value in (
        (Facet.sector, flt.sector),
        (Facet.country, flt.country.upper() if flt.country else None),
        (Facet.theme, flt.theme),
    ):
        if value:
            mask &= index.mask(index.tags.get((facet.value, value), np.zeros(0, np.int64)))
    hits = np.flatnonzero(mask)
    page = [int(i) for i in index.ids[hits[offset : offset + limit]]]
    found = {
        org.id: org
        for org in session.execute(
            select(Organisation).where(col(Organisation.id).in_(page))
        ).scalars()
    }
    return [found[i] for i in page if i in found], int(hits.size)


def _group_members(slug: str, today: date) -> Select[int]:
    # the group's id first, then its members' ids from the (target_id, type, until,
    # source_id) index alone
    group_id = select(col(Organisation.id)).where(col(Organisation.slug) == slug)
    return select(col(Relationship.source_id)).where(
        col(Relationship.target_id) == group_id.scalar_subquery(),
        col(Relationship.type) == RelationshipType.member_of.value,
        active_clause(today),
    )


def _group_page(
    session: Session, group: str, *, limit: int, offset: int, today: date
) -> tuple[list[Organisation], int]:
    members = _group_members(group, today)
    # unique (source, target, type): one relationship per member, counted from the index
    total = session.execute(select(func.count()).select_from(members.subquery())).scalar_one()
    # `id + 0` keeps the planner from looping over the members and sorting them all (4 ms
    # for a group of 5,896): it walks the lower(name), slug index and stops after the page
    rows = session.execute(
        select(Organisation)
        .where((col(Organisation.id) + 0).in_(members))
        .order_by(func.lower(col(Organisation.name)), col(Organisation.slug))
        .limit(limit)
        .offset(offset)
    ).scalars()
    return list(rows), int(total)


def _search(
    session: Session, flt: OrganisationFilter, *, limit: int, offset: int, today: date
) -> tuple[list[Organisation], int]:
    clauses = filter_clauses(flt, today)
    total = session.execute(
        select(func.count()).select_from(Organisation).where(*clauses)
    ).scalar_one()
    rows = session.execute(
        select(Organisation)
        .where(*clauses)
        .order_by(func.lower(col(Organisation.name)), col(Organisation.slug))
        .limit(limit)
        .offset(offset)
    ).scalars()
    return list(rows), int(total)


def tags_for(session: Session, ids: Iterable[int]) -> dict[int, TagSet]:
    out: dict[int, TagSet] = defaultdict(TagSet)
    for part in chunks(sorted(set(ids))):
        rows = session.execute(
            select(
                col(OrganisationTag.organisation_id),
                col(OrganisationTag.facet),
                col(OrganisationTag.value),
            )
            .where(col(OrganisationTag.organisation_id).in_(part))
            .order_by(
                col(OrganisationTag.organisation_id),
                col(OrganisationTag.facet),
                col(OrganisationTag.value),
            )
        )
        for org_id, facet, value in rows:
            out[org_id].add(facet, value)
    return out


def all_tags(session: Session) -> dict[int, TagSet]:
    out: dict[int, TagSet] = defaultdict(TagSet)
    rows = session.execute(
        select(
            col(OrganisationTag.organisation_id),
            col(OrganisationTag.facet),
            col(OrganisationTag.value),
        ).order_by(
            col(OrganisationTag.organisation_id),
            col(OrganisationTag.facet),
            col(OrganisationTag.value),
        )
    )
    for org_id, facet, value in rows:
        out[org_id].add(facet, value)
    return out


@dataclass(frozen=True)
class GroupRow:
    slug: str
    name: str
    kind: str


def groups_for(session: Session, ids: Iterable[int], today: date) -> dict[int, list[GroupRow]]:
    # The kind and the order are checked here, not in SQL: given `kind IN (...)` and
    # `ORDER BY name`, SQLite's planner (with ANALYZE statistics that cannot see how few
    # groups there are) walks every organisation instead of these few relationships.
    group_kinds = {k.value for k in GROUP_KINDS}
    out: dict[int, list[GroupRow]] = defaultdict(list)
    for part in chunks(sorted(set(ids))):
        rows = session.execute(
            select(
                col(Relationship.source_id),
                col(Organisation.slug),
                col(Organisation.name),
                col(Organisation.kind),
            )
            .join(Organisation, col(Organisation.id) == col(Relationship.target_id))
            .where(
                col(Relationship.source_id).in_(part),
                col(Relationship.type) == RelationshipType.member_of.value,
                active_clause(today),
            )
        )
        for source_id, slug, name, kind in rows:
            if kind in group_kinds:
                out[source_id].append(GroupRow(slug, name, str(kind)))
    for groups in out.values():
        groups.sort(key=_group_order)
    return out


_group_rows_cache: dict[tuple[object, ...], list[GroupRow]] = {}


def group_rows(session: Session) -> list[GroupRow]:
    """Every covenant, network and programme, by name (sorted here; see groups_for).

    The directory offers them on every page (hundreds at 25,000 organisations), so the
    list is kept per process and reused while the groups' count, newest id and latest
    change are the same; one small aggregate query checks that.
    """
    is_group = col(Organisation.kind).in_([k.value for k in GROUP_KINDS])
    count, newest, changed = session.execute(
        select(
            func.count(), func.max(col(Organisation.id)), func.max(col(Organisation.updated_at))
        ).where(is_group)
    ).one()
    key = (str(session.get_bind().engine.url), count, newest, changed)
    cached = _group_rows_cache.get(key)
    if cached is None:
        rows = session.execute(
            select(col(Organisation.slug), col(Organisation.name), col(Organisation.kind)).where(
                is_group
            )
        )
        cached = sorted(
            (GroupRow(slug, name, str(kind)) for slug, name, kind in rows), key=_group_order
        )
        _group_rows_cache.clear()  # one database per process in practice; tests have many
        _group_rows_cache[key] = cached
    return list(cached)


def _group_order(group: GroupRow) -> tuple[str, str]:
    return group.name.casefold(), group.slug


# made once: a new alias per call rebuilds its columns and its statement cache key
# (~1 ms of a profile page)
_SOURCE = aliased(Organisation, name="source_org")
_TARGET = aliased(Organisation, name="target_org")


def relationships_of(
    session: Session, org_id: int, *, limit: int, offset: int
) -> tuple[list[tuple[Relationship, str, str, str, str]], int]:
    source, target = _SOURCE, _TARGET
    where = or_(col(Relationship.source_id) == org_id, col(Relationship.target_id) == org_id)
    total = session.execute(
        select(func.count()).select_from(Relationship).where(where)
    ).scalar_one()
    rows = session.execute(
        select(Relationship, col(source.slug), col(target.slug), col(source.name), col(target.name))
        .join(source, col(source.id) == col(Relationship.source_id))
        .join(target, col(target.id) == col(Relationship.target_id))
        .where(where)
        .order_by(col(Relationship.type), col(source.slug), col(target.slug))
        .limit(limit)
        .offset(offset)
    )
    return [(rel, s, t, sn, tn) for rel, s, t, sn, tn in rows], int(total)
