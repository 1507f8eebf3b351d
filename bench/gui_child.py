"""Start-up and first paint, each in a fresh process: ours vs a bare window / bare table (the floors).

Each child reports, at the moment its first rows (or its bare window) are painted: `cpu`, the process's CPU
seconds so far (interpreter start, imports, store open, every thread), `seconds`, the wall time since its
parent launched it (`BENCH_LAUNCHED`, epoch seconds; since this module started when run by hand) and `rss_mb`,
its own peak resident set. It then leaves at once (`os._exit`): tearing the window down is not part of
"rows shown", for ours or the floors alike."""

from __future__ import annotations

import json
import os
import sys
import time

T0 = time.time()
LAUNCHED = float(os.environ.get("BENCH_LAUNCHED") or T0)


def painted() -> dict:
    """What every child reports once its first screen is painted."""
    from bench.timing import peak_rss_mb

    return {"seconds": time.time() - LAUNCHED, "cpu": time.process_time(), "rss_mb": peak_rss_mb()}


def bare_window() -> dict:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication([])
    window = QMainWindow()
    window.show()
    app.processEvents()
    return painted()


def bare_table(db: str) -> dict:
    """A QTableView over a 100-row QAbstractTableModel filled from one sqlite3 query."""
    import sqlite3

    from PySide6.QtCore import QAbstractTableModel, Qt
    from PySide6.QtWidgets import QApplication, QTableView

    app = QApplication([])  # noqa: F841  (must stay alive while the view paints)
    rows = sqlite3.connect(db).execute(
        "SELECT application_no, name, gender, id_number, school, teaching_stage, confirmation_point, status "
        "FROM applicant ORDER BY application_no LIMIT 100").fetchall()

    class Model(QAbstractTableModel):
        def rowCount(self, _p=None) -> int:
            return len(rows)

        def columnCount(self, _p=None) -> int:
            return 8

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            return rows[index.row()][index.column()] if role == Qt.ItemDataRole.DisplayRole else None

    view = QTableView()
    view.setModel(Model())
    view.show()
    view.viewport().grab()  # paint the visible rows
    return painted()


def ours(db: str) -> dict:
    """Our main window over the store, through the real event loop until its first screen of rows is painted
    (whatever the window runs before that paint — the dashboard's refresh included — is in the time)."""
    import os

    os.environ["CONFIRM_DESK_DB"] = f"sqlite:///{db}"
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from confirm_desk.app import build_main_window
    from confirm_desk.ui.widgets.fonts import install_cjk_font

    app = QApplication([])
    install_cjk_font(app)
    window = build_main_window()
    model, table, loop = window.model, window.table, QEventLoop()
    state = {"loaded": model.rowCount() > 0}  # the ids may be in already (a first screen read at construction)
    model.loaded.connect(lambda: state.update(loaded=True))

    def first_screen_in() -> bool:
        shown = min(model.rowCount(), table.viewport().height() // table.verticalHeader().defaultSectionSize() + 1)
        return state["loaded"] and all(model.id_at(r) in model._rows for r in range(shown))

    class PaintWatch(QObject):
        def eventFilter(self, _obj, event) -> bool:
            if event.type() == QEvent.Type.Paint and first_screen_in():
                QTimer.singleShot(0, loop.quit)  # once this paint has run
            return False

    watch = PaintWatch()
    table.viewport().installEventFilter(watch)
    window.show()
    loop.exec()
    return painted()


if __name__ == "__main__":
    which = sys.argv[1]
    result = bare_window() if which == "bare_window" else bare_table(sys.argv[2]) if which == "bare_table" \
        else ours(sys.argv[2])
    print(json.dumps(result), flush=True)
    os._exit(0)
