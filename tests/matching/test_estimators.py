"""scikit-learn's estimator checks, with a written reason for every check excused.

Both estimators take records — organisation profiles (text and tags) and relationships —
not numeric 2-D arrays, so the checks that fit on generated numeric ``X`` cannot apply.
The API checks (cloning, ``get_params``/``set_params``, nothing set in ``__init__``,
unfitted errors, repr, tags) run as they are; the behaviours that matter from the excused
ones (``fit`` returns ``self``, is idempotent, leaves parameters alone, pickles) are tested
below on records.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable

import numpy as np
import pytest
from sklearn.base import BaseEstimator, clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from matching.matcher import Matcher
from matching.profile import ProfileVectorizer
from matching.records import EdgeRecord, OrgRecord

RECORDS = "the input is a sequence of OrgRecord (text and tags), not a numeric array"
ON_RECORDS = RECORDS + "; tested on records in this file"
SPARSE = "sparse numeric X does not apply: profiles are records, not a feature matrix"
DTYPES = "numeric dtypes (float32, complex, object, NaN/inf, memmaps) do not apply to records"
N_FEATURES = "n_features_in_ counts numeric columns; records have named fields instead"

EXCUSED: dict[str, str] = {
    "check_complex_data": DTYPES,
    "check_dict_unchanged": ON_RECORDS,
    "check_dont_overwrite_parameters": ON_RECORDS,
    "check_dtype_object": DTYPES,
    "check_estimator_sparse_array": SPARSE,
    "check_estimator_sparse_matrix": SPARSE,
    "check_estimator_sparse_tag": SPARSE,
    "check_estimators_dtypes": DTYPES,
    "check_estimators_empty_data_messages": RECORDS,
    "check_estimators_fit_returns_self": ON_RECORDS,
    "check_estimators_nan_inf": DTYPES,
    "check_estimators_overwrite_params": ON_RECORDS,
    "check_estimators_pickle": ON_RECORDS,
    "check_estimators_pickle(readonly_memmap=True)": DTYPES,
    "check_f_contiguous_array_estimator": DTYPES,
    "check_fit1d": RECORDS,
    "check_fit2d_1feature": RECORDS,
    "check_fit2d_1sample": RECORDS,
    "check_fit2d_predict1d": RECORDS,
    "check_fit_check_is_fitted": ON_RECORDS,
    "check_fit_idempotent": ON_RECORDS,
    "check_fit_score_takes_y": RECORDS + "; Matcher.fit's second argument is the relationships",
    "check_methods_sample_order_invariance": ON_RECORDS,
    "check_methods_subset_invariance": RECORDS,
    "check_n_features_in": N_FEATURES,
    "check_n_features_in_after_fitting": N_FEATURES,
    "check_pipeline_consistency": RECORDS,
    "check_positive_only_tag_during_fit": RECORDS,
    "check_readonly_memmap_input": DTYPES,
    "check_transformer_data_not_an_array": RECORDS,
    "check_transformer_general": RECORDS,
    "check_transformer_general(readonly_memmap=True)": DTYPES,
    "check_transformer_preserve_dtypes": DTYPES,
}


def _excused(estimator: BaseEstimator) -> dict[str, str]:
    if isinstance(estimator, Matcher):
        # Matcher.fit rejects a 1-D array with a ValueError (MatchingError), as the check wants.
        return {name: why for name, why in EXCUSED.items() if name != "check_fit1d"}
    return EXCUSED


@parametrize_with_checks(  # type: ignore[untyped-decorator]
    [ProfileVectorizer(), Matcher()], expected_failed_checks=_excused
)
def test_sklearn_checks(estimator: BaseEstimator, check: Callable[[BaseEstimator], None]) -> None:
    check(estimator)


ORGS = [
    OrgRecord("acme", "company", description="cotton spinning mill", sectors=("garment",)),
    OrgRecord("bolt", "company", description="cotton dyeing", countries=("BD",)),
    OrgRecord("fnv", "union", offers="living wage training", themes=("living-wage",)),
    OrgRecord("gold", "covenant"),
]
EDGES = [EdgeRecord("acme", "gold", "member_of"), EdgeRecord("bolt", "gold", "member_of")]


def _fit(estimator: BaseEstimator, orgs: list[OrgRecord] = ORGS) -> BaseEstimator:
    if isinstance(estimator, Matcher):
        known = {org.slug for org in orgs}
        return estimator.fit(orgs, [e for e in EDGES if {e.source, e.target} <= known])
    return estimator.fit(orgs)


def _output(estimator: BaseEstimator) -> object:
    if isinstance(estimator, Matcher):
        return [[c.to_dict() for c in found] for found in estimator.suggest_all("peer")]
    return estimator.transform(ORGS).toarray().tolist()


ESTIMATORS = [ProfileVectorizer(), Matcher(random_state=0)]


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_fit_returns_self_and_leaves_parameters(estimator: BaseEstimator) -> None:
    estimator = clone(estimator)
    params = estimator.get_params()
    assert _fit(estimator) is estimator
    assert estimator.get_params() == params
    public = {k for k in vars(estimator) if not k.startswith("_") and not k.endswith("_")}
    assert public == set(params)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_fit_is_idempotent_and_forgets_previous_fit(estimator: BaseEstimator) -> None:
    once = _output(_fit(clone(estimator)))
    refit = _fit(_fit(clone(estimator), ORGS[1:]))
    assert _output(refit) == once


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_unfitted_raises_not_fitted(estimator: BaseEstimator) -> None:
    with pytest.raises(NotFittedError):
        if isinstance(estimator, Matcher):
            clone(estimator).suggest("acme")
        else:
            clone(estimator).transform(ORGS)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_pickle_round_trip(estimator: BaseEstimator) -> None:
    fitted = _fit(clone(estimator))
    assert _output(pickle.loads(pickle.dumps(fitted))) == _output(fitted)


def test_transform_is_row_order_invariant() -> None:
    vectorizer = ProfileVectorizer().fit(ORGS)
    forward = vectorizer.transform(ORGS).toarray()
    backward = vectorizer.transform(list(reversed(ORGS))).toarray()
    assert np.array_equal(forward, backward[::-1])


def test_fit_rejects_non_records() -> None:
    with pytest.raises(TypeError, match="OrgRecord"):
        ProfileVectorizer().fit(np.zeros((3, 2)))  # type: ignore[arg-type]
