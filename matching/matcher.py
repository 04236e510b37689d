"""Peer and stakeholder suggestions with reasons, scored with sparse and dense-block algebra.

Scores
------
For an organisation ``u`` and a candidate ``v`` both kinds of suggestion add four parts:

.. math::

    s(u, v) = \\underbrace{x_u \\cdot y_v}_{\\text{profile}}
            + w_{proximity} \\, (1 - e^{-\\mathrm{AA}(u, v)})
            + w_{cross\\_network} \\, [v \\text{ is in a network } u \\text{ is not in}]
            + w_{popularity} \\, \\frac{\\log(1 + d_v)}{\\log(1 + d_{max})}

- **peer** (company ↔ company, stakeholder ↔ stakeholder): ``x = y`` are
  :class:`~matching.profile.ProfileVectorizer` rows, so the profile part is
  ``w_text·cos(text) + w_tags/3·(cos(sectors) + cos(countries) + cos(themes))``.
- **stakeholder** (company → stakeholder kinds, stakeholder → companies): complementarity,
  ``w_complement·cos(themes)·cos(countries)`` (theme × country pairs: what one works on
  where the other operates or sources) ``+ w_seeks_offers/2·(cos(seeks_u, offers_v) +
  cos(offers_u, seeks_v))`` (TF-IDF over ``seeks``/``offers``, words and bigrams)
  ``+ w_tags/3·(…)`` as for peers. ``x`` and ``y`` are the same features with the seeks and
  offers blocks swapped.
- ``AA`` is Adamic–Adar on the graph of active, non-dispute relationships with groups as
  nodes (:mod:`matching.graph`); ``1 - e^{-AA}`` maps it into [0, 1) like the other parts.

The profile and proximity parts are symmetric in ``u`` and ``v`` for both kinds; the
cross-network bonus is directional (``v`` brings ``u`` a network ``u`` is not in), and the
popularity prior (``d``: active relationships other than memberships) ranks but never
explains.

The seven ``w_*`` weights are learned from the fitted graph by default: five-fold inner
cross-validation over its ``partner`` and ``introduced`` links and a pairwise logistic loss
(:mod:`matching.learning`; ``learn_weights``). The given values are the starting point
and the fallback for graphs too small to learn from.

Mega-groups (hubs)
------------------
A node (usually a group) with more than ``max_group_size`` neighbours is a *hub*. Its weight
as a common neighbour is ``1/log(d) · max_group_size/d`` instead of ``1/log(d)``
(:func:`matching.proximity.hub_weights`): equal at the cap, then falling like resource
allocation, so a network of 5,000 members still counts — and still appears as a
``shared_group`` reason — but weighs less than a covenant of 50 and cannot make all its
members each other's peers. Hubs are also kept **out of the sparse product**
``A[rows] @ diag(w) @ A`` (a hub of degree ``d`` would put ``d²`` entries in it and make the
product as dense as the graph is large): in the shortlisting stage each hub becomes one extra
column of the dense embeddings (row side: the organisation's weighted membership; candidate
side: the hub's members), so its cost is one multiply-add per pair, and the exact stage
intersects the two organisations' neighbour lists, which a hub does not lengthen. Below the
cap (and on every small graph) the proximity is exactly networkx's ``adamic_adar_index``.

Two stages
----------
Scoring every pair exactly would need sparse products whose results are dense. For each
batch of organisations (``batch × candidates`` float32 cells, about 16 MB by default) the
matcher instead

1. scores all candidates approximately with one dense matrix product: low-dimensional
   embeddings of the profile features (``TruncatedSVD`` with ``n_components``, seeded by
   ``random_state``; exact when there are fewer features), plus one column per hub (see
   above) and one per distinct set of networks among the candidates (for the
   cross-network bonus); the sparse proximity of regular nodes is added in place and
   excluded pairs are set to ``-inf``;
2. keeps the ``shortlist_size`` best per row (a grouped partial sort), rescores those pairs
   exactly from the sparse features, keeps the ``k`` best with at least one concrete reason
   (ties broken by slug) and only then works out their reasons.

Stage 1 holds at most 256 hub columns (the heaviest) and 256 network patterns; beyond that
it approximates further, and stage 2 stays exact. :meth:`Matcher.suggest` runs the same code
for one row, so it returns what :meth:`Matcher.suggest_all` yields for that organisation
(barring float32 rounding that reorders two candidates tied at the edge of the shortlist).

Exclusions
----------
Never suggested: the organisation itself; group kinds; anyone with an active relationship
of any type with it; anyone it has a dispute with (ended or not); organisations with
``open_to_introductions=False`` (they still receive suggestions); the pairs in ``exclude``
(either order). Ended relationships do not exclude.

Examples
--------
>>> from matching.records import OrgRecord, EdgeRecord
>>> orgs = [
...     OrgRecord("acme", "company", sectors=("gold",), themes=("child-labour",)),
...     OrgRecord("bolt", "company", sectors=("gold",)),
...     OrgRecord("gold-covenant", "covenant"),
... ]
>>> edges = [EdgeRecord(s, "gold-covenant", "member_of") for s in ("acme", "bolt")]
>>> m = Matcher(random_state=0).fit(orgs, edges)
>>> [(c.candidate, [r.code for r in c.reasons]) for c in m.suggest("acme", "peer")]
[('bolt', ['shared_group', 'shared_sector'])]
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from matching import reasons as rc
from matching.errors import MatchingError, UnknownOrganisation
from matching.graph import NetworkMatrices, network_matrices
from matching.learning import fit_pairwise_weights, sample_links, split_folds
from matching.profile import ProfileVectorizer, one_hot
from matching.proximity import hub_weights
from matching.records import (
    COMPANY,
    GROUP_KINDS,
    STAKEHOLDER_KINDS,
    SUGGESTION_KINDS,
    Candidate,
    EdgeRecord,
    OrgRecord,
    Reason,
)

__all__ = ["MODEL_VERSION", "Matcher"]

#: Identifies the scoring model in stored suggestions; bump when scores change meaning.
MODEL_VERSION = "convene-3"

MAX_REASONS = 4
_MAX_REASONS_PER_CODE = 2
_MAX_TERMS = 3
# Dense score blocks hold about this many float32 cells (16 MB) when batch_size is None;
# the exact stage's temporaries grow with the batch too.
_BLOCK_CELLS = 1 << 22
_MAX_DENSE = 256
_TOPK_CHUNK = 32

# Column blocks of the profile feature matrices.
_TEXT, _SECTOR, _COUNTRY, _THEME, _THEME_COUNTRY, _SEEKS, _OFFERS = range(7)
_TEXT_BLOCKS = (_TEXT, _SEEKS, _OFFERS)
# Reason code ids: the feature blocks above, then graph reasons.
_GROUP_CODE, _PARTNER_CODE, _CROSS_CODE = 7, 8, 9
_CODE_NAMES = (
    rc.SHARED_TERMS,
    rc.SHARED_SECTOR,
    rc.SHARED_COUNTRY,
    rc.SHARED_THEME,
    rc.THEME_IN_COUNTRY,
    rc.SEEKS_OFFERS,
    rc.SEEKS_OFFERS,
    rc.SHARED_GROUP,
    rc.COMMON_PARTNER,
    rc.CROSS_NETWORK,
)
# Ids that share a code count together towards the per-code cap.
_CODE_GROUP = np.array([0, 1, 2, 3, 4, 5, 5, 7, 8, 9])
_TAG_PARAM = {_SECTOR: "sector", _COUNTRY: "country", _THEME: "theme"}
# The weights, in the order of the parts that _learn_weights computes.
_WEIGHT_NAMES = (
    "w_text",
    "w_tags",
    "w_proximity",
    "w_complement",
    "w_seeks_offers",
    "w_cross_network",
    "w_popularity",
)
# Which part (index in _WEIGHT_NAMES) each feature block belongs to.
_BLOCK_PART = np.array([0, 1, 1, 1, 3, 4, 4])
_PROXIMITY_PART, _CROSS_PART, _POPULARITY_PART = 2, 5, 6
# Learning the weights: folds of the inner cross-validation (each hides a fifth), links
# used at most, queries needed at least (else the given weights stay), random candidates
# per hidden link and direction.
_LEARN_FOLDS = 5
_LEARN_MAX_LINKS = 2000
_LEARN_MIN_LINKS = 30
_LEARN_NEGATIVES = 20
_LEARN_FLOOR = 0.1
# Classes of organisations that take part in suggestions.
_COMPANIES, _STAKEHOLDERS = 0, 1


@dataclass
class _KindFeatures:
    """Exact sparse features of one suggestion kind and their dense embeddings."""

    left: sp.csr_array
    right: sp.csr_array
    block: np.ndarray
    labels: list[Any]
    emb_left: np.ndarray
    emb_right_t: dict[int, np.ndarray] = field(default_factory=dict)


def _check_kind(kind: str) -> str:
    if kind not in SUGGESTION_KINDS:
        raise MatchingError(f"unknown suggestion kind {kind!r}; expected 'peer' or 'stakeholder'")
    return kind


def _check_weight(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
        raise MatchingError(f"{name} must be a finite number ≥ 0, got {value!r}")
    if value < 0:
        raise MatchingError(f"{name} must be a finite number ≥ 0, got {value!r}")
    return float(value)


def _check_positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise MatchingError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _embed(
    left: sp.csr_array, right: sp.csr_array, n_components: int, random_state: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Dense float32 embeddings with ``emb_left @ emb_right.T ≈ left @ right.T``.

    Exact when there are no more features than components; otherwise both sides are
    projected on the top right-singular vectors of ``left``.
    """
    if left.shape[1] <= n_components:
        return left.toarray().astype(np.float32), right.toarray().astype(np.float32)
    # ``right`` has the same blocks as ``left`` (at most swapped), so left's basis serves.
    svd = TruncatedSVD(n_components=n_components, n_iter=2, random_state=random_state)
    svd.fit(left.astype(np.float32))
    basis = np.ascontiguousarray(svd.components_.T, dtype=np.float32)
    emb_left = np.asarray(left.astype(np.float32) @ basis, dtype=np.float32)
    emb_right = emb_left if right is left else np.asarray(right.astype(np.float32) @ basis)
    return emb_left, emb_right


def _top_columns(block: np.ndarray, size: int) -> np.ndarray:
    """Column indices of (a superset of) the ``size`` largest entries of each row.

    ``np.argpartition`` on long rows is slow. Split the columns into groups (column ``c`` in
    group ``c mod n_groups``, so a group is a strided slice and its maximum is one cheap
    reduction); the ``size`` largest entries of a row all lie in the ``size`` groups with the
    largest maxima, so only those entries are partitioned.
    """
    rows, cols = block.shape
    if cols <= size:
        return np.broadcast_to(np.arange(cols), (rows, cols))
    n_groups = cols // _TOPK_CHUNK
    if cols % _TOPK_CHUNK or n_groups <= size:
        keep = np.argpartition(block, cols - size, axis=1)[:, cols - size :]
        return np.asarray(keep)
    maxima = block.reshape(rows, _TOPK_CHUNK, n_groups).max(axis=1)
    groups = np.argpartition(maxima, n_groups - size, axis=1)[:, n_groups - size :]
    groups.sort(axis=1)  # deterministic column order
    candidates = (groups[:, None, :] + n_groups * np.arange(_TOPK_CHUNK)[None, :, None]).reshape(
        rows, -1
    )
    values = np.take_along_axis(block, candidates, axis=1)
    keep = np.argpartition(values, candidates.shape[1] - size, axis=1)[:, -size:]
    return np.take_along_axis(candidates, keep, axis=1)


def _rows_of(matrix: sp.csr_array, rows: np.ndarray) -> sp.csr_array:
    return sp.csr_array(matrix[rows])


def _pick_terms(labels: Sequence[str]) -> str:
    """Join the strongest terms; a phrase replaces the words of it already chosen.

    >>> _pick_terms(["living", "living wage", "wage", "audits"])
    'living wage, audits'
    """
    if not any(" " in term for term in labels):  # single words: nothing overlaps
        return ", ".join(labels[:_MAX_TERMS])
    chosen: list[tuple[str, frozenset[str]]] = []
    for term in labels:
        words = frozenset(term.split())
        if any(words <= c for _, c in chosen):
            continue
        inside = [i for i, (_, c) in enumerate(chosen) if c < words]
        if inside:
            chosen[inside[0]] = (term, words)
            for i in reversed(inside[1:]):
                del chosen[i]
        elif len(chosen) < _MAX_TERMS:
            chosen.append((term, words))
    return ", ".join(term for term, _ in chosen)


@functools.lru_cache(maxsize=4096)
def _first_other_network(
    mine: frozenset[int], theirs: frozenset[int], slugs: tuple[str, ...]
) -> str:
    # few distinct network memberships exist, so the answer repeats across pairs
    return str(slugs[min(n for n in theirs if n not in mine)])


@functools.lru_cache(maxsize=65_536)
def _pick_terms_cached(labels: tuple[str, ...]) -> str:
    # the same few seeks/offers phrases recur across many pairs of a refresh
    return _pick_terms(labels)


class Matcher(BaseEstimator):  # type: ignore[misc]
    """Suggest peers and stakeholders for organisations, with reasons.

    Parameters
    ----------
    w_text : float, default 0.35
        Peers: weight of the TF-IDF cosine of description + offers + seeks.
    w_tags : float, default 0.3
        Both kinds: total weight of the sector, country and theme cosines (a third each).
    w_proximity : float, default 0.3
        Both kinds: weight of the network proximity ``1 - exp(-Adamic–Adar)``.
    w_complement : float, default 0.4
        Stakeholders: weight of the theme × country overlap ``cos(themes)·cos(countries)``.
    w_seeks_offers : float, default 0.3
        Stakeholders: weight of the match of one's seeks with the other's offers.
    w_cross_network : float, default 0.05
        Both kinds: bonus for a candidate in a network the organisation is not in.
    w_popularity : float, default 0.2
        Both kinds: prior for candidates with many active relationships,
        ``log(1 + d) / log(1 + d_max)`` over non-membership edges (a preferential-attachment
        prior). It ranks, it never explains: a candidate still needs a concrete reason.
    learn_weights : bool, default True
        Learn the seven weights above from the fitted graph (:mod:`matching.learning`):
        deal its ``partner`` and ``introduced`` links (at most 2,000) into five folds;
        hide each fold in turn and score its hidden partners and 20 random candidates of
        the same organisation on the graph without it; fit, over all folds at once, the
        weights that rank the partners first. The result is rescaled to the total of the
        given weights, and each weight is kept at least a tenth of its given value. The
        given weights stay when there are fewer than 30 links, or with ``False``.
    max_group_size : int, default 500
        Degree above which a node is a hub (see the module docstring).
    max_features : int, default 50_000
        Vocabulary cap of each TF-IDF model.
    min_df : int or float, default 1
        Minimum document frequency of a term (``TfidfVectorizer`` semantics).
    n_components : int, default 128
        Dimension of the dense embeddings used to shortlist candidates.
    shortlist_size : int, default 50
        Candidates per organisation rescored exactly (at least ``k``).
    random_state : int, numpy.random.RandomState or None, default None
        Seeds the randomized SVD of the shortlisting stage; pass an int for output that is
        reproducible across processes.

    Attributes
    ----------
    slugs_ : tuple of str
        All organisations, in index (slug) order.
    source_slugs_ : tuple of str
        Organisations that can receive suggestions (not groups), in the order
        :meth:`suggest_all` yields them.
    network_ : matching.graph.NetworkMatrices
        Sparse matrices of the fitted graph.
    vectorizer_ : ProfileVectorizer
        Profile features, unweighted (the matcher scales each block by its weight).
    seeks_offers_vectorizer_ : TfidfVectorizer or None
        Shared vocabulary of ``seeks`` and ``offers``; ``None`` when they are all empty.
    weights_ : dict of str to float
        The weights the scores use: learned, or the given ones (see ``learn_weights``).
    node_weights_ : numpy.ndarray
        Weight of every node as a common neighbour (hub-aware Adamic–Adar).

    Examples
    --------
    >>> orgs = [
    ...     OrgRecord("acme", "company", themes=("living-wage",), countries=("BD",)),
    ...     OrgRecord("fnv", "union", themes=("living-wage",), countries=("BD",),
    ...               offers="living wage training"),
    ...     OrgRecord("cleanco", "company", seeks="living wage", themes=("water",)),
    ... ]
    >>> m = Matcher(random_state=0).fit(orgs, [])
    >>> [c.candidate for c in m.suggest("acme", "stakeholder")]
    ['fnv']
    >>> [r.code for r in m.suggest("acme", "stakeholder")[0].reasons]
    ['theme_in_country', 'shared_country', 'shared_theme']
    >>> [(r.code, dict(r.params)) for r in m.suggest("cleanco", "stakeholder")[0].reasons]
    [('seeks_offers', {'terms': 'living wage', 'direction': 'offers'})]
    """

    def __init__(
        self,
        *,
        w_text: float = 0.35,
        w_tags: float = 0.3,
        w_proximity: float = 0.3,
        w_complement: float = 0.4,
        w_seeks_offers: float = 0.3,
        w_cross_network: float = 0.05,
        w_popularity: float = 0.2,
        learn_weights: bool = True,
        max_group_size: int = 500,
        max_features: int = 50_000,
        min_df: int | float = 1,
        n_components: int = 128,
        shortlist_size: int = 50,
        random_state: int | np.random.RandomState | None = None,
    ) -> None:
        self.w_text = w_text
        self.w_tags = w_tags
        self.w_proximity = w_proximity
        self.w_complement = w_complement
        self.w_seeks_offers = w_seeks_offers
        self.w_popularity = w_popularity
        self.w_cross_network = w_cross_network
        self.learn_weights = learn_weights
        self.max_group_size = max_group_size
        self.max_features = max_features
        self.min_df = min_df
        self.n_components = n_components
        self.shortlist_size = shortlist_size
        self.random_state = random_state

    # ------------------------------------------------------------------ fitting

    def fit(
        self,
        orgs: Sequence[OrgRecord],
        edges: Iterable[EdgeRecord] = (),
        exclude: Iterable[tuple[str, str]] = (),
    ) -> Matcher:
        """Learn profile features and the relationship graph.

        Parameters
        ----------
        orgs : sequence of OrgRecord
            All organisations, groups included; any order (they are indexed by slug).
        edges : iterable of EdgeRecord
            All relationships, ended ones included (they matter for disputes).
        exclude : iterable of (str, str)
            Pairs never to suggest to each other (dismissed suggestions, pending, declined
            or rejected requests), in either order. Unknown slugs are ignored.

        Returns
        -------
        Matcher
            ``self``, fitted.

        Raises
        ------
        MatchingError
            On a bad parameter, duplicate slug, unknown kind or relationship type.
        UnknownOrganisation
            When an edge names a slug not in ``orgs``.

        Examples
        --------
        >>> m = Matcher().fit([OrgRecord("a", "company"), OrgRecord("b", "company")])
        >>> m.source_slugs_
        ('a', 'b')
        """
        self._weights = {name: _check_weight(name, getattr(self, name)) for name in _WEIGHT_NAMES}
        if not isinstance(self.learn_weights, (bool, np.bool_)):
            raise MatchingError(f"learn_weights must be True or False, got {self.learn_weights!r}")
        max_group_size = _check_positive_int("max_group_size", self.max_group_size)
        n_components = _check_positive_int("n_components", self.n_components)
        _check_positive_int("shortlist_size", self.shortlist_size)
        _check_positive_int("max_features", self.max_features)
        rng = check_random_state(self.random_state)

        records = list(orgs)
        for record in records:
            if not isinstance(record, OrgRecord):
                raise MatchingError(f"expected OrgRecord, got {type(record).__name__}")
        net = network_matrices(records, list(edges), exclude)
        by_slug = {org.slug: org for org in records}
        ordered = [by_slug[slug] for slug in net.slugs]
        self.slugs_ = net.slugs
        self.network_: NetworkMatrices = net
        kinds = net.kinds
        self._is_group = np.isin(kinds, list(GROUP_KINDS))
        self._org_class = np.full(len(ordered), -1, dtype=np.int64)
        self._org_class[kinds == COMPANY] = _COMPANIES
        self._org_class[np.isin(kinds, list(STAKEHOLDER_KINDS))] = _STAKEHOLDERS
        self.source_slugs_ = tuple(
            s for s, g in zip(net.slugs, self._is_group, strict=True) if not g
        )
        open_ = np.array([org.open_to_introductions for org in ordered], dtype=bool)
        self._open = open_
        self._candidates = {
            cls: np.flatnonzero((self._org_class == cls) & open_)
            for cls in (_COMPANIES, _STAKEHOLDERS)
        }

        self._fit_graph(net, max_group_size)
        self._fit_features(ordered)
        self.weights_ = dict(self._weights)
        if self.learn_weights:
            learned = self._learn_weights(rng, max_group_size)
            if learned is not None:
                self.weights_ = learned
        self._weights = self.weights_
        self._apply_weights(n_components, rng)
        return self

    def _fit_graph(self, net: NetworkMatrices, max_group_size: int) -> None:
        adjacency = net.adjacency
        degrees = net.degrees
        self.node_weights_ = hub_weights(degrees, max_group_size)
        hub = degrees > max_group_size
        self._adjacency = adjacency
        self._adj_regular = sp.csr_array(adjacency @ sp.diags_array(self.node_weights_ * ~hub))
        self._adj_regular.eliminate_zeros()
        self._adj_hub = sp.csr_array(adjacency @ sp.diags_array(self.node_weights_ * hub))
        self._adj_hub.eliminate_zeros()
        networks = np.flatnonzero(net.kinds[[net.index[g] for g in net.group_slugs]] == "network")
        self._network_slugs = np.array(net.group_slugs, dtype=object)[networks]
        self._network_slug_tuple = tuple(str(slug) for slug in self._network_slugs)
        self._networks = sp.csr_array(net.incidence[:, networks])
        self._org_networks = [
            frozenset(self._networks.indices[a:b].tolist())
            for a, b in zip(self._networks.indptr[:-1], self._networks.indptr[1:], strict=True)
        ]
        partner_degree = np.asarray(net.partners.sum(axis=1), dtype=np.float64).ravel()
        top_degree = np.log1p(partner_degree.max()) if partner_degree.size else 0.0
        self.popularity_ = (
            np.log1p(partner_degree) / top_degree
            if top_degree > 0
            else np.zeros_like(partner_degree)
        )
        self._cand_adjacency: dict[int, sp.csr_array] = {}
        self._cand_blocked: dict[int, sp.csr_array] = {}
        self._cand_patterns: dict[int, np.ndarray] = {}
        # Stage 1 handles at most _MAX_DENSE hubs (the heaviest) and _MAX_DENSE network
        # patterns in its dense product; beyond that it approximates, stage 2 is exact.
        hubs = np.flatnonzero(hub)
        heaviest = np.argsort(-self.node_weights_[hubs], kind="stable")[:_MAX_DENSE]
        self._hub_columns = np.sort(hubs[heaviest])
        self._stage1_right: dict[int, list[np.ndarray]] = {}
        for cls, cands in self._candidates.items():
            cand_adjacency = sp.csr_array(adjacency[:, cands])
            self._cand_adjacency[cls] = cand_adjacency
            self._cand_blocked[cls] = sp.csr_array(net.blocked[:, cands])
            # Each distinct non-empty set of networks among the candidates is a pattern.
            cand_networks = sp.csr_array(self._networks[cands])
            keys = [
                tuple(cand_networks.indices[a:b].tolist())
                for a, b in zip(cand_networks.indptr[:-1], cand_networks.indptr[1:], strict=True)
            ]
            distinct = sorted({key for key in keys if key})
            if len(distinct) > _MAX_DENSE:
                distinct = []
            column = {key: p for p, key in enumerate(distinct)}
            patterns = np.zeros((len(distinct), self._networks.shape[1]))
            for p, key in enumerate(distinct):
                patterns[p, list(key)] = 1.0
            self._cand_patterns[cls] = patterns
            members = np.zeros((len(distinct), cands.size), dtype=np.float32)
            for c, key in enumerate(keys):
                if key in column:
                    members[column[key], c] = 1.0
            hub_part = cand_adjacency[self._hub_columns].toarray().astype(np.float32)
            self._stage1_right[cls] = [hub_part, members]

    def _fit_features(self, orgs: list[OrgRecord]) -> None:
        """Build the exact features of both kinds with every weight 1 (``_apply_weights``
        scales each block by the square root of its weight)."""
        self.vectorizer_ = ProfileVectorizer(
            text_weight=1.0,
            sector_weight=1 / 3,
            country_weight=1 / 3,
            theme_weight=1 / 3,
            max_features=self.max_features,
            min_df=self.min_df,
        )
        profile = self.vectorizer_.fit_transform(orgs)
        vec = self.vectorizer_
        slices = vec.feature_slices_
        names = vec.feature_names_
        strip = np.array([name.split(":", 1)[1] for name in names], dtype=object)
        block = np.empty(len(names), dtype=np.int64)
        for name, code in (
            ("text", _TEXT),
            ("sectors", _SECTOR),
            ("countries", _COUNTRY),
            ("themes", _THEME),
        ):
            block[slices[name]] = code
        peer = _KindFeatures(profile, profile, block, strip.tolist(), np.empty((0, 0)))

        # Stakeholder features: theme × country pairs, seeks/offers, tags.
        tags_start = slices["sectors"].start
        tags = sp.csr_array(profile[:, tags_start:])
        pair_values = [[(t, c) for t in org.themes for c in org.countries] for org in orgs]
        pair_names = sorted({p for values in pair_values for p in values})
        # One-hot over theme × country pairs: its cosine is cos(themes) · cos(countries).
        pair_column = {pair: j for j, pair in enumerate(pair_names)}
        pair_matrix = one_hot(
            [[pair_column[p] for p in values] for values in pair_values], range(len(pair_names))
        )
        seeks, offers, terms = self._fit_seeks_offers(orgs)
        half = np.sqrt(0.5)
        left = sp.hstack([pair_matrix, seeks * half, offers * half, tags], format="csr")
        right = sp.hstack([pair_matrix, offers * half, seeks * half, tags], format="csr")
        pair_labels = np.empty(len(pair_names), dtype=object)
        pair_labels[:] = pair_names
        st_label = np.concatenate([pair_labels, terms, terms, strip[tags_start:]])
        st_block = np.concatenate(
            [
                np.full(len(pair_names), _THEME_COUNTRY),
                np.full(len(terms), _SEEKS),
                np.full(len(terms), _OFFERS),
                block[tags_start:],
            ]
        )
        stakeholder = _KindFeatures(
            sp.csr_array(left), sp.csr_array(right), st_block, st_label.tolist(), np.empty((0, 0))
        )

        self._features = {"peer": peer, "stakeholder": stakeholder}

    def _apply_weights(self, n_components: int, rng: Any) -> None:
        """Scale the feature blocks by the final weights, then build the dense stage."""
        w = self._weights
        self._cand_popularity = {
            cls: (w["w_popularity"] * self.popularity_[cands]).astype(np.float32)
            for cls, cands in self._candidates.items()
        }
        by_block = np.sqrt([w[_WEIGHT_NAMES[part]] for part in _BLOCK_PART])
        for feats in self._features.values():
            scale = by_block[feats.block]
            # in place (column j times scale[j]): no second copy of the features
            for matrix in {id(m): m for m in (feats.left, feats.right)}.values():
                matrix.data *= scale[matrix.indices]
            feats.left.eliminate_zeros()
            feats.right.eliminate_zeros()
            emb_left, emb_right = _embed(feats.left, feats.right, n_components, rng)
            feats.emb_left = emb_left
            for cls, cands in self._candidates.items():
                right = np.concatenate([emb_right[cands].T, *self._stage1_right[cls]], axis=0)
                width = -(-cands.size // _TOPK_CHUNK) * _TOPK_CHUNK
                padded = np.zeros((right.shape[0], width), dtype=np.float32)
                padded[:, : cands.size] = right
                feats.emb_right_t[cls] = padded
        del self._stage1_right

    def _learn_weights(self, rng: Any, max_group_size: int) -> dict[str, float] | None:
        """Weights learned by inner cross-validation on the fitted graph (:mod:`matching.learning`).

        Takes up to ``_LEARN_MAX_LINKS`` of the ``partner`` and ``introduced`` links and
        splits them into ``_LEARN_FOLDS`` folds. Each fold in turn is hidden: on the graph
        without it, every unweighted part of the score is computed for each hidden link
        (both directions, when the partner takes introductions) and for
        ``_LEARN_NEGATIVES`` random candidates of the same query. One fit over the queries
        of all folds finds the weights that rank the hidden partners first: every link is a
        query once, so on a small network the weights rest on all its links rather than on
        one draw of a fifth of them. ``None`` when fewer than ``_LEARN_MIN_LINKS`` queries
        can be made: the given weights stay.
        """
        net = self.network_
        learn_rng = np.random.default_rng(rng.randint(np.iinfo(np.int32).max))
        links = sample_links(
            net.partnerships, self._org_class >= 0, 1.0, _LEARN_MAX_LINKS, learn_rng
        )
        if len(links) < _LEARN_MIN_LINKS:
            return None
        n = len(self.slugs_)
        blocked = sp.coo_array(net.blocked)
        blocked_keys = np.sort(blocked.row.astype(np.int64) * n + blocked.col)
        positives: list[np.ndarray] = []
        negatives: list[np.ndarray] = []
        queries: list[np.ndarray] = []
        done = 0  # queries of the folds before: the offset of this fold's query numbers
        for fold in split_folds(len(links), _LEARN_FOLDS, learn_rng):
            pos, neg, query = self._fold_parts(links[fold], blocked_keys, learn_rng, max_group_size)
            positives.append(pos)
            negatives.append(neg)
            queries.append(query + done)
            done += len(pos)
        query = np.concatenate(queries)
        if done < _LEARN_MIN_LINKS or query.size == 0:
            return None
        given = np.array([self._weights[name] for name in _WEIGHT_NAMES])
        weights = fit_pairwise_weights(
            np.concatenate(positives), np.concatenate(negatives), query, start=given
        )
        if weights.sum() <= 0:
            return None
        # The given weights' total, and never below a tenth of a given weight: every kind
        # of concrete evidence keeps counting (a profile alone still finds suggestions).
        weights = np.maximum(weights * (given.sum() / weights.sum()), _LEARN_FLOOR * given)
        return {name: round(float(w), 6) for name, w in zip(_WEIGHT_NAMES, weights, strict=True)}

    def _fold_parts(
        self,
        hidden: np.ndarray,
        blocked_keys: np.ndarray,
        learn_rng: np.random.Generator,
        max_group_size: int,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Unweighted score parts of one fold's hidden links and of sampled non-partners.

        Returns the parts of each query's hidden partner (one row per query), those of its
        negatives, and the query each negative belongs to, all computed on the fitted graph
        without ``hidden`` (``(i, j)`` pairs). ``blocked_keys`` are the blocked pairs as
        sorted ``i * n + j``: never drawn as negatives.
        """
        net = self.network_
        n = len(self.slugs_)
        rows, cols = np.r_[hidden[:, 0], hidden[:, 1]], np.r_[hidden[:, 1], hidden[:, 0]]
        removed = sp.csr_array((np.ones(rows.size), (rows, cols)), shape=(n, n))
        adjacency = sp.csr_array((self._adjacency - removed > 0).astype(np.float64))
        partners = sp.csr_array(net.partners - removed > 0)
        partner_degree = np.asarray(partners.sum(axis=1), dtype=np.float64).ravel()
        popularity = np.log1p(partner_degree) / max(np.log1p(partner_degree.max()), 1e-12)
        node_weights = hub_weights(np.diff(adjacency.indptr).astype(np.float64), max_group_size)

        # Queries: (organisation, hidden partner) where the partner could be suggested.
        keep = self._open[cols]
        sources, targets = rows[keep], cols[keep]
        # Negatives: random candidates of the partner's class, never linked to the source.
        neg_query, negatives = [], []
        for cls, cands in self._candidates.items():
            queries = np.flatnonzero(self._org_class[targets] == cls)
            draws = cands[learn_rng.integers(0, cands.size, size=(queries.size, _LEARN_NEGATIVES))]
            query = np.repeat(queries, _LEARN_NEGATIVES)
            draws = draws.ravel()
            keys = sources[query] * n + draws
            position = np.searchsorted(blocked_keys, keys).clip(max=blocked_keys.size - 1)
            fine = blocked_keys[position] != keys
            neg_query.append(query[fine])
            negatives.append(draws[fine])
        query = np.concatenate(neg_query)
        negative = np.concatenate(negatives)
        same_class = self._org_class[sources] == self._org_class[targets]

        def parts(ii: np.ndarray, jj: np.ndarray, peer: np.ndarray) -> np.ndarray:
            values = np.zeros((ii.size, len(_WEIGHT_NAMES)))
            for kind, mask in (("peer", peer), ("stakeholder", ~peer)):
                feats = self._features[kind]
                if not mask.any():
                    continue
                to_part = sp.csr_array(
                    (
                        np.ones(feats.block.size),
                        (np.arange(feats.block.size), _BLOCK_PART[feats.block]),
                    ),
                    shape=(feats.block.size, len(_WEIGHT_NAMES)),
                )
                product = _rows_of(feats.left, ii[mask]).multiply(_rows_of(feats.right, jj[mask]))
                values[mask] = (sp.csr_array(product) @ to_part).toarray()
            common = sp.csr_array(_rows_of(adjacency, ii).multiply(_rows_of(adjacency, jj)))
            values[:, _PROXIMITY_PART] = -np.expm1(-(common @ node_weights))
            values[:, _CROSS_PART] = self._crosses(ii, jj)
            values[:, _POPULARITY_PART] = popularity[jj]
            return values

        return (
            parts(sources, targets, same_class),
            parts(sources[query], negative, same_class[query]),
            query,
        )

    def _fit_seeks_offers(
        self, orgs: list[OrgRecord]
    ) -> tuple[sp.csr_array, sp.csr_array, np.ndarray]:
        vectorizer = TfidfVectorizer(
            stop_words="english",
            sublinear_tf=True,
            ngram_range=(1, 2),
            max_features=self.max_features,
            min_df=self.min_df,
        )
        try:
            both = vectorizer.fit_transform(
                [org.seeks for org in orgs] + [org.offers for org in orgs]
            )
        except ValueError:
            # No usable words in any seeks or offers: the blocks are empty.
            self.seeks_offers_vectorizer_: TfidfVectorizer | None = None
            empty = sp.csr_array((len(orgs), 0))
            return empty, empty, np.empty(0, dtype=object)
        self.seeks_offers_vectorizer_ = vectorizer
        both = sp.csr_array(both)
        seeks, offers = sp.csr_array(both[: len(orgs)]), sp.csr_array(both[len(orgs) :])
        return seeks, offers, np.asarray(vectorizer.get_feature_names_out(), dtype=object)

    # ------------------------------------------------------------------ scoring

    def _index(self, slug: str) -> int:
        try:
            return self.network_.index[slug]
        except KeyError:
            raise UnknownOrganisation(slug) from None

    def _dense_block(self, kind: str, rows: np.ndarray, cls: int) -> np.ndarray:
        """Stage 1: approximate scores of ``rows`` against every candidate of class ``cls``.

        One matrix product computes the embedding part, the hubs' proximity (linearised:
        their weights are tiny, so ``1 - exp(-x) ≈ x``; the exact rescoring applies the true
        formula) and the cross-network bonus (as patterns of network membership); the sparse
        regular proximity is added in place; excluded pairs become ``-inf``. The result has
        a multiple of 32 columns; columns past the candidates are ``-inf``.
        """
        feats = self._features[kind]
        right = feats.emb_right_t[cls]
        left = [feats.emb_left[rows]]
        w_prox = self._weights["w_proximity"]
        if self._hub_columns.size:
            hub_rows = _rows_of(self._adj_hub, rows)[:, self._hub_columns]
            left.append((hub_rows * w_prox).toarray().astype(np.float32))
        patterns = self._cand_patterns[cls]
        if patterns.shape[0]:
            outside = 1.0 - _rows_of(self._networks, rows).toarray()
            missing = (outside @ patterns.T > 0).astype(np.float32)
            left.append(missing * np.float32(self._weights["w_cross_network"]))
        block: np.ndarray = np.concatenate(left, axis=1) @ right
        n_cands = self._candidates[cls].size
        block[:, :n_cands] += self._cand_popularity[cls]
        width = block.shape[1]
        flat = block.reshape(-1)
        if w_prox > 0:
            regular = sp.coo_array(self._adj_regular[rows] @ self._cand_adjacency[cls])
            flat[regular.row * width + regular.col] -= w_prox * np.expm1(-regular.data)
        blocked = sp.coo_array(self._cand_blocked[cls][rows])
        flat[blocked.row * width + blocked.col] = -np.inf
        block[:, n_cands:] = -np.inf
        return block

    def _exact(self, kind: str, ii: np.ndarray, jj: np.ndarray) -> dict[str, Any]:
        """Exact score parts of the pairs ``(ii[p], jj[p])``."""
        feats = self._features[kind]
        product = sp.csr_array(_rows_of(feats.left, ii).multiply(_rows_of(feats.right, jj)))
        profile = np.asarray(product.sum(axis=1)).ravel()
        common = sp.csr_array(_rows_of(self._adjacency, ii).multiply(_rows_of(self._adjacency, jj)))
        aa = common @ self.node_weights_
        proximity = -self._weights["w_proximity"] * np.expm1(-aa)
        cross = self._crosses(ii, jj)
        score = (
            profile
            + proximity
            + self._weights["w_cross_network"] * cross
            + self._weights["w_popularity"] * self.popularity_[jj]
        )
        return {
            "score": score,
            "product": product,
            "common": common,
            "aa": aa,
            "proximity": proximity,
            "cross": cross,
            "concrete": (profile > 0) | (proximity > 0),
        }

    def _crosses(self, ii: np.ndarray, jj: np.ndarray) -> np.ndarray:
        """Whether each candidate ``jj[p]`` is in a network that ``ii[p]`` is not in."""
        cand_networks = _rows_of(self._networks, jj)
        shared = np.asarray(cand_networks.multiply(_rows_of(self._networks, ii)).sum(axis=1))
        crosses: np.ndarray = np.diff(cand_networks.indptr) > shared.ravel()
        return crosses

    def _cross_network(self, i: int, j: int) -> str:
        """Slug of the first network (by slug) that ``j`` is in and ``i`` is not."""
        return _first_other_network(
            self._org_networks[i], self._org_networks[j], self._network_slug_tuple
        )

    def _reasons(
        self, kind: str, ii: np.ndarray, jj: np.ndarray, parts: dict[str, Any]
    ) -> list[tuple[Reason, ...]]:
        """The strongest reasons of each pair, as shares of its exact score.

        Every non-zero part of the score is a reason candidate (one per shared tag, theme ×
        country pair or common neighbour; one per text block with its strongest terms);
        each pair keeps its ``MAX_REASONS`` largest, at most two of one code.
        """
        feats = self._features[kind]
        score = parts["score"]
        # Reason candidates as parallel arrays: pair, value, code id, key (column, node or
        # text group), built in a fixed order so that sorting stably is deterministic.
        pair_ids: list[np.ndarray] = []
        values: list[np.ndarray] = []
        codes: list[np.ndarray] = []
        keys: list[np.ndarray] = []

        product = sp.csr_array(parts["product"])
        product.sort_indices()
        product = sp.coo_array(product)
        blocks = feats.block[product.col]
        is_text = np.isin(blocks, _TEXT_BLOCKS)
        tag = ~is_text
        pair_ids.append(product.row[tag])
        values.append(product.data[tag])
        codes.append(blocks[tag])
        keys.append(product.col[tag])

        # Text blocks: one reason per (pair, block). Columns are sorted within a row and
        # each block is a column range, so a (pair, block) group is a contiguous run.
        text_rows, text_cols = product.row[is_text], product.col[is_text]
        text_vals, text_blocks = product.data[is_text], blocks[is_text]
        group_start = np.flatnonzero(
            np.r_[True, (text_rows[1:] != text_rows[:-1]) | (text_blocks[1:] != text_blocks[:-1])]
        )
        group_stop = np.r_[group_start[1:], text_rows.size]
        # Within each group, strongest term first.
        group_of_entry = np.cumsum(np.isin(np.arange(text_rows.size), group_start)) - 1
        by_strength = np.lexsort((-text_vals, group_of_entry))
        sorted_cols = text_cols[by_strength]
        if text_rows.size:
            pair_ids.append(text_rows[group_start])
            values.append(np.add.reduceat(text_vals, group_start))
            codes.append(text_blocks[group_start])
            keys.append(np.arange(group_start.size))  # index of the text group

        common = sp.coo_array(parts["common"])
        if common.nnz and self._weights["w_proximity"] > 0:
            share = self.node_weights_[common.col] / parts["aa"][common.row]
            pair_ids.append(common.row)
            values.append(parts["proximity"][common.row] * share)
            codes.append(np.where(self._is_group[common.col], _GROUP_CODE, _PARTNER_CODE))
            keys.append(common.col)

        cross_pairs = np.flatnonzero(parts["cross"])
        if cross_pairs.size and self._weights["w_cross_network"] > 0:
            pair_ids.append(cross_pairs)
            values.append(np.full(cross_pairs.size, self._weights["w_cross_network"]))
            codes.append(np.full(cross_pairs.size, _CROSS_CODE))
            keys.append(np.zeros(cross_pairs.size, dtype=np.int64))

        pair = np.concatenate(pair_ids).astype(np.int64)
        shares = np.concatenate(values).astype(np.float64) / score[pair]
        code = np.concatenate(codes).astype(np.int64)
        key = np.concatenate(keys).astype(np.int64)
        keep = shares > 0
        pair, shares, code, key = pair[keep], shares[keep], code[keep], key[keep]
        # By pair, the cross-network reason first (a candidate from a network the
        # organisation is not in always says so, however small its share), then largest
        # share first; lexsort is stable, so exact ties keep the fixed construction order
        # within a pair, whatever else is in the batch.
        order = np.lexsort((-shares, code != _CROSS_CODE, pair))
        pair, shares, code, key = pair[order], shares[order], code[order], key[order]
        # At most two reasons of one code per pair, then the strongest MAX_REASONS.
        by_code = np.argsort(pair * 16 + _CODE_GROUP[code], kind="stable")
        group_key = (pair * 16 + _CODE_GROUP[code])[by_code]
        first = np.r_[True, group_key[1:] != group_key[:-1]]
        starts = np.maximum.accumulate(np.where(first, np.arange(pair.size), 0))
        code_rank = np.empty(pair.size, dtype=np.int64)
        code_rank[by_code] = np.arange(pair.size) - starts
        kept = code_rank < _MAX_REASONS_PER_CODE
        pair, shares, code, key = pair[kept], shares[kept], code[kept], key[kept]
        first = np.r_[True, pair[1:] != pair[:-1]]
        starts = np.maximum.accumulate(np.where(first, np.arange(pair.size), 0))
        kept = np.arange(pair.size) - starts < MAX_REASONS
        pair, shares, code, key = pair[kept], shares[kept], code[kept], key[kept]
        order = np.lexsort((-shares, pair))  # shown strongest first
        pair, shares, code, key = pair[order], shares[order], code[order], key[order]

        # Build the Reason objects one code at a time (no per-entry branching), then cut
        # the pair-sorted list into one tuple per pair.
        labels = feats.labels
        slugs = self.slugs_
        rounded = np.round(shares, 4)
        made: list[Reason | None] = [None] * pair.size
        text_starts, text_stops = group_start.tolist(), group_stop.tolist()
        sorted_terms = [labels[t] for t in sorted_cols.tolist()]
        for c in np.unique(code).tolist():
            at = np.flatnonzero(code == c)
            name = _CODE_NAMES[c]
            qs, ws = key[at].tolist(), rounded[at].tolist()
            if c in _TAG_PARAM:
                param = _TAG_PARAM[c]
                objs = [Reason(name, {param: labels[q]}, w) for q, w in zip(qs, ws, strict=True)]
            elif c in (_PARTNER_CODE, _GROUP_CODE):
                param = "organisation" if c == _PARTNER_CODE else "group"
                objs = [Reason(name, {param: slugs[q]}, w) for q, w in zip(qs, ws, strict=True)]
            elif c == _THEME_COUNTRY:
                objs = [
                    Reason(name, {"theme": labels[q][0], "country": labels[q][1]}, w)
                    for q, w in zip(qs, ws, strict=True)
                ]
            elif c == _CROSS_CODE:
                objs = [
                    Reason(name, {"network": self._cross_network(int(ii[p]), int(jj[p]))}, w)
                    for p, w in zip(pair[at].tolist(), ws, strict=True)
                ]
            elif c == _TEXT:  # single words: nothing to merge
                objs = [
                    Reason(
                        name,
                        {
                            "terms": ", ".join(
                                sorted_terms[
                                    text_starts[q] : min(text_starts[q] + _MAX_TERMS, text_stops[q])
                                ]
                            )
                        },
                        w,
                    )
                    for q, w in zip(qs, ws, strict=True)
                ]
            else:
                direction = "offers" if c == _SEEKS else "seeks"
                objs = [
                    Reason(
                        name,
                        {
                            "terms": _pick_terms_cached(
                                tuple(
                                    sorted_terms[
                                        text_starts[q] : min(text_starts[q] + 8, text_stops[q])
                                    ]
                                )
                            ),
                            "direction": direction,
                        },
                        w,
                    )
                    for q, w in zip(qs, ws, strict=True)
                ]
            for position, obj in zip(at.tolist(), objs, strict=True):
                made[position] = obj
        bounds = np.searchsorted(pair, np.arange(len(ii) + 1)).tolist()
        filled = cast("list[Reason]", made)  # every position was set above
        return [tuple(filled[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]

    def _suggest_rows(self, kind: str, rows: np.ndarray, k: int) -> list[list[Candidate]]:
        """Suggestions for ``rows``, all of one class (companies or stakeholders)."""
        src_cls = int(self._org_class[rows[0]])
        cls = src_cls if kind == "peer" else 1 - src_cls
        cands = self._candidates[cls]
        if cands.size == 0:
            return [[] for _ in rows]
        block = self._dense_block(kind, rows, cls)
        top = _top_columns(block, max(self.shortlist_size, k))
        finite = np.isfinite(np.take_along_axis(block, top, axis=1))
        row_pos = np.broadcast_to(np.arange(len(rows))[:, None], top.shape)[finite]
        ii = rows[row_pos]
        jj = cands[top[finite]]
        parts = self._exact(kind, ii, jj)
        # Best first per row among pairs with a concrete reason; ties by candidate slug.
        index = np.flatnonzero(parts["concrete"])
        score = parts["score"]
        index = index[np.lexsort((jj[index], -score[index], row_pos[index]))]
        starts = np.searchsorted(row_pos[index], np.arange(len(rows)))
        rank = np.arange(index.size) - starts[row_pos[index]]
        index = index[rank < k]
        ii, jj, row_pos, score = ii[index], jj[index], row_pos[index], score[index]
        final_parts = {
            name: sp.csr_array(value[index]) if sp.issparse(value) else value[index]
            for name, value in parts.items()
        }
        reasons = self._reasons(kind, ii, jj, final_parts)
        result: list[list[Candidate]] = [[] for _ in rows]
        slugs = self.slugs_
        for i, j, r, value, why in zip(
            ii.tolist(), jj.tolist(), row_pos.tolist(), score.tolist(), reasons, strict=True
        ):
            result[r].append(Candidate(slugs[i], slugs[j], kind, value, why))
        return result

    def suggest(self, slug: str, kind: str = "peer", k: int = 10) -> list[Candidate]:
        """Suggest up to ``k`` candidates of one kind for one organisation, best first.

        Parameters
        ----------
        slug : str
            The organisation receiving the suggestions.
        kind : {"peer", "stakeholder"}
            ``peer``: organisations of its own class (company ↔ company, stakeholder ↔
            stakeholder); ``stakeholder``: for a company, stakeholders; for a stakeholder,
            companies.
        k : int, default 10

        Returns
        -------
        list of Candidate
            Best first (ties by candidate slug); fewer than ``k`` when fewer candidates
            have a concrete reason; empty for a group.

        Raises
        ------
        UnknownOrganisation
            When ``slug`` was not among the fitted organisations.
        MatchingError
            On an unknown ``kind`` or a bad ``k``.

        Examples
        --------
        >>> orgs = [OrgRecord(s, "company", sectors=("gold",)) for s in ("a", "b", "c")]
        >>> m = Matcher().fit(orgs, [EdgeRecord("a", "c", "partner")])
        >>> [c.candidate for c in m.suggest("a")]
        ['b']
        >>> m.suggest("zz")
        Traceback (most recent call last):
        ...
        matching.errors.UnknownOrganisation: unknown organisation: 'zz'
        """
        check_is_fitted(self, "network_")
        _check_kind(kind)
        k = _check_positive_int("k", k)
        i = self._index(slug)
        if self._is_group[i]:
            return []
        return self._suggest_rows(kind, np.array([i]), k)[0]

    def suggest_all(
        self,
        kind: str,
        k: int = 10,
        batch_size: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> Iterator[list[Candidate]]:
        """Suggest for every organisation that can receive suggestions, lazily, in batches.

        Parameters
        ----------
        kind : {"peer", "stakeholder"}
        k : int, default 10
        batch_size : int, optional
            Organisations scored together; the dense block is ``batch_size`` × candidates
            float32 cells. Default: about 4 M cells (16 MB).
        progress : callable, optional
            Called after each batch with the number of organisations done so far (out of
            ``len(source_slugs_)``).

        Yields
        ------
        list of Candidate
            One list per organisation in ``source_slugs_`` order (possibly empty), the same
            as :meth:`suggest` would return.

        Raises
        ------
        MatchingError
            On an unknown ``kind`` or a bad ``k`` or ``batch_size`` (before the first
            batch).

        Examples
        --------
        >>> orgs = [OrgRecord(s, "company", sectors=("gold",)) for s in ("a", "b", "c")]
        >>> m = Matcher().fit(orgs)
        >>> [[c.candidate for c in found] for found in m.suggest_all("peer", k=1)]
        [['b'], ['a'], ['a']]
        """
        check_is_fitted(self, "network_")
        _check_kind(kind)
        k = _check_positive_int("k", k)
        if batch_size is None:
            widest = max(1, *(c.size for c in self._candidates.values()))
            batch_size = int(np.clip(_BLOCK_CELLS // widest, 16, 4096))
        batch_size = _check_positive_int("batch_size", batch_size)
        return self._iter_all(kind, k, batch_size, progress)

    def _iter_all(
        self, kind: str, k: int, batch_size: int, progress: Callable[[int], None] | None
    ) -> Iterator[list[Candidate]]:
        sources = np.flatnonzero(~self._is_group)
        for start in range(0, sources.size, batch_size):
            yield from self._suggest_batch(kind, sources[start : start + batch_size], k)
            if progress is not None:
                progress(min(start + batch_size, sources.size))

    def _suggest_batch(self, kind: str, rows: np.ndarray, k: int) -> list[list[Candidate]]:
        found: dict[int, list[Candidate]] = {}
        for cls in (_COMPANIES, _STAKEHOLDERS):
            of_class = rows[self._org_class[rows] == cls]
            if of_class.size:
                found.update(
                    zip(of_class.tolist(), self._suggest_rows(kind, of_class, k), strict=True)
                )
        return [found[int(i)] for i in rows]

    def score_pairs(self, pairs: Iterable[tuple[str, str]], kind: str) -> np.ndarray:
        """Exact scores of ``(org, candidate)`` slug pairs, exclusions ignored.

        Parameters
        ----------
        pairs : iterable of (str, str)
        kind : {"peer", "stakeholder"}
            Which formula to apply, whatever the kinds of the two organisations.

        Returns
        -------
        numpy.ndarray of float

        Raises
        ------
        UnknownOrganisation, MatchingError

        Examples
        --------
        >>> orgs = [OrgRecord(s, "company", sectors=("gold",)) for s in ("a", "b")]
        >>> m = Matcher(w_tags=0.3).fit(orgs)
        >>> m.score_pairs([("a", "b"), ("b", "a")], "peer").round(3).tolist()  # 0.3 / 3
        [0.1, 0.1]
        """
        check_is_fitted(self, "network_")
        _check_kind(kind)
        index = np.array([[self._index(u), self._index(v)] for u, v in pairs], dtype=np.int64)
        if index.size == 0:
            return np.zeros(0)
        return np.asarray(self._exact(kind, index[:, 0], index[:, 1])["score"])
