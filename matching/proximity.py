"""Network proximity as sparse matrix products: common neighbours, Adamic–Adar, resource
allocation, for many pairs or whole blocks of rows at once.

All functions take a symmetric 0/1 adjacency matrix (``scipy.sparse``; see
:func:`matching.graph.network_matrices`) and score node pairs by their common neighbours
``w``, each weighted by a function of its degree:

.. math::

    \\mathrm{CN}(u, v) = |\\Gamma(u) \\cap \\Gamma(v)|, \\qquad
    \\mathrm{AA}(u, v) = \\sum_{w \\in \\Gamma(u) \\cap \\Gamma(v)} \\frac{1}{\\log |\\Gamma(w)|},
    \\qquad
    \\mathrm{RA}(u, v) = \\sum_{w \\in \\Gamma(u) \\cap \\Gamma(v)} \\frac{1}{|\\Gamma(w)|}

which are networkx's ``common_neighbors``, ``adamic_adar_index`` and
``resource_allocation_index``. For a block of rows the score matrix is
``A[rows] @ diag(weights) @ A`` — one sparse product instead of a Python loop per pair.

Hubs
----
A node of degree ``d`` costs ``d²`` entries in ``A @ diag(w) @ A`` and makes all its
neighbours each other's neighbours. :func:`hub_weights` therefore lets weights decay like
resource allocation (``1/d``) above a degree cap, continuously at the cap;
:class:`~matching.matcher.Matcher` also keeps such hubs out of the sparse product (see
its module docstring).

Examples
--------
>>> import math
>>> import networkx as nx
>>> A = nx.to_scipy_sparse_array(nx.complete_graph(5), format="csr")
>>> aa = adamic_adar_pairs(A, [(0, 1)])  # three common neighbours of degree 4
>>> bool(np.isclose(aa[0], 3 / math.log(4)))
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from matching.errors import MatchingError

__all__ = [
    "adamic_adar",
    "adamic_adar_pairs",
    "adamic_adar_weights",
    "common_neighbours",
    "hub_weights",
    "pair_scores",
    "resource_allocation",
]


# pair_scores: dense cells per block of sources, and the cells-per-pair ratio above which
# the per-pair intersection is cheaper than per-source products.
_BLOCK_CELLS = 1 << 22
_ROWS_PER_PAIR = 64


def _as_csr(adjacency: sp.sparray | sp.spmatrix) -> sp.csr_array:
    if not sp.issparse(adjacency):
        raise MatchingError("adjacency must be a scipy.sparse matrix")
    matrix = sp.csr_array(adjacency, dtype=np.float64)
    if matrix.shape[0] != matrix.shape[1]:
        raise MatchingError(f"adjacency must be square, got shape {matrix.shape}")
    return matrix


def _degrees(adjacency: sp.csr_array) -> np.ndarray:
    degrees: np.ndarray = np.diff(adjacency.indptr).astype(np.float64)
    return degrees


def adamic_adar_weights(degrees: np.ndarray) -> np.ndarray:
    """Return ``1 / log(degree)``, or 0 where the degree is below 2.

    A node of degree 1 is nobody's *common* neighbour, so its weight never matters.

    Parameters
    ----------
    degrees : numpy.ndarray

    Returns
    -------
    numpy.ndarray of float

    Examples
    --------
    >>> import math
    >>> adamic_adar_weights(np.array([0, 1, 3])).tolist() == [0.0, 0.0, 1 / math.log(3)]
    True
    """
    degrees = np.asarray(degrees, dtype=np.float64)
    weights = np.zeros_like(degrees)
    ok = degrees >= 2
    weights[ok] = 1.0 / np.log(degrees[ok])
    return weights


def hub_weights(degrees: np.ndarray, max_degree: int) -> np.ndarray:
    """Adamic–Adar weights, decaying like ``1/degree`` above ``max_degree``.

    ``w(d) = 1/log(d) · min(1, max_degree / d)``: unchanged up to the cap, continuous at it,
    and for a group with ten times the cap's members a tenth of its Adamic–Adar weight, so a
    mega-group still counts but cannot make all its members each other's best match.

    Parameters
    ----------
    degrees : numpy.ndarray
    max_degree : int
        Degree above which a node is a hub.

    Returns
    -------
    numpy.ndarray of float

    Examples
    --------
    >>> import math
    >>> w = hub_weights(np.array([3, 10, 100]), max_degree=10)
    >>> w.tolist() == [1 / math.log(3), 1 / math.log(10), 0.1 / math.log(100)]
    True
    """
    degrees = np.asarray(degrees, dtype=np.float64)
    factor = np.minimum(1.0, max_degree / np.maximum(degrees, 1.0))
    weights: np.ndarray = adamic_adar_weights(degrees) * factor
    return weights


def _weighted_product(
    adjacency: sp.csr_array, weights: np.ndarray, rows: Sequence[int] | np.ndarray | None
) -> sp.csr_array:
    left = adjacency if rows is None else adjacency[np.asarray(rows, dtype=np.int64)]
    return sp.csr_array(left @ sp.diags_array(weights) @ adjacency)


def common_neighbours(
    adjacency: sp.sparray | sp.spmatrix, rows: Sequence[int] | np.ndarray | None = None
) -> sp.csr_array:
    """Count common neighbours of ``rows`` (default: all nodes) with every node.

    Parameters
    ----------
    adjacency : scipy.sparse matrix
        Symmetric 0/1 adjacency, N × N.
    rows : sequence of int, optional
        Node indices of the rows wanted.

    Returns
    -------
    scipy.sparse.csr_array
        ``len(rows)`` × N; the diagonal entries (a node with itself) are its degree.

    Examples
    --------
    >>> import networkx as nx
    >>> A = nx.to_scipy_sparse_array(nx.path_graph(4), format="csr")  # 0-1-2-3
    >>> common_neighbours(A, rows=[0]).toarray().tolist()
    [[1.0, 0.0, 1.0, 0.0]]
    """
    matrix = _as_csr(adjacency)
    return _weighted_product(matrix, np.ones(matrix.shape[0]), rows)


def adamic_adar(
    adjacency: sp.sparray | sp.spmatrix, rows: Sequence[int] | np.ndarray | None = None
) -> sp.csr_array:
    """Adamic–Adar index of ``rows`` (default: all nodes) with every node.

    Parameters
    ----------
    adjacency : scipy.sparse matrix
        Symmetric 0/1 adjacency, N × N.
    rows : sequence of int, optional

    Returns
    -------
    scipy.sparse.csr_array
        ``len(rows)`` × N; off-diagonal entries equal ``networkx.adamic_adar_index``.

    Examples
    --------
    >>> import math
    >>> import networkx as nx
    >>> A = nx.to_scipy_sparse_array(nx.star_graph(3), format="csr")  # centre 0
    >>> bool(adamic_adar(A, rows=[1]).toarray()[0, 2] == 1 / math.log(3))
    True
    """
    matrix = _as_csr(adjacency)
    return _weighted_product(matrix, adamic_adar_weights(_degrees(matrix)), rows)


def resource_allocation(
    adjacency: sp.sparray | sp.spmatrix, rows: Sequence[int] | np.ndarray | None = None
) -> sp.csr_array:
    """Resource allocation index of ``rows`` (default: all nodes) with every node.

    Parameters
    ----------
    adjacency : scipy.sparse matrix
        Symmetric 0/1 adjacency, N × N.
    rows : sequence of int, optional

    Returns
    -------
    scipy.sparse.csr_array
        ``len(rows)`` × N; off-diagonal entries equal
        ``networkx.resource_allocation_index``.

    Examples
    --------
    >>> import networkx as nx
    >>> A = nx.to_scipy_sparse_array(nx.star_graph(3), format="csr")
    >>> float(resource_allocation(A, rows=[1])[[0], [2]][0])
    0.3333333333333333
    """
    matrix = _as_csr(adjacency)
    degrees = _degrees(matrix)
    weights = np.divide(1.0, degrees, out=np.zeros_like(degrees), where=degrees > 0)
    return _weighted_product(matrix, weights, rows)


def _pair_array(pairs: Iterable[tuple[int, int]] | np.ndarray, n: int) -> np.ndarray:
    array = np.asarray(list(pairs) if not isinstance(pairs, np.ndarray) else pairs)
    if array.size == 0:
        return np.empty((0, 2), dtype=np.int64)
    if array.ndim != 2 or array.shape[1] != 2:
        raise MatchingError(f"pairs must have shape (n, 2), got {array.shape}")
    array = array.astype(np.int64)
    bad = (array < 0) | (array >= n)
    if bad.any():
        raise MatchingError(f"node index {int(array[bad][0])} is not in the graph")
    return array


def pair_scores(
    adjacency: sp.sparray | sp.spmatrix,
    pairs: Iterable[tuple[int, int]] | np.ndarray,
    weights: np.ndarray,
) -> np.ndarray:
    """Weighted common-neighbour score ``sum(weights[w])`` for each pair, vectorised.

    Parameters
    ----------
    adjacency : scipy.sparse matrix
        Symmetric 0/1 adjacency, N × N.
    pairs : iterable of (int, int) or numpy.ndarray of shape (n, 2)
        Node index pairs.
    weights : numpy.ndarray of shape (N,)
        Weight of each node as a common neighbour.

    Returns
    -------
    numpy.ndarray of shape (n,)

    Raises
    ------
    MatchingError
        When a pair names an index outside the graph or ``pairs`` has the wrong shape.

    Examples
    --------
    >>> import networkx as nx
    >>> A = nx.to_scipy_sparse_array(nx.complete_graph(4), format="csr")
    >>> pair_scores(A, [(0, 1), (2, 3)], np.ones(4)).tolist()  # common neighbours
    [2.0, 2.0]
    """
    matrix = _as_csr(adjacency)
    n = matrix.shape[0]
    array = _pair_array(pairs, n)
    weights = np.asarray(weights, dtype=np.float64)
    if len(array) == 0:
        return np.zeros(0)
    present = np.zeros(n, dtype=bool)
    present[array[:, 0]] = True
    sources = np.flatnonzero(present)
    if sources.size * n > _ROWS_PER_PAIR * len(array):
        # Mostly distinct sources: intersect the two neighbour rows of every pair.
        both = sp.csr_array(matrix[array[:, 0]].multiply(matrix[array[:, 1]]))
        return np.asarray(both @ weights).ravel()
    # Few sources with many targets each (e.g. one organisation × all candidates): one
    # weighted sparse product per block of sources, then look the targets up.
    lookup = np.zeros(n, dtype=np.int64)
    lookup[sources] = np.arange(sources.size)
    position = lookup[array[:, 0]]
    block = max(1, _BLOCK_CELLS // n)
    if sources.size <= block:
        dense = (matrix[sources] @ sp.diags_array(weights) @ matrix).toarray()
        return np.asarray(dense[position, array[:, 1]])
    out = np.empty(len(array))
    for start in range(0, sources.size, block):
        rows = sources[start : start + block]
        dense = (matrix[rows] @ sp.diags_array(weights) @ matrix).toarray()
        chosen = (position >= start) & (position < start + rows.size)
        out[chosen] = dense[position[chosen] - start, array[chosen, 1]]
    return out


def adamic_adar_pairs(
    adjacency_csr: sp.sparray | sp.spmatrix, pairs: Iterable[tuple[int, int]] | np.ndarray
) -> np.ndarray:
    """Adamic–Adar index of many node pairs at once.

    Equivalent to ``[p for _, _, p in nx.adamic_adar_index(G, pairs)]`` on the graph whose
    adjacency is ``adjacency_csr``, computed with two sparse row selections, one element-wise
    product and one matrix–vector product instead of a Python loop.

    Parameters
    ----------
    adjacency_csr : scipy.sparse matrix
        Symmetric 0/1 adjacency, N × N.
    pairs : iterable of (int, int) or numpy.ndarray of shape (n, 2)
        Node index pairs.

    Returns
    -------
    numpy.ndarray of shape (n,)

    Raises
    ------
    MatchingError
        When a pair names an index outside the graph.

    Examples
    --------
    >>> import networkx as nx
    >>> A = nx.to_scipy_sparse_array(nx.complete_graph(5), format="csr")
    >>> adamic_adar_pairs(A, [(0, 1), (2, 3)]).round(6).tolist()
    [2.164043, 2.164043]
    >>> import math
    >>> A = nx.to_scipy_sparse_array(nx.path_graph(4), format="csr")
    >>> adamic_adar_pairs(A, np.array([[0, 3], [0, 2]])).tolist() == [0.0, 1 / math.log(2)]
    True
    """
    matrix = _as_csr(adjacency_csr)
    return pair_scores(matrix, pairs, adamic_adar_weights(_degrees(matrix)))
