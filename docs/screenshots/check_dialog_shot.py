"""Makes docs/screenshots/check-dialog.png: run under Xvfb,
`xvfb-run -a env QT_QPA_PLATFORM=xcb python docs/screenshots/check_dialog_shot.py`."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
SAMPLES = ROOT.parent / "shared" / "domain" / "samples"
NUMBER = "2025330000025"  # 低证高聘: a finding beside its field, COND-1 prefilled as 不具备


def main() -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QCheckBox, QLineEdit

    from confirm_desk.services import accounts
    from confirm_desk.services.applicants import resolve
    from confirm_desk.services.importing import import_applicants
    from confirm_desk.store.db import open_store
    from confirm_desk.ui.check_dialog import CheckDialog
    from confirm_desk.ui.fonts import install_cjk_font

    app = QApplication([])
    install_cjk_font(app)
    store = open_store(f"sqlite:///{tempfile.mkdtemp()}/shot.sqlite3")
    import_applicants(store, SAMPLES / "applicants_export.xlsx", SAMPLES / "photos")
    with store.session() as session:
        admin = accounts.create_first_admin(session, "wang", "王老师", "Admin#2026")
        applicant_id = resolve(session, NUMBER)
    dialog = CheckDialog(store, applicant_id, admin)
    rows = dialog.fields.rows
    for key in ("application_no", "name", "gender", "ethnicity", "id_type"):
        rows[key].cell.set_value(True)
    rows["phone"].cell.set_value(False)
    rows["phone"].original.setText("13906801234")
    school = dialog.findChild(QLineEdit, "edit_teaching_subject")
    school.setText(school.text())
    for i in (1, 2, 3, 5, 6):
        dialog.findChild(QCheckBox, f"material_{i}").setChecked(True)
    dialog.decision.buttons[list(dialog.decision.buttons)[2]].setChecked(True)
    dialog.resize(1360, 900)
    dialog.show()
    out = ROOT / "docs" / "screenshots" / "check-dialog.png"

    def shoot() -> None:
        dialog.grab().save(str(out))
        print(f"wrote {out}")
        dialog.initial = dialog.collect()
        app.quit()

    QTimer.singleShot(800, shoot)
    app.exec()


if __name__ == "__main__":
    main()
