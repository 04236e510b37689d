"""Offline evaluation: hide known links, rank candidates, compare against baselines.

Protocol (applied identically to every method)
----------------------------------------------
1. :func:`split_edges` hides a seeded share of the organisation ↔ organisation links of the
   chosen types (default ``partner`` and ``introduced``) between non-group organisations.
   A link is an unordered pair; hiding it removes its active edges of those types. Pairs
   that also have another active relationship or a dispute are never hidden (they would be
   excluded from suggestions and could not be found again).
2. Every hidden pair ``{u, v}`` gives ``u`` a query *within the suggestion kind that
   matches the link* — ``peer`` when ``u`` and ``v`` are both companies or both
   stakeholders, ``stakeholder`` otherwise — and the same for ``v``. The relevant answers of
   query ``(u, kind)`` are all of ``u``'s hidden partners of that kind.
3. The candidates of a query are those the matcher could suggest on the training graph: of
   the kind's class, open to introductions, not ``u``, no active relationship with ``u``
   and no dispute. Each method ranks them and returns its top ``k``; a method recommends
   only candidates it scores above zero (except ``random``), ties broken by slug.
4. Metrics are averaged over queries: all of them (``overall``) and those of organisations
   whose every link of the chosen types was hidden (``cold_start``). With no query in a
   group its metrics are 0.

Methods: ``random`` (seeded uniform), ``popularity`` (degree in the training graph),
``jaccard`` and ``adamic_adar`` (networkx's definitions on the training graph, groups as
nodes, computed as sparse products), ``text_only`` (TF-IDF cosine of description, offers
and seeks) and ``convene`` (:class:`~matching.matcher.Matcher` fitted on the training graph;
the weights it learns come from an inner cross-validation on that graph, never from the
hidden links).

Examples
--------
>>> precision_at_k(["a", "b", "c"], {"b"}, k=3)
0.3333333333333333
>>> ndcg_at_k(["a", "b"], {"b"}, k=2) == 1 / math.log2(3)
True
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from matching.errors import MatchingError
from matching.graph import network_matrices
from matching.matcher import Matcher
from matching.profile import profile_text
from matching.proximity import adamic_adar_weights
from matching.records import COMPANY, GROUP_KINDS, STAKEHOLDER_KINDS, EdgeRecord, OrgRecord

__all__ = [
    "METHODS",
    "EdgeSplit",
    "Ranker",
    "catalogue_coverage",
    "evaluate",
    "mrr",
    "ndcg_at_k",
    "precision_at_k",
    "recall_at_k",
    "reciprocal_rank",
    "split_edges",
]

METHODS = ("random", "popularity", "jaccard", "adamic_adar", "text_only", "convene")
#: An extra method for :func:`evaluate`: ``(org, kind, pool, k) -> best-first slugs``.
Ranker = Callable[[str, str, Sequence[str], int], Sequence[str]]
_METRICS = ("precision@k", "recall@k", "mrr", "ndcg@k", "coverage")


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise MatchingError(f"k must be a positive integer, got {k!r}")


def precision_at_k(recommended: Sequence[str], relevant: Collection[str], k: int) -> float:
    """Share of the top ``k`` recommendations that are relevant (divided by ``k``).

    Examples
    --------
    >>> precision_at_k(["a", "b"], {"a", "z"}, k=4)
    0.25
    """
    _check_k(k)
    return sum(item in relevant for item in recommended[:k]) / k


def recall_at_k(recommended: Sequence[str], relevant: Collection[str], k: int) -> float:
    """Share of the relevant items found in the top ``k`` (0 when nothing is relevant).

    Examples
    --------
    >>> recall_at_k(["a", "b"], {"a", "z"}, k=4)
    0.5
    """
    _check_k(k)
    if not relevant:
        return 0.0
    return sum(item in relevant for item in recommended[:k]) / len(relevant)


def reciprocal_rank(
    recommended: Sequence[str], relevant: Collection[str], k: int | None = None
) -> float:
    """``1 / rank`` of the first relevant recommendation within the top ``k``, else 0.

    Examples
    --------
    >>> reciprocal_rank(["a", "b", "c"], {"c", "b"})
    0.5
    >>> reciprocal_rank(["a", "b", "c"], {"c"}, k=2)
    0.0
    """
    for rank, item in enumerate(recommended[:k] if k is not None else recommended, start=1):
        if item in relevant:
            return 1.0 / rank
    return 0.0


def mrr(rankings: Iterable[tuple[Sequence[str], Collection[str]]], k: int | None = None) -> float:
    """Mean reciprocal rank over ``(recommended, relevant)`` queries (0 for none).

    Examples
    --------
    >>> mrr([(["a", "b"], {"a"}), (["a", "b"], {"b"}), (["a"], {"z"})])
    0.5
    """
    ranks = [reciprocal_rank(rec, rel, k) for rec, rel in rankings]
    return float(np.mean(ranks)) if ranks else 0.0


def ndcg_at_k(recommended: Sequence[str], relevant: Collection[str], k: int) -> float:
    """Normalised discounted cumulative gain at ``k`` with binary relevance.

    .. math::

        \\mathrm{DCG@k} = \\sum_{r=1}^{k}
            \\frac{[\\text{item}_r \\text{ relevant}]}{\\log_2(r + 1)},
        \\qquad \\mathrm{NDCG@k} = \\mathrm{DCG@k} / \\mathrm{IDCG@k}

    where the ideal ranking puts ``min(|relevant|, k)`` relevant items first.

    Examples
    --------
    >>> import math
    >>> ndcg_at_k(["x", "a"], {"a", "b"}, k=2) == (1 / math.log2(3)) / (1 + 1 / math.log2(3))
    True
    """
    _check_k(k)
    if not relevant:
        return 0.0
    dcg = sum(
        1.0 / math.log2(rank + 1)
        for rank, item in enumerate(recommended[:k], start=1)
        if item in relevant
    )
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return dcg / ideal


def catalogue_coverage(
    recommendations: Iterable[Sequence[str]], catalogue: Collection[str]
) -> float:
    """Share of the catalogue that appears in at least one recommendation list.

    Examples
    --------
    >>> catalogue_coverage([["a", "b"], ["b"]], {"a", "b", "c", "d"})
    0.5
    """
    if not catalogue:
        return 0.0
    shown = {item for items in recommendations for item in items}
    return len(shown & set(catalogue)) / len(catalogue)


class EdgeSplit(NamedTuple):
    """Training edges and the hidden links (unordered pairs, each sorted, in order).

    Examples
    --------
    >>> EdgeSplit(train=(), hidden=(("a", "b"),)).hidden
    (('a', 'b'),)
    """

    train: tuple[EdgeRecord, ...]
    hidden: tuple[tuple[str, str], ...]


def split_edges(
    edges: Sequence[EdgeRecord],
    edge_types: Collection[str] = ("partner", "introduced"),
    holdout: float = 0.2,
    seed: int = 0,
    *,
    orgs: Sequence[OrgRecord] | None = None,
) -> EdgeSplit:
    """Hide a seeded share of the links of ``edge_types`` (see the module docstring).

    Parameters
    ----------
    edges : sequence of EdgeRecord
    edge_types : collection of str
        Relationship types whose links may be hidden.
    holdout : float
        Share of eligible links to hide, in [0, 1].
    seed : int
    orgs : sequence of OrgRecord, optional
        When given, links touching a group are never hidden.

    Returns
    -------
    EdgeSplit

    Raises
    ------
    MatchingError
        When ``holdout`` is outside [0, 1].

    Examples
    --------
    >>> edges = [EdgeRecord("a", "b", "partner"), EdgeRecord("b", "c", "partner"),
    ...          EdgeRecord("c", "d", "partner"), EdgeRecord("c", "d", "supplier_of")]
    >>> split = split_edges(edges, holdout=0.5, seed=0)
    >>> len(split.hidden), len(split.train)  # c–d has another relationship: never hidden
    (1, 3)
    """
    if not 0.0 <= holdout <= 1.0:
        raise MatchingError(f"holdout must be between 0 and 1, got {holdout!r}")
    groups = {org.slug for org in orgs or () if org.kind in GROUP_KINDS}
    chosen_types = set(edge_types)
    linked: set[tuple[str, str]] = set()
    other: set[tuple[str, str]] = set()
    for edge in edges:
        pair = (min(edge.source, edge.target), max(edge.source, edge.target))
        if edge.type == "dispute" or (edge.active and edge.type not in chosen_types):
            other.add(pair)
        elif edge.active and edge.type in chosen_types:
            linked.add(pair)
    eligible = sorted(
        pair for pair in linked - other if pair[0] not in groups and pair[1] not in groups
    )
    rng = np.random.default_rng(seed)
    n_hidden = int(round(holdout * len(eligible)))
    picked = np.sort(rng.choice(len(eligible), size=n_hidden, replace=False))
    hidden = tuple(eligible[i] for i in picked)
    hidden_set = set(hidden)
    train = tuple(
        edge
        for edge in edges
        if not (
            edge.active
            and edge.type in chosen_types
            and (min(edge.source, edge.target), max(edge.source, edge.target)) in hidden_set
        )
    )
    return EdgeSplit(train=train, hidden=hidden)


def _class_of(kind: str) -> str | None:
    if kind == COMPANY:
        return COMPANY
    return "stakeholder" if kind in STAKEHOLDER_KINDS else None


def _top_k(scores: np.ndarray, pool: np.ndarray, slugs: Sequence[str], k: int) -> list[str]:
    """Top ``k`` of ``pool`` by score (> 0), ties by slug (pool indices are slug order)."""
    values = scores[pool]
    keep = values > 0
    order = np.lexsort((pool[keep], -values[keep]))[:k]
    return [slugs[i] for i in pool[keep][order]]


def evaluate(
    orgs: Sequence[OrgRecord],
    edges: Sequence[EdgeRecord],
    *,
    edge_types: Collection[str] = ("partner", "introduced"),
    holdout: float = 0.2,
    seed: int = 0,
    k: int = 10,
    matcher_params: Mapping[str, Any] | None = None,
    extra_rankers: Mapping[str, Ranker] | None = None,
) -> dict[str, Any]:
    """Hide links, rank with every method, report precision, recall, MRR, NDCG, coverage.

    Parameters
    ----------
    orgs : sequence of OrgRecord
    edges : sequence of EdgeRecord
    edge_types : collection of str
        Link types to hide and find again.
    holdout : float
        Share of links hidden.
    seed : int
        Seeds the split, the ``random`` baseline and the matcher.
    k : int
        Length of each recommendation list.
    matcher_params : mapping, optional
        Parameters for :class:`~matching.matcher.Matcher` (defaults otherwise).
    extra_rankers : mapping of str to callable, optional
        More methods to measure under the same protocol, by name:
        ``ranker(org, kind, pool, k)`` gets the organisation's slug, the suggestion kind
        and the eligible candidates' slugs (slug order) and returns at most ``k`` of them,
        best first. Reported after the built-in methods.

    Returns
    -------
    dict
        ``{"overall": {method: {"precision@k", "recall@k", "mrr", "ndcg@k",
        "coverage"}}, "cold_start": {...}, "k": k, "hidden_links": n}``.

    Raises
    ------
    MatchingError
        On a bad ``k`` or ``holdout``, or an extra ranker named like a built-in method.

    Examples
    --------
    >>> orgs = [OrgRecord(s, "company", sectors=("gold",)) for s in "abcd"]
    >>> edges = [EdgeRecord("a", "b", "partner"), EdgeRecord("b", "c", "partner")]
    >>> result = evaluate(orgs, edges, holdout=0.5, k=2)
    >>> result["hidden_links"], sorted(result["overall"]) == sorted(METHODS)
    (1, True)
    """
    _check_k(k)
    extra = dict(extra_rankers or {})
    for name in extra:
        if name in METHODS:
            raise MatchingError(f"extra ranker {name!r} has the name of a built-in method")
    methods = (*METHODS, *extra)
    split = split_edges(edges, edge_types, holdout, seed, orgs=orgs)
    net = network_matrices(orgs, split.train)
    slugs = net.slugs
    by_slug = {org.slug: org for org in orgs}
    classes = [_class_of(by_slug[s].kind) for s in slugs]
    open_ = np.array([by_slug[s].open_to_introductions for s in slugs])
    class_members = {
        cls: np.flatnonzero(np.array([c == cls for c in classes], dtype=bool) & open_)
        for cls in (COMPANY, "stakeholder")
    }
    catalogue = {slugs[i] for members in class_members.values() for i in members}

    # Queries: (org, kind) -> hidden partners eligible as candidates.
    queries: dict[tuple[int, str], set[str]] = {}
    for u_slug, v_slug in split.hidden:
        for a, b in ((u_slug, v_slug), (v_slug, u_slug)):
            i, j = net.index[a], net.index[b]
            if classes[i] is None or classes[j] is None or not open_[j]:
                continue
            kind = "peer" if classes[i] == classes[j] else "stakeholder"
            queries.setdefault((i, kind), set()).add(b)
    chosen_types = set(edge_types)
    still_linked = {
        slug
        for edge in split.train
        if edge.active and edge.type in chosen_types
        for slug in (edge.source, edge.target)
    }

    adjacency = net.adjacency
    degrees = net.degrees
    aa_weights = sp.diags_array(adamic_adar_weights(degrees))
    texts = [profile_text(by_slug[s]) for s in slugs]
    try:
        tfidf = sp.csr_array(
            TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
        )
    except ValueError:  # no words anywhere
        tfidf = sp.csr_array((len(slugs), 1))
    matcher = Matcher(**{"random_state": seed, **(matcher_params or {})}).fit(orgs, split.train)
    rng = np.random.default_rng(seed)

    rankers: dict[str, Callable[[int, str, np.ndarray], list[str]]] = {
        "random": lambda i, kind, pool: [slugs[j] for j in rng.permutation(pool)[:k]],
        "popularity": lambda i, kind, pool: _top_k(degrees, pool, slugs, k),
        "jaccard": lambda i, kind, pool: _top_k(_jaccard(adjacency, degrees, i), pool, slugs, k),
        "adamic_adar": lambda i, kind, pool: _top_k(
            _dense_row(adjacency[[i]] @ aa_weights @ adjacency), pool, slugs, k
        ),
        "text_only": lambda i, kind, pool: _top_k(_dense_row(tfidf[[i]] @ tfidf.T), pool, slugs, k),
        "convene": lambda i, kind, pool: [c.candidate for c in matcher.suggest(slugs[i], kind, k)],
    }
    for name, ranker in extra.items():
        rankers[name] = functools.partial(_run_extra, ranker, slugs, k)
    lists: dict[str, list[tuple[list[str], set[str], bool]]] = {m: [] for m in methods}
    for (i, kind), relevant in sorted(queries.items()):
        own = classes[i]
        cls = own if kind == "peer" else ("stakeholder" if own == COMPANY else COMPANY)
        assert cls is not None
        pool = class_members[cls]
        blocked = net.blocked[[i]].toarray().ravel()
        pool = pool[~blocked[pool]]
        cold = slugs[i] not in still_linked
        for method in methods:
            lists[method].append((rankers[method](i, kind, pool), relevant, cold))

    def summary(cold_only: bool) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for method in methods:
            chosen = [(rec, rel) for rec, rel, cold in lists[method] if cold or not cold_only]
            if not chosen:
                out[method] = dict.fromkeys(_METRICS, 0.0)
                continue
            out[method] = {
                "precision@k": float(np.mean([precision_at_k(r, s, k) for r, s in chosen])),
                "recall@k": float(np.mean([recall_at_k(r, s, k) for r, s in chosen])),
                "mrr": mrr(chosen, k),
                "ndcg@k": float(np.mean([ndcg_at_k(r, s, k) for r, s in chosen])),
                "coverage": catalogue_coverage([r for r, _ in chosen], catalogue),
            }
        return out

    return {
        "overall": summary(cold_only=False),
        "cold_start": summary(cold_only=True),
        "k": k,
        "hidden_links": len(split.hidden),
    }


def _run_extra(
    ranker: Ranker, slugs: Sequence[str], k: int, i: int, kind: str, pool: np.ndarray
) -> list[str]:
    return list(ranker(slugs[i], kind, [slugs[j] for j in pool], k))[:k]


def _dense_row(matrix: sp.sparray) -> np.ndarray:
    row: np.ndarray = np.asarray(matrix.todense()).ravel()
    return row


def _jaccard(adjacency: sp.csr_array, degrees: np.ndarray, i: int) -> np.ndarray:
    """networkx's Jaccard coefficient of node ``i`` with every node (0 on empty unions)."""
    common = _dense_row(adjacency[[i]] @ adjacency)
    union = degrees[i] + degrees - common
    jaccard: np.ndarray = np.divide(common, union, out=np.zeros_like(common), where=union > 0)
    return jaccard
