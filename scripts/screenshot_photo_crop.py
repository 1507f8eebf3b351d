"""Screenshot of the crop dialog for the README.

Run: `xvfb-run -a env QT_QPA_PLATFORM=xcb .venv/bin/python scripts/screenshot_photo_crop.py`
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT.parent / "shared" / "domain" / "samples"
sys.path.insert(0, str(ROOT))


def main() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import select

    from confirm_desk.services.importing import import_applicants
    from confirm_desk.store.db import open_store
    from confirm_desk.store.models import Photo, applicant_table
    from confirm_desk.ui.fonts import install_cjk_font
    from confirm_desk.ui.photo_crop_dialog import PhotoCropDialog

    app = QApplication([])
    install_cjk_font(app)
    store = open_store(f"sqlite:///{tempfile.mkdtemp()}/shot.sqlite3")
    import_applicants(store, SAMPLES / "applicants_export.xlsx", SAMPLES / "photos")
    with store.session() as s:
        t = applicant_table
        aid = s.scalar(select(t.c.id).where(t.c.application_no == "2025320000036"))
        # A real face reads better than the drawn sample shapes (public-domain portrait, see faces/README).
        s.scalars(select(Photo).where(Photo.applicant_id == aid)).one().original = (
            SAMPLES / "faces" / "camera_portrait.jpg").read_bytes()
    dialog = PhotoCropDialog(store, aid, "演示")
    dialog.resize(1000, 700)
    dialog.show()
    dialog.resize_frame(0.5)
    dialog.nudge(0, -12)
    out = ROOT / "docs" / "screenshots" / "photo-crop.png"

    def shoot() -> None:
        dialog.grab().save(str(out))
        print(out)
        app.quit()

    QTimer.singleShot(600, shoot)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
