"""Reading and managing an organisation's contacts.

Names and roles are part of the directory. Emails and phones are shown only to the
organisation itself, to coordinators, and to an organisation that has completed an
introduction with it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import and_, or_, select
from sqlmodel import Session, col

from convene.errors import Conflict, Invalid, NotFound
from convene.models import (
    Contact,
    DigestPreference,
    IntroductionRequest,
    IntroductionState,
    Language,
    Organisation,
    Relationship,
    RelationshipType,
)
from convene.models.contacts import EMAIL_PATTERN
from convene.organisations.service import get_organisation
from convene.permissions import Actor, require_acts_for


class ContactView(BaseModel):
    id: int
    name: str
    role: str
    email: str | None = None
    phone: str | None = None
    language: Language | None = None
    digest: DigestPreference | None = None
    receives_requests: bool | None = None


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    role: str = Field(default="", max_length=200)
    email: str = Field(max_length=254, pattern=EMAIL_PATTERN)
    phone: str | None = Field(default=None, max_length=40)
    language: Language = Language.en
    digest: DigestPreference = DigestPreference.weekly
    receives_requests: bool = True


class ContactPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    role: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254, pattern=EMAIL_PATTERN)
    phone: str | None = Field(default=None, max_length=40)
    language: Language | None = None
    digest: DigestPreference | None = None
    receives_requests: bool | None = None


def introduced(session: Session, a: int, b: int) -> bool:
    """Whether an introduction between the two organisations has completed."""
    pair = or_(
        and_(col(Relationship.source_id) == a, col(Relationship.target_id) == b),
        and_(col(Relationship.source_id) == b, col(Relationship.target_id) == a),
    )
    if session.execute(
        select(col(Relationship.id)).where(
            pair, col(Relationship.type) == RelationshipType.introduced
        )
    ).first():
        return True
    low, high = (a, b) if a < b else (b, a)
    return (
        session.execute(
            select(col(IntroductionRequest.id)).where(
                col(IntroductionRequest.pair_low) == low,
                col(IntroductionRequest.pair_high) == high,
                col(IntroductionRequest.state) == IntroductionState.introduced.value,
            )
        ).first()
        is not None
    )


def may_see_details(session: Session, actor: Actor, org: Organisation) -> bool:
    assert org.id is not None
    if actor.acts_for(org.id):
        return True
    return actor.org_id is not None and introduced(session, actor.org_id, org.id)


def _view(contact: Contact, details: bool, own: bool) -> ContactView:
    assert contact.id is not None
    view = ContactView(id=contact.id, name=contact.name, role=contact.role)
    if details:
        view.email, view.phone = contact.email, contact.phone
    if own:
        view.language = Language(contact.language)
        view.digest = DigestPreference(contact.digest)
        view.receives_requests = contact.receives_requests
    return view


def list_contacts(
    session: Session, actor: Actor, slug: str, *, limit: int, offset: int
) -> tuple[list[ContactView], int]:
    org = get_organisation(session, slug)
    assert org.id is not None
    details = may_see_details(session, actor, org)
    own = actor.acts_for(org.id)
    rows = list(
        session.execute(
            select(Contact)
            .where(col(Contact.organisation_id) == org.id)
            .order_by(col(Contact.name), col(Contact.id))
        ).scalars()
    )
    return [_view(c, details, own) for c in rows[offset : offset + limit]], len(rows)


def _email_taken(session: Session, email: str, except_id: int | None = None) -> bool:
    from sqlalchemy import func

    statement = select(col(Contact.id)).where(func.lower(col(Contact.email)) == email.lower())
    if except_id is not None:
        statement = statement.where(col(Contact.id) != except_id)
    return session.execute(statement).first() is not None


def add_contact(session: Session, actor: Actor, slug: str, body: ContactIn) -> ContactView:
    org = get_organisation(session, slug)
    assert org.id is not None
    require_acts_for(actor, org.id, "manage its contacts")
    if _email_taken(session, body.email):
        raise Conflict(
            f"a contact with email {body.email} exists", code="email_taken", field="email"
        )
    contact = Contact(organisation_id=org.id, **body.model_dump())
    session.add(contact)
    session.flush()
    return _view(contact, True, True)


def _own_contact(session: Session, actor: Actor, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id)
    # another organisation's contact is "not found", never "forbidden"
    if contact is None or not actor.acts_for(contact.organisation_id):
        raise NotFound(f"no contact {contact_id}")
    return contact


def update_contact(
    session: Session, actor: Actor, contact_id: int, body: ContactPatch
) -> ContactView:
    contact = _own_contact(session, actor, contact_id)
    changes = body.model_dump(exclude_unset=True)
    for key in ("name", "email", "language", "digest", "receives_requests"):
        if key in changes and changes[key] is None:
            raise Invalid(f"{key} cannot be empty", field=key)
    if "email" in changes and _email_taken(session, changes["email"], contact_id):
        raise Conflict(f"a contact with email {changes['email']} exists", code="email_taken",
                       field="email")  # fmt: skip
    for key, value in changes.items():
        if value is None and key in ("name", "role", "language", "digest", "receives_requests"):
            continue
        setattr(contact, key, value)
    session.add(contact)
    session.flush()
    return _view(contact, True, True)


def remove_contact(session: Session, actor: Actor, contact_id: int) -> None:
    contact = _own_contact(session, actor, contact_id)
    session.delete(contact)
    session.flush()
