"""Reading the directory: organisations with their tags, groups and relationships."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, select
from sqlmodel import Session, col

from convene.errors import Conflict, Invalid, NotFound
from convene.models import (
    GROUP_KINDS,
    GroupRef,
    Organisation,
    OrganisationCreate,
    OrganisationPublic,
    OrganisationTag,
    OrganisationUpdate,
    Relationship,
    RelationshipPublic,
    RelationshipType,
)
from convene.models.common import canonical_pair, utcnow
from convene.organisations import repository as repo
from convene.organisations.repository import OrganisationFilter
from convene.permissions import Actor, require_acts_for, require_coordinator
from convene.suggestions.repository import mark_stale
from convene.vocabulary.service import load_vocabulary

PUBLIC_FIELDS = (
    "slug", "name", "kind", "description", "offers", "seeks", "size_band", "website",
    "open_to_introductions", "created_at", "updated_at",
)  # fmt: skip


def today() -> date:
    return date.today()


def _public(
    orgs: list[Organisation], tags: dict[int, repo.TagSet], groups: dict[int, list[repo.GroupRow]]
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
) -> tuple[list[RelationshipView], int]:
    org = get_organisation(session, slug)
    assert org.id is not None
    rows, total = repo.relationships_of(session, org.id, limit=limit, offset=offset)
    return [_view(r, s, t, sn, tn) for r, s, t, sn, tn in rows], total


# --------------------------------------------------------------------------- editing


class RelationshipIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target: str = Field(description="Slug of the other organisation")
    type: RelationshipType
    since: date
    until: date | None = None


class RelationshipEnd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    until: date


class RelationshipView(RelationshipPublic):
    id: int
    source_name: str | None = None
    target_name: str | None = None


def _check_vocabulary(
    session: Session, sectors: list[str] | None, themes: list[str] | None
) -> None:
    vocabulary = load_vocabulary(session)
    for field, values, known in (
        ("sectors", sectors, vocabulary.sectors),
        ("themes", themes, vocabulary.themes),
    ):
        for value in values or []:
            if value not in known:
                raise Invalid(f"unknown {field[:-1]} {value!r}", field=field)


def update_organisation(
    session: Session, actor: Actor, slug: str, body: OrganisationUpdate
) -> OrganisationPublic:
    """Its members or a coordinator edit a profile, validated like an import."""
    org = get_organisation(session, slug)
    assert org.id is not None
    require_acts_for(actor, org.id, "edit this organisation")
    changes = body.model_dump(exclude_unset=True)
    _check_vocabulary(session, changes.get("sectors"), changes.get("themes"))
    for key in ("name", "description", "offers", "seeks", "open_to_introductions"):
        if key in changes and changes[key] is None:
            raise Invalid(f"{key} cannot be null", field=key)
    for key in ("name", "description", "offers", "seeks", "size_band", "website",
                "open_to_introductions"):  # fmt: skip
        if key in changes:
            setattr(org, key, changes[key])
    tag_changes = {f: changes[f] for f in ("sectors", "countries", "themes") if f in changes}
    if tag_changes:
        facets = {"sectors": "sector", "countries": "country", "themes": "theme"}
        for field, values in tag_changes.items():
            session.execute(
                delete(OrganisationTag).where(
                    col(OrganisationTag.organisation_id) == org.id,
                    col(OrganisationTag.facet) == facets[field],
                )
            )
            for value in values or []:
                session.add(
                    OrganisationTag(organisation_id=org.id, facet=facets[field], value=value)
                )
    org.updated_at = utcnow()
    session.add(org)
    session.flush()
    mark_stale(session, [org.id])
    return get_public(session, slug)


def add_relationship(
    session: Session, actor: Actor, slug: str, body: RelationshipIn
) -> RelationshipView:
    """Coordinators add relationships (a dispute is one too)."""
    require_coordinator(actor, "add relationships")
    source = get_organisation(session, slug)
    target = repo.get_by_slug(session, body.target)
    if target is None:
        raise Invalid(f"unknown organisation {body.target!r}", field="target")
    if source.id == target.id:
        raise Invalid("an organisation cannot be related to itself", field="target")
    if body.until is not None and body.until < body.since:
        raise Invalid("until is before since", field="until")
    if body.type is RelationshipType.member_of and target.kind not in GROUP_KINDS:
        raise Invalid(
            f"member_of needs a covenant, network or programme; {target.slug!r} is a {target.kind}",
            field="target",
        )
    first, _ = canonical_pair(source.slug, target.slug, body.type)
    a, b = (source, target) if first == source.slug else (target, source)
    assert a.id is not None and b.id is not None
    existing = session.execute(
        select(Relationship).where(
            col(Relationship.source_id) == a.id,
            col(Relationship.target_id) == b.id,
            col(Relationship.type) == body.type.value,
        )
    ).scalar_one_or_none()
    if existing is not None:
        raise Conflict(
            f"{a.slug} {body.type.value} {b.slug} already exists", code="relationship_exists"
        )
    rel = Relationship(
        source_id=a.id, target_id=b.id, type=body.type, since=body.since, until=body.until
    )
    session.add(rel)
    session.flush()
    mark_stale(session, [a.id, b.id])
    return _view(rel, a.slug, b.slug)


def end_relationship(
    session: Session, actor: Actor, relationship_id: int, body: RelationshipEnd
) -> RelationshipView:
    require_coordinator(actor, "end relationships")
    rel = session.get(Relationship, relationship_id)
    if rel is None:
        raise NotFound(f"no relationship {relationship_id}")
    if body.until < rel.since:
        raise Invalid("until is before since", field="until")
    rel.until = body.until
    session.add(rel)
    session.flush()
    mark_stale(session, [rel.source_id, rel.target_id])
    slugs = repo.slugs_by_id(session, [rel.source_id, rel.target_id])
    return _view(rel, slugs[rel.source_id], slugs[rel.target_id])


def _view(
    rel: Relationship,
    source: str,
    target: str,
    source_name: str | None = None,
    target_name: str | None = None,
) -> RelationshipView:
    assert rel.id is not None
    return RelationshipView(
        id=rel.id,
        source=source,
        target=target,
        source_name=source_name,
        target_name=target_name,
        type=RelationshipType(rel.type),
        since=rel.since,
        until=rel.until,
        active=rel.until is None or rel.until >= today(),
    )


def group_choices(session: Session) -> list[repo.GroupRow]:
    return repo.group_rows(session)


def create_organisation(session: Session, actor: Actor, body: OrganisationCreate) -> Organisation:
    """Coordinators add an organisation (validated like an import)."""
    require_coordinator(actor, "add organisations")
    if repo.get_by_slug(session, body.slug) is not None:
        raise Conflict(f"an organisation {body.slug!r} exists", code="slug_taken", field="slug")
    _check_vocabulary(session, body.sectors, body.themes)
    org = Organisation(**body.model_dump(exclude={"sectors", "countries", "themes"}))
    session.add(org)
    session.flush()
    assert org.id is not None
    for facet, values in (("sector", body.sectors), ("country", body.countries),
                          ("theme", body.themes)):  # fmt: skip
        for value in values:
            session.add(OrganisationTag(organisation_id=org.id, facet=facet, value=value))
    session.flush()
    mark_stale(session, [org.id])
    return org
