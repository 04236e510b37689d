"""The introduction workflow: who may ask, approve, accept, decline, withdraw, and what
happens on each step.

States (PRODUCT.md): a member's request goes ``requested → approved → introduced`` (a
coordinator approves, the target accepts); a coordinator's proposal starts ``approved``,
becomes ``accepted`` when one side accepts and ``introduced`` when the other does. Or it
ends ``rejected`` (coordinator, with a note), ``declined`` (the side asked), ``withdrawn``
(the requester, any time before introduced) or ``expired``. Every change is one
conditional UPDATE on the current state and one audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from convene.db import after_commit
from convene.errors import Conflict, Forbidden, Invalid, NotFound
from convene.introductions import repository as repo
from convene.introductions.mails import (
    introduction_mail,
    outcome_mail,
    request_waiting_mail,
)
from convene.models import (
    GROUP_KINDS,
    OPEN_STATES,
    AuditEvent,
    AuditEventPublic,
    IntroductionCreate,
    IntroductionPublic,
    IntroductionRequest,
    IntroductionState,
    Organisation,
    Relationship,
    RelationshipType,
)
from convene.models.common import canonical_pair, utcnow
from convene.organisations import repository as orgs_repo
from convene.permissions import Actor, require_coordinator
from convene.settings import get_settings
from convene.suggestions.repository import mark_stale

S = IntroductionState
Request = IntroductionRequest


def _org(session: Session, slug: str, field: str) -> Organisation:
    org = orgs_repo.get_by_slug(session, slug)
    if org is None:
        raise NotFound(f"no organisation {slug!r}", field=field)
    return org


def audit(
    session: Session,
    actor: Actor | None,
    request_id: int,
    action: str,
    from_state: str | None,
    to_state: str | None,
    note: str | None = None,
) -> None:
    session.add(
        AuditEvent(
            actor_id=actor.user_id if actor else None,
            entity_type="introduction",
            entity_id=request_id,
            action=action,
            from_state=from_state,
            to_state=to_state,
            note=note,
        )
    )


# --------------------------------------------------------------------------- creating


def check_pair(session: Session, source: Organisation, target: Organisation) -> None:
    """Refuse what must never be introduced, each with a reason code (409)."""
    assert source.id is not None and target.id is not None
    if source.id == target.id:
        raise Conflict("an organisation cannot be introduced to itself", code="self")
    today = date.today()
    for rel in repo.relationships_between(session, source.id, target.id):
        if rel.type == RelationshipType.dispute:
            raise Conflict(f"{source.name} and {target.name} are in a dispute", code="dispute")
        active = rel.until is None or rel.until >= today
        if rel.type == RelationshipType.introduced or (
            active and rel.type != RelationshipType.member_of
        ):
            raise Conflict(
                f"{source.name} and {target.name} already know each other "
                f"({str(rel.type).replace('_', ' ')})",
                code="existing_relationship",
            )
    if not target.open_to_introductions:
        raise Conflict(f"{target.name} does not take introductions", code="opted_out")
    if repo.open_between(session, source.id, target.id) is not None:
        raise Conflict(
            "a request between these organisations is already pending", code="pending_request"
        )
    cooldown = get_settings().decline_cooldown_days
    since = utcnow() - timedelta(days=cooldown)
    if repo.closed_since(session, source.id, target.id, (S.declined, S.rejected), since):
        raise Conflict(
            f"a request between these organisations was declined or rejected in the last "
            f"{cooldown} days",
            code="recently_declined",
        )


def create(session: Session, actor: Actor, body: IntroductionCreate) -> IntroductionRequest:
    """A member asks for its own organisation; a coordinator proposes ``from`` → ``to``."""
    if body.from_ is not None and not actor.is_coordinator:
        if actor.org_slug != body.from_:
            raise Forbidden("you can only ask for introductions for your own organisation")
    if actor.is_coordinator and body.from_ is None:
        raise Invalid("coordinators propose an introduction: give from and to", field="from")
    if not actor.is_coordinator and actor.org_id is None:
        raise Forbidden("your account does not act for an organisation")
    from_slug = body.from_ if body.from_ is not None else actor.org_slug
    assert from_slug is not None
    source = _org(session, from_slug, "from")
    target = _org(session, body.to, "to")
    for org, field in ((source, "from"), (target, "to")):
        if org.kind in GROUP_KINDS:
            raise Invalid(
                f"{org.name} is a {org.kind}; introductions are between organisations",
                field=field,
            )
    check_pair(session, source, target)
    assert source.id is not None and target.id is not None
    proposed = actor.is_coordinator
    now = utcnow()
    low, high = repo.pair(source.id, target.id)
    request = Request(
        from_org_id=source.id,
        to_org_id=target.id,
        pair_low=low,
        pair_high=high,
        requested_by_id=actor.user_id,
        proposed=proposed,
        motivation=body.motivation.strip(),
        state=S.approved if proposed else S.requested,
        created_at=now,
        updated_at=now,
        approved_at=now if proposed else None,
    )
    try:
        with session.begin_nested():
            session.add(request)
            session.flush()
    except IntegrityError:
        # another request for the same pair committed between our check and our insert
        raise Conflict(
            "a request between these organisations is already pending", code="pending_request"
        ) from None
    assert request.id is not None
    audit(session, actor, request.id, "propose" if proposed else "request", None, request.state)
    mark_stale(session, [source.id, target.id])
    if proposed:
        for org in (source, target):
            _mail_later(session, request_waiting_mail, request.id, org.id)
    return request


# --------------------------------------------------------------------------- transitions


@dataclass(frozen=True)
class Step:
    to: IntroductionState
    from_states: tuple[IntroductionState, ...]


def _current(session: Session, request_id: int) -> IntroductionState:
    session.expire_all()
    found = session.get(Request, request_id)
    assert found is not None
    return IntroductionState(found.state)


def _refuse(session: Session, request_id: int, action: str) -> Conflict:
    state = _current(session, request_id)
    return Conflict(f"cannot {action}: the request is {state.value}", code="invalid_transition")


def _side(actor: Actor, request: Request) -> str | None:
    if actor.org_id is None:
        return None
    if actor.org_id == request.to_org_id:
        return "to"
    if actor.org_id == request.from_org_id:
        return "from"
    return None


def act(
    session: Session, actor: Actor, request_id: int, action: str, note: str | None = None
) -> IntroductionRequest:
    """Apply ``action`` (approve, reject, accept, decline, withdraw) for ``actor``."""
    request = repo.get_readable(session, actor, request_id)
    if request is None:
        raise NotFound(f"no introduction request {request_id}")
    handler = ACTIONS.get(action)
    if handler is None:
        raise NotFound(f"no action {action!r}")
    before = IntroductionState(request.state)
    after = handler(session, actor, request, note)
    audit(session, actor, request_id, action, before.value, after.value, note)
    session.flush()
    session.expire_all()
    refreshed = session.get(Request, request_id)
    assert refreshed is not None
    return refreshed


def _approve(session: Session, actor: Actor, request: Request, note: str | None) -> S:
    require_coordinator(actor, "approve requests")
    assert request.id is not None
    now = utcnow()
    if not repo.transition(
        session,
        request.id,
        (S.requested,),
        {"state": S.approved.value, "approved_at": now, "updated_at": now, "note": note},
    ):
        raise _refuse(session, request.id, "approve")
    _mail_later(session, request_waiting_mail, request.id, request.to_org_id)
    return S.approved


def _reject(session: Session, actor: Actor, request: Request, note: str | None) -> S:
    require_coordinator(actor, "reject requests")
    if not note or not note.strip():
        raise Invalid("a rejection needs a note for the requester", field="note")
    assert request.id is not None
    if not repo.transition(
        session,
        request.id,
        (S.requested,),
        {"state": S.rejected.value, "updated_at": utcnow(), "note": note.strip()},
    ):
        raise _refuse(session, request.id, "reject")
    _mail_later(session, outcome_mail, request.id, request.from_org_id)
    _stale(session, request)
    return S.rejected


def _accept(session: Session, actor: Actor, request: Request, _note: str | None) -> S:
    side = _side(actor, request)
    assert request.id is not None
    now = utcnow()
    if not request.proposed:
        if side != "to":
            raise Forbidden("only the organisation asked can accept")
        if not repo.transition(
            session,
            request.id,
            (S.approved,),
            {"state": S.introduced.value, "to_accepted": True, "updated_at": now},
        ):
            raise _refuse(session, request.id, "accept")
        _introduce(session, request)
        return S.introduced
    if side is None:
        raise Forbidden("only the two organisations can accept a proposed introduction")
    mine = col(Request.to_accepted) if side == "to" else col(Request.from_accepted)
    other = col(Request.from_accepted) if side == "to" else col(Request.to_accepted)
    flag = f"{side}_accepted"
    if repo.transition(
        session,
        request.id,
        (S.approved,),
        {"state": S.accepted.value, flag: True, "updated_at": now},
    ):
        return S.accepted
    if repo.transition(
        session,
        request.id,
        (S.accepted,),
        {"state": S.introduced.value, flag: True, "updated_at": now},
        extra=(mine.is_(False), other.is_(True)),
    ):
        _introduce(session, request)
        return S.introduced
    raise _refuse(session, request.id, "accept")


def _decline(session: Session, actor: Actor, request: Request, note: str | None) -> S:
    side = _side(actor, request)
    assert request.id is not None
    extra = ()
    if not request.proposed:
        if side != "to":
            raise Forbidden("only the organisation asked can decline")
        states: tuple[S, ...] = (S.approved,)
    else:
        if side is None:
            raise Forbidden("only the two organisations can decline a proposed introduction")
        states = (S.approved, S.accepted)
        mine = col(Request.to_accepted) if side == "to" else col(Request.from_accepted)
        extra = (mine.is_(False),)  # type: ignore[assignment]
    if not repo.transition(
        session,
        request.id,
        states,
        {"state": S.declined.value, "updated_at": utcnow(), "note": note},
        extra=extra,
    ):
        raise _refuse(session, request.id, "decline")
    _mail_later(session, outcome_mail, request.id, request.from_org_id)
    _stale(session, request)
    return S.declined


def _withdraw(session: Session, actor: Actor, request: Request, note: str | None) -> S:
    assert request.id is not None
    is_requester = actor.is_coordinator if request.proposed else _side(actor, request) == "from"
    if not (is_requester or actor.is_coordinator):
        raise Forbidden("only the requester can withdraw")
    if not repo.transition(
        session,
        request.id,
        OPEN_STATES,
        {"state": S.withdrawn.value, "updated_at": utcnow(), "note": note},
    ):
        raise _refuse(session, request.id, "withdraw")
    _stale(session, request)
    return S.withdrawn


Handler = Callable[[Session, Actor, Request, str | None], S]
ACTIONS: dict[str, Handler] = {
    "approve": _approve,
    "reject": _reject,
    "accept": _accept,
    "decline": _decline,
    "withdraw": _withdraw,
}


def _stale(session: Session, request: Request) -> None:
    mark_stale(session, [request.from_org_id, request.to_org_id])


def _introduce(session: Session, request: Request) -> None:
    """Both sides said yes: the graph gains an ``introduced`` edge and both get one mail."""
    ids = orgs_repo.slugs_by_id(session, [request.from_org_id, request.to_org_id])
    first, _ = canonical_pair(
        ids[request.from_org_id], ids[request.to_org_id], RelationshipType.introduced
    )
    source_id, target_id = (
        (request.from_org_id, request.to_org_id)
        if first == ids[request.from_org_id]
        else (request.to_org_id, request.from_org_id)
    )
    if not repo.introduced_relationship_exists(session, source_id, target_id):
        session.add(
            Relationship(
                source_id=source_id,
                target_id=target_id,
                type=RelationshipType.introduced,
                since=date.today(),
            )
        )
    _stale(session, request)
    assert request.id is not None
    _mail_later(session, introduction_mail, request.id, None)


def _mail_later(
    session: Session,
    build: Callable[[Session, int, int | None], list[object]],
    request_id: int,
    org_id: int | None,
) -> None:
    """Build the mail now (inside the transaction, from committed-to-be data) and send it
    only after the commit."""
    from convene.mail import Mail, send_mail

    session.flush()
    session.expire_all()  # the conditional UPDATE bypassed the identity map
    mails = build(session, request_id, org_id)

    def send() -> None:
        for mail in mails:
            assert isinstance(mail, Mail)
            send_mail(mail)

    after_commit(session, send)


# --------------------------------------------------------------------------- expiry


def expire(session: Session) -> int:
    """Expire open requests with no change for the configured number of days."""
    days = get_settings().introduction_expiry_days
    count = 0
    for request in repo.expirable(session, utcnow() - timedelta(days=days)):
        assert request.id is not None
        before = IntroductionState(request.state)
        if repo.transition(
            session,
            request.id,
            (before,),
            {"state": S.expired.value, "updated_at": utcnow()},
        ):
            audit(session, None, request.id, "expire", before.value, S.expired.value,
                  f"no answer within {days} days")  # fmt: skip
            _mail_later(session, outcome_mail, request.id, request.from_org_id)
            _stale(session, request)
            count += 1
    return count


# --------------------------------------------------------------------------- reading


def to_public(session: Session, requests: list[Request]) -> list[IntroductionPublic]:
    wanted = [r.from_org_id for r in requests] + [r.to_org_id for r in requests]
    ids = orgs_repo.slugs_by_id(session, wanted)
    names = orgs_repo.names_by_id(session, wanted)
    out = []
    for r in requests:
        assert r.id is not None
        out.append(
            IntroductionPublic(
                id=r.id,
                from_=ids[r.from_org_id],
                to=ids[r.to_org_id],
                from_name=names[r.from_org_id],
                to_name=names[r.to_org_id],
                state=IntroductionState(r.state),
                proposed=r.proposed,
                motivation=r.motivation,
                note=r.note,
                from_accepted=r.from_accepted,
                to_accepted=r.to_accepted,
                created_at=r.created_at,
                updated_at=r.updated_at,
            )
        )
    return out


def get(session: Session, actor: Actor, request_id: int) -> IntroductionRequest:
    request = repo.get_readable(session, actor, request_id)
    if request is None:
        raise NotFound(f"no introduction request {request_id}")
    return request


BOXES = ("outgoing", "incoming", "queue")


def list_requests(
    session: Session,
    actor: Actor,
    *,
    box: str | None,
    state: str | None,
    limit: int,
    offset: int,
) -> tuple[list[IntroductionPublic], int]:
    if box == "queue":
        require_coordinator(actor, "read the queue")
    rows, total = repo.list_readable(
        session, actor, box=box, state=state, limit=limit, offset=offset
    )
    return to_public(session, rows), total


def _events_public(rows: list[tuple[AuditEvent, str | None]]) -> list[AuditEventPublic]:
    out = []
    for event, email in rows:
        assert event.id is not None
        out.append(
            AuditEventPublic(
                id=event.id,
                at=event.at,
                actor=email,
                entity_type=event.entity_type,
                entity_id=event.entity_id,
                action=event.action,
                from_state=event.from_state,
                to_state=event.to_state,
                note=event.note,
            )
        )
    return out


def events(session: Session, actor: Actor, request_id: int) -> list[AuditEventPublic]:
    get(session, actor, request_id)  # 404 unless the actor may read the request
    return _events_public(repo.events_for(session, request_id))


def audit_log(
    session: Session, actor: Actor, *, limit: int, offset: int
) -> tuple[list[AuditEventPublic], int]:
    require_coordinator(actor, "read the audit log")
    rows, total = repo.all_events(session, limit=limit, offset=offset)
    return _events_public(rows), total


def exclusion_slug_pairs(session: Session, slugs: dict[int, str]) -> list[tuple[str, str]]:
    since = utcnow() - timedelta(days=get_settings().decline_cooldown_days)
    return [
        (slugs[a], slugs[b])
        for a, b in repo.exclusion_pairs(session, since)
        if a in slugs and b in slugs
    ]
