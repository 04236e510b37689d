"""Refreshing, reading and dismissing suggestions.

A full refresh fits the matching model on the whole network once and stores the top
``k`` of each kind for every organisation. An edit (profile, relationship) marks the
organisations it touches as stale; ``refresh(stale_only=True)`` recomputes just those.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
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
PARALLEL_MIN = 2000  # organisations from which a full refresh ranks in two processes
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
    parallel: bool | None = None,
) -> RefreshReport:
    """Recompute and store suggestions (all organisations, or only the stale ones).

    A full refresh of a large network ranks each kind in its own forked process, so both
    cores work, while this process only writes what they send (``parallel=None``: when
    the machine has more than one core, can fork, and the network has at least
    :data:`PARALLEL_MIN` organisations). One writer, one transaction, either way.
    """
    from matching import MODEL_VERSION

    network = load_network(session)
    report = RefreshReport(model_version=MODEL_VERSION)
    targets: set[int] | None = set(repo.stale_ids(session)) if stale_only else None
    if targets is not None and not targets:
        return report
    matcher = fit_matcher(network)
    repo.delete_for(session, targets)
    if parallel is None:
        parallel = (
            targets is None
            and len(matcher.source_slugs_) >= PARALLEL_MIN
            and (os.cpu_count() or 1) > 1
            and "fork" in multiprocessing.get_all_start_methods()
        )

    def store(kind: SuggestionKind, rows: list[repo.EncodedRow]) -> None:
        repo.insert_encoded(
            session, rows, kind=kind.value, model_version=MODEL_VERSION, created_at=now
        )
        report.suggestions[kind.value] = report.suggestions.get(kind.value, 0) + len(rows)

    now = utcnow()
    if parallel and targets is None:
        _rank_in_children(matcher, network, k, store, progress)
    else:
        for kind in SuggestionKind:
            report.suggestions[kind.value] = 0
            for rows in _ranked(matcher, network, kind, k, targets, progress):
                store(kind, rows)
    report.suggestions = {
        kind.value: report.suggestions.get(kind.value, 0) for kind in SuggestionKind
    }
    report.organisations = len(targets) if targets is not None else len(matcher.source_slugs_)
    repo.clear_stale(session, targets)
    return report


def _ranked(
    matcher: Any,
    network: Network,
    kind: SuggestionKind,
    k: int,
    targets: set[int] | None,
    progress: Callable[[str, int, int], None] | None,
) -> Iterator[list[repo.EncodedRow]]:
    """The rows to store for one kind, :data:`WRITE_BATCH` at a time, reasons as JSON."""
    if targets is None:
        total = len(matcher.source_slugs_)

        def tick(n: int) -> None:
            if progress:
                progress(f"{kind.value} suggestions", n, total)

        results: Iterable[list[Any]] = matcher.suggest_all(kind.value, k=k, progress=tick)
    else:
        wanted = [network.slugs[i] for i in sorted(targets) if i in network.slugs]
        results = (matcher.suggest(slug, kind.value, k=k) for slug in wanted)
    ids, encode = network.ids, repo.encode_json
    rows: list[repo.EncodedRow] = []
    for candidates in results:
        for rank, cand in enumerate(candidates, start=1):
            reasons = [{"code": r.code, "params": dict(r.params), "weight": r.weight}
                       for r in cand.reasons]  # fmt: skip
            rows.append(
                (ids[cand.org], ids[cand.candidate], rank, round(float(cand.score), 6),
                 encode(reasons))
            )  # fmt: skip
        if len(rows) >= WRITE_BATCH:
            yield rows
            rows = []
    yield rows


def _rank_in_children(
    matcher: Any,
    network: Network,
    k: int,
    store: Callable[[SuggestionKind, list[repo.EncodedRow]], None],
    progress: Progress | None,
) -> None:
    """Rank each kind in a forked copy of this process; store their rows as they come.

    The children inherit the fitted matcher (nothing is pickled but the rows they send
    back) and never touch the database; this process is the only writer. A child that
    fails or dies makes the refresh fail, and the caller's transaction rolls back.
    """
    context = multiprocessing.get_context("fork")
    children: dict[Connection, tuple[SuggestionKind, BaseProcess]] = {}
    try:
        for kind in SuggestionKind:
            receiver, sender = context.Pipe(duplex=False)
            child: BaseProcess = context.Process(
                target=_rank_in_child,
                args=(matcher, network, kind, k, sender),
                name=f"convene-rank-{kind.value}",
                daemon=True,
            )
            child.start()
            sender.close()
            children[receiver] = (kind, child)
        pending = set(children)
        while pending:
            for ready in wait(list(pending)):
                assert isinstance(ready, Connection)
                kind, child = children[ready]
                try:
                    tag, payload = ready.recv()
                except EOFError:
                    child.join(timeout=5)
                    raise RuntimeError(
                        f"the process ranking {kind.value} suggestions ended early "
                        f"(exit code {child.exitcode})"
                    ) from None
                if tag == "rows":
                    store(kind, payload)
                elif tag == "tick":
                    if progress:
                        progress(f"{kind.value} suggestions", payload, len(matcher.source_slugs_))
                elif tag == "error":
                    raise RuntimeError(f"ranking {kind.value} suggestions failed: {payload}")
                else:
                    pending.discard(ready)
    except BaseException:
        for _, process in children.values():
            process.kill()  # the refresh fails: no need to wait for the other kind
        raise
    finally:
        for connection, (_, process) in children.items():
            connection.close()
            if process.is_alive():
                process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join()


def _rank_in_child(
    matcher: Any, network: Network, kind: SuggestionKind, k: int, sender: Connection
) -> None:
    from threadpoolctl import threadpool_limits

    def progress(_label: str, done: int, _total: int) -> None:
        sender.send(("tick", done))  # the parent knows the label and the total

    try:
        # two rankers share the cores: a BLAS pool of one each (more threads only contend)
        with threadpool_limits(limits=1):
            for rows in _ranked(matcher, network, kind, k, None, progress):
                sender.send(("rows", rows))
        sender.send(("done", None))
    except BaseException as exc:  # reported by the parent, which fails the refresh
        sender.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        sender.close()


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
