"""Makes docs/screenshots/small-*.png: the whole 1366×768 screen with the main window, the check dialog, the
receipt preview, the crop dialog and the demo mode as they open there (issue 18: fits the screens schools
have). Run under Xvfb at that size:

    Xvfb :68 -screen 0 1366x768x24 &
    DISPLAY=:68 QT_QPA_PLATFORM=xcb python docs/screenshots/small_screen_shot.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from shot import ROOT, SAMPLES, sample_app_and_store

CHECK_NO = "2025330000025"  # 低证高聘: a finding beside its field
RECEIPT_NO = "2025500000002"
CROP_NO = "2025320000036"  # a 3000×4000 camera photo


def main() -> None:
    from PySide6.QtCore import QTimer
    from sqlalchemy import select

    from confirm_desk.domain.statuses import Status
    from confirm_desk.services import accounts
    from confirm_desk.services.applicants.demo import fill_demo
    from confirm_desk.services.applicants.listing import resolve
    from confirm_desk.services.confirming.confirmation import CheckInput, load_check, save_check
    from confirm_desk.services.printing.documents import write_pdf
    from confirm_desk.store.db import open_store
    from confirm_desk.store.models import Photo
    from confirm_desk.ui.confirming.check_dialog import CheckDialog
    from confirm_desk.ui.main.window import MainWindow
    from confirm_desk.ui.photos.crop_dialog import PhotoCropDialog
    from confirm_desk.ui.printing.preview_dialog import PrintPreviewDialog

    app, store = sample_app_and_store()
    screen = app.primaryScreen()
    print("screen", screen.size().toTuple(), "available", screen.availableGeometry().getRect())
    with store.session() as session:
        admin = accounts.create_first_admin(session, "wang", "王老师", "Admin#2026")
        check_id, receipt_id, crop_id = (resolve(session, n) for n in (CHECK_NO, RECEIPT_NO, CROP_NO))
        save_check(session, receipt_id, CheckInput(outcome=Status.CONFIRMED, override_reason="截图用演示"), "wang",
                   load_check(session, receipt_id).version)
        session.scalars(select(Photo).where(Photo.applicant_id == crop_id)).one().original = (
            SAMPLES / "faces" / "camera_portrait.jpg").read_bytes()
        pdf = Path(tempfile.mkdtemp()) / "receipt.pdf"
        write_pdf(session, [receipt_id], "receipt", pdf)

    window = MainWindow(store, admin)
    window.setGeometry(screen.availableGeometry())  # app start-up maximises on a screen this small
    window.show()
    check = CheckDialog(store, check_id, admin, window)
    for key in ("application_no", "name", "gender"):
        check.fields.rows[key].cell.set_value(True)
    preview = PrintPreviewDialog(pdf, "打印受理凭证（1 人，1 页）", parent=window)
    crop = PhotoCropDialog(store, crop_id, "wang", window)
    demo_store = open_store(f"sqlite:///{tempfile.mkdtemp()}/demo.sqlite3")
    fill_demo(demo_store, 40)
    demo = MainWindow(demo_store, admin, home=store)  # before the first real import: the demo data, marked
    demo.setGeometry(screen.availableGeometry())
    steps = [(None, "small-main-window.png"), (check, "small-check-dialog.png"),
             (preview, "small-receipt-preview.png"), (crop, "small-photo-crop.png"), (demo, "small-demo-mode.png")]

    def shoot(i: int = 0) -> None:
        if i > 0 and steps[i - 1][0] is not None:
            steps[i - 1][0].hide()
        if i == len(steps):
            check.initial = check.collect()
            app.quit()
            return
        dialog, name = steps[i]
        if dialog is not None:
            dialog.show()
            dialog.raise_()

        def grab() -> None:
            top = dialog or window
            print(name, "window", top.frameGeometry().getRect(), "minimum", top.minimumSizeHint().toTuple())
            screen.grabWindow(0).save(str(ROOT / "docs" / "screenshots" / name))
            shoot(i + 1)

        QTimer.singleShot(1200, grab)

    QTimer.singleShot(800, shoot)
    app.exec()


if __name__ == "__main__":
    main()
