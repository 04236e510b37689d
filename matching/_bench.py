"""Time ``fit`` + ``suggest_all`` (both kinds) and ``suggest`` on the synthetic network.

Run ``python -m matching._bench 25000``; prints wall times and the peak RSS of the process
(generation included). A private helper for the matching library's own timing; the
project's benchmarks live in ``benchmarks/``.

Examples
--------
>>> report = run(60, latency_samples=5)
>>> "peak_rss_mb" in report, report["n_orgs"] > 60
(True, True)
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import numpy as np

from matching._synthetic import make_network
from matching.matcher import Matcher

__all__ = ["main", "run"]


def run(n_orgs: int, *, seed: int = 0, latency_samples: int = 200) -> dict[str, float]:
    """Generate ``n_orgs`` organisations, fit, suggest for all, time single suggestions.

    Examples
    --------
    >>> run(40, latency_samples=2)["suggestions"] > 0
    True
    """
    orgs, edges = make_network(n_orgs, seed=seed)
    start = time.perf_counter()
    matcher = Matcher(random_state=seed).fit(orgs, edges)
    fitted = time.perf_counter()
    report: dict[str, float] = {"n_orgs": len(orgs), "n_edges": len(edges)}
    report["fit_s"] = fitted - start
    total = 0
    for kind in ("peer", "stakeholder"):
        began = time.perf_counter()
        total += sum(len(found) for found in matcher.suggest_all(kind))
        report[f"suggest_all_{kind}_s"] = time.perf_counter() - began
    report["fit_and_suggest_all_s"] = time.perf_counter() - start
    report["suggestions"] = total
    rng = np.random.default_rng(seed)
    slugs = matcher.source_slugs_
    latencies = []
    for n, i in enumerate(rng.integers(0, len(slugs), latency_samples).tolist()):
        began = time.perf_counter()
        matcher.suggest(slugs[i], "peer" if n % 2 else "stakeholder")
        latencies.append(time.perf_counter() - began)
    report["suggest_p50_ms"] = float(np.percentile(latencies, 50) * 1000)
    report["suggest_p95_ms"] = float(np.percentile(latencies, 95) * 1000)
    report["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return report


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: ``python -m matching._bench N_ORGS [--seed S]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("n_orgs", type=int)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    for name, value in run(args.n_orgs, seed=args.seed).items():
        sys.stdout.write(f"{name:24s} {value:12.1f}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
