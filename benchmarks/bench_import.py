"""Measure `convene import` of a large synthetic network on SQLite and PostgreSQL.

    python benchmarks/bench_import.py --orgs 25000 [--postgres URL] [--baseline FILE] [--save FILE]

Generates the files with ``benchmarks/synthetic.py`` (25,000 organisations make about
250,000 relationships), migrates a fresh database, then runs the real CLI
``convene import organisations|relationships|contacts`` as separate processes, timing each
and reading its peak RSS. Prints one table (and ratios against ``--baseline``).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text

from benchmarks.common import report, run_measured
from benchmarks.synthetic import generate

CONVENE = str(Path(sys.executable).parent / "convene")


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def bench(label: str, url: str, data: Path) -> dict[str, float]:
    env = {"CONVENE_DATABASE_URL": url}
    for args in (["db", "upgrade"], ["seed"]):
        step = run_measured([CONVENE, *args], env)
        if step.returncode:
            raise SystemExit(f"{' '.join(args)} failed: {step.stderr.strip()}")
    out: dict[str, float] = {}
    total = 0.0
    peak = 0.0
    for kind in ("organisations", "relationships", "contacts"):
        run = run_measured([CONVENE, "import", kind, str(data / f"{kind}.csv")], env)
        if run.returncode:
            raise SystemExit(f"import {kind} failed: {run.stderr.strip()[:2000]}")
        print(f"[{label}] {run.stdout.strip()} ({run.seconds:.1f} s)", file=sys.stderr)
        out[f"{label}_{kind}_seconds"] = run.seconds
        total += run.seconds
        peak = max(peak, run.peak_rss_mb)
    out[f"{label}_import_seconds"] = total
    out[f"{label}_peak_rss_mb"] = peak
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=25_000)
    parser.add_argument("--postgres", default="", help="PostgreSQL URL (its schema is dropped!)")
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--save", type=Path)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="convene-bench-"))
    try:
        counts = generate(args.orgs, workdir / "data")
        print(f"generated {counts}", file=sys.stderr)
        results: dict[str, float] = {"organisations": counts["organisations"]}
        results["relationships"] = counts["relationships"]
        results.update(bench("sqlite", f"sqlite:///{workdir / 'bench.db'}", workdir / "data"))
        if args.postgres:
            reset_postgres(args.postgres)
            results.update(bench("postgresql", args.postgres, workdir / "data"))
        help_run = min(
            (run_measured([CONVENE, "--help"]) for _ in range(5)), key=lambda m: m.seconds
        )
        results["help_seconds"] = help_run.seconds
        report(results, args.baseline, args.save)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
