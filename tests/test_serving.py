"""`convene serve --workers N`: every worker gets connections, a dead worker is replaced,
a signal stops them all, and a taken port is a clear error (real processes, real sockets)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from convene.serving import dealing_supported
from tests.servers import CONVENE, serving_process
from tests.smtp import free_port

pytestmark = pytest.mark.skipif(
    not dealing_supported(), reason="handing connections to workers needs Unix sockets"
)


@pytest.fixture
def env(sqlite_template: Path, tmp_path: Path) -> dict[str, str]:
    database = tmp_path / "convene.db"
    shutil.copy(sqlite_template, database)
    return {
        **os.environ,
        "CONVENE_DATABASE_URL": f"sqlite:///{database}",
        "CONVENE_SECRET_KEY_FILE": str(tmp_path / "secret"),
        "CONVENE_MAIL_URL": f"file://{tmp_path / 'outbox'}",
    }


def workers(pid: int) -> list[psutil.Process]:
    """The worker processes of ``convene serve`` (not multiprocessing's resource tracker)."""
    found = []
    for child in psutil.Process(pid).children():
        try:
            if "spawn_main" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.ZombieProcess:
            continue  # dead, not yet reaped by the supervisor
    return found


def served_by(worker: psutil.Process, port: int) -> int:
    """How many established connections to ``port`` the worker holds."""
    return sum(
        1
        for c in worker.net_connections(kind="tcp")
        if c.status == psutil.CONN_ESTABLISHED and c.laddr and c.laddr.port == port
    )


def wait_for(condition: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("condition not met in time")
        time.sleep(0.1)


@pytest.fixture
def server(env: dict[str, str], tmp_path: Path) -> Iterator[tuple[str, int, int]]:
    port = free_port()
    with serving_process(port, env, tmp_path / "serve.log", workers=2) as (base, process):
        wait_for(lambda: len(workers(process.pid)) == 2)
        yield base, port, process.pid


def test_connections_opened_together_are_dealt_evenly(server: tuple[str, int, int]) -> None:
    # uvicorn's shared socket gave 7 of 8 such connections to one process
    _, port, pid = server
    count = 16
    start = threading.Barrier(count)
    clients: list[httpx.Client] = []
    lock = threading.Lock()

    def connect() -> None:
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
        start.wait()
        assert client.get("/healthz").status_code == 200
        with lock:
            clients.append(client)

    threads = [threading.Thread(target=connect) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert sorted(served_by(w, port) for w in workers(pid)) == [count // 2, count // 2]
    finally:
        for client in clients:
            client.close()


def test_a_worker_that_dies_is_replaced(server: tuple[str, int, int]) -> None:
    base, _, pid = server
    victim, survivor = workers(pid)
    victim.kill()
    wait_for(lambda: victim not in workers(pid) and len(workers(pid)) == 2)
    assert survivor in workers(pid)
    # the replacement takes its turn: every connection is answered
    for _ in range(4):
        with httpx.Client(base_url=base) as client:
            assert client.get("/healthz").json()["status"] == "ok"


def test_sigterm_stops_every_worker(env: dict[str, str], tmp_path: Path) -> None:
    port = free_port()
    with serving_process(port, env, tmp_path / "serve.log", workers=2) as (_, process):
        wait_for(lambda: len(workers(process.pid)) == 2)
        started = workers(process.pid)
        process.terminate()
        assert process.wait(timeout=30) == 0
    for pid in started:
        assert (
            not Path(f"/proc/{pid}").exists()
            or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
        )
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)


def test_a_taken_port_is_a_clear_error(env: dict[str, str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [CONVENE, "serve", "--port", str(port), "--workers", "2"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 1
    assert f"error: cannot listen on 127.0.0.1:{port}: Address already in use" in done.stderr
    assert "Traceback" not in done.stderr
