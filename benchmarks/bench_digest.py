"""Measure `convene digest send` for a large network against a local SMTP sink.

    python benchmarks/bench_digest.py [--contacts 25000] [--postgres URL] [--baseline FILE]
                                      [--save FILE]

Builds a fresh database with ``--contacts`` companies, one contact each (half of them
Dutch), about 200 stakeholders, and 10 stored suggestions per company (5 peer, 5
stakeholder, with reasons drawn from the vocabulary) — inserted in bulk, as a
``convene match refresh`` would leave them. A separate process runs an aiosmtpd server
that only counts messages. Then the real CLI ``convene digest send --week 2026-W48`` runs
as its own process; the table gives its wall time, messages per second and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import shutil
import sys
import tempfile
import time
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import Engine

from benchmarks.common import report, run_measured

CONVENE = str(Path(sys.executable).parent / "convene")
WEEK = "2026-W48"
STAKEHOLDERS = 200
PER_KIND = 5
VOCABULARY = Path(__file__).resolve().parent.parent / "seed_data" / "vocabulary.json"
COUNTRIES = ["IN", "BD", "CN", "TR", "VN", "BR", "ID", "PK", "ET", "GH", "CO", "ZA"]


class CountingHandler:
    def __init__(self, counter: Synchronized[int]) -> None:
        self.counter = counter

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        with self.counter.get_lock():
            self.counter.value += 1
        return "250 Message accepted"


def run_sink(port: int, counter: Synchronized[int], ready: Any) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(CountingHandler(counter), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    while True:
        time.sleep(3600)


def free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def reasons(rng: random.Random, themes: list[str], sectors: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "code": "theme_in_country",
            "params": {"theme": rng.choice(themes), "country": rng.choice(COUNTRIES)},
            "weight": 0.4,
        },
        {"code": "shared_sector", "params": {"sector": rng.choice(sectors)}, "weight": 0.2},
        {"code": "shared_country", "params": {"country": rng.choice(COUNTRIES)}, "weight": 0.1},
    ]


def populate(engine: Engine, contacts: int, seed: int = 0) -> None:
    """Companies with one contact each, stakeholders, and stored suggestions, in bulk."""
    from sqlmodel import col

    from convene.models import Contact, Organisation, Suggestion
    from convene.models.common import utcnow

    rng = random.Random(seed)
    vocabulary = json.loads(VOCABULARY.read_text(encoding="utf-8"))
    themes = [t["slug"] for t in vocabulary["themes"]]
    sectors = [t["slug"] for t in vocabulary["sectors"]]
    now = utcnow()
    org = {"description": "", "offers": "", "seeks": "", "open_to_introductions": True,
           "created_at": now, "updated_at": now}  # fmt: skip
    with engine.begin() as conn:
        conn.execute(
            insert(Organisation),
            [{**org, "slug": f"co-{n}", "name": f"Company {n} B.V.", "kind": "company"}
             for n in range(contacts)]
            + [{**org, "slug": f"ngo-{n}", "name": f"Stakeholder {n}", "kind": "ngo"}
               for n in range(STAKEHOLDERS)],
        )  # fmt: skip
        slugs = select(col(Organisation.slug), col(Organisation.id))
        ids: dict[str, int] = dict(conn.execute(slugs).tuples().all())  # type: ignore[arg-type]
        companies = [ids[f"co-{n}"] for n in range(contacts)]
        stakeholders = [ids[f"ngo-{n}"] for n in range(STAKEHOLDERS)]
        conn.execute(
            insert(Contact),
            [{"organisation_id": org_id, "name": f"Person {n}", "role": "CSR manager",
              "email": f"person{n}@example.org", "language": "nl" if n % 2 else "en",
              "digest": "weekly", "receives_requests": True, "created_at": now}
             for n, org_id in enumerate(companies)],
        )  # fmt: skip
        rows: list[dict[str, Any]] = []
        for org_id in companies:
            for kind, pool in (("peer", companies), ("stakeholder", stakeholders)):
                for rank, candidate in enumerate(rng.sample(pool, PER_KIND + 1), start=1):
                    if candidate == org_id or rank > PER_KIND:
                        continue
                    rows.append(
                        {"organisation_id": org_id, "candidate_id": candidate, "kind": kind,
                         "rank": rank, "score": round(1 / rank, 3),
                         "reasons": reasons(rng, themes, sectors), "model_version": "bench",
                         "created_at": now}
                    )  # fmt: skip
            if len(rows) >= 20_000:
                conn.execute(insert(Suggestion), rows)
                rows = []
        if rows:
            conn.execute(insert(Suggestion), rows)


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def bench(label: str, url: str, contacts: int, workdir: Path) -> dict[str, float]:
    from convene.db import make_engine

    env = {"CONVENE_DATABASE_URL": url, "CONVENE_SECRET_KEY_FILE": str(workdir / "secret")}
    for args in (["db", "upgrade"], ["seed"]):
        step = run_measured([CONVENE, *args], env)
        if step.returncode:
            raise SystemExit(f"{' '.join(args)} failed: {step.stderr.strip()}")
    engine = make_engine(url)
    started = time.perf_counter()
    populate(engine, contacts)
    engine.dispose()
    print(f"[{label}] populated in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    port = free_port()
    counter: Synchronized[int] = multiprocessing.Value("q", 0)
    ready = multiprocessing.Event()
    sink = multiprocessing.Process(target=run_sink, args=(port, counter, ready), daemon=True)
    sink.start()
    try:
        ready.wait(10)
        env["CONVENE_MAIL_URL"] = f"smtp://127.0.0.1:{port}"
        run = run_measured([CONVENE, "digest", "send", "--week", WEEK], env)
        if run.returncode:
            raise SystemExit(f"digest send failed: {run.stderr.strip()[:2000]}")
        print(f"[{label}] {run.stdout.strip()} ({run.seconds:.1f} s)", file=sys.stderr)
        received = counter.value
    finally:
        sink.terminate()
        sink.join()
    if received != contacts:
        raise SystemExit(f"the sink received {received} messages, expected {contacts}")
    return {
        f"{label}_send_seconds": run.seconds,
        f"{label}_messages_per_second": received / run.seconds,
        f"{label}_peak_rss_mb": run.peak_rss_mb,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=25_000)
    parser.add_argument("--postgres", default="", help="PostgreSQL URL (its schema is dropped!)")
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--save", type=Path)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="convene-bench-digest-"))
    try:
        results: dict[str, float] = {"contacts": args.contacts}
        results.update(bench("sqlite", f"sqlite:///{workdir / 'bench.db'}", args.contacts, workdir))
        if args.postgres:
            reset_postgres(args.postgres)
            results.update(bench("postgresql", args.postgres, args.contacts, workdir))
        report(results, args.baseline, args.save)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
