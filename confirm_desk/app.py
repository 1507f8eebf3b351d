"""Starts the GUI: Qt application, bundled font, the store (demo data when empty), the main window."""

from __future__ import annotations

import logging
import sys

from confirm_desk import APP_NAME, APP_NAME_ZH

log = logging.getLogger("confirm_desk.app")
DEMO_COUNT = 300
IDLE_LOCK_MINUTES = 15  # the screen locks after this long without keyboard or mouse


def main(argv: list[str] | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from confirm_desk.domain.errors import KnownError
    from confirm_desk.logs import setup_logging
    from confirm_desk.ui.fonts import install_cjk_font
    from confirm_desk.ui.messages import show_bug, show_error

    setup_logging()
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME_ZH)
    app.setOrganizationName(APP_NAME)
    install_cjk_font(app)

    def excepthook(exc_type, exc, tb) -> None:  # noqa: ANN001
        if isinstance(exc, KnownError):
            show_error(None, exc.message)
        else:
            show_bug(None, exc)

    sys.excepthook = excepthook
    try:
        store = open_demo_ready_store()
    except KnownError as err:
        show_error(None, err.message, "无法启动")
        return 2
    from confirm_desk.ui.login_dialog import LoginDialog
    from confirm_desk.ui.main_window import MainWindow

    login = LoginDialog(store)  # first run: creates the administrator
    if login.exec() != LoginDialog.DialogCode.Accepted or login.account is None:
        return 0
    window = MainWindow(store, login.account, idle_minutes=IDLE_LOCK_MINUTES)
    window.show()
    return app.exec()


def build_main_window(account=None):  # noqa: ANN001, ANN201
    """The main window over the default store (benchmarks and screenshots skip the log-in)."""
    from confirm_desk.ui.main_window import MainWindow

    return MainWindow(open_demo_ready_store(), account)


def open_demo_ready_store():  # noqa: ANN201
    """Open the store (filled with the demo set when empty)."""
    from confirm_desk.services.applicants import count_all
    from confirm_desk.services.demo import fill_demo
    from confirm_desk.store.db import open_store

    store = open_store()
    with store.session() as session:
        empty = count_all(session) == 0
    if empty and store.is_sqlite:  # a shared server's store is real from the start: no demo data there
        log.info("empty store: filling the demo data set")
        fill_demo(store, DEMO_COUNT)
    return store


if __name__ == "__main__":
    sys.exit(main())
