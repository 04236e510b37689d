from __future__ import annotations

import math
import random
from collections.abc import Sequence

import pytest

from matching import reasons as rc
from matching._synthetic import make_network
from matching.errors import MatchingError, UnknownOrganisation
from matching.matcher import MAX_REASONS, Matcher
from matching.records import Candidate, EdgeRecord, OrgRecord


def company(slug: str, **fields: object) -> OrgRecord:
    fields.setdefault("sectors", ("gold",))
    return OrgRecord(slug, "company", **fields)  # type: ignore[arg-type]


def fit(orgs: list[OrgRecord], edges: Sequence[EdgeRecord] = (), **params: object) -> Matcher:
    return Matcher(random_state=0, **params).fit(orgs, edges)  # type: ignore[arg-type]


def suggested(m: Matcher, slug: str, kind: str = "peer") -> list[str]:
    return [c.candidate for c in m.suggest(slug, kind)]


def codes(candidate: Candidate) -> dict[str, dict[str, str]]:
    return {r.code: dict(r.params) for r in candidate.reasons}


# ---------------------------------------------------------------- errors


def test_unknown_slug() -> None:
    m = fit([company("a"), company("b")])
    with pytest.raises(UnknownOrganisation, match="'ghost'"):
        m.suggest("ghost")
    with pytest.raises(UnknownOrganisation, match="'ghost'"):
        m.score_pairs([("a", "ghost")], "peer")


@pytest.mark.parametrize("kind", ["friend", "", "PEER"])
def test_bad_kind(kind: str) -> None:
    m = fit([company("a"), company("b")])
    with pytest.raises(MatchingError, match=repr(kind)):
        m.suggest("a", kind)
    with pytest.raises(MatchingError, match=repr(kind)):
        m.suggest_all(kind)


@pytest.mark.parametrize(
    ("param", "value"),
    [("w_text", -1.0), ("w_tags", float("nan")), ("max_group_size", 0), ("n_components", 1.5)],
)
def test_bad_parameter_names_it(param: str, value: float) -> None:
    with pytest.raises(MatchingError, match=param):
        Matcher(**{param: value}).fit([company("a")])  # type: ignore[arg-type]


def test_bad_k() -> None:
    with pytest.raises(MatchingError, match="k"):
        fit([company("a"), company("b")]).suggest("a", k=0)


# ---------------------------------------------------------------- exclusions


def test_never_self() -> None:
    m = fit([company("a"), company("b")])
    assert suggested(m, "a") == ["b"]


def test_never_a_group_kind() -> None:
    orgs = [
        company("a"),
        OrgRecord("cov", "covenant", sectors=("gold",)),
        OrgRecord("net", "network", sectors=("gold",)),
        OrgRecord("prog", "programme", sectors=("gold",)),
        company("b"),
    ]
    m = fit(orgs)
    assert suggested(m, "a") == ["b"]
    assert m.suggest("cov") == []


@pytest.mark.parametrize("edge_type", ["partner", "supplier_of", "introduced", "member_of"])
def test_existing_active_relationship_excluded(edge_type: str) -> None:
    m = fit([company("a"), company("b"), company("c")], [EdgeRecord("b", "a", edge_type)])
    assert suggested(m, "a") == ["c"]
    assert suggested(m, "b") == ["c"]


def test_ended_relationship_may_be_suggested_again() -> None:
    m = fit([company("a"), company("b")], [EdgeRecord("a", "b", "partner", active=False)])
    assert suggested(m, "a") == ["b"]


@pytest.mark.parametrize("active", [True, False])
def test_dispute_excluded_even_when_ended(active: bool) -> None:
    m = fit([company("a"), company("b"), company("c")], [EdgeRecord("a", "b", "dispute", active)])
    assert suggested(m, "a") == ["c"]
    assert suggested(m, "b") == ["c"]


def test_opted_out_is_never_a_candidate_but_receives() -> None:
    m = fit([company("a"), company("b", open_to_introductions=False), company("c")])
    assert suggested(m, "a") == ["c"]
    assert suggested(m, "b") == ["a", "c"]


def test_explicit_exclusions_are_symmetric() -> None:
    orgs = [company("a"), company("b"), company("c")]
    m = Matcher(random_state=0).fit(orgs, [], exclude=[("b", "a"), ("a", "ghost")])
    assert suggested(m, "a") == ["c"]
    assert suggested(m, "b") == ["c"]


def test_nothing_concrete_nothing_suggested() -> None:
    m = fit([company("a", sectors=("gold",)), company("b", sectors=("banking",))])
    assert m.suggest("a") == []


def test_cross_network_alone_is_not_a_reason() -> None:
    orgs = [
        company("a", sectors=()),
        company("b", sectors=()),
        OrgRecord("net", "network"),
    ]
    m = fit(orgs, [EdgeRecord("b", "net", "member_of")])
    assert m.suggest("a") == []


# ---------------------------------------------------------------- kinds


def test_kinds_pick_the_right_classes() -> None:
    orgs = [
        company("a", themes=("water",)),
        company("b", themes=("water",)),
        OrgRecord("ngo", "ngo", themes=("water",)),
        OrgRecord("uni", "knowledge_institute", themes=("water",)),
    ]
    m = fit(orgs)
    assert suggested(m, "a", "peer") == ["b"]
    assert suggested(m, "a", "stakeholder") == ["ngo", "uni"]
    assert suggested(m, "ngo", "peer") == ["uni"]
    assert suggested(m, "ngo", "stakeholder") == ["a", "b"]


# ---------------------------------------------------------------- scores and reasons


def test_score_by_hand_shared_sector_and_group() -> None:
    # Sector cosine 1 (weight w_tags / 3); common group of 2 members: AA = 1 / log 2.
    orgs = [company("a"), company("b"), OrgRecord("g", "covenant")]
    edges = [EdgeRecord("a", "g", "member_of"), EdgeRecord("b", "g", "member_of")]
    m = fit(orgs, edges, w_tags=0.3, w_proximity=0.3)
    expected = 0.3 / 3 + 0.3 * (1 - math.exp(-1 / math.log(2)))
    [candidate] = m.suggest("a")
    assert candidate.score == pytest.approx(expected)
    assert m.score_pairs([("a", "b"), ("b", "a")], "peer").tolist() == pytest.approx(
        [expected, expected]
    )
    weights = {r.code: r.weight for r in candidate.reasons}
    assert weights == pytest.approx(
        {"shared_group": (expected - 0.1) / expected, "shared_sector": 0.1 / expected}, abs=1e-4
    )
    assert codes(candidate) == {"shared_group": {"group": "g"}, "shared_sector": {"sector": "gold"}}


def test_common_partner_reason_names_the_partner() -> None:
    orgs = [company("a", sectors=()), company("b", sectors=()), OrgRecord("fnv", "union")]
    edges = [EdgeRecord("a", "fnv", "partner"), EdgeRecord("fnv", "b", "introduced")]
    [candidate] = fit(orgs, edges, w_popularity=0.0).suggest("a")
    assert candidate.candidate == "b"
    assert codes(candidate) == {"common_partner": {"organisation": "fnv"}}
    assert candidate.reasons[0].weight == 1.0  # the whole score: no popularity prior here


def test_stakeholder_reasons_theme_in_country_and_seeks_offers() -> None:
    orgs = [
        company("acme", themes=("child-labour",), countries=("IN",), seeks="living wage audits"),
        OrgRecord(
            "ngo",
            "ngo",
            themes=("child-labour",),
            countries=("IN",),
            offers="audits on living wage",
        ),
    ]
    [candidate] = fit(orgs).suggest("acme", "stakeholder")
    found = codes(candidate)
    assert found["theme_in_country"] == {"theme": "child-labour", "country": "IN"}
    assert found["seeks_offers"]["direction"] == "offers"
    assert set(found["seeks_offers"]["terms"].split(", ")) == {"living wage", "audits"}
    [back] = fit(orgs).suggest("ngo", "stakeholder")
    assert codes(back)["seeks_offers"]["direction"] == "seeks"
    assert back.score == pytest.approx(candidate.score)


def test_shared_terms_for_peers() -> None:
    orgs = [
        company("a", sectors=(), description="tannery leather chromium"),
        company("b", sectors=(), description="leather chromium recycling"),
    ]
    [candidate] = fit(orgs).suggest("a")
    assert codes(candidate) == {"shared_terms": {"terms": "chromium, leather"}}


def test_cross_network_reason() -> None:
    orgs = [company("a"), company("b"), OrgRecord("gcnl", "network"), OrgRecord("ser", "network")]
    edges = [EdgeRecord("a", "gcnl", "member_of"), EdgeRecord("b", "ser", "member_of")]
    [candidate] = fit(orgs, edges).suggest("a")
    assert codes(candidate)["cross_network"] == {"network": "ser"}
    assert codes(candidate)["shared_sector"] == {"sector": "gold"}


def test_cross_network_reason_kept_beside_stronger_ones() -> None:
    # Five stronger reasons (sector, two countries, two themes, words) and a tiny
    # cross-network weight: the reason that b comes from the other network still shows,
    # last, as the weakest of the four.
    shared = {"countries": ("IN", "BD"), "themes": ("water", "climate")}
    orgs = [
        company("a", description="tannery leather chromium", **shared),
        company("b", description="tannery leather chromium", **shared),
        OrgRecord("gcnl", "network"),
        OrgRecord("ser", "network"),
    ]
    edges = [EdgeRecord("a", "gcnl", "member_of"), EdgeRecord("b", "ser", "member_of")]
    [candidate] = fit(orgs, edges, w_cross_network=0.001).suggest("a")
    assert len(candidate.reasons) == MAX_REASONS
    assert candidate.reasons[-1].code == "cross_network"
    assert candidate.reasons[-1].params == {"network": "ser"}
    weights = [r.weight for r in candidate.reasons]
    assert weights == sorted(weights, reverse=True)


def test_reasons_are_few_and_shares_of_the_score() -> None:
    orgs = [
        company("a", countries=("IN", "BD", "VN"), themes=("water", "climate", "pollution")),
        company("b", countries=("IN", "BD", "VN"), themes=("water", "climate", "pollution")),
    ]
    [candidate] = fit(orgs).suggest("a")
    assert len(candidate.reasons) == MAX_REASONS
    assert sum(r.code == "shared_country" for r in candidate.reasons) <= 2
    assert 0 < sum(r.weight for r in candidate.reasons) <= 1
    assert [r.weight for r in candidate.reasons] == sorted(
        (r.weight for r in candidate.reasons), reverse=True
    )


def test_cold_start_uses_the_profile() -> None:
    orgs = [
        company("newcomer", themes=("deforestation",), countries=("BR",)),
        company("old", themes=("deforestation",), countries=("BR",)),
        company("other", sectors=("banking",)),
        OrgRecord("g", "covenant"),
    ]
    edges = [EdgeRecord("old", "g", "member_of"), EdgeRecord("other", "g", "member_of")]
    [candidate] = fit(orgs, edges).suggest("newcomer")
    assert candidate.candidate == "old"
    assert set(codes(candidate)) == {"shared_sector", "shared_theme", "shared_country"}


def test_ties_broken_by_slug() -> None:
    orgs = [company(s) for s in ["d", "b", "a", "c"]]
    m = fit(orgs)
    assert suggested(m, "a") == ["b", "c", "d"]
    assert [c.candidate for c in m.suggest("a", k=2)] == ["b", "c"]


# ---------------------------------------------------------------- mega-groups


def test_mega_group_is_down_weighted_but_still_a_reason() -> None:
    members = [company(f"m{i}", sectors=()) for i in range(6)]
    orgs = [*members, OrgRecord("big", "network"), OrgRecord("small", "covenant")]
    edges = [EdgeRecord(o.slug, "big", "member_of") for o in members]
    edges += [EdgeRecord(s, "small", "member_of") for s in ("m0", "m1")]
    m = fit(orgs, edges, max_group_size=3, w_proximity=1.0)
    big = 1 / math.log(6) * 3 / 6  # AA weight times max_group_size / size
    small = 1 / math.log(2)
    assert m.score_pairs([("m0", "m2"), ("m0", "m1")], "peer").tolist() == pytest.approx(
        [1 - math.exp(-big), 1 - math.exp(-(big + small))]
    )
    found = m.suggest("m0")
    assert [c.candidate for c in found] == ["m1", "m2", "m3", "m4", "m5"]
    assert codes(found[1]) == {"shared_group": {"group": "big"}}
    assert [r.code for r in found[0].reasons] == ["shared_group", "shared_group"]
    assert [r.params["group"] for r in found[0].reasons] == ["small", "big"]


def test_without_cap_proximity_is_plain_adamic_adar() -> None:
    members = [company(f"m{i}", sectors=()) for i in range(6)]
    orgs = [*members, OrgRecord("big", "network")]
    edges = [EdgeRecord(o.slug, "big", "member_of") for o in members]
    m = fit(orgs, edges, w_proximity=1.0)
    assert m.score_pairs([("m0", "m2")], "peer")[0] == pytest.approx(1 - math.exp(-1 / math.log(6)))


# ---------------------------------------------------------------- batches, determinism


@pytest.fixture(scope="module")
def synthetic() -> tuple[list[OrgRecord], list[EdgeRecord]]:
    return make_network(400, seed=3)


@pytest.mark.parametrize("kind", ["peer", "stakeholder"])
def test_suggest_all_matches_suggest_and_respects_rules(
    synthetic: tuple[list[OrgRecord], list[EdgeRecord]], kind: str
) -> None:
    orgs, edges = synthetic
    m = Matcher(random_state=0, n_components=16, max_group_size=40).fit(orgs, edges)
    seen: list[int] = []
    everything = list(m.suggest_all(kind, k=5, batch_size=37, progress=seen.append))
    assert seen[-1] == len(m.source_slugs_) == len(everything)
    assert seen == sorted(seen)
    by_slug = {o.slug: o for o in orgs}
    blocked = {frozenset((e.source, e.target)) for e in edges if e.active or e.type == "dispute"}
    for slug, found in zip(m.source_slugs_, everything, strict=True):
        assert found == m.suggest(slug, kind, k=5)
        for c in found:
            assert c.org == slug and c.kind == kind
            target = by_slug[c.candidate]
            assert target.open_to_introductions and not target.is_group
            assert (by_slug[slug].kind == "company") == (
                (target.kind == "company") == (kind == "peer")
            )
            assert frozenset((slug, c.candidate)) not in blocked
            assert 1 <= len(c.reasons) <= MAX_REASONS
            assert any(rc.is_concrete(r.code) for r in c.reasons)
            for r in c.reasons:
                assert set(r.params) == set(rc.REASON_CODES[r.code])
        assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)


def test_same_input_any_order_same_output(
    synthetic: tuple[list[OrgRecord], list[EdgeRecord]],
) -> None:
    orgs, edges = synthetic
    shuffled_orgs, shuffled_edges = list(orgs), list(edges)
    random.Random(1).shuffle(shuffled_orgs)
    random.Random(2).shuffle(shuffled_edges)
    a = Matcher(random_state=7).fit(orgs, edges)
    b = Matcher(random_state=7).fit(shuffled_orgs, shuffled_edges)
    for kind in ("peer", "stakeholder"):
        assert list(a.suggest_all(kind)) == list(b.suggest_all(kind))


def test_scores_are_symmetric(synthetic: tuple[list[OrgRecord], list[EdgeRecord]]) -> None:
    orgs, edges = synthetic
    # The cross-network bonus and the candidate's popularity prior are directional;
    # everything else is symmetric. (Learning would give those two weight again: a given
    # weight is where it starts, not a bound.)
    m = Matcher(random_state=0, w_cross_network=0.0, w_popularity=0.0, learn_weights=False).fit(
        orgs, edges
    )
    pairs = [(orgs[i].slug, orgs[i + 1].slug) for i in range(0, 100, 2)]
    for kind in ("peer", "stakeholder"):
        forward = m.score_pairs(pairs, kind)
        backward = m.score_pairs([(v, u) for u, v in pairs], kind)
        assert forward.tolist() == pytest.approx(backward.tolist())


def test_popularity_prior_ranks_the_better_connected_candidate_first_without_a_reason() -> None:
    # b and c are equally similar to a; c has two partners, b none:
    # prior(c) = log(1 + 2) / log(1 + 2) = 1, prior(b) = 0.
    orgs = [company("a"), company("b"), company("c"), company("d", sectors=("banking",)),
            company("e", sectors=("banking",))]  # fmt: skip
    edges = [EdgeRecord("c", "d", "partner"), EdgeRecord("c", "e", "partner")]
    with_prior = fit(orgs, edges, w_popularity=0.2)
    without = fit(orgs, edges, w_popularity=0.0)
    assert suggested(with_prior, "a")[:2] == ["c", "b"]
    assert suggested(without, "a")[:2] == ["b", "c"]  # ties break by slug
    [b_with, c_with] = sorted(with_prior.suggest("a")[:2], key=lambda c: c.candidate)
    assert c_with.score - b_with.score == pytest.approx(0.2)
    assert [r.code for r in c_with.reasons] == [r.code for r in b_with.reasons]
