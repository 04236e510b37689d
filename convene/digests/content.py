"""What goes into one contact's digest, and the message that carries it.

Digests are built a batch of contacts at a time with a handful of queries (the sender
handles tens of thousands a run). A :class:`Digest` holds plain values only, so it can be
rendered after the read transaction that built it has ended.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlmodel import Session

from convene import i18n
from convene.digests import repository as repo
from convene.digests.tokens import unsubscribe_url
from convene.digests.weeks import TIMEZONE, IsoWeek
from convene.i18n import N_, ngettext
from convene.mail import Mail
from convene.models import (
    AuditEvent,
    Contact,
    DigestPreference,
    IntroductionRequest,
    Organisation,
    SuggestionKind,
)
from convene.settings import get_settings
from convene.suggestions.service import to_public

MAX_DIGESTS_PER_SUGGESTION = 3
SUGGESTIONS_PER_KIND = 5
QUEUE_OLDEST = 5
MOTIVATION_CHARS = 300
TEMPLATES_DIR = Path(__file__).parent / "templates"

# what happened to a request, said to the organisation that is party to it
OUTCOMES: dict[str, str] = {
    "approved": N_("approved by a coordinator; now it is up to {other}"),
    "rejected": N_("rejected by a coordinator"),
    "accepted": N_("accepted by one side; waiting for the other"),
    "introduced": N_("introduced: you can now see each other's contact details"),
    "declined": N_("declined by {other}"),
    "withdrawn": N_("withdrawn by the requester"),
    "expired": N_("expired without an answer"),
}


@dataclass
class SuggestionItem:
    name: str
    url: str
    kind: str
    reasons: list[str]


@dataclass
class RequestItem:
    url: str
    other: str
    proposed: bool
    motivation: str
    since: str


@dataclass
class UpdateItem:
    url: str
    other: str
    outcome: str
    note: str | None
    on: str


@dataclass
class QueueItem:
    url: str
    source: str
    target: str
    since: str


@dataclass
class QueueSummary:
    total: int
    url: str
    oldest: list[QueueItem] = field(default_factory=list)


@dataclass
class Digest:
    contact_id: int
    name: str
    email: str
    language: str
    organisation: str
    week: IsoWeek
    week_date: str
    wants_digest: bool
    # a company's peers are companies and its stakeholders unions, NGOs…; for a
    # stakeholder it is the other way round, and the headings say so
    is_company: bool = True
    peers: list[SuggestionItem] = field(default_factory=list)
    stakeholders: list[SuggestionItem] = field(default_factory=list)
    waiting: list[RequestItem] = field(default_factory=list)
    updates: list[UpdateItem] = field(default_factory=list)
    queue: QueueSummary | None = None
    # (organisation id, candidate id) of every suggestion shown, counted once sent
    shown: list[tuple[int, int]] = field(default_factory=list)

    @property
    def suggestion_count(self) -> int:
        return len(self.peers) + len(self.stakeholders)

    @property
    def is_empty(self) -> bool:
        queued = self.queue.total if self.queue else 0
        return not (self.suggestion_count or self.waiting or self.updates or queued)


def _base() -> str:
    return get_settings().base_url.rstrip("/")


def _local_date(value: datetime, language: str) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return i18n.format_date(aware.astimezone(TIMEZONE), language)


def _still_showable(
    shown: dict[tuple[int, int, int], tuple[int, str]], key: tuple[int, int, int], week: str
) -> bool:
    times, last_week = shown.get(key, (0, ""))
    if last_week == week:
        times -= 1  # this week's own digest (already sent) does not count against itself
    return times < MAX_DIGESTS_PER_SUGGESTION


@dataclass
class _Batch:
    """Everything the digests of one batch of contacts are made from."""

    suggestions: dict[int, list[repo.SuggestionRow]]
    dismissed: set[tuple[int, int]]
    requested: set[tuple[int, int]]
    shown: dict[tuple[int, int, int], tuple[int, str]]
    waiting: dict[int, list[IntroductionRequest]]
    events: dict[int, list[tuple[AuditEvent, IntroductionRequest]]]
    coordinators: set[int]
    organisations: dict[int, Organisation]


def _load(session: Session, contacts: Sequence[Contact], week: IsoWeek) -> _Batch:
    org_ids = sorted({c.organisation_id for c in contacts})
    contact_ids = [c.id for c in contacts if c.id is not None]
    suggestions: dict[int, list[repo.SuggestionRow]] = defaultdict(list)
    for row in repo.suggestions_for(session, org_ids):
        suggestions[row.organisation_id].append(row)
    waiting: dict[int, list[IntroductionRequest]] = defaultdict(list)
    wanted = set(org_ids)
    for request in repo.waiting_requests(session, org_ids):
        for org_id in (request.from_org_id, request.to_org_id):
            if org_id in wanted and _waits_for(request, org_id):
                waiting[org_id].append(request)
    events: dict[int, list[tuple[AuditEvent, IntroductionRequest]]] = defaultdict(list)
    since, until = week.previous().starts.astimezone(UTC), week.starts.astimezone(UTC)
    for event, request in repo.request_events(session, org_ids, since, until):
        for org_id in (request.from_org_id, request.to_org_id):
            if org_id in wanted and _party_to(request, org_id):
                events[org_id].append((event, request))
    mentioned = set(org_ids)
    for requests in waiting.values():
        mentioned.update(i for r in requests for i in (r.from_org_id, r.to_org_id))
    for pairs in events.values():
        mentioned.update(i for _, r in pairs for i in (r.from_org_id, r.to_org_id))
    return _Batch(
        suggestions=suggestions,
        dismissed=repo.dismissed_pairs(session, org_ids),
        requested=repo.requested_pairs(session, org_ids),
        shown=repo.shown_counts(session, contact_ids),
        waiting=waiting,
        events=events,
        coordinators=repo.coordinator_contact_ids(session, contact_ids),
        organisations=repo.organisations_by_id(session, mentioned),
    )


def _waits_for(request: IntroductionRequest, org_id: int) -> bool:
    if not request.proposed:
        return request.to_org_id == org_id
    if request.from_org_id == org_id:
        return not request.from_accepted
    return request.to_org_id == org_id and not request.to_accepted


def _party_to(request: IntroductionRequest, org_id: int) -> bool:
    """Own requests, and both sides of a coordinator's proposal."""
    return request.from_org_id == org_id or (request.proposed and request.to_org_id == org_id)


def _pick_suggestions(
    contact: Contact, batch: _Batch, week: str
) -> dict[str, list[repo.SuggestionRow]]:
    assert contact.id is not None
    org_id = contact.organisation_id
    picked: dict[str, list[repo.SuggestionRow]] = {k.value: [] for k in SuggestionKind}
    for row in batch.suggestions.get(org_id, []):
        chosen = picked.get(str(row.kind))
        if chosen is None or len(chosen) >= SUGGESTIONS_PER_KIND:
            continue
        pair = (org_id, row.candidate_id)
        ordered = (min(pair), max(pair))
        if pair in batch.dismissed or ordered in batch.requested:
            continue  # dismissed or acted on: never again
        if not _still_showable(batch.shown, (contact.id, org_id, row.candidate_id), week):
            continue
        chosen.append(row)
    return picked


def build_digests(
    session: Session,
    contacts: Sequence[Contact],
    week: IsoWeek,
    *,
    queue: tuple[int, list[IntroductionRequest]] | None = None,
) -> list[Digest]:
    """The digests of ``contacts`` for ``week`` (empty ones included), in their order.

    ``queue`` is the coordinators' queue (count, oldest) when the caller already has it.
    """
    if not contacts:
        return []
    batch = _load(session, contacts, week)
    week_text = str(week)
    picks = {c.id: _pick_suggestions(c, batch, week_text) for c in contacts}
    candidate_ids = {
        row.candidate_id for pick in picks.values() for rows in pick.values() for row in rows
    }
    candidates = repo.organisations_by_id(session, candidate_ids)
    rendered: dict[tuple[str, int, int, str], SuggestionItem] = {}
    for language in {str(c.language) for c in contacts}:
        rows = [
            row
            for c in contacts
            if str(c.language) == language
            for pick in picks[c.id].values()
            for row in pick
        ]
        unique = list({(r.organisation_id, r.candidate_id, r.kind): r for r in rows}.values())
        publics = to_public(
            session, [(r, candidates[r.candidate_id]) for r in unique], language=language
        )
        for row, public in zip(unique, publics, strict=True):
            rendered[(language, row.organisation_id, row.candidate_id, str(row.kind))] = (
                SuggestionItem(
                    name=public.name,
                    url=f"{_base()}/organisations/{public.candidate}",
                    kind=str(row.kind),
                    reasons=[reason.text for reason in public.reasons],
                )
            )
    if batch.coordinators and queue is None:
        queue = repo.queue(session, QUEUE_OLDEST)
    if queue is not None:
        batch.organisations.update(
            repo.organisations_by_id(
                session,
                {i for r in queue[1] for i in (r.from_org_id, r.to_org_id)}
                - set(batch.organisations),
            )
        )
    return [
        _digest(contact, batch, week, picks[contact.id], rendered, queue) for contact in contacts
    ]


def _digest(
    contact: Contact,
    batch: _Batch,
    week: IsoWeek,
    pick: dict[str, list[repo.SuggestionRow]],
    rendered: dict[tuple[str, int, int, str], SuggestionItem],
    queue: tuple[int, list[IntroductionRequest]] | None,
) -> Digest:
    assert contact.id is not None
    language = str(contact.language)
    org_id = contact.organisation_id
    orgs = batch.organisations
    base = _base()

    def name(i: int) -> str:
        org = orgs.get(i)
        return org.name if org else "?"

    def other(request: IntroductionRequest) -> str:
        return name(request.to_org_id if request.from_org_id == org_id else request.from_org_id)

    def items(kind: SuggestionKind) -> list[SuggestionItem]:
        return [
            rendered[(language, r.organisation_id, r.candidate_id, str(r.kind))]
            for r in pick[kind.value]
        ]

    digest = Digest(
        contact_id=contact.id,
        name=contact.name,
        email=contact.email.strip(),
        language=language,
        organisation=name(org_id),
        week=week,
        week_date=i18n.format_date(week.monday, language),
        wants_digest=contact.digest == DigestPreference.weekly,
        is_company=str(getattr(orgs.get(org_id), "kind", "company")) == "company",
        peers=items(SuggestionKind.peer),
        stakeholders=items(SuggestionKind.stakeholder),
        shown=[(org_id, r.candidate_id) for rows in pick.values() for r in rows],
    )
    for request in batch.waiting.get(org_id, []):
        motivation = request.motivation
        if len(motivation) > MOTIVATION_CHARS:
            motivation = motivation[: MOTIVATION_CHARS - 1].rstrip() + "…"
        digest.waiting.append(
            RequestItem(
                url=f"{base}/introductions/{request.id}",
                other=other(request),
                proposed=request.proposed,
                motivation=motivation,
                since=_local_date(request.approved_at or request.created_at, language),
            )
        )
    for event, request in batch.events.get(org_id, []):
        template = OUTCOMES.get(event.to_state or "")
        if template is None:
            continue
        digest.updates.append(
            UpdateItem(
                url=f"{base}/introductions/{request.id}",
                other=other(request),
                outcome=i18n.gettext(template, language).format(other=other(request)),
                note=event.note,
                on=_local_date(event.at, language),
            )
        )
    if contact.id in batch.coordinators and queue is not None and queue[0]:
        digest.queue = QueueSummary(
            total=queue[0],
            url=f"{base}/coordinator/queue",
            oldest=[
                QueueItem(
                    url=f"{base}/introductions/{r.id}",
                    source=name(r.from_org_id),
                    target=name(r.to_org_id),
                    since=_local_date(r.created_at, language),
                )
                for r in queue[1]
            ],
        )
    return digest


# --------------------------------------------------------------------------- the message


@lru_cache(maxsize=8)
def _environment(language: str, html: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(default=html, default_for_string=html),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message: i18n.gettext(message, language),
        ngettext=lambda singular, plural, n: i18n.ngettext(singular, plural, n, language),
        newstyle=True,
    )
    return env


@lru_cache(maxsize=1)
def _inliner() -> Any:
    import css_inline

    return css_inline.CSSInliner(
        keep_style_tags=False, keep_link_tags=False, load_remote_stylesheets=False
    )


def subject(digest: Digest) -> str:
    """E.g. "Your Convene week 2026-W48: 3 suggestions, 1 request waiting"."""
    language = digest.language
    queued = digest.queue.total if digest.queue else 0
    # literal ngettext calls, so that `pybabel extract` sees each pair as one plural message
    parts = [
        text.format(n=n)
        for n, text in (
            (
                digest.suggestion_count,
                ngettext("{n} suggestion", "{n} suggestions", digest.suggestion_count, language),
            ),
            (
                len(digest.waiting),
                ngettext(
                    "{n} request waiting", "{n} requests waiting", len(digest.waiting), language
                ),
            ),
            (
                len(digest.updates),
                ngettext(
                    "{n} update on your requests",
                    "{n} updates on your requests",
                    len(digest.updates),
                    language,
                ),
            ),
            (
                queued,
                ngettext("{n} request in the queue", "{n} requests in the queue", queued, language),
            ),
        )
        if n
    ]
    return i18n.gettext("Your Convene week {week}: {summary}", language).format(
        week=digest.week, summary=", ".join(parts)
    )


def render_mail(digest: Digest) -> Mail:
    """The digest as a message: plain text and inlined HTML, with one-click unsubscribe."""
    base = _base()
    unsubscribe = unsubscribe_url(digest.contact_id)
    title = subject(digest)
    context = {
        "d": digest,
        "subject": title,
        "dashboard_url": f"{base}/",
        "preferences_url": f"{base}/account",
        "unsubscribe_url": unsubscribe,
        "language": digest.language,
    }
    html = _environment(digest.language, True).get_template("digest.html").render(context)
    text = _environment(digest.language, False).get_template("digest.txt").render(context)
    return Mail(
        to=digest.email,
        subject=title,
        text=text,
        html=_inliner().inline(html),
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
