"""照片审核 sheet: filter, keyboard, Enter opens the crop dialog, auto-crop all updates the grid."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from confirm_desk.store.models import Photo, applicant_table

t = applicant_table
pytestmark = pytest.mark.samples


@pytest.fixture
def review(imported_store, samples: Path, qtbot):
    """The sheet over the sample store, where two applicants got real face photos."""
    from confirm_desk.ui.jobs import JobRunner
    from confirm_desk.ui.photos.review import PhotoReviewDialog

    with imported_store.session() as s:
        ids = [r.applicant_id for r in s.execute(select(Photo.applicant_id).order_by(Photo.applicant_id))]
        for applicant_id, name in zip(ids[:2], ("plain_white.jpg", "camera_landscape.jpg"), strict=True):
            photo = s.scalars(select(Photo).where(Photo.applicant_id == applicant_id)).one()
            photo.original = (samples / "faces" / name).read_bytes()
    dialog = PhotoReviewDialog(imported_store, "tester", runner=JobRunner(None, synchronous=True))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.faces_ids = ids[:2]
    return dialog


def visible_ids(dialog) -> list[int]:
    return [i.applicant_id for i in dialog.visible_items()]


def test_filters_keys_enter_and_auto_crop(review, qtbot) -> None:
    from confirm_desk.ui.photos.crop_dialog import PhotoCropDialog
    from confirm_desk.ui.widgets import messages

    everyone = review.model.items
    assert len(visible_ids(review)) == len(everyone) == 60
    assert "共 60 人" in review.count.text()
    review.set_filter("no_photo")
    no_photo = visible_ids(review)
    assert no_photo and all(i.state == "none" for i in review.visible_items())
    assert review.proxy.index(0, 0).data(Qt.ItemDataRole.DecorationRole).size().width() == 114
    review.set_filter("problems")  # nothing normalised yet: every photo still needs a person
    assert set(review.faces_ids) <= set(visible_ids(review))

    review.auto_crop_all()
    assert review.filter_box.currentData() == "problems" and "已规范 55 张" in messages.shown[-1][1]
    left = review.visible_items()
    assert not set(review.faces_ids) & {i.applicant_id for i in left}  # the real faces need nobody
    drawn = [i for i in left if i.has_photo]
    assert drawn and all("无人脸" in i.badges for i in drawn)  # the drawn ones, with their finding
    assert all(i.state == "normalized" for i in drawn)

    review.set_filter("all")
    assert review.select(review.faces_ids[1])
    start = review.view.currentIndex().row()
    qtbot.keyClick(review.view, Qt.Key.Key_Right)
    assert review.view.currentIndex().row() == start + 1
    qtbot.keyClick(review.view, Qt.Key.Key_Left)
    assert review.current_item().applicant_id == review.faces_ids[1]
    assert "没有发现问题" in review.details.text()
    qtbot.keyClick(review.view, Qt.Key.Key_Return)
    crop = review.findChild(PhotoCropDialog)
    assert crop is not None and crop.isVisible()
    assert crop.faces and crop.frame.x > crop.image_size[0] / 4  # the face is right of centre

    review.set_filter("problems")
    target = review.visible_items()[0]
    review.open_crop(review.view.currentIndex())
    crop = review.crop_dialog
    assert crop.applicant_id == target.applicant_id and "未检测到人脸" in crop.face_note()
    crop.save()  # the clerk's own crop is kept: the grid reloads, the finding stays until retaken
    with review.store.session() as s:
        assert s.scalar(select(t.c.photo_state).where(t.c.id == target.applicant_id)) == "normalized"
    assert review.current_item().applicant_id == target.applicant_id


def test_contact_sheet_from_the_grid(review, tmp_path: Path) -> None:
    import subprocess

    review.set_filter("no_photo")
    pdf = tmp_path / "sheet.pdf"
    review.print_sheet(str(pdf))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "仅有问题" in text and "无照片" in text
    assert all(i.application_no in text for i in review.visible_items())
