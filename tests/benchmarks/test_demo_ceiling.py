"""`benchmarks/demo_ceiling.py`: the generator's own link weights as a yardstick."""

from __future__ import annotations

import json

import pytest

from benchmarks.demo_ceiling import main, parse_seeds
from seed_data.generate_demo import SEED, DemoGenerator


def test_link_weights_cover_every_pair_both_ways() -> None:
    generator = DemoGenerator(SEED)
    generator.build()
    weights = generator.link_weights()
    people = [o.slug for o in generator.companies + generator.stakeholders]
    n = len(people)
    assert len(weights) == n * (n - 1)  # every ordered pair of distinct organisations
    assert all(weights[b, a] == w for (a, b), w in weights.items())
    assert all(w > 0 for w in weights.values())
    groups = {g.slug for g in generator.groups}
    assert not any(a in groups or b in groups for a, b in weights)


def test_ceiling_on_one_seed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--seeds", "0", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert set(body) == {"k", "seeds", "mean", "wins"}
    cells = body["seeds"]["0"]
    assert set(cells) == {"overall:mrr", "overall:ndcg@k", "cold_start:mrr", "cold_start:ndcg@k"}
    for cell in cells.values():
        assert all(0.0 <= cell[m] <= 1.0 for m in ("convene", "generator", "best_other"))
        assert cell["best_other_method"] in {
            "random", "popularity", "jaccard", "adamic_adar", "text_only"
        }  # fmt: skip
    # The yardstick is a real one: ranking by the weights the links were drawn from beats
    # every baseline overall.
    for metric in ("overall:mrr", "overall:ndcg@k"):
        assert cells[metric]["generator"] > cells[metric]["best_other"]
    assert body["mean"] == {
        key: {m: cells[key][m] for m in ("convene", "generator", "best_other")} for key in cells
    }


def test_parse_seeds() -> None:
    assert parse_seeds("3") == [3]
    assert parse_seeds("0-2,5-6") == [0, 1, 2, 5, 6]


@pytest.mark.parametrize("seeds", ["x", "5-2", ""])
def test_bad_seeds_are_one_usage_error(seeds: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--seeds", seeds])
    assert exit_.value.code == 2
    assert "argument --seeds: invalid parse_seeds value" in capsys.readouterr().err
