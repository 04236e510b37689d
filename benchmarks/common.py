"""Shared helpers for benchmark scripts: run a command, measure it, compare to a baseline."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Measured:
    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, summed, in KiB."""
    import psutil

    total = 0
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            continue  # it ended between the listing and the reading
    return total // 1024


def run_measured(args: list[str], env: dict[str, str] | None = None) -> Measured:
    """Run ``args``; its wall time and peak RSS.

    The peak is the larger of the process's own peak (from wait4) and the sum over the
    process and every process it started, sampled every 20 ms: `match refresh` forks a
    second ranker, and both count (shared copy-on-write pages twice, so it errs high).
    """
    started = time.perf_counter()
    proc = subprocess.Popen(
        args,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    tree_peak = [0]
    finished = threading.Event()

    def sample() -> None:
        while not finished.wait(0.02):
            tree_peak[0] = max(tree_peak[0], _tree_rss_kb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    # communicate() would reap the child and lose its rusage: read the pipes, then wait4
    out = proc.stdout.read() if proc.stdout else ""
    err = proc.stderr.read() if proc.stderr else ""
    finished.set()
    sampler.join()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    peak_mb = max(usage.ru_maxrss, tree_peak[0]) / 1024
    return Measured(seconds, peak_mb, proc.returncode, out, err)


def own_peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_baseline(path: Path | None) -> dict[str, Any]:
    if path is None or not path.exists():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def print_table(results: dict[str, float], baseline: dict[str, Any], digits: int = 2) -> None:
    """Figures and, where a baseline run is given, the ratio now ÷ baseline side by side."""
    width = max(len(k) for k in results)
    header = f"{'figure':<{width}}  {'now':>12}"
    if baseline:
        header += f"  {'baseline':>12}  {'ratio':>7}"
    print(header)
    for key, value in results.items():
        line = f"{key:<{width}}  {value:>12.{digits}f}"
        base = baseline.get(key)
        if isinstance(base, int | float) and base:
            line += f"  {base:>12.{digits}f}  {value / base:>7.2f}"
        print(line)


def report(
    results: dict[str, float], baseline: Path | None, save: Path | None, digits: int = 2
) -> None:
    """Print the figures beside a baseline run, and keep them for the next comparison."""
    print_table(results, load_baseline(baseline), digits)
    if save is not None:
        save.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
