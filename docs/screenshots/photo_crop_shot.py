"""Makes docs/screenshots/photo-crop.png: run under Xvfb,
`xvfb-run -a env QT_QPA_PLATFORM=xcb python docs/screenshots/photo_crop_shot.py`."""

from __future__ import annotations

from shot import SAMPLES, grab_later, sample_app_and_store

NUMBER = "2025320000036"  # a 3000×4000 camera photo


def main() -> None:
    from sqlalchemy import select

    from confirm_desk.store.models import Photo, applicant_table
    from confirm_desk.ui.photos.crop_dialog import PhotoCropDialog

    app, store = sample_app_and_store()
    t = applicant_table
    with store.session() as s:
        applicant_id = s.scalar(select(t.c.id).where(t.c.application_no == NUMBER))
        # A real face reads better than the drawn sample shapes (public-domain portrait, see faces/README).
        s.scalars(select(Photo).where(Photo.applicant_id == applicant_id)).one().original = (
            SAMPLES / "faces" / "camera_portrait.jpg").read_bytes()
    dialog = PhotoCropDialog(store, applicant_id, "演示")
    dialog.resize(1000, 700)
    dialog.resize_frame(0.5)
    dialog.nudge(0, -12)
    grab_later(app, dialog, "photo-crop.png", 600)


if __name__ == "__main__":
    main()
