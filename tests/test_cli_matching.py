"""`convene match refresh`, `suggest`, `evaluate` and `bench` as users run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from convene.cli import app
from convene.db import unit_of_work
from convene.seed import seed_demo

ROOT = Path(__file__).resolve().parent.parent
CONVENE = str(Path(sys.executable).parent / "convene")
runner = CliRunner()
METHODS = {"random", "popularity", "jaccard", "adamic_adar", "text_only", "convene"}
METRICS = {"precision@k", "recall@k", "mrr", "ndcg@k", "coverage"}


def test_evaluate_json_is_one_object_with_every_method_and_metric() -> None:
    result = subprocess.run(
        [CONVENE, "evaluate", "--data", str(ROOT / "seed_data" / "demo"), "--json", "-k", "5"],
        capture_output=True, text=True, timeout=300, env=os.environ.copy(),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)  # exactly one JSON object, nothing else on stdout
    assert set(body) == {"overall", "cold_start", "k", "hidden_links"}
    assert body["k"] == 5 and body["hidden_links"] > 50
    for part in ("overall", "cold_start"):
        assert set(body[part]) == METHODS
        assert all(set(scores) == METRICS for scores in body[part].values())
    # the model beats every baseline on the demo, overall
    overall = body["overall"]
    for metric in ("mrr", "ndcg@k"):
        best_baseline = max(v[metric] for m, v in overall.items() if m != "convene")
        assert overall["convene"][metric] > best_baseline


def test_evaluate_refuses_a_bad_edge_type(tmp_path: Path) -> None:
    result = runner.invoke(app, ["evaluate", "--data", str(ROOT / "seed_data/demo"),
                                 "--edges", "member_of"])  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --edges: 'member_of' is not")
    missing = runner.invoke(app, ["evaluate", "--data", str(tmp_path)])
    assert missing.exit_code == 1
    assert "organisations.csv does not exist" in missing.stderr


def test_refresh_then_suggest_prints_reasons(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        seed_demo(session)
    refreshed = runner.invoke(app, ["match", "refresh"])
    assert refreshed.exit_code == 0, refreshed.output
    assert refreshed.stdout.startswith("refreshed ")
    shown = runner.invoke(app, ["suggest", "arisa", "--kind", "stakeholder", "-k", "3"])
    assert shown.exit_code == 0
    lines = shown.stdout.splitlines()
    assert lines[0].startswith(" 1. ")
    assert lines[1].startswith("      - ")
    assert lines[-1].startswith("(3 of 10, model convene-3)")
    unknown = runner.invoke(app, ["suggest", "nope"])
    assert unknown.exit_code == 1
    assert unknown.stderr == "error: no organisation 'nope'\n"


def test_bench_prints_the_figures_the_issue_names() -> None:
    result = subprocess.run(
        [CONVENE, "bench", "--orgs", "300", "--json"],
        capture_output=True, text=True, timeout=600, env=os.environ.copy(),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    for key in ("refresh_seconds", "peak_rss_mb", "ondemand_p50_ms", "ondemand_p95_ms",
                "networkx_aa_seconds", "convene_aa_seconds", "aa_speedup"):  # fmt: skip
        assert body[key] > 0, key
    assert body["aa_max_abs_difference"] < 1e-9  # the sparse AA equals networkx's
