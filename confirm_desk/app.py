"""Starts the GUI: Qt application, bundled font, the store (demo data when empty), the main window."""

from __future__ import annotations

import logging
import sys

from confirm_desk import APP_NAME, APP_NAME_ZH

log = logging.getLogger("confirm_desk.app")
DEMO_COUNT = 300


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
        window = build_main_window()
    except KnownError as err:
        show_error(None, err.message, "无法启动")
        return 2
    window.show()
    return app.exec()


def build_main_window():  # noqa: ANN201
    """Open the store (filled with the demo set when empty) and make the main window."""
    from confirm_desk.services.applicants import count_all
    from confirm_desk.services.demo import fill_demo
    from confirm_desk.store.db import open_store
    from confirm_desk.ui.main_window import MainWindow

    store = open_store()
    with store.session() as session:
        empty = count_all(session) == 0
    if empty:
        log.info("empty store: filling the demo data set")
        fill_demo(store, DEMO_COUNT)
    return MainWindow(store)


if __name__ == "__main__":
    sys.exit(main())
