"""Makes docs/screenshots/check-dialog-seats.png: the check dialog when another seat has the applicant open
and saved first. Run under Xvfb against any store URL (a PostgreSQL one shows the shared case):
`xvfb-run -a env QT_QPA_PLATFORM=xcb python docs/screenshots/seats_shot.py [URL]` (an empty store)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
SAMPLES = ROOT.parent / "shared" / "domain" / "samples"
NUMBER = "2025500000002"


def main() -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from confirm_desk.domain.statuses import Status
    from confirm_desk.services import accounts
    from confirm_desk.services.applicants.listing import resolve
    from confirm_desk.services.confirming import seats
    from confirm_desk.services.confirming.confirmation import CheckInput, load_check, save_check
    from confirm_desk.services.importing.applicants import import_applicants
    from confirm_desk.store.db import open_store
    from confirm_desk.ui.confirming.check_dialog import CheckDialog
    from confirm_desk.ui.widgets import messages
    from confirm_desk.ui.widgets.fonts import install_cjk_font

    app = QApplication([])
    install_cjk_font(app)
    messages._offscreen = lambda: True  # the refusal goes to the bar in the picture, not a modal box
    store = open_store(sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{tempfile.mkdtemp()}/shot.sqlite3")
    import_applicants(store, SAMPLES / "applicants_export.xlsx", SAMPLES / "photos")
    with store.session() as session:
        admin = accounts.create_first_admin(session, "wang", "王老师", "Admin#2026")
        applicant_id = resolve(session, NUMBER)
        seats.claim(session, applicant_id, "li", seat="确认台-2#1")
    dialog = CheckDialog(store, applicant_id, admin)
    dialog.decision.set_outcome(Status.REJECTED)
    dialog.decision.reason.setText("证书与原件不符")
    with store.session() as session:  # seat 2 decides first
        version = load_check(session, applicant_id).version
        save_check(session, applicant_id, CheckInput(outcome=Status.CONFIRMED, override_reason="截图用演示"), "li",
                   version)
    dialog.save()
    dialog.resize(1360, 900)
    dialog.show()
    out = ROOT / "docs" / "screenshots" / "check-dialog-seats.png"

    def shoot() -> None:
        dialog.grab().save(str(out))
        print(f"wrote {out}")
        dialog.initial = dialog.collect()
        app.quit()

    QTimer.singleShot(800, shoot)
    app.exec()


if __name__ == "__main__":
    main()
