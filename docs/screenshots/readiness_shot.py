"""Makes docs/screenshots/readiness.png (照片 → 网报前照片批处理 after a run): under Xvfb,
`QT_QPA_PLATFORM=xcb DISPLAY=:73 python docs/screenshots/readiness_shot.py`."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from shot import SAMPLES, grab_later, sample_app_and_store


def main() -> None:
    from openpyxl import load_workbook

    from confirm_desk.services.coverage.staff import import_staff
    from confirm_desk.ui.jobs import JobRunner
    from confirm_desk.ui.photos.readiness_dialog import ReadinessDialog

    app, store = sample_app_and_store()
    import_staff(store, SAMPLES / "staff_list.xlsx")
    people = [(r[1], r[3]) for r in load_workbook(SAMPLES / "staff_list.xlsx").active.iter_rows(
        min_row=4, values_only=True) if r[1]]
    work = Path(tempfile.mkdtemp())
    source = work / "学校统一拍照"
    source.mkdir()
    faces = SAMPLES / "faces"
    shutil.copy(faces / "camera_portrait.jpg", source / f"{people[0][1]}.jpg")
    shutil.copy(faces / "camera_landscape.jpg", source / f"{people[1][0]}.jpg")
    shutil.copy(faces / "exif_rotated.jpg", source / f"{people[2][1]}.jpg")
    shutil.copy(faces / "greyscale.jpg", source / f"{people[3][0]}.jpg")
    shutil.copy(faces / "two_faces.jpg", source / "合影.jpg")
    shutil.copy(faces / "no_face.jpg", source / f"{people[4][1]}.jpg")
    dialog = ReadinessDialog(store, JobRunner(None, synchronous=True))
    dialog.set_source(source)
    dialog.start()
    dialog.resize(1100, 560)
    grab_later(app, dialog, "readiness.png")


if __name__ == "__main__":
    main()
