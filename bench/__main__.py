"""`python -m bench [--quick]`: every benchmark with its floor measured in the same run, one table.

Each work is run several times, start-up-sensitive ones in fresh processes; the table shows the median,
the floor, their ratio, the goal and whether it is met. It prints; it never fails a build on a ratio.
"""

from __future__ import annotations

import argparse
import importlib
import platform
import statistics
import sys
import time

from bench.data import export_xlsx, store_with
from bench.timing import run_child

# Benchmarks added by other capabilities: module name -> function returning rows (see Row below).
EXTRA_MODULES = ("bench.photo_normalize", "bench.face_crop", "bench.print_forms", "bench.export_batch",
                 "bench.coverage")


def row(work: str, ours: float, floor: float, goal_ratio: float | None = None, unit: str = "s",
        goal_abs: float | None = None, note: str = "") -> dict:
    ratio = ours / floor if floor else float("nan")
    ok = (goal_ratio is None or ratio <= goal_ratio) and (goal_abs is None or ours <= goal_abs)
    goal = " and ".join(g for g in (f"≤ {goal_ratio}× floor" if goal_ratio else "",
                                    f"≤ {goal_abs:g} {unit}" if goal_abs else "") if g)
    return {"work": work, "ours": ours, "floor": floor, "ratio": ratio, "goal": goal, "ok": ok,
            "unit": unit, "note": note}


def bench_import(count: int, repeat: int) -> list[dict]:
    xlsx = export_xlsx(count)
    ours = [run_child("bench.import_child", "ours", str(xlsx)) for _ in range(repeat)]
    floor = [run_child("bench.import_child", "floor", str(xlsx)) for _ in range(repeat)]
    med = lambda runs, key: statistics.median(r[key] for r in runs)  # noqa: E731
    rows = [row(f"import {count:,}-row xlsx (CPU s)", med(ours, "seconds"), med(floor, "seconds"), 1.5)]
    if count >= 100_000:
        rows.append(row(f"import {count:,} peak RSS", med(ours, "rss_mb"), med(floor, "rss_mb"), 1.2, "MB"))
    return rows


def bench_search(count: int) -> list[dict]:
    result = run_child("bench.search_child", str(store_with(count)))
    return [row(f"search-as-you-type p95 over {count:,}", result["p95_ms"], result["floor_p95_ms"],
                None, "ms", 16, note=f"slowest key: {result['worst']}")]


def bench_gui(count: int, repeat: int) -> list[dict]:
    db = str(store_with(count))
    med = lambda args, key="seconds": statistics.median(  # noqa: E731
        run_child("bench.gui_child", *args)[key] for _ in range(repeat))
    bare_window, bare_table = med(["bare_window"]), med(["bare_table", db])
    runs = [run_child("bench.gui_child", "ours", db) for _ in range(repeat)]
    ours = statistics.median(r["seconds"] for r in runs)
    rss = statistics.median(r["rss_mb"] for r in runs)
    return [
        row(f"cold start to rows shown, {count:,}", ours, bare_window, 4.0),
        row(f"open the list, first rows painted, {count:,}", ours, bare_table, 2.0),
        row(f"list process RSS, {count:,}", rss, 250, None, "MB", 250, note="floor column = the goal"),
    ]


def print_table(rows: list[dict]) -> None:
    print(f"\nConfirmDesk benchmarks — {platform.node()} {platform.machine()}, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d %H:%M')}")
    header = f"{'work':52} {'median':>10} {'floor':>10} {'ratio':>7}  {'goal':26} result"
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['work']:52} {r['ours']:>8.3f}{r['unit']:>2} {r['floor']:>8.3f}{r['unit']:>2} "
              f"{r['ratio']:>6.2f}×  {r['goal']:26} {'pass' if r['ok'] else 'MISS'}  {r['note']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="reduced set for CI (under a minute)")
    args = parser.parse_args(argv)
    quick = args.quick
    rows: list[dict] = []
    steps = [
        lambda: bench_import(2_000 if quick else 20_000, 1 if quick else 3),
        lambda: bench_search(5_000 if quick else 100_000),
        lambda: bench_gui(5_000 if quick else 100_000, 1 if quick else 3),
    ]
    if not quick:
        steps.insert(1, lambda: bench_import(100_000, 1))
    for name in EXTRA_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        steps.append(lambda module=module: module.bench_rows(quick))
    for step in steps:
        try:
            rows.extend(step())
        except Exception as exc:  # one broken benchmark must not hide the others
            print(f"benchmark failed: {exc.__class__.__name__}: {exc}", file=sys.stderr)
            rows.append({"work": getattr(step, "__name__", "?"), "ours": float("nan"), "floor": float("nan"),
                         "ratio": float("nan"), "goal": "", "ok": False, "unit": "", "note": str(exc)[:60]})
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
