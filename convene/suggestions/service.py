"""Refreshing, reading and dismissing suggestions.

A full refresh fits the matching model on the whole network once and stores the top
``k`` of each kind for every organisation. An edit (profile, relationship) marks the
organisations it touches as stale; ``refresh(stale_only=True)`` recomputes just those.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from convene.errors import NotFound
from convene.models import (
    Dismissal,
    Organisation,
    ReasonPublic,
    SuggestionKind,
    SuggestionPublic,
)
from convene.models.common import GROUP_KINDS, utcnow
from convene.organisations.service import get_organisation
from convene.permissions import Actor, require_acts_for
from convene.suggestions import repository as repo
from convene.suggestions.reasons import Names, render
from convene.suggestions.records import Network, load_network
from convene.vocabulary.service import load_vocabulary

TOP_K = 10
WRITE_BATCH = 5000
Progress = Callable[[str, int, int], None]


@dataclass
class RefreshReport:
    organisations: int = 0
    suggestions: dict[str, int] = field(default_factory=dict)
    model_version: str = ""


def fit_matcher(network: Network) -> Any:
    from matching import Matcher

    # a fixed seed: the same data gives the same suggestions on every refresh
    return Matcher(random_state=0).fit(network.orgs, network.edges, exclude=network.exclude)


def refresh(
    session: Session,
    *,
    stale_only: bool = False,
    k: int = TOP_K,
    progress: Progress | None = None,
) -> RefreshReport:
    """Recompute and store suggestions (all organisations, or only the stale ones)."""
    from matching import MODEL_VERSION

    network = load_network(session)
    report = RefreshReport(model_version=MODEL_VERSION)
    targets: set[int] | None = set(repo.stale_ids(session)) if stale_only else None
    if targets is not None and not targets:
        return report
    matcher = fit_matcher(network)
    repo.delete_for(session, targets)
    now = utcnow()
    slugs = network.slugs
    # Ranking is numpy work and writing is the driver's: a writer thread takes the rows
    # while the next batch is ranked. Only the writer touches the session until it ends.
    batches: queue.Queue[list[dict[str, Any]] | None] = queue.Queue(maxsize=4)
    failure: list[BaseException] = []

    def write() -> None:
        while (batch := batches.get()) is not None:
            if not failure:
                try:
                    repo.insert_many(session, batch)
                except BaseException as exc:  # re-raised in the caller's thread
                    failure.append(exc)

    writer = threading.Thread(target=write, name="suggestion-writer", daemon=True)
    writer.start()
    try:
        for kind in SuggestionKind:
            written = 0
            rows: list[dict[str, Any]] = []
            if targets is None:
                total = len(matcher.source_slugs_)

                def tick(n: int, _kind: str = kind.value, _total: int = total) -> None:
                    if progress:
                        progress(f"{_kind} suggestions", n, _total)

                results = matcher.suggest_all(kind.value, k=k, progress=tick)
            else:
                wanted = [slugs[i] for i in sorted(targets) if i in slugs]
                results = (matcher.suggest(slug, kind.value, k=k) for slug in wanted)
            for candidates in results:
                for rank, cand in enumerate(candidates, start=1):
                    rows.append(
                        {
                            "organisation_id": network.ids[cand.org],
                            "candidate_id": network.ids[cand.candidate],
                            "kind": kind.value,
                            "rank": rank,
                            "score": round(float(cand.score), 6),
                            "reasons": [r.to_dict() for r in cand.reasons],
                            "model_version": MODEL_VERSION,
                            "created_at": now,
                        }
                    )
                if len(rows) >= WRITE_BATCH:
                    batches.put(rows)
                    written += len(rows)
                    rows = []
                if failure:
                    break
            batches.put(rows)
            written += len(rows)
            report.suggestions[kind.value] = written
    finally:
        batches.put(None)
        writer.join()
    if failure:
        raise failure[0]
    report.organisations = len(targets) if targets is not None else len(matcher.source_slugs_)
    repo.clear_stale(session, targets)
    return report


def _check_kind(kind: str) -> SuggestionKind:
    try:
        return SuggestionKind(kind)
    except ValueError:
        from convene.errors import Invalid

        raise Invalid(f"kind must be peer or stakeholder, not {kind!r}", field="kind") from None


def to_public(
    session: Session,
    pairs: list[tuple[Any, Organisation]],
    *,
    language: str = "en",
) -> list[SuggestionPublic]:
    mentioned = {
        r["params"][key]
        for s, _ in pairs
        for r in s.reasons
        for key in ("group", "organisation", "network")
        if key in r["params"]
    }
    names = Names(repo.names_for(session, mentioned), load_vocabulary(session), language)
    return [
        SuggestionPublic(
            candidate=candidate.slug,
            name=candidate.name,
            candidate_kind=candidate.kind,
            kind=s.kind,
            rank=s.rank,
            score=s.score,
            reasons=[
                ReasonPublic(
                    code=r["code"],
                    params=r["params"],
                    weight=r["weight"],
                    text=render(r["code"], r["params"], names),
                )
                for r in s.reasons
            ],
            model_version=s.model_version,
            created_at=s.created_at,
        )
        for s, candidate in pairs
    ]


def list_suggestions(
    session: Session,
    actor: Actor | None,
    slug: str,
    kind: str,
    *,
    limit: int = 20,
    offset: int = 0,
    language: str = "en",
) -> tuple[list[SuggestionPublic], int]:
    suggestion_kind = _check_kind(kind)
    org = get_organisation(session, slug)
    assert org.id is not None
    if actor is not None and not actor.acts_for(org.id):
        # another organisation's suggestions are private: not found, not forbidden
        raise NotFound(f"no suggestions for {slug!r}")
    pairs, total = repo.list_for(session, org.id, suggestion_kind.value, limit=limit, offset=offset)
    return to_public(session, pairs, language=language), total


def dismiss(session: Session, actor: Actor, slug: str, candidate_slug: str) -> Dismissal:
    """Record "not relevant": kept, excluded from now on, and used in evaluation."""
    org = get_organisation(session, slug)
    candidate = get_organisation(session, candidate_slug)
    assert org.id is not None and candidate.id is not None
    require_acts_for(actor, org.id, "dismiss its suggestions")
    if candidate.kind in GROUP_KINDS or candidate.id == org.id:
        raise NotFound(f"{candidate_slug!r} is not a suggestion for {slug!r}")
    existing = repo.get_dismissal(session, org.id, candidate.id)
    if existing is not None:
        return existing
    dismissal = Dismissal(organisation_id=org.id, candidate_id=candidate.id, user_id=actor.user_id)
    session.add(dismissal)
    repo.delete_pair(session, org.id, candidate.id)
    session.flush()
    return dismissal


def mark_stale(session: Session, org_ids: list[int]) -> None:
    repo.mark_stale(session, org_ids)


def suggestion_between(
    session: Session, org_id: int, candidate_id: int, *, language: str = "en"
) -> SuggestionPublic | None:
    """The stored suggestion of ``candidate`` for ``org`` (either kind), if any."""
    pair = repo.pair_suggestion(session, org_id, candidate_id)
    if pair is None:
        return None
    return to_public(session, [pair], language=language)[0]


def suggestions_for_actor(
    session: Session, actor: Actor, kind: str, *, limit: int = 10, language: str = "en"
) -> list[SuggestionPublic]:
    """The actor's own organisation's suggestions (none for staff without one)."""
    if actor.org_slug is None or actor.org_id is None:
        return []
    pairs, _ = repo.list_for(session, actor.org_id, _check_kind(kind).value, limit=limit, offset=0)
    return to_public(session, pairs, language=language)
