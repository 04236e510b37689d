"""Measure page latency under load: `convene serve --workers 2` on a 25,000-organisation
network, 8 concurrent signed-in clients.

    python benchmarks/bench_web.py [--orgs 25000] [--requests 400] [--clients 8]
                                   [--workers 2] [--data DIR] [--profile]
                                   [--baseline FILE] [--save FILE]

Generates the network with ``benchmarks/synthetic.py``, loads it with the real CLI
(``convene db upgrade``, ``seed``, ``import organisations|relationships|contacts``,
``match refresh``), creates a member of a company in the largest group
(``convene users create --password-stdin``), starts ``convene serve --workers N`` and
signs in through the login form. Then, page by page, ``--clients`` threads (each its own
keep-alive HTTP client) share ``--requests`` requests of:

* ``directory``: ``/organisations?page=3``
* ``directory_filtered``: kind, country and theme filters, page 2
* ``directory_group``: the largest group's members, page 2
* ``profile``: the profile of the best-connected member of the largest group (the worst case)
* ``profile_own``: the member's own company (a member of median connectedness)
* ``dashboard``: ``/`` for the member (suggestions, requests, introductions)

and prints p50, p95 and max per page in milliseconds (target: p95 ≤ 150 ms). ``--data DIR``
keeps the prepared database in DIR and reuses it on the next run. ``--profile`` then runs
each page in-process under cProfile (FastAPI's TestClient, same database) and prints where
the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import queue
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from benchmarks.common import load_baseline, print_table, run_measured
from benchmarks.synthetic import generate

CONVENE = str(Path(sys.executable).parent / "convene")
EMAIL = "bench.member@example.org"
PASSWORD = "bench-member-password-2026"
TARGET_P95_MS = 150.0
WARMUP_PER_CLIENT = 3


@dataclass
class Fixture:
    """What the pages are about: the member's company and the profile to read."""

    group: str
    group_size: int
    company: str
    profile: str
    country: str
    theme: str


def _run(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [CONVENE, *args], env=env, input=stdin, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"`convene {' '.join(args)}` failed: {done.stderr.strip()[-2000:]}")
    return done.stdout


def prepare(workdir: Path, orgs: int, env: dict[str, str]) -> dict[str, float]:
    """Generate, import and refresh; return how long each step took (seconds)."""
    timings: dict[str, float] = {}
    counts = generate(orgs, workdir / "data")
    print(f"generated {counts}", file=sys.stderr)
    for args in (["db", "upgrade"], ["seed"]):
        _run(env, *args)
    for kind in ("organisations", "relationships", "contacts"):
        step = run_measured([CONVENE, "import", kind, str(workdir / "data" / f"{kind}.csv")], env)
        if step.returncode:
            raise SystemExit(f"import {kind} failed: {step.stderr.strip()[-2000:]}")
        print(f"{step.stdout.strip()} ({step.seconds:.1f} s)", file=sys.stderr)
        timings[f"import_{kind}_seconds"] = step.seconds
    refresh = run_measured([CONVENE, "match", "refresh"], env)
    if refresh.returncode:
        raise SystemExit(f"match refresh failed: {refresh.stderr.strip()[-2000:]}")
    print(f"{refresh.stdout.strip()} ({refresh.seconds:.1f} s)", file=sys.stderr)
    timings["match_refresh_seconds"] = refresh.seconds
    return timings


def choose(url: str) -> Fixture:
    """The largest group, a company in it (the member's) and its best-connected member."""
    engine = create_engine(url)
    with engine.connect() as conn:
        group, size = conn.execute(
            text(
                "SELECT g.slug, count(*) AS n FROM relationship r "
                "JOIN organisation g ON g.id = r.target_id "
                "WHERE r.type = 'member_of' AND r.until IS NULL "
                "GROUP BY g.slug ORDER BY n DESC, g.slug LIMIT 1"
            )
        ).one()
        members = text(
            "SELECT o.slug, o.kind, "
            "(SELECT count(*) FROM relationship x WHERE x.source_id = o.id "
            "OR x.target_id = o.id) AS degree "
            "FROM relationship r JOIN organisation o ON o.id = r.source_id "
            "JOIN organisation g ON g.id = r.target_id "
            "WHERE g.slug = :group AND r.type = 'member_of' AND r.until IS NULL "
            "ORDER BY degree DESC, o.slug"
        )
        rows = conn.execute(members, {"group": group}).all()
        companies = [slug for slug, kind, _ in rows if kind == "company"]
        # the member's company: one with suggestions and a median number of relationships
        company = companies[len(companies) // 2]
        profile = next(slug for slug, _, _ in rows if slug != company)
        country, theme = (
            conn.execute(
                text(
                    "SELECT value FROM organisation_tag WHERE facet = :facet "
                    "GROUP BY value ORDER BY count(*) DESC LIMIT 1"
                ),
                {"facet": facet},
            ).scalar_one()
            for facet in ("country", "theme")
        )
    engine.dispose()
    return Fixture(group, int(size), company, profile, country, theme)


def pages_for(fixture: Fixture) -> dict[str, str]:
    return {
        "directory": "/organisations?page=3",
        "directory_filtered": (
            f"/organisations?kind=company&country={fixture.country}&theme={fixture.theme}&page=2"
        ),
        "directory_group": f"/organisations?group={fixture.group}&page=2",
        "profile": f"/organisations/{fixture.profile}",
        "profile_own": f"/organisations/{fixture.company}",
        "dashboard": "/",
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(
    env: dict[str, str], workers: int, log: Path
) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                CONVENE,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            env={**env, "CONVENE_LOG_LEVEL": "WARNING"},
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"convene serve exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise SystemExit("convene serve did not answer within 60 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def sign_in(url: str) -> dict[str, str]:
    """The cookies of a member signed in through the login form."""
    with httpx.Client(base_url=url) as client:
        form = client.get("/login")
        found = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert found, "no CSRF token on /login"
        response = client.post(
            "/login",
            data={"csrf_token": found.group(1), "email": EMAIL, "password": PASSWORD},
        )
        if response.status_code != 303:
            raise SystemExit(f"sign-in failed: {response.status_code} {response.text[:300]}")
        return dict(client.cookies.items())


def percentile(sorted_values: list[float], share: float) -> float:
    """Nearest-rank percentile of sorted values."""
    index = max(0, min(len(sorted_values) - 1, round(share * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def load(url: str, path: str, cookies: dict[str, str], clients: int, requests: int) -> list[float]:
    """``requests`` GETs of ``path`` shared by ``clients`` threads; latencies in ms."""
    todo: queue.SimpleQueue[int] = queue.SimpleQueue()
    for n in range(requests):
        todo.put(n)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(clients)

    def client() -> None:
        with httpx.Client(base_url=url, cookies=cookies, timeout=30) as http:
            for _ in range(WARMUP_PER_CLIENT):
                http.get(path)
            start.wait()
            mine: list[float] = []
            while True:
                try:
                    todo.get_nowait()
                except queue.Empty:
                    break
                began = time.perf_counter()
                response = http.get(path)
                took = (time.perf_counter() - began) * 1000
                if response.status_code != 200:
                    with lock:
                        errors.append(f"{response.status_code} {response.text[:200]}")
                mine.append(took)
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"{path}: {len(errors)} failed requests, e.g. {errors[0]}")
    return sorted(latencies)


def profile_in_process(env: dict[str, str], paths: dict[str, str], repeat: int = 20) -> None:
    """Each page ``repeat`` times under cProfile, in this process, on the same database.

    Synchronous routes and dependencies normally run in a thread pool, out of the
    profiler's sight; here they run inline, so the whole request is in one thread.
    """
    import asyncio

    import anyio.to_thread

    os.environ.update(env)

    async def inline(func: Any, *args: Any, **_kwargs: Any) -> Any:
        return func(*args)

    anyio.to_thread.run_sync = inline  # type: ignore[assignment]
    from convene.asgi import create_app

    async def run() -> None:
        transport = httpx.ASGITransport(app=create_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            form = await client.get("/login")
            found = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
            assert found
            await client.post(
                "/login",
                data={"csrf_token": found.group(1), "email": EMAIL, "password": PASSWORD},
            )
            for name, path in paths.items():
                assert (await client.get(path)).status_code == 200  # warm caches
                profiler = cProfile.Profile()
                began = time.perf_counter()
                profiler.enable()
                for _ in range(repeat):
                    await client.get(path)
                profiler.disable()
                each = (time.perf_counter() - began) * 1000 / repeat
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out)
                stats.sort_stats("cumulative").print_stats(r"/(convene|web|api)/", 22)
                stats.sort_stats("tottime").print_stats(10)
                print(f"\n=== {name} {path}: {each:.1f} ms per request in-process (profiled)")
                for line in out.getvalue().splitlines():
                    if re.match(r"\s+(ncalls|\d)", line):
                        print(line.replace(str(Path.cwd()) + "/", "")[:170])

    asyncio.run(run())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=25_000)
    parser.add_argument("--requests", type=int, default=400, help="per page")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--data", type=Path, help="keep (and reuse) the prepared database here")
    parser.add_argument("--profile", action="store_true", help="cProfile each page in-process")
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--save", type=Path)
    args = parser.parse_args()

    workdir = args.data or Path(tempfile.mkdtemp(prefix="convene-bench-web-"))
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "bench.db"
    env = {
        **os.environ,
        "CONVENE_DATABASE_URL": f"sqlite:///{database}",
        "CONVENE_MAIL_URL": f"file://{workdir / 'outbox'}",
        "CONVENE_SECRET_KEY_FILE": str(workdir / "secret"),
    }
    results: dict[str, float] = {}
    server = None
    try:
        ready = workdir / "ready.json"
        if not ready.exists() or json.loads(ready.read_text())["orgs"] != args.orgs:
            if database.exists():
                database.unlink()
            results.update(prepare(workdir, args.orgs, env))
            fixture = choose(env["CONVENE_DATABASE_URL"])
            _run(env, "users", "create", "--email", EMAIL, "--role", "member",
                 "--org", fixture.company, "--name", "Bench Member", "--password-stdin",
                 stdin=PASSWORD + "\n")  # fmt: skip
            ready.write_text(json.dumps({"orgs": args.orgs, **fixture.__dict__}))
        saved = json.loads(ready.read_text())
        saved.pop("orgs")
        fixture = Fixture(**saved)
        print(
            f"largest group {fixture.group} ({fixture.group_size} members); member of "
            f"{fixture.company}; profile {fixture.profile}",
            file=sys.stderr,
        )
        paths = pages_for(fixture)
        server, url = start_server(env, args.workers, workdir / "serve.log")
        cookies = sign_in(url)
        results["organisations"] = args.orgs
        failed = []
        for name, path in paths.items():
            began = time.perf_counter()
            latencies = load(url, path, cookies, args.clients, args.requests)
            wall = time.perf_counter() - began
            results[f"{name}_p50_ms"] = percentile(latencies, 0.50)
            results[f"{name}_p95_ms"] = percentile(latencies, 0.95)
            results[f"{name}_max_ms"] = latencies[-1]
            results[f"{name}_per_second"] = len(latencies) / wall
            if results[f"{name}_p95_ms"] > TARGET_P95_MS:
                failed.append(name)
            print(f"{name}: {path}", file=sys.stderr)
        stop_server(server)
        server = None
        print_table(results, load_baseline(args.baseline))
        if failed:
            print(f"p95 above {TARGET_P95_MS:.0f} ms: {', '.join(failed)}")
        if args.save:
            args.save.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        if args.profile:
            profile_in_process(env, paths)
    finally:
        if server is not None:
            stop_server(server)
        if args.data is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
