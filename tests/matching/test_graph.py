from __future__ import annotations

import networkx as nx
import pytest

from matching.errors import MatchingError, UnknownOrganisation
from matching.graph import build_graph, network_matrices
from matching.records import EdgeRecord, OrgRecord


def _orgs() -> list[OrgRecord]:
    return [
        OrgRecord("acme", "company", name="Acme"),
        OrgRecord("bolt", "company", name="Bolt"),
        OrgRecord("fnv", "union", name="FNV"),
        OrgRecord("gold", "covenant", name="Gold covenant"),
    ]


def test_build_graph_nodes_and_edges() -> None:
    edges = [
        EdgeRecord("acme", "gold", "member_of"),
        EdgeRecord("bolt", "gold", "member_of", active=False),
        EdgeRecord("acme", "fnv", "partner"),
    ]
    graph = build_graph(_orgs(), edges)
    assert dict(graph.nodes(data="kind")) == {
        "acme": "company",
        "bolt": "company",
        "fnv": "union",
        "gold": "covenant",
    }
    assert graph.nodes["gold"]["name"] == "Gold covenant"
    assert {frozenset((u, v)): t for u, v, t in graph.edges(data="type")} == {
        frozenset(("acme", "gold")): "member_of",
        frozenset(("acme", "fnv")): "partner",
    }


def test_build_graph_inactive_and_disputes() -> None:
    edges = [
        EdgeRecord("bolt", "gold", "member_of", active=False),
        EdgeRecord("acme", "fnv", "dispute"),
    ]
    assert build_graph(_orgs(), edges, include_inactive=True).has_edge("bolt", "gold")
    assert build_graph(_orgs(), edges).has_edge("acme", "fnv")
    assert not build_graph(_orgs(), edges, include_disputes=False).has_edge("acme", "fnv")


def test_build_graph_several_types_keeps_all() -> None:
    edges = [EdgeRecord("acme", "bolt", "supplier_of"), EdgeRecord("bolt", "acme", "partner")]
    graph = build_graph(_orgs(), edges)
    assert graph.edges["acme", "bolt"] == {"type": "partner", "types": ("partner", "supplier_of")}


def test_unknown_slug_in_edge() -> None:
    with pytest.raises(UnknownOrganisation, match="ghost"):
        build_graph(_orgs(), [EdgeRecord("acme", "ghost", "partner")])
    with pytest.raises(UnknownOrganisation, match="ghost"):
        network_matrices(_orgs(), [EdgeRecord("ghost", "acme", "partner")])


@pytest.mark.parametrize(
    ("orgs", "edges", "message"),
    [
        ([OrgRecord("a", "company"), OrgRecord("a", "ngo")], [], "duplicate"),
        ([OrgRecord("a", "alien")], [], "alien"),
        ([OrgRecord("a", "company")], [EdgeRecord("a", "a", "partner")], "itself"),
        (
            [OrgRecord("a", "company"), OrgRecord("b", "company")],
            [EdgeRecord("a", "b", "likes")],
            "likes",
        ),
    ],
)
def test_bad_records(orgs: list[OrgRecord], edges: list[EdgeRecord], message: str) -> None:
    with pytest.raises(MatchingError, match=message):
        network_matrices(orgs, edges)


def test_matrices_match_networkx_adjacency() -> None:
    edges = [
        EdgeRecord("acme", "gold", "member_of"),
        EdgeRecord("bolt", "gold", "member_of"),
        EdgeRecord("acme", "fnv", "partner"),
        EdgeRecord("bolt", "fnv", "dispute"),
        EdgeRecord("bolt", "acme", "introduced", active=False),
    ]
    net = network_matrices(_orgs(), edges)
    graph = build_graph(_orgs(), edges, include_disputes=False)
    expected = nx.to_scipy_sparse_array(graph, nodelist=list(net.slugs)).toarray()
    assert (net.adjacency.toarray() == expected).all()
    assert net.group_slugs == ("gold",)
    assert net.incidence.toarray().tolist() == [[1.0], [1.0], [0.0], [0.0]]
    # acme–fnv partner (active), bolt–fnv dispute; acme–bolt ended: not blocked.
    blocked = {
        (net.slugs[i], net.slugs[j]) for i, j in zip(*net.blocked.nonzero(), strict=True) if i < j
    }
    assert blocked == {("acme", "fnv"), ("acme", "gold"), ("bolt", "fnv"), ("bolt", "gold")}


def test_order_of_records_does_not_matter() -> None:
    edges = [EdgeRecord("acme", "gold", "member_of")]
    a = network_matrices(_orgs(), edges)
    b = network_matrices(list(reversed(_orgs())), edges)
    assert a.slugs == b.slugs
    assert (a.adjacency != b.adjacency).nnz == 0
