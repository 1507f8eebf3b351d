"""Search-as-you-type over a large store, in its own process, through the real widgets and the event loop.

Ours, per keystroke: the query bar's own slot (`emit_criteria`, i.e. the moment its debounce fires) until the
list's first screen of rows is painted (the runner's jobs, the model's reset, the page of rows, the repaint),
waited on the model's state and the viewport's paint events, never on a clock. The full count follows the rows
(its latency is reported in the note); the next key is typed once the count is in (not timed).

Floor, per keystroke: the best of three plans on bare `sqlite3` for the same first screen of rows — the plain
SQL of the criteria as SQLite plans it (its indexes), the table read in list order with each row checked (it
stops when the screen is full), and an FTS5 trigram plan (the trigram index narrows the candidates, the same
condition checks each of their rows) — each used only when it returns the same rows; plus a bare `QTableView`
(the list's row height, no row numbers: the same rows painted) reset and repainted with them.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from pathlib import Path

from bench.timing import p95

NAME_KEYS = ["王", "王伟", "李", "张敏", "陈"]
STATUS_FILTERS = ["draft", "pending"]


def keystrokes(sample_id: str) -> list[dict]:
    """What a clerk types: a name letter by letter, an ID fragment digit by digit, a status choice. Another set of
    keys as JSON in BENCH_SEARCH_KEYS (a list of {"text": …, "status": …}) tries what this set does not."""
    other = os.environ.get("BENCH_SEARCH_KEYS")
    if other:
        return list(json.loads(other))
    steps = [{"text": k} for k in NAME_KEYS]
    steps += [{"text": sample_id[6:6 + n]} for n in range(3, 13)]  # a fragment from the middle
    steps += [{"text": sample_id[:n]} for n in range(3, 19)]  # typed from the start, up to the whole ID
    steps += [{"text": "", "status": s} for s in STATUS_FILTERS]
    steps += [{"text": "王", "status": "pending"}]
    return steps


def fts_trigram(raw: sqlite3.Connection) -> bool:
    """An FTS5 trigram index over the searched columns, in the connection's temp schema (built once, not timed;
    the store itself is not changed)."""
    try:
        raw.execute("CREATE VIRTUAL TABLE temp.bench_fts USING fts5(name, school, id_number, application_no, "
                    "tokenize='trigram')")
    except sqlite3.OperationalError:
        return False
    raw.execute("INSERT INTO temp.bench_fts(rowid, name, school, id_number, application_no) "
                "SELECT id, name, school, id_number, application_no FROM main.applicant")
    return True


def main(db: Path) -> dict:
    from PySide6.QtCore import QAbstractTableModel, QEvent, QEventLoop, QObject, Qt, QTimer
    from PySide6.QtWidgets import QApplication, QTableView
    from sqlalchemy import and_

    from confirm_desk.services.applicants.listing import ListCriteria, filtered, row_conditions
    from confirm_desk.store.db import open_store
    from confirm_desk.store.models import applicant_table as t
    from confirm_desk.ui.jobs import JobRunner
    from confirm_desk.ui.main.applicant_list import ApplicantListPanel

    app = QApplication([])
    store = open_store(f"sqlite:///{db}")
    panel = ApplicantListPanel(store, JobRunner(None, synchronous=False))
    panel.resize(1366, 700)
    panel.show()
    model, table, bar = panel.model, panel.table, panel.query
    loop = QEventLoop()
    state = {"loaded": False, "painted_after": False}

    def screen_rows() -> int:
        return min(model.rowCount(), table.viewport().height() // table.verticalHeader().defaultSectionSize() + 1)

    def first_screen_in() -> bool:
        return all(model.id_at(r) in model._rows for r in range(screen_rows()))

    def check() -> None:
        if state["loaded"] and state["painted_after"] and first_screen_in():
            loop.quit()

    class PaintWatch(QObject):
        def eventFilter(self, _obj, event) -> bool:
            if event.type() == QEvent.Type.Paint and state["loaded"] and first_screen_in():
                state["painted_after"] = True
                QTimer.singleShot(0, check)  # after this paint has run
            return False

    watch = PaintWatch()
    table.viewport().installEventFilter(watch)
    model.loaded.connect(lambda: state.update(loaded=True))

    def until(condition) -> None:
        while not condition():
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            panel.runner.wait_idle(5)

    state["loaded"] = False
    model.refresh()
    until(lambda: state["loaded"] and not panel.runner.busy and not model.count_pending)

    raw = sqlite3.connect(db)
    has_fts = fts_trigram(raw)
    sample_id = raw.execute("SELECT id_number FROM applicant LIMIT 1 OFFSET 777").fetchone()[0]

    class Bare(QAbstractTableModel):
        def __init__(self) -> None:
            super().__init__()
            self.rows: list = []

        def rowCount(self, _p=None) -> int:
            return len(self.rows)

        def columnCount(self, _p=None) -> int:
            return min(11, len(self.rows[0])) if self.rows else 11

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            return str(self.rows[index.row()][index.column()]) if role == Qt.ItemDataRole.DisplayRole else None

        def show(self, rows: list) -> None:
            self.beginResetModel()
            self.rows = rows
            self.endResetModel()

    bare, bare_view = Bare(), QTableView()
    bare_view.verticalHeader().setDefaultSectionSize(table.verticalHeader().defaultSectionSize())
    bare_view.verticalHeader().hide()
    # The fastest bare view paints rows only: no scroll bars (a screen of rows is one more than the viewport shows,
    # and under the Fusion style a scroll bar's paint costs 1-4 ms).
    bare_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    bare_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    bare_view.setModel(bare)
    bare_view.resize(1366, 660)
    bare_view.show()
    app.processEvents()

    def compiled(stmt) -> str:
        return str(stmt.compile(dialect=store.engine.dialect, compile_kwargs={"literal_binds": True}))

    ours, floor, counts, names, fts_used = [], [], [], [], 0
    for _round in range(3):
        for step in keystrokes(sample_id):
            bar.search.setText(step["text"])
            bar.status.blockSignals(True)
            bar.status.setCurrentIndex(max(0, bar.status.findData(step.get("status", ""))))
            bar.status.blockSignals(False)
            state.update(loaded=False, painted_after=False)
            start = time.perf_counter()
            bar.emit_criteria()  # the bar's own slot: what its debounce timer calls
            loop.exec()
            ours.append(time.perf_counter() - start)
            screen = screen_rows() or 30  # this key's first screen (before its rows came: the last key's)
            names.append(step["text"] or step.get("status", ""))
            until(lambda: not model.count_pending)
            counts.append(time.perf_counter() - start)
            until(lambda: not panel.runner.busy)

            criteria = ListCriteria(text=step["text"], status=step.get("status", ""))
            select_ids = filtered(criteria).order_by(t.c.id).limit(screen)
            index_sql = f"SELECT * FROM applicant WHERE id IN ({compiled(select_ids)}) ORDER BY id"
            begin = time.perf_counter()
            index_rows = raw.execute(index_sql).fetchall()
            best = time.perf_counter() - begin
            checks = row_conditions(criteria)
            where = compiled(and_(*checks)) if checks else "1"
            scan_sql = f"SELECT * FROM applicant WHERE {where} ORDER BY id LIMIT {screen}"
            begin = time.perf_counter()
            scan_rows = raw.execute(scan_sql).fetchall()
            spent = time.perf_counter() - begin
            if scan_rows == index_rows and spent < best:
                best = spent
            text = step["text"].strip()
            if has_fts and len(text) >= 3:
                fts_sql = (f"SELECT applicant.* FROM applicant WHERE applicant.id IN (SELECT rowid FROM bench_fts "
                           f"WHERE bench_fts MATCH ?) AND ({where}) ORDER BY applicant.id LIMIT {screen}")
                phrase = '"' + text.replace('"', '""') + '"'
                begin = time.perf_counter()
                fts_rows = raw.execute(fts_sql, (phrase,)).fetchall()
                spent = time.perf_counter() - begin
                if fts_rows == index_rows and spent < best:
                    best, fts_used = spent, fts_used + 1
            begin = time.perf_counter()
            bare.show(index_rows)
            # The whole view, now: its rows and whatever its reset left dirty besides (before 2026-12-03 that was
            # painted later, during ours: the floor's scroll bar, ≈4 ms a key, was timed as ours).
            bare_view.repaint()
            floor.append(best + time.perf_counter() - begin)
            for _ in range(3):  # anything the bare view still posted (an update asks for another): not in the next key
                app.sendPostedEvents()
                app.processEvents()
    worst = max(zip(ours, names, strict=True))[1]
    return {"p95_ms": p95(ours) * 1000, "floor_p95_ms": p95(floor) * 1000, "count_p95_ms": p95(counts) * 1000,
            "worst": worst, "slowest": _slowest(names, ours, floor),
            "fts5_trigram": has_fts, "fts_better_keys": fts_used, "keys": len(ours)}


def _slowest(names: list[str], ours: list[float], floor: list[float], n: int = 5) -> list[str]:
    """The keys with the highest ratio to their floor (median of their rounds): key, ours ms / floor ms."""
    by_key: dict[str, list[tuple[float, float]]] = {}
    for name, a, b in zip(names, ours, floor, strict=True):
        by_key.setdefault(name, []).append((a, b))
    medians = {k: (sorted(a for a, _ in v)[len(v) // 2], sorted(b for _, b in v)[len(v) // 2])
               for k, v in by_key.items()}
    worst = sorted(medians.items(), key=lambda kv: kv[1][0] / max(kv[1][1], 1e-9), reverse=True)[:n]
    return [f"{k or '(all)'}: {a * 1000:.1f} / {b * 1000:.1f} ms" for k, (a, b) in worst]


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
