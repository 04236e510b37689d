"""Creating users: a user is a sign-in for a contact (linked or created)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session, col

from convene.accounts.passwords import check_password_rules, hash_password
from convene.errors import Conflict, Invalid, NotFound
from convene.models import Contact, Role, User
from convene.organisations import repository as orgs_repo


def create_user(
    session: Session,
    *,
    email: str,
    role: Role,
    password: str,
    org_slug: str | None = None,
    name: str | None = None,
) -> User:
    """Create a user for ``email``; link the contact with that email or create one at ``org``."""
    email = email.strip()
    if "@" not in email:
        raise Invalid(f"not an email address: {email!r}", field="email")
    if role is Role.member and not org_slug:
        raise Invalid("a member acts for one organisation: give --org", field="org")
    check_password_rules(password)
    lowered = email.lower()
    if session.execute(select(User).where(func.lower(col(User.email)) == lowered)).first():
        raise Conflict(f"a user with email {email} already exists", code="user_exists")
    contact = session.execute(
        select(Contact).where(func.lower(col(Contact.email)) == lowered)
    ).scalar_one_or_none()
    org = None
    if org_slug:
        org = orgs_repo.get_by_slug(session, org_slug)
        if org is None:
            raise NotFound(f"no organisation {org_slug!r}", field="org")
    if contact is not None and org is not None and contact.organisation_id != org.id:
        raise Conflict(
            f"contact {email} belongs to another organisation than {org_slug!r}",
            code="contact_elsewhere",
        )
    if contact is None and org is not None:
        contact = Contact(
            organisation_id=org.id,  # type: ignore[arg-type]
            name=name or email.split("@")[0],
            email=email,
        )
        session.add(contact)
        session.flush()
    if role is Role.member and contact is None:
        raise Invalid("a member needs a contact at an organisation", field="org")
    user = User(
        email=email,
        role=role,
        password_hash=hash_password(password),
        contact_id=contact.id if contact else None,
    )
    session.add(user)
    session.flush()
    return user
