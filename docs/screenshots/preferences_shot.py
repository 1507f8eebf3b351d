"""Makes docs/screenshots/preferences.png, help.png, about.png and first-run.png: run under Xvfb,
`xvfb-run -a env QT_QPA_PLATFORM=xcb python docs/screenshots/preferences_shot.py`."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"


def main() -> None:
    os.environ["CONFIRM_DESK_HOME"] = tempfile.mkdtemp()  # the INI file goes there, not to the user's
    import datetime as dt

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from confirm_desk.services import accounts
    from confirm_desk.services.applicants.demo import fill_demo
    from confirm_desk.store.db import open_store
    from confirm_desk.ui.ops.settings import PreferencesStore
    from confirm_desk.ui.settings.first_run_dialog import FirstRunDialog
    from confirm_desk.ui.settings.help_dialog import AboutDialog, HelpDialog
    from confirm_desk.ui.settings.preferences_dialog import PreferencesDialog
    from confirm_desk.ui.widgets.fonts import install_cjk_font

    app = QApplication([])
    install_cjk_font(app)
    store = open_store(f"sqlite:///{tempfile.mkdtemp()}/shot.sqlite3")
    fill_demo(store, 20)
    with store.session() as session:
        admin = accounts.create_first_admin(session, "wang", "王老师", "Admin#2026")
    first_run = FirstRunDialog(store, admin)
    prefs = PreferencesStore(store)
    prefs.save({"point_name": "定海区教师发展中心确认点", "point_code": "330902-01",
                "point_address": "舟山市定海区人民北路 1 号 3 楼", "campaign_end": dt.date(2026, 5, 29)})
    dialogs = {"first-run": first_run, "preferences": PreferencesDialog(prefs, admin),
               "help": HelpDialog(), "about": AboutDialog()}
    for dialog in dialogs.values():
        dialog.show()

    def shoot() -> None:
        for name, dialog in dialogs.items():
            path = OUT / f"{name}.png"
            dialog.grab().save(str(path))
            print(f"wrote {path}")
        app.quit()

    QTimer.singleShot(800, shoot)
    app.exec()


if __name__ == "__main__":
    main()
