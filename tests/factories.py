"""Small keyword-only builders for test data; each flushes and returns the row."""

from __future__ import annotations

import functools
import itertools
from datetime import date

from sqlmodel import Session

from convene.models import (
    Contact,
    Organisation,
    OrganisationKind,
    OrganisationTag,
    Relationship,
    RelationshipType,
    Role,
    User,
)
from convene.models.common import canonical_pair
from convene.vocabulary.service import sync_vocabulary

_counter = itertools.count(1)


def make_vocabulary(session: Session) -> None:
    sync_vocabulary(session)


def make_organisation(
    session: Session,
    *,
    slug: str | None = None,
    name: str | None = None,
    kind: OrganisationKind | str = OrganisationKind.company,
    description: str = "",
    offers: str = "",
    seeks: str = "",
    sectors: tuple[str, ...] = (),
    countries: tuple[str, ...] = (),
    themes: tuple[str, ...] = (),
    open_to_introductions: bool = True,
) -> Organisation:
    n = next(_counter)
    slug = slug or f"org-{n}"
    org = Organisation(
        slug=slug,
        name=name or slug.replace("-", " ").title(),
        kind=OrganisationKind(kind),
        description=description,
        offers=offers,
        seeks=seeks,
        open_to_introductions=open_to_introductions,
    )
    session.add(org)
    session.flush()
    assert org.id is not None
    for facet, values in (("sector", sectors), ("country", countries), ("theme", themes)):
        for value in values:
            session.add(OrganisationTag(organisation_id=org.id, facet=facet, value=value))
    session.flush()
    return org


def make_relationship(
    session: Session,
    *,
    source: Organisation,
    target: Organisation,
    type: RelationshipType | str = RelationshipType.partner,
    since: date = date(2020, 1, 1),
    until: date | None = None,
) -> Relationship:
    rel_type = RelationshipType(type)
    first, _ = canonical_pair(source.slug, target.slug, rel_type)
    if first != source.slug:
        source, target = target, source
    assert source.id is not None and target.id is not None
    rel = Relationship(
        source_id=source.id, target_id=target.id, type=rel_type, since=since, until=until
    )
    session.add(rel)
    session.flush()
    return rel


def make_contact(
    session: Session,
    *,
    organisation: Organisation,
    name: str = "Anna de Vries",
    email: str | None = None,
    role: str = "CSR manager",
    language: str = "en",
) -> Contact:
    assert organisation.id is not None
    contact = Contact(
        organisation_id=organisation.id,
        name=name,
        email=email or f"contact{next(_counter)}@example.org",
        role=role,
        language=language,  # type: ignore[arg-type]
    )
    session.add(contact)
    session.flush()
    return contact


def make_user(
    session: Session,
    *,
    role: str = "member",
    organisation: Organisation | None = None,
    email: str | None = None,
    name: str = "Anna de Vries",
    contact_role: str = "CSR manager",
    password: str = "a-long-test-password",
) -> User:
    """A user (with a contact at ``organisation`` for members)."""
    contact = None
    if organisation is not None:
        contact = make_contact(
            session, organisation=organisation, email=email, name=name, role=contact_role
        )
    user = User(
        email=contact.email if contact else (email or f"user{next(_counter)}@example.org"),
        role=Role(role),
        password_hash=hash_password(password),
        contact_id=contact.id if contact else None,
    )
    session.add(user)
    session.flush()
    return user


@functools.lru_cache
def hash_password(password: str) -> str:
    """argon2id is slow on purpose; hash each test password once per run."""
    from convene.accounts.passwords import hash_password as real_hash

    return real_hash(password)


def make_token(session: Session, user: User, name: str = "tests") -> str:
    from convene.accounts.service import create_token

    return create_token(session, user, name).token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
