"""Profile features: TF-IDF over free text plus one-hot sectors, countries and themes.

:class:`ProfileVectorizer` follows scikit-learn's estimator conventions (parameters in a
keyword-only ``__init__`` that only assigns them, validation and learned attributes with a
trailing underscore in ``fit``, ``check_is_fitted`` first in ``transform``).

Each row of the output is the concatenation of four blocks — text, sectors, countries,
themes — each scaled to unit length and multiplied by the square root of its weight, so the
dot product of two rows is the weighted sum of the four cosine similarities:

.. math::

    x_u \\cdot x_v = w_{text} \\cos_{text} + w_{sector} \\cos_{sector}
    + w_{country} \\cos_{country} + w_{theme} \\cos_{theme}

Examples
--------
>>> from matching.records import OrgRecord
>>> orgs = [
...     OrgRecord("a", "company", description="cotton spinning", sectors=("garment",)),
...     OrgRecord("b", "company", description="cotton dyeing", sectors=("garment",)),
... ]
>>> vec = ProfileVectorizer(text_weight=0.0, sector_weight=1.0, country_weight=0.0,
...                         theme_weight=0.0).fit(orgs)
>>> X = vec.transform(orgs)
>>> float((X @ X.T).toarray()[0, 1])
1.0
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from matching.errors import MatchingError
from matching.records import OrgRecord

__all__ = ["TAG_FIELDS", "ProfileVectorizer", "one_hot", "profile_text"]

#: The tag fields of :class:`~matching.records.OrgRecord`, in block order.
TAG_FIELDS = ("sectors", "countries", "themes")


def profile_text(org: OrgRecord) -> str:
    """Return the free text a profile is compared on: description, offers and seeks.

    Examples
    --------
    >>> profile_text(OrgRecord("a", "ngo", description="Audits.", seeks="Funding"))
    'Audits.\\nFunding'
    """
    return "\n".join(part for part in (org.description, org.offers, org.seeks) if part)


def one_hot(values: Sequence[Iterable[Hashable]], categories: Sequence[Hashable]) -> sp.csr_array:
    """Unit-length one-hot rows: ``1/sqrt(n)`` for each of a row's ``n`` known values.

    Parameters
    ----------
    values : sequence of iterables of hashable (str)
        The values of each row; unknown ones are ignored, duplicates count once.
    categories : sequence of hashable (str)
        Column order.

    Returns
    -------
    scipy.sparse.csr_array of shape (len(values), len(categories))

    Examples
    --------
    >>> one_hot([("IN", "BD"), (), ("XX",)], ["BD", "IN"]).toarray().round(3).tolist()
    [[0.707, 0.707], [0.0, 0.0], [0.0, 0.0]]
    """
    column = {c: j for j, c in enumerate(categories)}
    rows: list[int] = []
    cols: list[int] = []
    data: list[float] = []
    for i, row_values in enumerate(values):
        known = sorted({column[v] for v in row_values if v in column})
        rows.extend([i] * len(known))
        cols.extend(known)
        if known:
            data.extend([1.0 / np.sqrt(len(known))] * len(known))
    return sp.csr_array((data, (rows, cols)), shape=(len(values), len(categories)))


def _check_records(X: Any) -> list[OrgRecord]:
    if isinstance(X, (str, bytes)) or not isinstance(X, Iterable):
        raise TypeError(f"expected a sequence of OrgRecord, got {type(X).__name__}")
    records = list(X)
    for record in records:
        if not isinstance(record, OrgRecord):
            raise TypeError(f"expected OrgRecord, got {type(record).__name__}")
    return records


class ProfileVectorizer(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Turn organisation profiles into weighted TF-IDF and one-hot tag features.

    Parameters
    ----------
    text_weight : float, default 0.5
        Weight of the cosine similarity of description + offers + seeks (TF-IDF).
    sector_weight, country_weight, theme_weight : float, default 1/6 each
        Weights of the cosine similarity of each tag field's one-hot vector.
    max_features : int or None, default 50_000
        Keep only the most frequent terms (memory bound at scale).
    min_df : int or float, default 1
        Ignore terms used by fewer organisations (``TfidfVectorizer`` semantics).
    max_df : int or float, default 1.0
        Ignore terms used by more organisations than this.
    ngram_range : tuple of (int, int), default (1, 1)
        Word n-grams to use.

    Attributes
    ----------
    text_vectorizer_ : sklearn.feature_extraction.text.TfidfVectorizer or None
        Fitted on the training profiles; ``None`` when they contain no words.
    vocabulary_ : dict of str to int
        Text term → column in the output.
    sectors_, countries_, themes_ : numpy.ndarray of str
        Tag values seen in ``fit``, sorted.
    feature_names_ : numpy.ndarray of str
        Name of every output column: ``text:<term>``, ``sector:<slug>``,
        ``country:<code>``, ``theme:<slug>``.
    feature_slices_ : dict of str to slice
        Columns of the ``text``, ``sectors``, ``countries`` and ``themes`` blocks.

    Notes
    -----
    Tag values unseen in ``fit`` are ignored by ``transform`` (unit length is taken over the
    known values), like unknown words in TF-IDF.
    weights_ : dict of str to float
        Validated weight of each block.

    Examples
    --------
    >>> orgs = [OrgRecord("a", "company", countries=("IN", "BD")),
    ...         OrgRecord("b", "ngo", countries=("IN",))]
    >>> vec = ProfileVectorizer().fit(orgs)
    >>> vec.feature_names_.tolist()
    ['country:BD', 'country:IN']
    >>> X = vec.transform(orgs)
    >>> round(float((X @ X.T).toarray()[0, 1]), 4)  # 1/6 · cos = 1/6 · 1/√2
    0.1179
    """

    def __init__(
        self,
        *,
        text_weight: float = 0.5,
        sector_weight: float = 1 / 6,
        country_weight: float = 1 / 6,
        theme_weight: float = 1 / 6,
        max_features: int | None = 50_000,
        min_df: int | float = 1,
        max_df: int | float = 1.0,
        ngram_range: tuple[int, int] = (1, 1),
    ) -> None:
        self.text_weight = text_weight
        self.sector_weight = sector_weight
        self.country_weight = country_weight
        self.theme_weight = theme_weight
        self.max_features = max_features
        self.min_df = min_df
        self.max_df = max_df
        self.ngram_range = ngram_range

    def _validated_weights(self) -> dict[str, float]:
        weights = {
            "text": self.text_weight,
            "sectors": self.sector_weight,
            "countries": self.country_weight,
            "themes": self.theme_weight,
        }
        for name, value in weights.items():
            if not isinstance(value, (int, float)) or not np.isfinite(value) or value < 0:
                raise MatchingError(f"{name} weight must be a finite number ≥ 0, got {value!r}")
        return {name: float(value) for name, value in weights.items()}

    def fit(self, X: Sequence[OrgRecord], y: None = None) -> ProfileVectorizer:
        """Learn the text vocabulary and the tag values.

        Parameters
        ----------
        X : sequence of OrgRecord
        y : None
            Ignored; present for scikit-learn compatibility.

        Returns
        -------
        ProfileVectorizer
            ``self``, fitted.

        Raises
        ------
        TypeError
            When ``X`` is not a sequence of :class:`~matching.records.OrgRecord`.
        MatchingError
            On a negative or non-finite weight.

        Examples
        --------
        >>> vec = ProfileVectorizer().fit([OrgRecord("a", "ngo", themes=("water",))])
        >>> vec.themes_.tolist(), vec.vocabulary_
        (['water'], {})
        """
        self._fit(_check_records(X))
        return self

    def fit_transform(
        self, X: Sequence[OrgRecord], y: None = None, **fit_params: Any
    ) -> sp.csr_array:
        """Fit, then transform ``X``, tokenising the text once (same result as both).

        Examples
        --------
        >>> ProfileVectorizer().fit_transform([OrgRecord("a", "ngo", sectors=("gold",))]).shape
        (1, 1)
        """
        records = _check_records(X)
        return self._transform(records, self._fit(records))

    def _fit(self, records: list[OrgRecord]) -> sp.csr_array | None:
        """Learn everything; return the TF-IDF rows of ``records`` (``None``: no words)."""
        self.weights_ = self._validated_weights()
        texts = [profile_text(org) for org in records]
        vectorizer = TfidfVectorizer(
            stop_words="english",
            sublinear_tf=True,
            dtype=np.float64,
            max_features=self.max_features,
            min_df=self.min_df,
            max_df=self.max_df,
            ngram_range=self.ngram_range,
        )
        text: sp.csr_array | None
        try:
            text = sp.csr_array(vectorizer.fit_transform(texts))
        except ValueError:
            # No usable word at all (empty profiles, or only stop words): no text block.
            self.text_vectorizer_: TfidfVectorizer | None = None
            terms: list[str] = []
            text = None
        else:
            self.text_vectorizer_ = vectorizer
            terms = vectorizer.get_feature_names_out().tolist()
        self.vocabulary_ = {term: j for j, term in enumerate(terms)}
        self.sectors_ = np.array(sorted({v for org in records for v in org.sectors}), dtype=str)
        self.countries_ = np.array(sorted({v for org in records for v in org.countries}), dtype=str)
        self.themes_ = np.array(sorted({v for org in records for v in org.themes}), dtype=str)
        names = [f"text:{t}" for t in terms]
        self.feature_slices_ = {"text": slice(0, len(terms))}
        for field, prefix, values in (
            ("sectors", "sector", self.sectors_),
            ("countries", "country", self.countries_),
            ("themes", "theme", self.themes_),
        ):
            self.feature_slices_[field] = slice(len(names), len(names) + len(values))
            names.extend(f"{prefix}:{v}" for v in values)
        self.feature_names_ = np.array(names, dtype=object)
        return text

    def transform(self, X: Sequence[OrgRecord]) -> sp.csr_array:
        """Return the weighted feature rows of ``X`` (see the module docstring).

        Parameters
        ----------
        X : sequence of OrgRecord

        Returns
        -------
        scipy.sparse.csr_array of shape (len(X), len(feature_names_))

        Raises
        ------
        sklearn.exceptions.NotFittedError
            Before ``fit``.

        Examples
        --------
        >>> vec = ProfileVectorizer().fit([OrgRecord("a", "ngo", themes=("water",))])
        >>> vec.transform([OrgRecord("b", "ngo", themes=("water", "climate"))]).toarray().round(3)
        array([[0.408]])
        """
        check_is_fitted(self, "feature_names_")
        records = _check_records(X)
        text = None
        if self.text_vectorizer_ is not None:
            texts = [profile_text(org) for org in records]
            text = sp.csr_array(self.text_vectorizer_.transform(texts))
        return self._transform(records, text)

    def _transform(self, records: list[OrgRecord], text: sp.csr_array | None) -> sp.csr_array:
        blocks: list[sp.csr_array] = []
        if text is not None:
            blocks.append(text * np.sqrt(self.weights_["text"]))
        for field, values in (
            ("sectors", self.sectors_),
            ("countries", self.countries_),
            ("themes", self.themes_),
        ):
            tags = one_hot([getattr(org, field) for org in records], values.tolist())
            blocks.append(tags * np.sqrt(self.weights_[field]))
        matrix = sp.csr_array(sp.hstack(blocks, format="csr"))
        matrix.eliminate_zeros()
        return matrix

    def get_feature_names_out(self, input_features: None = None) -> np.ndarray:
        """Names of the output columns (see ``feature_names_``).

        Examples
        --------
        >>> vec = ProfileVectorizer().fit([OrgRecord("a", "ngo", sectors=("gold",))])
        >>> vec.get_feature_names_out()
        array(['sector:gold'], dtype=object)
        """
        check_is_fitted(self, "feature_names_")
        return np.asarray(self.feature_names_, dtype=object)
