"""Stored suggestions: refresh, reasons as sentences, dismissal, stale refresh, determinism."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import col

from convene.asgi import create_app
from convene.db import unit_of_work
from convene.models import StaleOrganisation, Suggestion
from convene.suggestions.service import list_suggestions, refresh
from tests.factories import (
    bearer,
    make_organisation,
    make_relationship,
    make_token,
    make_user,
    make_vocabulary,
)


@pytest.fixture
def network(engine: Engine) -> Engine:
    """Three stone importers sourcing in India, an NGO on child labour in India, a bank."""
    with unit_of_work(engine) as session:
        make_vocabulary(session)
        covenant = make_organisation(
            session, slug="stone-covenant", name="Natural Stone Covenant", kind="covenant"
        )
        gc = make_organisation(session, slug="gc-network", name="GC Network", kind="network")
        a, b, c = (
            make_organisation(
                session, slug=f"{x}-stone", name=f"{x.upper()} Stone", sectors=("natural-stone",),
                countries=("IN",), themes=("child-labour",),
            )
            for x in "abc"
        )  # fmt: skip
        make_organisation(
            session, slug="arisa", name="Arisa", kind="ngo", countries=("IN",),
            themes=("child-labour",), offers="child labour remediation in quarries",
        )  # fmt: skip
        make_organisation(session, slug="bank", name="Bank", sectors=("banking",),
                          countries=("BR",), themes=("climate",))  # fmt: skip
        for org in (a, b):
            make_relationship(session, source=org, target=covenant, type="member_of")
        make_relationship(session, source=c, target=gc, type="member_of")
    return engine


def stored(engine: Engine, slug: str, kind: str) -> list[str]:
    with unit_of_work(engine, readonly=True) as session:
        items, _ = list_suggestions(session, None, slug, kind, limit=10)
    return [s.candidate for s in items]


def test_refresh_stores_both_kinds_with_concrete_reasons(network: Engine) -> None:
    with unit_of_work(network) as session:
        report = refresh(session)
    assert report.organisations == 5
    assert stored(network, "a-stone", "peer")[:2] == ["b-stone", "c-stone"]
    assert stored(network, "a-stone", "stakeholder") == ["arisa"]
    assert "bank" not in stored(network, "a-stone", "peer")  # nothing in common
    with unit_of_work(network, readonly=True) as session:
        items, total = list_suggestions(session, None, "a-stone", "peer", limit=10)
        rows = session.execute(select(Suggestion)).scalars().all()
    texts = [r.text for r in items[0].reasons]
    assert "Both in the Natural Stone Covenant" in texts
    assert "Both work on child labour" in texts
    cross = [r.text for r in items[1].reasons if r.code == "cross_network"]
    assert cross == ["Meet across networks: a member of GC Network"]
    assert all(r.reasons for r in rows)
    concrete = {"shared_group", "common_partner", "shared_sector", "shared_country",
                "shared_theme", "theme_in_country", "seeks_offers", "shared_terms"}  # fmt: skip
    assert all(any(r["code"] in concrete for r in row.reasons) for row in rows)
    assert {row.model_version for row in rows} == {"convene-3"}


def all_rows(engine: Engine) -> list[tuple[object, ...]]:
    with unit_of_work(engine, readonly=True) as session:
        return [
            (s.organisation_id, s.kind, s.rank, s.candidate_id, s.score, s.reasons)
            for s in session.execute(
                select(Suggestion).order_by(
                    col(Suggestion.organisation_id), col(Suggestion.kind), col(Suggestion.rank)
                )
            ).scalars()
        ]


def seen_by(seen: list[tuple[str, int, int]]) -> Callable[[str, int, int], None]:
    return lambda label, done, total: seen.append((label, done, total))


def test_ranking_in_two_processes_stores_what_one_process_does(network: Engine) -> None:
    reports, runs, ticks = [], [], []
    for parallel in (False, True):
        seen: list[tuple[str, int, int]] = []
        with unit_of_work(network) as session:
            reports.append(refresh(session, parallel=parallel, progress=seen_by(seen)))
        runs.append(all_rows(network))
        ticks.append(seen)
    assert runs[0] == runs[1] and len(runs[0]) > 0
    assert reports[0].suggestions == reports[1].suggestions
    assert list(reports[1].suggestions) == ["peer", "stakeholder"]
    # the forked ranker reports its progress through the parent
    for seen in ticks:
        assert {(label, total) for label, _, total in seen} == {
            ("peer suggestions", 5), ("stakeholder suggestions", 5)
        }  # fmt: skip


def test_a_failure_in_the_forked_ranker_changes_nothing(
    network: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with unit_of_work(network) as session:
        refresh(session)
    before = all_rows(network)
    from matching import Matcher

    real = Matcher.suggest_all

    def broken(self: Matcher, kind: str = "peer", *args: object, **kwargs: object) -> object:
        if kind == "stakeholder":
            raise MemoryError("no room for the stakeholders")
        return real(self, kind, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Matcher, "suggest_all", broken)
    with pytest.raises(RuntimeError, match="ranking stakeholder suggestions failed: MemoryError"):
        with unit_of_work(network) as session:
            refresh(session, parallel=True)
    assert all_rows(network) == before


def test_same_data_gives_the_same_suggestions(network: Engine) -> None:
    runs = []
    for _ in range(2):
        with unit_of_work(network) as session:
            refresh(session)
        with unit_of_work(network, readonly=True) as session:
            runs.append(
                [
                    (s.organisation_id, s.kind, s.rank, s.candidate_id, s.score, s.reasons)
                    for s in session.execute(
                        select(Suggestion).order_by(
                            col(Suggestion.organisation_id), col(Suggestion.kind),
                            col(Suggestion.rank),
                        )
                    ).scalars()
                ]
            )  # fmt: skip
    assert runs[0] == runs[1]


def test_edits_mark_stale_and_stale_refresh_only_touches_them(network: Engine) -> None:
    with unit_of_work(network) as session:
        refresh(session)
        assert session.execute(select(StaleOrganisation)).first() is None
    with unit_of_work(network) as session:
        from convene.organisations.repository import get_by_slug

        a, bank = get_by_slug(session, "a-stone"), get_by_slug(session, "bank")
        assert a is not None and bank is not None
        make_relationship(session, source=a, target=bank, type="partner")
        from convene.suggestions.repository import mark_stale

        mark_stale(session, [a.id or 0, bank.id or 0])
    with unit_of_work(network) as session:
        report = refresh(session, stale_only=True)
    assert report.organisations == 2
    assert "bank" not in stored(network, "a-stone", "peer")  # now partners
    with unit_of_work(network) as session:
        assert refresh(session, stale_only=True).organisations == 0


@pytest.fixture
def client(network: Engine) -> Iterator[TestClient]:
    with unit_of_work(network) as session:
        from convene.organisations.repository import get_by_slug

        refresh(session)
        a = get_by_slug(session, "a-stone")
        token = make_token(session, make_user(session, organisation=a))
    with TestClient(create_app(), headers=bearer(token)) as test_client:
        yield test_client


def test_api_lists_suggestions_with_text_in_both_languages(client: TestClient) -> None:
    url = "/api/v1/organisations/a-stone/suggestions?kind=stakeholder"
    body = client.get(url).json()
    assert body["total"] == 1
    [item] = body["items"]
    assert (item["candidate"], item["candidate_kind"], item["rank"]) == ("arisa", "ngo", 1)
    assert {"code": "theme_in_country", "params": {"theme": "child-labour", "country": "IN"}} in [
        {"code": r["code"], "params": r["params"]} for r in item["reasons"]
    ]
    texts = [r["text"] for r in item["reasons"]]
    assert "Works on child labour in India, where you operate or source" in texts
    dutch = client.get(url + "&lang=nl").json()["items"][0]["reasons"]
    assert "Werkt aan kinderarbeid in India, waar u actief bent of inkoopt" in [
        r["text"] for r in dutch
    ]
    assert client.get("/api/v1/organisations/a-stone/suggestions?kind=friend").status_code == 422


def test_dismiss_removes_and_excludes_the_candidate(client: TestClient, network: Engine) -> None:
    url = "/api/v1/organisations/a-stone/suggestions"
    assert [i["candidate"] for i in client.get(f"{url}?kind=peer").json()["items"]][0] == "b-stone"
    response = client.post(f"{url}/b-stone/dismiss")
    assert response.status_code == 200
    assert response.json()["candidate"] == "b-stone"
    assert "b-stone" not in [i["candidate"] for i in client.get(f"{url}?kind=peer").json()["items"]]
    with unit_of_work(network) as session:
        refresh(session)
    assert "b-stone" not in stored(network, "a-stone", "peer")
    assert client.post(f"{url}/b-stone/dismiss").status_code == 200  # idempotent
    assert client.post(f"{url}/stone-covenant/dismiss").status_code == 404
