"""How well could any model do on the demo's links? The generator's own weights as a ranker.

    python -m benchmarks.demo_ceiling [--seeds 0-19] [-k 10] [--json]
                                      [--baseline FILE] [--save FILE]

The demo's ``partner`` and ``introduced`` links are drawn in proportion to latent weights
(``seed_data/generate_demo.py``: shared sectors, themes, countries and covenants, and each
side's hidden *activity*), plus a few uniformly random links. Ranking every candidate by
those very weights is the best a model can do in expectation; no model can know them (the
activity is never written out). For each seed this runs the protocol of
``convene evaluate --data seed_data/demo`` with one extra method, ``generator``, that ranks
by the weights, and prints convene, generator and the best of the five baselines (random,
popularity, Jaccard, Adamic–Adar, text-only) on MRR and NDCG@k, overall and cold-start,
then the means and on how many seeds each of the two beats every baseline on all four.
``--save`` keeps the means (and win counts) as a flat JSON file; ``--baseline`` prints
them beside those of an earlier run — a model change measured over many seeds.

The cold-start slice holds about 15 queries a seed, so one hit more or less moves its MRR
by up to 0.07: on some seeds even the generator's own weights lose to a baseline there.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import report
from convene.suggestions.evaluation import records_from_files
from matching.evaluation import Ranker, evaluate
from seed_data.generate_demo import DEFAULT_OUT, SEED, DemoGenerator

CELLS = (("overall", "mrr"), ("overall", "ndcg@k"), ("cold_start", "mrr"), ("cold_start", "ndcg@k"))
SHOWN = ("convene", "generator")


def parse_seeds(text: str) -> list[int]:
    """``"0-4"`` → 0..4, ``"1,3"`` → 1 and 3.

    >>> parse_seeds("0-2,7")
    [0, 1, 2, 7]
    """
    seeds: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        seeds.extend(range(int(low), int(high or low) + 1))
    if not seeds:
        raise ValueError(f"no seeds in {text!r}")
    return seeds


def generator_ranker(weights: dict[tuple[str, str], float]) -> Ranker:
    def rank(org: str, _kind: str, pool: Sequence[str], k: int) -> list[str]:
        # best weight first, ties by slug; pairs the generator never weighs (groups) last
        return sorted(pool, key=lambda slug: (-weights.get((org, slug), 0.0), slug))[:k]

    return rank


def seed_row(result: dict[str, Any]) -> dict[str, Any]:
    """Convene, generator and the best baseline on each of the four cells."""
    row: dict[str, Any] = {}
    for part, metric in CELLS:
        scores = {method: values[metric] for method, values in result[part].items()}
        best = max((v, m) for m, v in scores.items() if m not in SHOWN)
        row[f"{part}:{metric}"] = {
            "convene": scores["convene"],
            "generator": scores["generator"],
            "best_other": best[0],
            "best_other_method": best[1],
        }
    return row


def beats_all(row: dict[str, Any], method: str) -> bool:
    """Whether ``method`` is above every baseline on all four cells."""
    return all(cell[method] > cell["best_other"] for cell in row.values())


def flat_means(means: dict[str, dict[str, float]], wins: dict[str, int]) -> dict[str, float]:
    """``{"convene overall:mrr": …, …, "convene wins": n}``: one figure a line, for
    ``--save`` and ``--baseline``."""
    flat = {f"{m} {cell}": value for cell, by in means.items() for m, value in by.items()}
    flat.update({f"{m} wins": float(n) for m, n in wins.items()})
    return flat


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seeds", type=parse_seeds, default="0-19", help="e.g. 0-19 or 0,3,5 (default 0-19)"
    )
    parser.add_argument("-k", type=int, default=10)
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--baseline", type=Path, help="means of an earlier run (--save)")
    parser.add_argument("--save", type=Path, help="write the means here, for --baseline")
    args = parser.parse_args(argv)

    generator = DemoGenerator(SEED)
    generator.build()
    ranker = generator_ranker(generator.link_weights())
    # the committed demo: the only network the generator's weights describe
    orgs, edges = records_from_files(DEFAULT_OUT)
    rows: dict[int, dict[str, Any]] = {}
    for seed in args.seeds:
        result = evaluate(orgs, edges, seed=seed, k=args.k, extra_rankers={"generator": ranker})
        rows[seed] = seed_row(result)
        if not args.json:
            print(f"seed {seed} done", file=sys.stderr)

    columns = (*SHOWN, "best_other")
    means = {
        key: {m: float(np.mean([row[key][m] for row in rows.values()])) for m in columns}
        for key in rows[next(iter(rows))]
    }
    wins = {method: sum(beats_all(row, method) for row in rows.values()) for method in SHOWN}
    if args.json:
        print(json.dumps({"k": args.k, "seeds": rows, "mean": means, "wins": wins}, indent=2))
        return 0

    k = args.k
    header = "".join(
        f"{(part.replace('_', '-') + ' ' + metric.replace('@k', f'@{k}')):>30}"
        for part, metric in CELLS
    )
    print(f"{'seed':>5}{header}")
    print(f"{'':>5}" + f"{'convene':>10}{'generator':>10}{'baseline':>10}" * len(CELLS))

    def line(label: str, cells: dict[str, Any]) -> str:
        return f"{label:>5}" + "".join(
            f"{cells[key]['convene']:>10.3f}{cells[key]['generator']:>10.3f}"
            f"{cells[key]['best_other']:>10.3f}"
            for key in cells
        )

    for seed, row in rows.items():
        print(line(str(seed), row))
    print(line("mean", means))
    total = len(rows)
    for method in SHOWN:
        print(f"{method} beats every baseline on all four cells at {wins[method]} of {total} seeds")
    print()
    report(flat_means(means, wins), args.baseline, args.save, digits=4)
    return 0


if __name__ == "__main__":
    sys.exit(main())
