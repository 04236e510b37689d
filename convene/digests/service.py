"""Digest rules that pages and the CLI share: previews and unsubscribing.

Services take the session first and never commit (the request or command does).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from convene.digests import repository as repo
from convene.digests.content import Digest, build_digests, render_mail
from convene.digests.tokens import contact_id_from
from convene.digests.weeks import IsoWeek, current_week
from convene.errors import Invalid, NotFound
from convene.i18n import N_
from convene.mail import Mail
from convene.models import Contact, DigestPreference
from convene.permissions import Actor, require_coordinator

NOT_DUE = {
    "no_email": N_("this contact has no email address"),
    "never": N_("this contact does not want the weekly digest"),
    "suppressed": N_("the mail server refused this address permanently"),
    "empty": N_("nothing is new for this contact this week, so no digest is sent"),
}


@dataclass
class Preview:
    """A contact's digest for a week, as the sender would build it."""

    contact: Contact
    week: IsoWeek
    digest: Digest
    mail: Mail | None  # None when nothing is new
    not_due: str | None  # a key of NOT_DUE when this contact gets no digest this week


def preview(session: Session, email: str, week: IsoWeek | None = None) -> Preview:
    """The digest ``email``'s contact gets (or would get) for ``week`` (default: this week)."""
    if not email.strip():
        raise Invalid("give the contact's email address", field="contact")
    contact = repo.contact_by_email(session, email)
    if contact is None:
        raise NotFound(f"no contact with the email {email.strip()!r}", field="contact")
    week = week or current_week()
    [digest] = build_digests(session, [contact], week)
    not_due: str | None = None
    if contact.digest != DigestPreference.weekly:
        not_due = "never"
    elif repo.is_suppressed(session, contact.email):
        not_due = "suppressed"
    elif digest.is_empty:
        not_due = "empty"
    mail = None if digest.is_empty else render_mail(digest)
    return Preview(contact=contact, week=week, digest=digest, mail=mail, not_due=not_due)


def preview_for(session: Session, actor: Actor, email: str) -> Preview:
    require_coordinator(actor, "preview other contacts' digests")
    return preview(session, email)


def unsubscribe_target(session: Session, token: str) -> Contact:
    """The contact an unsubscribe link is for (reading only)."""
    contact = session.get(Contact, contact_id_from(token))
    if contact is None:
        raise NotFound("this unsubscribe link is for a contact that no longer exists")
    return contact


def unsubscribe(session: Session, token: str) -> Contact:
    """One click: the signed token is the proof, so no sign-in and no CSRF token."""
    contact = unsubscribe_target(session, token)
    assert contact.id is not None
    repo.set_preference(session, contact.id, DigestPreference.never)
    session.refresh(contact)
    return contact
