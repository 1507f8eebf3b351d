"""Cold start (issue 20): the list's first screen is read straight from a ready SQLite store with sqlite3 — the
same ids, rows and count the list's ops give — and painted before SQLAlchemy is loaded; the dashboard, the
national-system entries, the query bar's choices and the change mark follow that first paint, from the store
the first of those jobs opens off the GUI thread."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants.criteria import ListCriteria
from confirm_desk.services.batches.export import export_batch
from confirm_desk.store.deferred import DeferredStore
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.main.dashboard import StandIn
from confirm_desk.ui.main.window import MainWindow
from confirm_desk.ui.ops import applicants as ops
from confirm_desk.ui.ops import first_screen
from tests.accounts_helpers import fast_hasher  # noqa: F401  (log-in quick)
from tests.test_batch_export import decide, normalise_photos, pending_numbers

ROOT = Path(__file__).resolve().parents[2]


def test_first_screen_is_what_the_list_reads(imported_store, tmp_path) -> None:
    store = imported_store
    numbers = pending_numbers(store, 3)
    normalise_photos(store)
    decide(store, numbers[0])
    decide(store, numbers[1], Status.REJECTED)
    export_batch(store, tmp_path / "batch1.zip", "clerk")
    decide(store, numbers[1], Status.CONFIRMED)  # changed after batch 1
    normalise_photos(store, only={numbers[0]}, quality=70)  # its photo redone after batch 1
    decide(store, numbers[2])

    for limit, page in ((1000, 200), (5, 3)):  # the whole sample; a first chunk with more to come
        first = first_screen.read(store.url, limit, page)
        listed = ops.first_page(store, ListCriteria(), limit, with_total=True)
        assert first is not None and first.ids == listed.ids
        assert first.total == listed.total == (listed.matching if len(listed.ids) == limit else first.total)
        assert first.rows == ops.rows(store, listed.ids[:page])
    synced = {r["sync"] for r in first_screen.read(store.url, 1000, 200).rows.values()}
    assert {"未导出", "第1批后有改动"} <= synced


def test_only_a_ready_sqlite_store_gives_a_first_screen(store, imported_store, tmp_path) -> None:
    assert first_screen.read("postgresql+psycopg://u:p@127.0.0.1/db", 10, 5) is None
    missing = tmp_path / "none" / "missing.sqlite3"
    assert first_screen.read(f"sqlite:///{missing}", 10, 5) is None and not missing.exists()
    empty = tmp_path / "empty.sqlite3"
    assert first_screen.read(f"sqlite:///{empty}", 10, 5) is None and not empty.exists()
    older = tmp_path / "older.sqlite3"
    shutil.copy(imported_store.sqlite_path, older)
    with sqlite3.connect(older) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0009'")  # a store the start-up must migrate
    assert first_screen.read(f"sqlite:///{older}", 10, 5) is None
    assert first_screen.read(imported_store.url, 10, 5) is not None


def test_empty_store_gives_no_first_screen(store) -> None:
    assert first_screen.read(store.url, 10, 5) is None  # the demo may be shown instead: the usual way decides


def test_deferred_store_opens_once_whoever_asks_first(imported_store) -> None:
    deferred = DeferredStore(imported_store.url)
    assert deferred.is_sqlite and not deferred.is_open
    opened = []
    threads = [threading.Thread(target=lambda: opened.append(deferred.opened())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(s) for s in opened}) == 1 and deferred.is_open
    with deferred.session() as session:
        assert session.get_bind() is opened[0].engine
    deferred.dispose()


def test_window_paints_the_first_screen_then_builds_the_rest(imported_store, qtbot) -> None:
    first = first_screen.read(imported_store.url, 1000, 200)
    assert first is not None
    deferred = DeferredStore(imported_store.url)
    window = MainWindow(deferred, None, runner=JobRunner(None, synchronous=False), home=deferred,
                        first_screen=first)
    qtbot.addWidget(window)
    model = window.model
    assert model.rowCount() == len(first.ids) == first.total and not model.count_pending
    assert model.data(model.index(0, 1)) == first.rows[first.ids[0]]["name"]  # a row, not a placeholder
    assert not deferred.is_open and not window.started
    assert isinstance(window.dashboard_dock.widget(), StandIn)  # the panel is built after the first paint
    backups: list[str] = []
    window.after_first_paint(lambda: backups.append("after the paint"))
    assert backups == []

    window.show()
    qtbot.waitUntil(lambda: window.started and backups == ["after the paint"], timeout=10000)
    qtbot.waitUntil(lambda: window.dashboard.summary is not None, timeout=20000)  # the dashboard after the list
    qtbot.waitUntil(lambda: model._mark is not None and window.query.school.count() > 1, timeout=20000)
    assert deferred.is_open
    assert window.dashboard.summary.total == first.total
    assert window.dashboard_dock.widget() is window.dashboard
    assert window.count_label.text() == f"显示 {first.total} / 共 {first.total} 人"
    assert window.dashboard_dock.toggleViewAction() in window.menus.view_menu.actions()
    assert window.menus.act_keying in window.menus.toolbar.actions()
    window.after_first_paint(lambda: backups.append("at once"))
    assert backups == ["after the paint", "at once"]

    window.query.search.setText(first.rows[first.ids[1]]["name"])  # the list works as before
    window.query.emit_criteria()
    qtbot.waitUntil(lambda: model.rowCount() >= 1 and first.ids[1] in model._ids, timeout=20000)
    window.runner.wait_idle()


def test_the_dashboard_fills_when_the_list_is_in_before_its_panel(imported_store, qtbot) -> None:
    """The panel is built on the turn after the first paint's reads started; when those reads are already back
    (here: a runner that works at once), the panel reads the day itself."""
    first = first_screen.read(imported_store.url, 1000, 200)
    assert first is not None
    deferred = DeferredStore(imported_store.url)
    window = MainWindow(deferred, None, runner=JobRunner(None, synchronous=True), home=deferred, first_screen=first)
    qtbot.addWidget(window)
    assert isinstance(window.dashboard_dock.widget(), StandIn)
    window.show()
    qtbot.waitUntil(lambda: window.started and not isinstance(window.dashboard_dock.widget(), StandIn),
                    timeout=10000)
    assert window.dashboard_dock.widget() is window.dashboard
    assert window.dashboard.summary is not None and window.dashboard.summary.total == first.total
    deferred.dispose()


# What the first screen does without: loaded when first used, after the first paint.
NOT_BEFORE_THE_PAINT = ("sqlalchemy", "confirm_desk.preferences", "confirm_desk.ui.widgets.messages")


def test_first_paint_loads_no_sqlalchemy(imported_store, tmp_path) -> None:
    """In a process of its own: the window over a ready store up to its first painted rows, then the rest. Up to
    that paint: no SQLAlchemy, no preferences' table, no message boxes, and the GUI's own garbage collection (a
    timer on the GUI thread) instead of the automatic one from the window's first import on."""
    script = (
        "import gc, json, sys\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from confirm_desk.app import build_main_window\n"
        f"deferred = {NOT_BEFORE_THE_PAINT!r}\n"
        "app = QApplication([])\n"
        "window = build_main_window()\n"
        "from confirm_desk.ui.main.dashboard import StandIn\n"
        "seen = {'built': 'sqlalchemy' in sys.modules, 'gc': gc.isenabled(),\n"
        "        'stand_in': isinstance(window.dashboard_dock.widget(), StandIn)}\n"
        "window.after_first_paint(lambda: seen.update(painted='sqlalchemy' in sys.modules,\n"
        "                                             loaded=[m for m in deferred if m in sys.modules],\n"
        "                                             rows=window.model.rowCount()))\n"
        "def check():\n"
        "    if window.started and window.model._mark is not None:\n"
        "        seen.update(later='sqlalchemy' in sys.modules, total=window.model.total); app.quit()\n"
        "    else:\n"
        "        QTimer.singleShot(20, check)\n"
        "window.show(); QTimer.singleShot(0, check); app.exec()\n"
        "window.runner.wait_idle(); print(json.dumps(seen))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CONFIRM_DESK_DB": imported_store.url,
           "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True,
                         timeout=120, check=True)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["built"] is False and seen["painted"] is False and seen["rows"] > 0
    assert seen["loaded"] == [] and seen["gc"] is False
    assert seen["stand_in"] is True  # the dashboard's panel is built after the first paint
    assert seen["later"] is True and seen["total"] == seen["rows"]


def test_daily_backup_starts_after_the_first_window_is_painted(imported_store, qtbot, tmp_path) -> None:
    from PySide6.QtCore import Qt

    from confirm_desk.app import log_in_and_open
    from confirm_desk.services import settings
    from confirm_desk.ui.ops.settings import PreferencesStore
    from tests.accounts_helpers import make_operators
    from tests.ui.helpers import type_text
    from tests.ui.test_first_run import ModalDriver

    make_operators(imported_store)
    with imported_store.session() as session:
        settings.save(session, {"point_name": "鼓楼区教师资格确认点"})  # no first-run question
    folder = tmp_path / "daily"
    PreferencesStore(imported_store).save({"backup_folder": str(folder)})

    def log_in(dialog) -> None:
        type_text(dialog.username, "admin")
        type_text(dialog.password, "Admin#2026")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    driver = ModalDriver(log_in)
    window = log_in_and_open(imported_store)
    driver.timer.stop()
    qtbot.addWidget(window)
    assert driver.seen == ["LoginDialog"] and window.model.rowCount() > 0  # its first screen, read at once

    def backups() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "daily-backup"]

    assert not backups() and not folder.exists()  # nothing before the first paint
    window.show()
    qtbot.waitUntil(lambda: bool(backups()) or folder.exists(), timeout=10000)
    for thread in backups():
        thread.join(60)
    assert len(list(folder.glob("confirm_desk-*.sqlite3"))) == 1
