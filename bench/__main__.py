"""`python -m bench [--quick]`: every benchmark with its floor measured in the same run, one table.

Each work is run several times, start-up-sensitive ones in fresh processes; the table shows the median,
the floor, their ratio, the goal and whether it is met. It prints; it never fails a build on a ratio.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import statistics
import sys
import time
from pathlib import Path

from bench.data import export_xlsx, late_store, store_with
from bench.timing import run_child

# Benchmarks added by other capabilities: module name -> function returning rows (see Row below).
EXTRA_MODULES = ("bench.photo_normalize", "bench.face_crop", "bench.print_forms", "bench.export_batch",
                 "bench.coverage", "bench.scanning")


def row(work: str, ours: float, floor: float, goal_ratio: float | None = None, unit: str = "s",
        goal_abs: float | None = None, note: str = "") -> dict:
    ratio = ours / floor if floor else float("nan")
    ok = (goal_ratio is None or ratio <= goal_ratio) and (goal_abs is None or ours <= goal_abs)
    goal = " and ".join(g for g in (f"≤ {goal_ratio}× floor" if goal_ratio else "",
                                    f"≤ {goal_abs:g} {unit}" if goal_abs else "") if g)
    return {"work": work, "ours": ours, "floor": floor, "ratio": ratio, "goal": goal, "ok": ok,
            "unit": unit, "note": note}


BENCH_USER, BENCH_PASSWORD = "bench", "Bench-2026!pw"


def import_plan(template: Path, xlsx: Path, folder: Path) -> Path:
    """The floor's plan: our applicant table's DDL with 3 indexes, the page size our new stores get (a larger
    page is a pragma away for the floor too), and which column feeds which field."""
    import sqlite3

    from python_calamine import CalamineWorkbook

    from confirm_desk.domain.fields import field_for_header

    conn = sqlite3.connect(template)
    table = conn.execute("SELECT sql FROM sqlite_master WHERE type='table' AND name='applicant'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    rows = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).iter_rows()
    header_row, header = next((n, r) for n, r in enumerate(rows) if sum(1 for v in r if v) > 5)
    fields = [(pos, field_for_header(str(h))) for pos, h in enumerate(header)]
    fields = [(pos, f.key) for pos, f in fields if f is not None]
    cols = ", ".join(key for _pos, key in fields)
    plan = {
        "schema": [table,
                   "CREATE UNIQUE INDEX uq_applicant_application_no ON applicant (application_no)",
                   "CREATE INDEX ix_applicant_id_number ON applicant (id_number)",
                   "CREATE INDEX ix_applicant_name ON applicant (name)"],
        "insert": f"INSERT INTO applicant ({cols}, created_at, updated_at) VALUES "
                  f"({', '.join('?' for _ in fields)}, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
        "positions": [pos for pos, _key in fields],
        "header_row": header_row,
        "page_size": page_size,
    }
    path = folder / "floor_plan.json"
    path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    return path


def empty_store(folder: Path) -> Path:
    """A migrated empty store with the benchmark's operator, made once; each run imports into a copy."""
    from confirm_desk.services import accounts
    from confirm_desk.store.db import open_store

    path = folder / "empty.sqlite3"
    store = open_store(f"sqlite:///{path}")
    with store.session() as session:
        accounts.create_first_admin(session, BENCH_USER, "基准", BENCH_PASSWORD)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.dispose()
    return path


def bench_import(count: int, repeat: int) -> list[dict]:
    """Ours = `confirm-desk import` as a whole process (interpreter, imports, log-in, parser, store open);
    floor = bench/import_floor.py as a whole process; alternated, median of `repeat`."""
    import shutil
    import tempfile

    from bench.proc import alternate, med, run_process

    xlsx = export_xlsx(count)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = empty_store(folder)
        plan = import_plan(template, xlsx, folder)
        env = {"CONFIRM_DESK_HOME": str(folder / "home"), "CONFIRM_DESK_USER": BENCH_USER,
               "CONFIRM_DESK_PASSWORD": BENCH_PASSWORD}
        runs = {"n": 0}

        def fresh(name: str, copy: bool) -> Path:
            runs["n"] += 1
            db = folder / f"{name}-{runs['n']}.sqlite3"
            if copy:
                shutil.copy(template, db)
            return db

        def ours():
            db = fresh("ours", True)
            return run_process("confirm_desk", ["--db", f"sqlite:///{db}", "import", str(xlsx),
                                                "--user", BENCH_USER], env)

        def floor():
            return run_process("bench.import_floor", [str(plan), str(xlsx), str(fresh("floor", False))], env)

        a, b = alternate(ours, floor, repeat)
    note = f"wall {med(a, 'wall'):.2f} s vs {med(b, 'wall'):.2f} s"
    rows = [row(f"import {count:,}-row xlsx, process (CPU s)", med(a, "cpu"), med(b, "cpu"), 1.5, note=note)]
    if count >= 100_000:
        rows.append(row(f"import {count:,} peak RSS (VmHWM)", med(a, "rss_mb"), med(b, "rss_mb"), 1.3, "MB"))
    return rows


def bench_reimport(count: int, repeat: int) -> list[dict]:
    """A later export imported into a store holding the earlier one (every 10th applicant's phone changed), as
    processes: ours = `confirm-desk import`; floor = bench/reimport_floor.py (calamine, the stored fingerprints,
    one executemany UPDATE of the changed rows). Each run works on its own copy of the store, made untimed; both
    leave the same fields and fingerprints, which is checked."""
    import shutil
    import sqlite3
    import tempfile

    from bench.proc import alternate, med, run_process
    from confirm_desk.services.importing.rows import ALL_KEYS

    first, later = export_xlsx(count), export_xlsx(count, changed_every=10)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {"CONFIRM_DESK_HOME": str(folder / "home"), "CONFIRM_DESK_USER": BENCH_USER,
               "CONFIRM_DESK_PASSWORD": BENCH_PASSWORD}
        stored = folder / "stored.sqlite3"
        shutil.copy(empty_store(folder), stored)
        run_process("confirm_desk", ["--db", f"sqlite:///{stored}", "import", str(first), "--user", BENCH_USER], env)
        header_row, positions = _columns(later)
        plan = folder / "reimport_plan.json"
        plan.write_text(json.dumps({
            "header_row": header_row, "positions": [positions[key] for key in ALL_KEYS],
            "number_at": ALL_KEYS.index("application_no"),
            "update": f"UPDATE applicant SET {', '.join(f'{key} = ?' for key in ALL_KEYS)}, import_hash = ? "
                      "WHERE id = ?",
        }, ensure_ascii=False), encoding="utf-8")
        last: dict[str, Path] = {}

        def fresh(name: str) -> Path:
            db = folder / f"{name}.sqlite3"
            for old in folder.glob(f"{name}.sqlite3*"):
                old.unlink()
            shutil.copy(stored, db)
            last[name] = db
            return db

        def ours():
            return run_process("confirm_desk", ["--db", f"sqlite:///{fresh('ours')}", "import", str(later),
                                                "--user", BENCH_USER], env)

        def floor():
            return run_process("bench.reimport_floor", [str(plan), str(later), str(fresh("floor"))], env)

        a, b = alternate(ours, floor, repeat)
        query = f"SELECT {', '.join(ALL_KEYS)}, import_hash FROM applicant ORDER BY application_no"
        results = []
        for db in (last["ours"], last["floor"]):
            with sqlite3.connect(db) as conn:
                results.append(conn.execute(query).fetchall())
        if results[0] != results[1]:
            raise RuntimeError("the re-import floor left other fields or fingerprints than ours")
    note = f"wall {med(a, 'wall'):.2f} s vs {med(b, 'wall'):.2f} s; every 10th applicant changed"
    rows = [row(f"re-import {count:,} into a store holding them (CPU s)", med(a, "cpu"), med(b, "cpu"), 1.5,
                note=note)]
    rows.append(row(f"re-import {count:,} peak RSS (VmHWM)", med(a, "rss_mb"), med(b, "rss_mb"), 1.3, "MB"))
    return rows


def _columns(xlsx: Path) -> tuple[int, dict[str, int]]:
    """The header row's index and the column of each field in an export."""
    from python_calamine import CalamineWorkbook

    from confirm_desk.domain.fields import field_for_header

    rows = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).iter_rows()
    header_row, header = next((n, r) for n, r in enumerate(rows) if sum(1 for v in r if v) > 5)
    found = {pos: field_for_header(str(h)) for pos, h in enumerate(header)}
    return header_row, {f.key: pos for pos, f in found.items() if f is not None}


def bench_cli_startup(repeat: int) -> list[dict]:
    """`confirm-desk --version` against the interpreter + sqlite3 + an argument parser, alternated."""
    from bench.proc import alternate, med, run_process

    a, b = alternate(lambda: run_process("confirm_desk", ["--version"]),
                     lambda: run_process("bench.startup_floor", []), repeat)
    return [row("CLI start-up --version, process (CPU s)", med(a, "cpu"), med(b, "cpu"), 2.0,
                note=f"wall {med(a, 'wall'):.2f} s vs {med(b, 'wall'):.2f} s")]


def list_store(count: int, late: bool) -> tuple[Path, str]:
    """The store the list's rows run on, and how the rows name it: the fresh import, or bench/data.py's
    late_store (late in the campaign, a photo per applicant)."""
    return (late_store if late else store_with)(count), f"{count:,}{' late' if late else ''}"


def bench_search(count: int, late: bool = False) -> list[dict]:
    db, count_of = list_store(count, late)
    result = run_child("bench.search_child", str(db))
    fts = (f"FTS5 trigram better on {result['fts_better_keys']} keys" if result["fts5_trigram"]
           else "FTS5 trigram not available in this SQLite: index plan only")
    return [row(f"search-as-you-type p95 over {count_of}, per key", result["p95_ms"], result["floor_p95_ms"],
                2.0, "ms", note=f"{result['keys']} keys; slowest: {result['worst']}; count shown p95 "
                f"{result['count_p95_ms']:.0f} ms; {fts}")]


def bench_gui(count: int, repeat: int, late: bool = False) -> list[dict]:
    """Each a fresh process until its first screen is painted (bench/gui_child.py): ours, a bare window and a
    bare table, alternated; CPU seconds of the process up to that paint are the ratio, wall is in the note."""
    from bench.proc import load_avg

    store, count_of = list_store(count, late)
    db = str(store)
    runs: dict[str, list[dict]] = {"ours": [], "bare_window": [], "bare_table": []}
    for _ in range(repeat):
        for which, args in (("ours", [db]), ("bare_window", []), ("bare_table", [db])):
            launched = {"BENCH_LAUNCHED": repr(time.time())}
            runs[which].append(run_child("bench.gui_child", which, *args, env=launched))

    def med(which: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[which])

    ours, window, table = med("ours", "cpu"), med("bare_window", "cpu"), med("bare_table", "cpu")
    wall = f"wall {med('ours', 'seconds'):.2f} s vs {{:.2f}} s; {load_avg()}"
    return [
        row(f"cold start to rows shown, {count_of} (CPU s)", ours, window, 3.0,
            note=wall.format(med("bare_window", "seconds"))),
        row(f"open the list, first rows painted, {count_of} (CPU s)", ours, table, 2.0,
            note=wall.format(med("bare_table", "seconds"))),
        row(f"list process RSS, {count_of}", med("ours", "rss_mb"), 250, None, "MB", 250,
            note="floor column = the goal"),
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
    parser.add_argument("--late", action="store_true",
                        help="only the list's rows (search, cold start, first rows), on a store late in the campaign "
                             "with a photo per applicant (bench/data.py late_store)")
    args = parser.parse_args(argv)
    quick = args.quick
    if args.late:
        from bench.proc import compile_package, load_avg

        compile_package()
        count = 5_000 if quick else 100_000
        print(f"machine: {load_avg()} at the start", flush=True)
        print_table([*bench_search(count, late=True), *bench_gui(count, 1 if quick else 3, late=True)])
        print(f"machine: {load_avg()} at the end")
        return 0
    rows: list[dict] = []
    from bench.proc import compile_package, load_avg

    compile_package()
    print(f"machine: {load_avg()} at the start", flush=True)
    steps = [
        lambda: bench_cli_startup(3 if quick else 5),
        lambda: bench_import(2_000 if quick else 20_000, 1 if quick else 3),
        lambda: bench_search(5_000 if quick else 100_000),
        lambda: bench_gui(5_000 if quick else 100_000, 1 if quick else 3),
    ]
    steps.insert(2, lambda: bench_reimport(2_000 if quick else 100_000, 1 if quick else 3))
    if not quick:
        steps.insert(2, lambda: bench_import(100_000, 3))
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
    print(f"machine: {load_avg()} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
