"""The transactional mails of the introduction workflow (built in the transaction, sent
after it commits)."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from convene.mail import Mail
from convene.models import Contact, IntroductionRequest, Organisation, User
from convene.settings import get_settings


def _base() -> str:
    return get_settings().base_url.rstrip("/")


def recipients(session: Session, org_id: int) -> list[Contact]:
    """The contacts who receive requests for an organisation (all of them if none is marked)."""
    contacts = list(
        session.execute(
            select(Contact).where(col(Contact.organisation_id) == org_id).order_by(col(Contact.id))
        ).scalars()
    )
    marked = [c for c in contacts if c.receives_requests]
    return marked or contacts


def _load(
    session: Session, request_id: int
) -> tuple[IntroductionRequest, Organisation, Organisation]:
    request = session.get(IntroductionRequest, request_id)
    assert request is not None
    source = session.get(Organisation, request.from_org_id)
    target = session.get(Organisation, request.to_org_id)
    assert source is not None and target is not None
    return request, source, target


def request_waiting_mail(session: Session, request_id: int, org_id: int | None) -> list[object]:
    """To the contacts of an organisation that must now answer a request."""
    request, source, target = _load(session, request_id)
    other = target if org_id == source.id else source
    assert org_id is not None
    link = f"{_base()}/introductions/{request_id}"
    who = "A coordinator proposes" if request.proposed else f"{source.name} asks for"
    return [
        Mail(
            to=contact.email,
            subject=f"Introduction request: {other.name}",
            text=(
                f"Hello {contact.name},\n\n{who} an introduction between {source.name} and "
                f"{target.name}.\n\nTheir motivation:\n{request.motivation}\n\n"
                f"Accept or decline here: {link}\n\nContact details are shared only when "
                "both sides agree.\n"
            ),
        )
        for contact in recipients(session, org_id)
    ]


def outcome_mail(session: Session, request_id: int, org_id: int | None) -> list[object]:
    """To whoever asked, when the request was rejected, declined or expired."""
    request, source, target = _load(session, request_id)
    state = str(request.state)
    requester = session.get(User, request.requested_by_id) if request.requested_by_id else None
    addresses = (
        [requester.email]
        if requester is not None
        else [c.email for c in recipients(session, org_id or source.id or 0)]
    )
    note = f"\nNote: {request.note}\n" if request.note else ""
    return [
        Mail(
            to=address,
            subject=f"Your introduction request to {target.name} was {state}",
            text=(
                f"Hello,\n\nThe introduction request from {source.name} to {target.name} "
                f"was {state}.\n{note}\nSee {_base()}/introductions/{request_id}\n"
            ),
        )
        for address in addresses
    ]


def introduction_mail(session: Session, request_id: int, _org_id: int | None) -> list[object]:
    """One mail that introduces both sides: names, roles, emails and the motivation."""
    request, source, target = _load(session, request_id)
    assert source.id is not None and target.id is not None
    sides = [(source, recipients(session, source.id)), (target, recipients(session, target.id))]
    lines = [
        f"Dear {source.name} and {target.name},",
        "",
        "Both of you agreed to this introduction. Here is who to talk to:",
        "",
    ]
    for org, contacts in sides:
        lines.append(f"{org.name}:")
        for c in contacts:
            role = f", {c.role}" if c.role else ""
            phone = f", {c.phone}" if c.phone else ""
            lines.append(f"  - {c.name}{role}: {c.email}{phone}")
        lines.append("")
    lines += ["Why this introduction:", request.motivation, "", "— Convene"]
    to = ", ".join(c.email for _, contacts in sides for c in contacts)
    return [
        Mail(
            to=to,
            subject=f"Introduction: {source.name} and {target.name}",
            text="\n".join(lines) + "\n",
        )
    ]
