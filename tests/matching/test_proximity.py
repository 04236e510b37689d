from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from matching import proximity
from matching.errors import MatchingError
from matching.graph import build_graph, network_matrices
from matching.proximity import (
    adamic_adar,
    adamic_adar_pairs,
    common_neighbours,
    hub_weights,
    resource_allocation,
)
from matching.records import EdgeRecord, OrgRecord


def _adjacency(graph: nx.Graph) -> sp.csr_array:
    return sp.csr_array(nx.to_scipy_sparse_array(graph, nodelist=sorted(graph), format="csr"))


def test_k5() -> None:
    aa = adamic_adar_pairs(_adjacency(nx.complete_graph(5)), [(0, 1), (3, 4)])
    assert aa.tolist() == pytest.approx([3 / math.log(4), 3 / math.log(4)])


def test_p4() -> None:
    aa = adamic_adar_pairs(_adjacency(nx.path_graph(4)), [(0, 2), (1, 3), (0, 3)])
    assert aa.tolist() == pytest.approx([1 / math.log(2), 1 / math.log(2), 0.0])


def test_star() -> None:
    aa = adamic_adar_pairs(_adjacency(nx.star_graph(4)), [(1, 2), (3, 4), (0, 1)])
    assert aa.tolist() == pytest.approx([1 / math.log(4), 1 / math.log(4), 0.0])


def test_no_common_neighbour() -> None:
    graph = nx.Graph([(0, 1), (2, 3)])
    assert adamic_adar_pairs(_adjacency(graph), [(0, 2)]).tolist() == [0.0]


def test_isolated_nodes() -> None:
    graph = nx.empty_graph(3)
    assert adamic_adar_pairs(_adjacency(graph), [(0, 1), (1, 2)]).tolist() == [0.0, 0.0]


def test_no_pairs() -> None:
    assert adamic_adar_pairs(_adjacency(nx.path_graph(3)), []).shape == (0,)


@pytest.mark.parametrize("pair", [(0, 9), (-1, 0)])
def test_unknown_node(pair: tuple[int, int]) -> None:
    with pytest.raises(MatchingError, match="not in the graph"):
        adamic_adar_pairs(_adjacency(nx.path_graph(3)), [pair])


def test_not_sparse() -> None:
    with pytest.raises(MatchingError, match="scipy.sparse"):
        adamic_adar_pairs(np.eye(3), [(0, 1)])


@pytest.mark.parametrize("seed", range(5))
def test_indices_equal_networkx_on_random_graphs(seed: int) -> None:
    graph = nx.gnp_random_graph(30, 0.15, seed=seed)
    adjacency = _adjacency(graph)
    pairs = list(nx.non_edges(graph))
    expected_aa = {(u, v): p for u, v, p in nx.adamic_adar_index(graph, pairs)}
    expected_ra = {(u, v): p for u, v, p in nx.resource_allocation_index(graph, pairs)}
    got = adamic_adar_pairs(adjacency, pairs)
    assert dict(zip(pairs, got.tolist(), strict=True)) == pytest.approx(expected_aa)
    aa_matrix = adamic_adar(adjacency).toarray()
    ra_matrix = resource_allocation(adjacency).toarray()
    cn_matrix = common_neighbours(adjacency).toarray()
    for u, v in pairs:
        assert aa_matrix[u, v] == pytest.approx(expected_aa[u, v])
        assert ra_matrix[u, v] == pytest.approx(expected_ra[u, v])
        assert cn_matrix[u, v] == len(list(nx.common_neighbors(graph, u, v)))


@pytest.mark.parametrize("seed", range(3))
def test_equals_networkx_with_group_nodes(seed: int) -> None:
    rng = np.random.default_rng(seed)
    orgs = [OrgRecord(f"o{i:02d}", "company") for i in range(20)]
    orgs += [OrgRecord(f"g{i}", "covenant") for i in range(3)]
    edges = [
        EdgeRecord(f"o{i:02d}", f"g{g}", "member_of")
        for i in range(20)
        for g in range(3)
        if rng.random() < 0.3
    ]
    edges += [
        EdgeRecord(f"o{i:02d}", f"o{j:02d}", "partner")
        for i in range(20)
        for j in range(i + 1, 20)
        if rng.random() < 0.1
    ]
    net = network_matrices(orgs, edges)
    graph = build_graph(orgs, edges, include_disputes=False)
    pairs = [(u, v) for u, v in nx.non_edges(graph) if u.startswith("o") and v.startswith("o")]
    index_pairs = [(net.index[u], net.index[v]) for u, v in pairs]
    expected = [p for _, _, p in nx.adamic_adar_index(graph, pairs)]
    assert adamic_adar_pairs(net.adjacency, index_pairs).tolist() == pytest.approx(expected)


def test_two_groups_by_hand() -> None:
    # a and b share covenant g (3 members) and network h (2 members).
    orgs = [OrgRecord(s, "company") for s in "abc"] + [
        OrgRecord("g", "covenant"),
        OrgRecord("h", "network"),
    ]
    edges = [EdgeRecord(s, "g", "member_of") for s in "abc"]
    edges += [EdgeRecord(s, "h", "member_of") for s in "ab"]
    net = network_matrices(orgs, edges)
    a, b, c = (net.index[s] for s in "abc")
    aa = adamic_adar_pairs(net.adjacency, [(a, b), (a, c)])
    assert aa.tolist() == pytest.approx([1 / math.log(3) + 1 / math.log(2), 1 / math.log(3)])


def test_hub_weights_decay_above_cap() -> None:
    weights = hub_weights(np.array([2, 500, 5000]), max_degree=500)
    assert weights.tolist() == pytest.approx(
        [1 / math.log(2), 1 / math.log(500), 0.1 / math.log(5000)]
    )


@pytest.mark.parametrize(
    ("block_cells", "rows_per_pair"),
    [(1 << 22, 64), (64, 10_000), (1 << 22, 0)],
    ids=["one-block", "many-blocks", "per-pair"],
)
def test_every_pair_strategy_equals_networkx(
    monkeypatch: pytest.MonkeyPatch, block_cells: int, rows_per_pair: int
) -> None:
    monkeypatch.setattr(proximity, "_BLOCK_CELLS", block_cells)
    monkeypatch.setattr(proximity, "_ROWS_PER_PAIR", rows_per_pair)
    graph = nx.gnp_random_graph(40, 0.2, seed=11)
    pairs = [(u, v) for u in (3, 17, 5) for v in range(40) if v != u]
    expected = [p for _, _, p in nx.adamic_adar_index(graph, pairs)]
    got = adamic_adar_pairs(_adjacency(graph), pairs)
    assert got.tolist() == pytest.approx(expected)
