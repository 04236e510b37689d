from __future__ import annotations

import math
from collections.abc import Sequence
from typing import cast

import pytest

from matching._synthetic import make_network
from matching.errors import MatchingError
from matching.evaluation import (
    METHODS,
    catalogue_coverage,
    evaluate,
    mrr,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
    reciprocal_rank,
    split_edges,
)
from matching.records import EdgeRecord, OrgRecord

METRICS = {"precision@k", "recall@k", "mrr", "ndcg@k", "coverage"}


def test_precision_and_recall_by_hand() -> None:
    recommended = ["a", "b", "c", "d"]
    relevant = {"b", "d", "z"}
    assert precision_at_k(recommended, relevant, 2) == 1 / 2
    assert precision_at_k(recommended, relevant, 4) == 2 / 4
    assert precision_at_k(recommended[:1], relevant, 4) == 0.0
    assert recall_at_k(recommended, relevant, 4) == 2 / 3
    assert recall_at_k(recommended, set(), 4) == 0.0


def test_reciprocal_rank_and_mrr_by_hand() -> None:
    assert reciprocal_rank(["a", "b", "c"], {"c"}) == 1 / 3
    assert reciprocal_rank(["a", "b", "c"], {"c"}, k=2) == 0.0
    assert reciprocal_rank([], {"c"}) == 0.0
    queries = [(["x", "a"], {"a"}), (["a"], {"a"}), (["x", "y", "a"], {"a"}), (["x"], {"a"})]
    assert mrr(queries) == pytest.approx((1 / 2 + 1 + 1 / 3 + 0) / 4)
    assert mrr([]) == 0.0


def test_ndcg_by_hand() -> None:
    # Relevant at ranks 2 and 3 of 3, two relevant items in all.
    dcg = 1 / math.log2(3) + 1 / math.log2(4)
    ideal = 1 + 1 / math.log2(3)
    assert ndcg_at_k(["x", "a", "b"], {"a", "b"}, 3) == pytest.approx(dcg / ideal)
    assert ndcg_at_k(["a", "b"], {"a", "b"}, 2) == pytest.approx(1.0)
    # Only one slot: the ideal holds one relevant item.
    assert ndcg_at_k(["a"], {"a", "b"}, 1) == pytest.approx(1.0)
    assert ndcg_at_k(["x"], {"a"}, 1) == 0.0
    assert ndcg_at_k(["a"], set(), 1) == 0.0


def test_coverage_by_hand() -> None:
    assert catalogue_coverage([["a", "b"], ["b", "c"], []], {"a", "b", "c", "d"}) == 3 / 4
    assert catalogue_coverage([["zz"]], {"a"}) == 0.0
    assert catalogue_coverage([], set()) == 0.0


@pytest.mark.parametrize("k", [0, -1])
def test_bad_k(k: int) -> None:
    with pytest.raises(MatchingError, match="k"):
        precision_at_k(["a"], {"a"}, k)


def _chain(n: int) -> list[EdgeRecord]:
    return [EdgeRecord(f"o{i}", f"o{i + 1}", "partner") for i in range(n)]


def test_split_is_seeded_and_hides_the_share() -> None:
    edges = _chain(20)
    a = split_edges(edges, holdout=0.25, seed=1)
    assert a == split_edges(list(edges), holdout=0.25, seed=1)
    assert len(a.hidden) == 5
    assert len(a.train) == 15
    hidden = set(a.hidden)
    assert all((min(e.source, e.target), max(e.source, e.target)) not in hidden for e in a.train)


def test_split_skips_groups_other_relations_and_other_types() -> None:
    orgs = [OrgRecord(s, "company") for s in "abcd"] + [OrgRecord("g", "covenant")]
    edges = [
        EdgeRecord("a", "g", "partner"),  # touches a group
        EdgeRecord("a", "b", "partner"),
        EdgeRecord("a", "b", "dispute", active=False),  # disputed pair
        EdgeRecord("b", "c", "supplier_of"),  # not a chosen type
        EdgeRecord("c", "d", "introduced", active=False),  # ended
        EdgeRecord("a", "d", "introduced"),
    ]
    split = split_edges(edges, holdout=1.0, seed=0, orgs=orgs)
    assert split.hidden == (("a", "d"),)
    assert EdgeRecord("a", "d", "introduced") not in split.train


def test_split_rejects_bad_holdout() -> None:
    with pytest.raises(MatchingError, match="holdout"):
        split_edges(_chain(3), holdout=1.5)


def test_evaluate_shape_and_ranges() -> None:
    orgs, edges = make_network(300, seed=5)
    result = evaluate(orgs, edges, holdout=0.2, seed=0, k=5)
    assert set(result) == {"overall", "cold_start", "k", "hidden_links"}
    assert result["k"] == 5
    assert result["hidden_links"] > 0
    for group in ("overall", "cold_start"):
        assert set(result[group]) == set(METHODS)
        for scores in result[group].values():
            assert set(scores) == METRICS
            assert all(0.0 <= v <= 1.0 for v in scores.values())
    assert result == evaluate(orgs, edges, holdout=0.2, seed=0, k=5)


def _triangle() -> tuple[list[OrgRecord], list[EdgeRecord]]:
    """Companies a, b, c in a triangle of partnerships, and d alone; all in gold."""
    orgs = [OrgRecord(s, "company", sectors=("gold",)) for s in "abcd"]
    edges = [
        EdgeRecord("a", "b", "partner"),
        EdgeRecord("b", "c", "partner"),
        EdgeRecord("a", "c", "partner"),
    ]
    return orgs, edges


def test_evaluate_finds_a_hidden_triangle_link() -> None:
    # Seed 0 hides b–c and leaves a as their common partner: AA and Jaccard find it.
    orgs, edges = _triangle()
    result = evaluate(orgs, edges, holdout=0.34, seed=0, k=1)
    assert result["hidden_links"] == 1
    for method in ("adamic_adar", "jaccard"):
        assert result["overall"][method]["precision@k"] == 1.0
        assert result["overall"][method]["mrr"] == 1.0


def test_extra_rankers_are_measured_under_the_same_protocol() -> None:
    # A triangle a–b–c plus d; one link is hidden. A ranker that knows it scores 1; one
    # that puts it last scores 0 (its list is cut to k); each sees the pool it may rank.
    orgs, edges = _triangle()
    [hidden] = split_edges(edges, holdout=0.34, seed=0, orgs=orgs).hidden
    u, v = hidden
    pools: dict[str, list[str]] = {}

    def knows(org: str, kind: str, pool: Sequence[str], k: int) -> list[str]:
        pools[org] = list(pool)
        assert kind == "peer"
        return sorted(pool, key=lambda slug: slug not in hidden)[:k]

    def backwards(*args: object) -> list[str]:
        pool = cast("Sequence[str]", args[2])
        return sorted(pool, key=lambda slug: slug in hidden)  # all of it, not k

    result = evaluate(
        orgs,
        edges,
        holdout=0.34,
        seed=0,
        k=1,
        extra_rankers={"knows": knows, "backwards": backwards},
    )
    assert list(result["overall"]) == [*METHODS, "knows", "backwards"]
    assert result["overall"]["knows"]["mrr"] == 1.0
    assert result["overall"]["backwards"]["mrr"] == 0.0
    # each end of the hidden link asks once, among d and the other end (the third corner
    # of the triangle is still linked to both)
    assert pools == {u: sorted([v, "d"]), v: sorted([u, "d"])}


def test_extra_ranker_may_not_take_a_built_in_name() -> None:
    orgs = [OrgRecord(s, "company") for s in "ab"]
    with pytest.raises(MatchingError, match="popularity"):
        evaluate(orgs, [], extra_rankers={"popularity": lambda *args: []})
