"""Makes docs/screenshots/photo-review.png and photo-contact-sheet.png: run under Xvfb,
`xvfb-run -a env QT_QPA_PLATFORM=xcb python docs/screenshots/photo_review_shot.py` (needs pdftoppm)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from shot import ROOT, SAMPLES, grab_later, sample_app_and_store

# Real faces (public domain, see faces/README) on the first applicants; the rest keep the drawn samples.
FACES = ("plain_white.jpg", "camera_landscape.jpg", "plain_blue.jpg", "greyscale.jpg", "two_faces.jpg",
         "head_cut.jpg", "exif_rotated.jpg", "plain_red.jpg", "no_face.jpg", "small.jpg", "camera_portrait.jpg")


def main() -> None:
    from sqlalchemy import select

    from confirm_desk.services.photos.applicant_photos import normalize_all
    from confirm_desk.services.photos.sheet import write_contact_sheet
    from confirm_desk.store.models import Photo
    from confirm_desk.ui.jobs import JobRunner
    from confirm_desk.ui.photos.review import PhotoReviewDialog

    app, store = sample_app_and_store()
    with store.session() as s:
        photos = s.scalars(select(Photo).order_by(Photo.applicant_id).limit(len(FACES))).all()
        for photo, name in zip(photos, FACES, strict=True):
            photo.original = (SAMPLES / "faces" / name).read_bytes()
    normalize_all(store, operator="演示")
    pdf = Path(tempfile.mkdtemp()) / "sheet.pdf"
    write_contact_sheet(store, pdf)
    out = ROOT / "docs" / "screenshots" / "photo-contact-sheet"
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(out)],
                   check=True)
    print(f"wrote {out}.png")
    dialog = PhotoReviewDialog(store, "演示", runner=JobRunner(None, synchronous=True))
    dialog.resize(1180, 820)
    dialog.select(photos[4].applicant_id)
    grab_later(app, dialog, "photo-review.png", 900)


if __name__ == "__main__":
    main()
