"""Reading the directory: organisations with their tags, groups and relationships."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from convene.errors import NotFound
from convene.models import (
    GroupRef,
    Organisation,
    OrganisationPublic,
    RelationshipPublic,
)
from convene.organisations import repository as repo
from convene.organisations.repository import OrganisationFilter

PUBLIC_FIELDS = (
    "slug", "name", "kind", "description", "offers", "seeks", "size_band", "website",
    "open_to_introductions", "created_at", "updated_at",
)  # fmt: skip


def today() -> date:
    return date.today()


def _public(
    orgs: list[Organisation], tags: dict[int, repo.TagSet], groups: dict[int, list[Organisation]]
) -> list[OrganisationPublic]:
    out = []
    for org in orgs:
        assert org.id is not None
        t = tags.get(org.id, repo.TagSet())
        out.append(
            OrganisationPublic(
                **{f: getattr(org, f) for f in PUBLIC_FIELDS},
                sectors=t.sectors,
                countries=t.countries,
                themes=t.themes,
                groups=[
                    GroupRef(slug=g.slug, name=g.name, kind=g.kind) for g in groups.get(org.id, [])
                ],
            )
        )
    return out


def list_organisations(
    session: Session, flt: OrganisationFilter, *, limit: int = 20, offset: int = 0
) -> tuple[list[OrganisationPublic], int]:
    orgs, total = repo.list_organisations(session, flt, limit=limit, offset=offset, today=today())
    ids = [o.id for o in orgs if o.id is not None]
    return _public(orgs, repo.tags_for(session, ids), repo.groups_for(session, ids, today())), total


def get_organisation(session: Session, slug: str) -> Organisation:
    org = repo.get_by_slug(session, slug)
    if org is None:
        raise NotFound(f"no organisation {slug!r}")
    return org


def get_public(session: Session, slug: str) -> OrganisationPublic:
    org = get_organisation(session, slug)
    assert org.id is not None
    return _public(
        [org], repo.tags_for(session, [org.id]), repo.groups_for(session, [org.id], today())
    )[0]


def list_relationships(
    session: Session, slug: str, *, limit: int = 20, offset: int = 0
) -> tuple[list[RelationshipPublic], int]:
    org = get_organisation(session, slug)
    assert org.id is not None
    rows, total = repo.relationships_of(session, org.id, limit=limit, offset=offset)
    now = today()
    return [
        RelationshipPublic(
            source=s,
            target=t,
            type=r.type,
            since=r.since,
            until=r.until,
            active=r.until is None or r.until >= now,
        )
        for r, s, t in rows
    ], total
