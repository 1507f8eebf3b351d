"""Starts the GUI: Qt application, bundled font, the store (demo data when empty), the main window."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, cast

from confirm_desk import APP_NAME, APP_NAME_ZH

if TYPE_CHECKING:
    from confirm_desk.store.db import Store

log = logging.getLogger("confirm_desk.app")
DEMO_COUNT = 300


def main(argv: list[str] | None = None) -> int:
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from confirm_desk.domain.errors import KnownError
    from confirm_desk.logs import setup_logging
    from confirm_desk.paths import icon_path
    from confirm_desk.ui.widgets.app_policy import apply_policies, screen_of
    from confirm_desk.ui.widgets.fonts import install_cjk_font
    from confirm_desk.ui.widgets.messages import show_bug, show_error

    setup_logging()
    from confirm_desk.services.output_files import clean_at_start
    from confirm_desk.services.spreadsheets.probe import isolate

    isolate()  # a workbook that would make the reader abort ends a child, never the clerk's window

    clean_at_start()
    running = QApplication.instance()  # a widgets application: this process never makes another kind
    app = running if isinstance(running, QApplication) else QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME_ZH)
    app.setOrganizationName(APP_NAME)
    gui_collection()
    install_cjk_font(app)
    apply_policies(app)  # the wheel never changes data; Qt's own dialogs in Chinese
    app.setWindowIcon(QIcon(str(icon_path())))

    def excepthook(exc_type, exc, tb) -> None:
        if isinstance(exc, KnownError):
            show_error(None, exc.message)
        else:
            show_bug(None, exc)

    sys.excepthook = excepthook
    try:
        store = open_store_for_start()
    except KnownError as err:
        show_error(None, err.message, "无法启动")
        return 2
    window = log_in_and_open(store)
    if window is None:
        return 0
    screen = screen_of(window)  # not window.screen(): see screen_of
    area = screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 768)
    if area.width() < 1500 or area.height() < 900:
        window.showMaximized()  # a school laptop (1366×768, 1280×720): use all of it
    else:
        window.show()
    return app.exec()


def log_in_and_open(store):
    """Log-in (first run: create the administrator, then name the confirmation point), then the main
    window with this seat's idle-lock minutes. None when the user cancels the log-in."""
    from confirm_desk.ui.accounts.login_dialog import LoginDialog
    from confirm_desk.ui.main.window import MainWindow
    from confirm_desk.ui.ops.settings import PreferencesStore, needs_first_run
    from confirm_desk.ui.settings.first_run_dialog import FirstRunDialog

    login = LoginDialog(store)
    if login.exec() != LoginDialog.DialogCode.Accepted or login.account is None:
        return None
    if login.account.is_admin and needs_first_run(store):
        FirstRunDialog(store, login.account).exec()  # 以后再说 is allowed: asked again next start
    preferences = PreferencesStore(store)
    refresh_flags_once(store)
    demo = open_demo_store(store)  # accounts and preferences stay in the real store
    window = MainWindow(demo or store, login.account, idle_minutes=preferences.number("idle_lock_minutes"),
                        home=store, first_screen=None if demo else read_first_screen(store.url))
    folder, keep = preferences.text("backup_folder"), preferences.number("backup_keep")
    window.after_first_paint(lambda: start_daily_backup(store, folder, keep))  # never before the first window
    return window


def start_daily_backup(store, folder: str, keep: int):
    """The daily backup on a thread of its own, started once the main window has painted its list, so it
    never delays the first window (a big store takes seconds to copy). SQLite's online backup is consistent
    while the window writes; the thread is not a daemon, so quitting waits for it and the atomic copy is never
    cut short. Returns the thread."""
    import threading

    thread = threading.Thread(target=daily_backup, args=(store, folder, keep), name="daily-backup")
    thread.start()
    return thread


def refresh_flags_once(store) -> None:
    """The list's flags follow the current rules (recomputed once after an upgrade of the rules)."""
    from confirm_desk.services.applicants.findings import ensure_flags_current

    try:
        with store.session() as session:
            ensure_flags_current(session)
    except Exception:  # never keep the clerk out of the app for a stale flag
        log.exception("refreshing the flags failed")


def daily_backup(store, folder: str, keep: int):
    """Today's automatic backup (once a day, rotated). A failed backup is logged, never blocks work."""
    from pathlib import Path

    from confirm_desk.domain.errors import KnownError
    from confirm_desk.paths import backup_dir
    from confirm_desk.services.backup import auto_backup

    try:
        return auto_backup(store, Path(folder) if folder else backup_dir(), keep=keep or 7)
    except (KnownError, OSError) as err:
        log.warning("daily backup failed: %s", err)
        return None


def build_main_window(account=None):
    """The main window over the default store, or the demo store before real work started (benchmarks and
    screenshots skip the log-in). A real store in use paints its first rows before it is even opened: the
    window opens it (off the GUI thread) right after that paint."""
    gui_collection()
    from confirm_desk.paths import default_db_url
    from confirm_desk.ui.main.window import MainWindow

    url = default_db_url()
    first = read_first_screen(url)
    if first is not None:
        from confirm_desk.store.deferred import DeferredStore

        store = cast("Store", DeferredStore(url))
        return MainWindow(store, account, home=store, first_screen=first)
    store = open_store_for_start()
    return MainWindow(open_demo_store(store) or store, account, home=store)


def gui_collection() -> None:
    """The GUI's garbage collection from the start (ui/jobs.py: a GUI-thread timer by the interpreter's own
    thresholds, automatic collection off), not from the first job: the window's imports and widgets are made
    without the automatic collector walking the heap between them before the first paint."""
    from confirm_desk.ui.jobs import collect_on_gui_thread_only

    collect_on_gui_thread_only()


def read_first_screen(url: str):
    """The list's first screen read straight from a ready SQLite store (None: the window reads it as usual)."""
    from confirm_desk.ui.main.applicant_model import CHUNK, PAGE
    from confirm_desk.ui.ops.first_screen import read

    return read(url, CHUNK, PAGE)


def open_store_for_start():
    """The real store (migrated); the demo data never goes into it."""
    from confirm_desk.store.db import open_store

    return open_store()


def open_demo_store(real):
    """The demo store (filled on first use) while the real SQLite store has seen no real work; else None.
    A shared server's store is real from the start: no demo there."""
    from confirm_desk.paths import demo_db_url
    from confirm_desk.services.applicants.demo import fill_demo, real_work_started
    from confirm_desk.store.db import open_store

    if not real.is_sqlite:
        return None
    with real.session() as session:
        if real_work_started(session):
            return None
    demo = open_store(demo_db_url())
    if fill_demo(demo, DEMO_COUNT) is not None:
        log.info("demo store filled with the demo data set")
    return demo


if __name__ == "__main__":
    sys.exit(main())
