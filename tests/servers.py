"""A real `convene serve` process for tests: started on a port, awaited on /healthz, and
always stopped."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

CONVENE = str(Path(sys.executable).parent / "convene")


@contextmanager
def serving(
    port: int, env: dict[str, str], log_path: Path, *, workers: int = 1, startup: float = 60
) -> Iterator[str]:
    """Yield the base URL of ``convene serve`` on ``port``; fail the test with the server's
    log if it exits or does not answer within ``startup`` seconds."""
    with serving_process(port, env, log_path, workers=workers, startup=startup) as (base, _):
        yield base


@contextmanager
def serving_process(
    port: int, env: dict[str, str], log_path: Path, *, workers: int = 1, startup: float = 60
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Like :func:`serving`, also yielding the ``convene serve`` process."""
    base = f"http://127.0.0.1:{port}"
    args = [CONVENE, "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers > 1:
        args += ["--workers", str(workers)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + startup
        while True:
            if process.poll() is not None:
                pytest.fail(f"convene serve exited:\n{log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"convene serve did not answer /healthz in {startup} s")
            time.sleep(0.1)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
