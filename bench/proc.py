"""Whole-process measurements: run a command as its own process and read its CPU seconds (user + system, from
wait4), wall seconds and its own peak RSS (VmHWM, which exec resets: ru_maxrss would report the forking
parent's peak). Both sides of a comparison run through the same launcher, alternately (A B A B)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The launcher: note VmHWM when the process ends, then run the module as `python -m` would.
LAUNCH = (
    "import atexit, os, runpy, sys\n"
    "def _hwm():\n"
    "    with open('/proc/self/status') as f:\n"
    "        kb = next((int(l.split()[1]) for l in f if l.startswith('VmHWM:')), 0)\n"
    "    with open(os.environ['BENCH_HWM_FILE'], 'w') as out: out.write(str(kb))\n"
    "atexit.register(_hwm)\n"
    "mod = sys.argv[1]; sys.argv = sys.argv[1:]\n"
    "runpy.run_module(mod, run_name='__main__', alter_sys=True)\n"
)


@dataclass(frozen=True)
class ProcRun:
    cpu: float  # user + system seconds of the process
    wall: float
    rss_mb: float  # its own peak resident set (VmHWM)


def run_process(module: str, args: Sequence[str], env: dict[str, str] | None = None) -> ProcRun:
    """`python -m module args` as a fresh process; raises when it fails."""
    with tempfile.NamedTemporaryFile(suffix=".hwm", delete=False) as hwm:
        hwm_path = hwm.name
    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BENCH_HWM_FILE": hwm_path, **(env or {})}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", LAUNCH, module, *args], cwd=ROOT, env=full_env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    try:
        kb = int(Path(hwm_path).read_text() or 0)
    finally:
        Path(hwm_path).unlink(missing_ok=True)
    if proc.returncode not in (0, 1):  # 1 = done with row-level reports
        raise RuntimeError(f"{module} {' '.join(args)} exited {proc.returncode}: {stderr[-300:]}")
    return ProcRun(usage.ru_utime + usage.ru_stime, wall, kb / 1024)


def alternate(a: Callable[[], ProcRun], b: Callable[[], ProcRun], repeat: int) -> tuple[list[ProcRun], list]:
    """A B A B …: both sides see the same machine load."""
    runs_a, runs_b = [], []
    for _ in range(repeat):
        runs_a.append(a())
        runs_b.append(b())
    return runs_a, runs_b


def med(runs: list[ProcRun], key: str) -> float:
    return statistics.median(getattr(r, key) for r in runs)


def compile_package() -> None:
    """A user's install has compiled modules; these machines set PYTHONDONTWRITEBYTECODE, so compile first."""
    import compileall

    compileall.compile_dir(str(ROOT / "confirm_desk"), quiet=1)
    compileall.compile_dir(str(ROOT / "bench"), quiet=1)


def load_avg() -> str:
    try:
        one, five, _fifteen = os.getloadavg()
        return f"load {one:.1f}/{five:.1f} on {os.cpu_count()} CPUs"
    except OSError:
        return ""
