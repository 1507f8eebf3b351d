"""Staff list import and the coverage report at scale, each beside a floor (reading the same data bare)."""

from __future__ import annotations

import gc
import os
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.data import CACHE, store_with
from bench.timing import median_of

HEADERS = ("姓名", "身份证号码", "所在学校", "在岗状态", "试用期满日期", "上次注册日期", "注册有效期至",
           "联系电话")
KEYS = ("name", "id_number", "school", "on_post", "probation_end", "last_registered_on", "valid_until",
        "phone")


def staff_xlsx(store_path: Path, count: int) -> Path:
    """A staff list holding every applicant of the store plus as many colleagues who did not apply."""
    path = CACHE / f"staff_{count}.xlsx"
    if path.exists():
        return path
    import sqlite3

    from openpyxl import Workbook

    rng = random.Random(count)
    with sqlite3.connect(store_path) as conn:
        people = conn.execute("SELECT name, id_number, school, phone FROM applicant").fetchall()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("教职工名单")
    sheet.append(["教职工名单"])
    sheet.append(list(HEADERS))
    for n, (name, id_number, school, phone) in enumerate(people * 2):
        if n >= len(people):  # a colleague: same shape of ID, other serial digits
            id_number = id_number[:14] + f"{n % 1000:03d}" + id_number[17:]
        year = rng.choice((2026, 2026, 2027, 2029))
        sheet.append([name, id_number, school, "不在岗" if rng.random() < 0.03 else "在岗", "", "2021-07-01",
                      f"{year}年6月30日", phone])
    book.save(path)
    return path


def bench_rows(quick: bool) -> list[dict]:
    from bench.__main__ import row
    from confirm_desk.services.coverage.report import coverage_report
    from confirm_desk.services.coverage.staff import import_staff
    from confirm_desk.services.spreadsheets.read import read_rows
    from confirm_desk.store.db import open_store

    count = 5_000 if quick else 50_000
    source = store_with(count)
    xlsx = staff_xlsx(source, count)
    folder = Path(tempfile.mkdtemp(prefix="bench-coverage-"))
    try:
        def fresh_copy() -> Path:
            target = folder / "s.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            shutil.copy(source, target)
            open_store(f"sqlite:///{target}").dispose()  # migrated outside the timing
            return target

        def fresh_import() -> None:
            store = open_store(f"sqlite:///{folder / 's.sqlite3'}")
            import_staff(store, xlsx)
            store.dispose()

        def floor_import() -> None:
            """calamine reading the file + sqlite3.executemany of its rows into the same table and indexes."""
            import datetime as dt
            import sqlite3

            conn = sqlite3.connect(folder / "s.sqlite3")  # the fresh copy made before the timing, as for ours
            rows = read_rows(xlsx)[2:]
            now = dt.datetime.now().isoformat(sep=" ")
            columns = ", ".join((*KEYS, "created_at", "updated_at"))
            marks = ", ".join("?" * (len(KEYS) + 2))
            with conn:
                conn.executemany(f"INSERT OR IGNORE INTO staff_member ({columns}) VALUES ({marks})",
                                 [(*(str(c) for c in r), now, now) for r in rows])
            conn.close()

        def cpu(fn) -> float:
            fresh_copy()
            gc.collect()
            start = time.process_time()
            fn()
            return time.process_time() - start

        load = os.getloadavg()[0]
        ours_runs, floor_runs = [], []
        for _ in range(3 if quick else 5):  # alternated, CPU seconds of this process
            ours_runs.append(cpu(fresh_import))
            floor_runs.append(cpu(floor_import))
        ours_import, floor = statistics.median(ours_runs), statistics.median(floor_runs)
        fresh_import()
        store = open_store(f"sqlite:///{folder / 's.sqlite3'}")

        def report() -> None:
            with store.session() as session:
                coverage_report(session)

        def bare() -> None:
            with store.engine.connect() as conn:
                conn.exec_driver_sql("SELECT * FROM staff_member").fetchall()
                conn.exec_driver_sql("SELECT id, id_number, name, school, phone FROM applicant").fetchall()

        rows = [
            row(f"staff import {2 * count:,} rows (CPU s)", ours_import, floor, 2.0,
                note=f"floor: calamine + sqlite3 executemany; load {load:.1f}"),
            row(f"coverage report, {2 * count:,} staff", median_of(report), median_of(bare), 10.0,
                note="floor: selecting both tables"),
        ]
        store.dispose()
        return rows
    finally:
        shutil.rmtree(folder, ignore_errors=True)
