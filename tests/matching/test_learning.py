from __future__ import annotations

import random

import numpy as np
import pytest
import scipy.sparse as sp

from matching.errors import MatchingError
from matching.graph import network_matrices
from matching.learning import fit_pairwise_weights, sample_links, split_folds
from matching.matcher import Matcher
from matching.records import EdgeRecord, OrgRecord

# ---------------------------------------------------------------- fit_pairwise_weights


def test_weights_follow_the_part_that_separates_partners() -> None:
    # Part 0 is higher for every partner than for its query's non-partners; part 1 is
    # higher for the non-partners: it must get no weight at all (weights are ≥ 0).
    positives = np.array([[0.9, 0.1], [0.8, 0.0], [0.7, 0.2]])
    negatives = np.array([[0.2, 0.5], [0.1, 0.9], [0.3, 0.4], [0.0, 0.6]])
    query = np.array([0, 0, 1, 2])
    w = fit_pairwise_weights(positives, negatives, query)
    assert w[0] > 1.0
    assert w[1] == 0.0


def test_weights_of_an_uninformative_part_stay_small() -> None:
    rng = np.random.default_rng(0)
    signal_pos = rng.uniform(0.5, 1.0, 200)
    signal_neg = rng.uniform(0.0, 0.6, 2000)
    noise_pos, noise_neg = rng.uniform(0, 1, 200), rng.uniform(0, 1, 2000)
    w = fit_pairwise_weights(
        np.column_stack([signal_pos, noise_pos]),
        np.column_stack([signal_neg, noise_neg]),
        np.repeat(np.arange(200), 10),
    )
    assert w[0] > 10 * w[1]


@pytest.mark.parametrize(
    ("positives", "negatives", "query"),
    [
        (np.zeros((2, 3)), np.zeros((4, 2)), np.zeros(4, dtype=int)),  # parts differ
        (np.zeros((2, 3)), np.zeros((0, 3)), np.zeros(0, dtype=int)),  # no negatives
        (np.zeros((2, 3)), np.zeros((4, 3)), np.zeros(3, dtype=int)),  # queries missing
    ],
)
def test_bad_shapes(positives: np.ndarray, negatives: np.ndarray, query: np.ndarray) -> None:
    with pytest.raises(MatchingError):
        fit_pairwise_weights(positives, negatives, query)


# ---------------------------------------------------------------- sample_links


def _path_links() -> sp.csr_array:
    # 0-1, 1-2, 2-3, 3-4, 0-4 (a 5-cycle)
    rows = [0, 1, 2, 3, 0]
    cols = [1, 2, 3, 4, 4]
    m = sp.csr_array((np.ones(5), (rows, cols)), shape=(5, 5))
    return sp.csr_array(m + m.T)


def test_sample_links_only_between_eligible_nodes() -> None:
    eligible = np.array([True, True, True, False, True])
    picked = sample_links(_path_links(), eligible, 1.0, 10, np.random.default_rng(0))
    assert picked.tolist() == [[0, 1], [0, 4], [1, 2]]


def test_sample_links_share_limit_and_seed() -> None:
    links, eligible = _path_links(), np.ones(5, dtype=bool)
    half = sample_links(links, eligible, 0.4, 10, np.random.default_rng(1))
    assert len(half) == 2
    assert all(i < j for i, j in half.tolist())
    assert len(sample_links(links, eligible, 1.0, 3, np.random.default_rng(1))) == 3
    again = sample_links(links, eligible, 0.4, 10, np.random.default_rng(1))
    assert again.tolist() == half.tolist()


@pytest.mark.parametrize("share", [0.0, -0.1, 1.5])
def test_sample_links_bad_share(share: float) -> None:
    with pytest.raises(MatchingError, match="share"):
        sample_links(_path_links(), np.ones(5, dtype=bool), share, 10, np.random.default_rng(0))


# ---------------------------------------------------------------- split_folds


def test_split_folds_deals_every_item_once() -> None:
    folds = split_folds(11, 5, np.random.default_rng(0))
    assert sorted(len(f) for f in folds) == [2, 2, 2, 2, 3]
    assert sorted(np.concatenate(folds).tolist()) == list(range(11))
    assert all(f.tolist() == sorted(f.tolist()) for f in folds)
    again = split_folds(11, 5, np.random.default_rng(0))
    assert [f.tolist() for f in again] == [f.tolist() for f in folds]
    other = split_folds(11, 5, np.random.default_rng(1))
    assert [f.tolist() for f in other] != [f.tolist() for f in folds]


def test_split_folds_more_folds_than_items() -> None:
    folds = split_folds(2, 4, np.random.default_rng(0))
    assert [len(f) for f in folds] == [1, 1, 0, 0]


@pytest.mark.parametrize("folds", [0, -1, True, 2.0])
def test_split_folds_bad_count(folds: object) -> None:
    with pytest.raises(MatchingError, match="folds"):
        split_folds(5, folds, np.random.default_rng(0))  # type: ignore[arg-type]


# ---------------------------------------------------------------- the matcher learns


def _planted(seed: int = 0) -> tuple[list[OrgRecord], list[EdgeRecord]]:
    """60 companies in 3 sectors; partnerships only within a sector; texts are noise."""
    rng = random.Random(seed)
    words = [f"word{i}" for i in range(40)]
    sectors = ("gold", "cocoa", "garment")
    orgs = [
        OrgRecord(
            f"c{i:02d}",
            "company",
            description=" ".join(rng.sample(words, 6)),
            sectors=(sectors[i % 3],),
            countries=(rng.choice(("IN", "BD", "GH", "PE")),),
        )
        for i in range(60)
    ]
    pairs = sorted(
        (a.slug, b.slug) for a in orgs for b in orgs if a.slug < b.slug and a.sectors == b.sectors
    )
    edges = [EdgeRecord(a, b, "partner") for a, b in rng.sample(pairs, 200)]
    return orgs, edges


def test_matcher_learns_that_sector_predicts_partnerships_and_text_does_not() -> None:
    orgs, edges = _planted()
    m = Matcher(random_state=0).fit(orgs, edges)
    assert set(m.weights_) == {name for name in Matcher().get_params() if name.startswith("w_")}
    assert m.weights_["w_tags"] > 3 * m.weights_["w_text"]
    assert all(value >= 0 for value in m.weights_.values())
    # Its suggestions follow what it learned: a company's peers share its sector.
    by_slug = {org.slug: org for org in orgs}
    for slug in ("c00", "c01", "c02"):
        found = m.suggest(slug, "peer", 5)
        assert found
        assert all(by_slug[c.candidate].sectors == by_slug[slug].sectors for c in found)


def test_learning_hides_every_link_once_in_five_folds(monkeypatch: pytest.MonkeyPatch) -> None:
    # Inner cross-validation: each partnership is hidden in exactly one fold, so the fit
    # rests on every link of a small network, not on one draw of a fifth of them.
    orgs, edges = _planted()
    seen: list[np.ndarray] = []
    original = Matcher._fold_parts

    def spy(self: Matcher, hidden: np.ndarray, *args: object) -> object:
        seen.append(hidden.copy())
        return original(self, hidden, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Matcher, "_fold_parts", spy)
    m = Matcher(random_state=0).fit(orgs, edges)
    assert len(seen) == 5
    assert sorted(len(fold) for fold in seen) == [40] * 5
    index = m.network_.index
    every = sorted(tuple(sorted((index[e.source], index[e.target]))) for e in edges)
    hidden = sorted((int(i), int(j)) for fold in seen for i, j in fold)
    assert hidden == every


def test_learning_is_seeded() -> None:
    orgs, edges = _planted()
    first = Matcher(random_state=3).fit(orgs, edges).weights_
    given = Matcher().get_params()
    assert first != {name: given[name] for name in first}  # learned, not the given ones
    assert Matcher(random_state=3).fit(orgs, edges).weights_ == first


def test_given_weights_when_learning_is_off_or_links_are_few() -> None:
    orgs, edges = _planted()
    given = {"w_text": 0.5, "w_tags": 0.1}
    off = Matcher(random_state=0, learn_weights=False, w_text=0.5, w_tags=0.1).fit(orgs, edges)
    assert {name: off.weights_[name] for name in given} == given
    # 20 links: fewer than the 30 the matcher needs to learn from.
    few = Matcher(random_state=0, w_text=0.5, w_tags=0.1).fit(orgs, edges[:20])
    assert {name: few.weights_[name] for name in given} == given


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_learn_weights_must_be_a_bool(value: object) -> None:
    orgs, edges = _planted()
    with pytest.raises(MatchingError, match="learn_weights"):
        Matcher(learn_weights=value).fit(orgs, edges)  # type: ignore[arg-type]


def test_learning_ignores_supply_links() -> None:
    # Only partner and introduced links teach the weights: the same graph with every
    # link as supplier_of leaves nothing to learn from.
    orgs, edges = _planted()
    supply = [EdgeRecord(e.source, e.target, "supplier_of") for e in edges]
    assert network_matrices(orgs, supply).partnerships.nnz == 0
    m = Matcher(random_state=0, w_text=0.35, w_tags=0.3).fit(orgs, supply)
    assert (m.weights_["w_text"], m.weights_["w_tags"]) == (0.35, 0.3)


def test_learned_weights_keep_a_floor_and_the_given_total() -> None:
    # Links drawn without regard to profiles: the profile parts predict nothing, yet each
    # weight keeps a tenth of its given value, so a newcomer with a profile and no links
    # still gets suggestions, for concrete shared things.
    orgs, _ = _planted()
    rng = random.Random(1)
    slugs = [org.slug for org in orgs]
    pairs = sorted({tuple(sorted(rng.sample(slugs[1:], 2))) for _ in range(400)})
    edges = [EdgeRecord(a, b, "partner") for a, b in pairs[:250]]
    given = Matcher().get_params()
    m = Matcher(random_state=0).fit(orgs, edges)
    weights = m.weights_
    assert weights != {name: given[name] for name in weights}  # it did learn
    assert all(weights[name] >= 0.1 * given[name] - 1e-9 for name in weights)
    total = sum(given[name] for name in weights)  # rescaled to it, then the floors
    assert total - 1e-6 <= sum(weights.values()) <= 1.1 * total + 1e-6
    found = m.suggest("c00", "peer", 5)  # c00 has no links
    assert found
    assert all(
        r.code in {"shared_sector", "shared_country", "shared_terms"}
        for c in found
        for r in c.reasons[:1]
    )
