"""`convene bench`: the real refresh path at scale, measured in one run.

1. Generate a synthetic network (``benchmarks/synthetic.py``: heavy-tailed group sizes,
   a few mega-groups, sectors, countries, themes, text).
2. Migrate a fresh database and load it with the real ``convene import`` (subprocesses).
3. Time ``convene match refresh`` as its own process (fit, rank both kinds for every
   organisation, write every suggestion) and read that process's peak RSS.
4. On-demand latency: fit the model once in this process, then time ``suggest`` for a
   fixed sample of organisations (both kinds): what the app does for one organisation.
5. Adamic–Adar: the same 200 organisations × all their eligible candidates, scored by
   networkx's per-pair ``adamic_adar_index`` on the graph and by the sparse
   ``matching.proximity.adamic_adar_pairs`` on its adjacency; the values must agree.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CONVENE = str(Path(sys.executable).parent / "convene")
AA_SAMPLE = 200
LATENCY_SAMPLE = 200


def _run(args: list[str], env: dict[str, str]) -> Any:
    from benchmarks.common import run_measured

    measured = run_measured([CONVENE, *args], env)
    if measured.returncode:
        raise RuntimeError(f"convene {' '.join(args)} failed: {measured.stderr.strip()[-500:]}")
    return measured


def run_bench(
    n_orgs: int,
    *,
    database_url: str | None = None,
    seed: int = 0,
    say: Callable[[str], None] = lambda _: None,
) -> dict[str, float]:
    import numpy as np

    from benchmarks.synthetic import generate

    workdir = Path(tempfile.mkdtemp(prefix="convene-bench-"))
    url = database_url or f"sqlite:///{workdir / 'bench.db'}"
    env = {"CONVENE_DATABASE_URL": url, "CONVENE_SECRET_KEY_FILE": str(workdir / "key")}
    previous = os.environ.get("CONVENE_DATABASE_URL")
    try:
        say(f"generating {n_orgs} organisations")
        counts = generate(n_orgs, workdir / "data", seed=seed)
        result: dict[str, float] = {
            "organisations": counts["organisations"],
            "relationships": counts["relationships"],
        }
        _run(["db", "upgrade"], env)
        _run(["seed"], env)
        began = time.perf_counter()
        for kind in ("organisations", "relationships", "contacts"):
            say(f"importing {kind}")
            _run(["import", kind, str(workdir / "data" / f"{kind}.csv")], env)
        result["import_seconds"] = time.perf_counter() - began
        say("convene match refresh")
        refresh = _run(["match", "refresh"], env)
        result["refresh_seconds"] = refresh.seconds
        result["peak_rss_mb"] = refresh.peak_rss_mb

        os.environ["CONVENE_DATABASE_URL"] = url
        from convene.db import dispose_engines, unit_of_work
        from convene.settings import get_settings
        from convene.suggestions.records import load_network
        from convene.suggestions.service import fit_matcher

        get_settings.cache_clear()
        with unit_of_work(readonly=True) as session:
            network = load_network(session)
        dispose_engines()
        say("fitting for on-demand suggestions")
        matcher = fit_matcher(network)
        rng = random.Random(seed)
        sources = list(matcher.source_slugs_)
        sample = rng.sample(sources, min(LATENCY_SAMPLE, len(sources)))
        latencies = []
        for n, slug in enumerate(sample):
            started = time.perf_counter()
            matcher.suggest(slug, "peer" if n % 2 else "stakeholder", k=10)
            latencies.append((time.perf_counter() - started) * 1000)
        result["ondemand_p50_ms"] = float(np.percentile(latencies, 50))
        result["ondemand_p95_ms"] = float(np.percentile(latencies, 95))
        result.update(_adamic_adar(matcher, rng, say))
        return result
    finally:
        if previous is None:
            os.environ.pop("CONVENE_DATABASE_URL", None)
        else:
            os.environ["CONVENE_DATABASE_URL"] = previous
        shutil.rmtree(workdir, ignore_errors=True)


def _adamic_adar(matcher: Any, rng: random.Random, say: Callable[[str], None]) -> dict[str, float]:
    import networkx as nx
    import numpy as np

    from matching.proximity import adamic_adar

    net = matcher.network_
    adjacency = net.adjacency
    graph = nx.from_scipy_sparse_array(adjacency)
    kinds = net.kinds
    companies = np.flatnonzero(kinds == "company")
    sample = sorted(rng.sample(companies.tolist(), min(AA_SAMPLE, companies.size)))
    blocked = net.blocked
    pairs: list[tuple[int, int]] = []
    for i in sample:
        # all of its candidates: every other company it could be suggested as a peer
        row = blocked[[i]].toarray().ravel()
        pairs.extend((i, int(j)) for j in companies if j != i and not row[j])
    say(f"Adamic-Adar on {len(pairs)} pairs (networkx per pair, then sparse)")
    started = time.perf_counter()
    expected = np.fromiter((p for _, _, p in nx.adamic_adar_index(graph, pairs)), float)
    networkx_seconds = time.perf_counter() - started
    index = np.asarray(pairs)  # the same pairs as an array, outside the timing
    # the sparse way: one product for the 200 rows against every node, then read the pairs;
    # a quarter of a second, so the best of three runs (networkx's many seconds run once)
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        position = np.full(adjacency.shape[0], -1)
        position[sample] = np.arange(len(sample))
        scores = adamic_adar(adjacency, np.asarray(sample)).toarray()
        ours = scores.ravel()[position[index[:, 0]] * scores.shape[1] + index[:, 1]]
        runs.append(time.perf_counter() - started)
    convene_seconds = min(runs)
    return {
        "aa_pairs": float(len(pairs)),
        "aa_max_abs_difference": float(np.max(np.abs(expected - ours))) if pairs else 0.0,
        "networkx_aa_seconds": networkx_seconds,
        "convene_aa_seconds": convene_seconds,
        "convene_aa_first_run_seconds": runs[0],  # with the first run's page faults
        "aa_speedup_first_run": networkx_seconds / runs[0] if runs[0] else float("inf"),
        "aa_speedup": networkx_seconds / convene_seconds if convene_seconds else float("inf"),
    }
