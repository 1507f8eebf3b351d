"""Small timing helpers: medians of repeated runs, child processes for start-up and memory."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_of(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run_child(module: str, *args: str, env: dict[str, str] | None = None) -> dict:
    """Run `python -m module args` in a fresh process; it prints one JSON object as its last line."""
    import os

    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    out = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=full_env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def peak_rss_mb() -> float:
    """This process's own peak resident set. VmHWM belongs to the address space, which exec replaces;
    ru_maxrss survives exec and would report the forking parent's peak (the benchmark driver's)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
