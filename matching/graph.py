"""The relationship graph: networkx for inspection, scipy.sparse for the hot path.

:func:`build_graph` returns a :class:`networkx.Graph` for drawing, inspection and small
cases. :func:`network_matrices` builds, from the same records, the sparse matrices that
scoring uses, with organisations indexed in slug order:

- ``incidence``: organisation × group, 1 where an *active* ``member_of`` edge joins them;
- ``partners``: organisation × organisation, 1 where any other active, non-dispute
  relationship joins them (``partner``, ``supplier_of``, ``introduced``), symmetric;
- ``partnerships``: the part of ``partners`` that is ``partner`` or ``introduced`` — the
  ties an introduction aims at (the matcher learns its weights from them);
- ``adjacency``: the whole undirected proximity graph over all organisations, groups
  included as nodes (``partners`` plus ``incidence`` in both directions). It is the
  adjacency of ``build_graph(orgs, edges, include_disputes=False)`` in slug order, so
  sparse Adamic–Adar on it equals :func:`networkx.adamic_adar_index` there;
- ``blocked``: pairs that must never be suggested to each other: any active relationship
  of any type, and any ``dispute`` edge, active or ended (plus the diagonal).

A ``dispute`` never makes two organisations close, so it is not part of ``adjacency``.

Examples
--------
>>> from matching.records import OrgRecord, EdgeRecord
>>> orgs = [OrgRecord("a", "company"), OrgRecord("b", "company"), OrgRecord("g", "covenant")]
>>> edges = [EdgeRecord("a", "g", "member_of"), EdgeRecord("b", "g", "member_of")]
>>> G = build_graph(orgs, edges)
>>> sorted(G.edges(data="type"))
[('a', 'g', 'member_of'), ('b', 'g', 'member_of')]
>>> net = network_matrices(orgs, edges)
>>> net.adjacency.toarray().tolist()
[[0.0, 0.0, 1.0], [0.0, 0.0, 1.0], [1.0, 1.0, 0.0]]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp

from matching.errors import MatchingError, UnknownOrganisation
from matching.records import EDGE_TYPES, GROUP_KINDS, ORG_KINDS, EdgeRecord, OrgRecord

__all__ = ["NetworkMatrices", "build_graph", "index_organisations", "network_matrices"]

# When a pair has several relationship types, the graph's ``type`` shows the most telling.
# Relationship types an introduction aims at.
_PARTNERSHIP_TYPES = frozenset({"partner", "introduced"})
_TYPE_PRIORITY = ("dispute", "partner", "supplier_of", "introduced", "member_of")


def index_organisations(orgs: Iterable[OrgRecord]) -> dict[str, int]:
    """Map each slug to its position in slug order, validating slugs and kinds.

    Parameters
    ----------
    orgs : iterable of OrgRecord

    Returns
    -------
    dict
        ``{slug: index}`` with indices following sorted slugs, so the result does not
        depend on the order of ``orgs``.

    Raises
    ------
    MatchingError
        On a duplicate slug or an unknown kind, naming it.

    Examples
    --------
    >>> index_organisations([OrgRecord("b", "ngo"), OrgRecord("a", "company")])
    {'a': 0, 'b': 1}
    """
    slugs: set[str] = set()
    for org in orgs:
        if org.kind not in ORG_KINDS:
            raise MatchingError(f"unknown organisation kind {org.kind!r} for {org.slug!r}")
        if org.slug in slugs:
            raise MatchingError(f"duplicate organisation slug: {org.slug!r}")
        slugs.add(org.slug)
    return {slug: i for i, slug in enumerate(sorted(slugs))}


def _check_edge(edge: EdgeRecord, known: dict[str, int] | dict[str, OrgRecord]) -> None:
    if edge.type not in EDGE_TYPES:
        raise MatchingError(f"unknown relationship type {edge.type!r}")
    for slug in (edge.source, edge.target):
        if slug not in known:
            raise UnknownOrganisation(slug)
    if edge.source == edge.target:
        raise MatchingError(f"relationship of {edge.source!r} with itself")


def build_graph(
    orgs: Sequence[OrgRecord],
    edges: Iterable[EdgeRecord],
    *,
    include_inactive: bool = False,
    include_disputes: bool = True,
) -> nx.Graph:
    """Build an undirected networkx graph of organisations and their relationships.

    Parameters
    ----------
    orgs : sequence of OrgRecord
        Every organisation becomes a node (groups included) with attributes ``kind`` and
        ``name``.
    edges : iterable of EdgeRecord
        Relationships; each becomes an edge with attribute ``type`` (when a pair has
        several, the most telling: dispute, partner, supplier_of, introduced, member_of)
        and ``types`` (all of them, sorted).
    include_inactive : bool, default False
        Also draw relationships that have ended.
    include_disputes : bool, default True
        Draw ``dispute`` edges. Proximity scoring ignores them, so pass ``False`` for the
        graph whose link-prediction indices the sparse scorers reproduce.

    Returns
    -------
    networkx.Graph

    Raises
    ------
    UnknownOrganisation
        When an edge names a slug that is not in ``orgs``.
    MatchingError
        On an unknown relationship type or a relationship of an organisation with itself.

    Examples
    --------
    >>> orgs = [OrgRecord("a", "company", name="A"), OrgRecord("b", "ngo", name="B")]
    >>> G = build_graph(orgs, [EdgeRecord("a", "b", "partner"), EdgeRecord("a", "b", "dispute")])
    >>> G.nodes["b"]
    {'kind': 'ngo', 'name': 'B'}
    >>> G.edges["a", "b"]
    {'type': 'dispute', 'types': ('dispute', 'partner')}
    >>> build_graph(orgs, [EdgeRecord("a", "b", "dispute")], include_disputes=False).size()
    0
    """
    by_slug = {org.slug: org for org in orgs}
    index_organisations(orgs)
    graph = nx.Graph()
    for slug in sorted(by_slug):
        graph.add_node(slug, kind=by_slug[slug].kind, name=by_slug[slug].name)
    types: dict[tuple[str, str], set[str]] = {}
    for edge in edges:
        _check_edge(edge, by_slug)
        if not (edge.active or include_inactive):
            continue
        if edge.type == "dispute" and not include_disputes:
            continue
        u, v = sorted((edge.source, edge.target))
        types.setdefault((u, v), set()).add(edge.type)
    for (u, v), pair_types in sorted(types.items()):
        main = next(t for t in _TYPE_PRIORITY if t in pair_types)
        graph.add_edge(u, v, type=main, types=tuple(sorted(pair_types)))
    return graph


@dataclass(frozen=True)
class NetworkMatrices:
    """Sparse matrices of the relationship graph, organisations in slug order.

    Attributes
    ----------
    slugs : tuple of str
        Slugs in index order (sorted).
    index : dict
        ``{slug: index}``.
    kinds : numpy.ndarray of str
        Kind of each organisation.
    adjacency : scipy.sparse.csr_array
        N × N symmetric 0/1 proximity graph (groups are nodes).
    partners : scipy.sparse.csr_array
        N × N symmetric 0/1 active non-membership, non-dispute relationships.
    partnerships : scipy.sparse.csr_array
        N × N symmetric 0/1 active ``partner`` and ``introduced`` relationships.
    incidence : scipy.sparse.csr_array
        N × G active ``member_of`` incidence; column ``j`` is ``group_slugs[j]``.
    group_slugs : tuple of str
        Slugs of the group-kind organisations, in column order of ``incidence``.
    blocked : scipy.sparse.csr_array
        N × N symmetric boolean: pairs never to suggest (self, any active relationship,
        any dispute).

    Examples
    --------
    >>> net = network_matrices([OrgRecord("b", "company"), OrgRecord("a", "network")],
    ...                        [EdgeRecord("b", "a", "member_of")])
    >>> net.slugs, net.group_slugs, net.degrees.tolist()
    (('a', 'b'), ('a',), [1.0, 1.0])
    """

    slugs: tuple[str, ...]
    index: dict[str, int]
    kinds: np.ndarray
    adjacency: sp.csr_array
    partners: sp.csr_array
    partnerships: sp.csr_array
    incidence: sp.csr_array
    group_slugs: tuple[str, ...]
    blocked: sp.csr_array

    @property
    def degrees(self) -> np.ndarray:
        """Degree of every node in ``adjacency`` (members of a group count for it)."""
        degrees: np.ndarray = np.diff(self.adjacency.indptr).astype(np.float64)
        return degrees


def _symmetric(rows: list[int], cols: list[int], n: int) -> sp.csr_array:
    r = np.asarray(rows + cols, dtype=np.int64)
    c = np.asarray(cols + rows, dtype=np.int64)
    matrix = sp.csr_array((np.ones(len(r)), (r, c)), shape=(n, n))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def network_matrices(
    orgs: Sequence[OrgRecord],
    edges: Iterable[EdgeRecord],
    exclude: Iterable[tuple[str, str]] = (),
) -> NetworkMatrices:
    """Build the sparse matrices scoring works on (see the module docstring).

    Parameters
    ----------
    orgs : sequence of OrgRecord
    edges : iterable of EdgeRecord
    exclude : iterable of (str, str)
        Extra pairs to add to ``blocked`` (dismissed suggestions, pending or declined
        requests), in either order; pairs naming unknown slugs are ignored, because a
        dismissed organisation may since have been deleted.

    Returns
    -------
    NetworkMatrices

    Raises
    ------
    UnknownOrganisation, MatchingError
        As :func:`build_graph`.

    Examples
    --------
    >>> orgs = [OrgRecord(s, "company") for s in "abc"]
    >>> edges = [EdgeRecord("a", "b", "partner"), EdgeRecord("b", "c", "dispute", active=False)]
    >>> net = network_matrices(orgs, edges, exclude=[("c", "a")])
    >>> net.blocked.toarray().astype(int).tolist()
    [[1, 1, 1], [1, 1, 1], [1, 1, 1]]
    >>> net.partners.toarray().astype(int).tolist()
    [[0, 1, 0], [1, 0, 0], [0, 0, 0]]
    >>> net.partnerships.nnz
    2
    """
    index = index_organisations(orgs)
    n = len(index)
    slugs = tuple(sorted(index))
    kind_of = {org.slug: org.kind for org in orgs}
    kinds = np.array([kind_of[s] for s in slugs], dtype=object)
    group_slugs = tuple(s for s in slugs if kind_of[s] in GROUP_KINDS)
    group_col = {s: j for j, s in enumerate(group_slugs)}

    member_rows: list[int] = []
    member_cols: list[int] = []
    member_groups: list[int] = []
    partner_rows: list[int] = []
    partner_cols: list[int] = []
    tie_rows: list[int] = []
    tie_cols: list[int] = []
    block_rows: list[int] = list(range(n))
    block_cols: list[int] = list(range(n))
    for edge in edges:
        _check_edge(edge, index)
        u, v = index[edge.source], index[edge.target]
        if edge.type == "dispute" or edge.active:
            block_rows.append(u)
            block_cols.append(v)
        if not edge.active or edge.type == "dispute":
            continue
        if edge.type == "member_of" and edge.target in group_col:
            member_rows.append(u)
            member_cols.append(v)
            member_groups.append(group_col[edge.target])
        else:
            # member_of pointing at a non-group kind is kept as a plain tie.
            partner_rows.append(u)
            partner_cols.append(v)
            if edge.type in _PARTNERSHIP_TYPES:
                tie_rows.append(u)
                tie_cols.append(v)
    for a, b in exclude:
        if a in index and b in index:
            block_rows.append(index[a])
            block_cols.append(index[b])

    incidence = sp.csr_array(
        (np.ones(len(member_rows)), (member_rows, member_groups)), shape=(n, len(group_slugs))
    )
    incidence.sum_duplicates()
    incidence.data[:] = 1.0
    partners = _symmetric(partner_rows, partner_cols, n)
    adjacency = _symmetric(partner_rows + member_rows, partner_cols + member_cols, n)
    blocked = _symmetric(block_rows, block_cols, n).astype(bool)
    return NetworkMatrices(
        slugs=slugs,
        index=index,
        kinds=kinds,
        adjacency=adjacency,
        partners=partners,
        partnerships=_symmetric(tie_rows, tie_cols, n),
        incidence=incidence,
        group_slugs=group_slugs,
        blocked=blocked,
    )
