"""The crop dialog driven like a clerk would: drag the frame, resize it, zoom, rotate, keys, save."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from confirm_desk.domain.photo_frame import RATIO, Frame
from confirm_desk.services.photos.normalize import normalize_bytes
from confirm_desk.store.models import AuditEvent, Photo, applicant_table

t = applicant_table


def applicant_id(store, number: str) -> int:
    with store.session() as s:
        return s.scalar(select(t.c.id).where(t.c.application_no == number))


def stored(store, aid: int) -> tuple[Photo, str]:
    with store.session() as s:
        return (s.scalar(select(Photo).where(Photo.applicant_id == aid)),
                s.scalar(select(t.c.photo_state).where(t.c.id == aid)))


@pytest.fixture
def make_dialog(qtbot):
    from confirm_desk.ui.photos.crop_dialog import PhotoCropDialog

    def make(store, aid: int) -> PhotoCropDialog:
        dialog = PhotoCropDialog(store, aid, operator="王老师")
        qtbot.addWidget(dialog)
        with qtbot.waitActive(dialog):  # shortcuts only reach the active window
            dialog.show()
            dialog.activateWindow()
        return dialog

    return make


def view_point(canvas, x: float, y: float) -> QPoint:
    return canvas.mapFromScene(QPointF(x, y))


def drag(qtbot, canvas, start: QPoint, end: QPoint) -> None:
    viewport = canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for i in range(1, 5):
        qtbot.mouseMove(viewport, start + (end - start) * (i / 4))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)


def wheel(canvas, clicks: int) -> None:
    centre = QPointF(canvas.viewport().rect().center())
    event = QWheelEvent(centre, canvas.viewport().mapToGlobal(centre), QPoint(0, 0), QPoint(0, 120 * clicks),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(canvas.viewport(), event)


def test_drag_zoom_rotate_save_stores_the_box(imported_store, make_dialog, qtbot) -> None:
    aid = applicant_id(imported_store, "2025320000036")  # a 3000×4000 camera photo
    dialog = make_dialog(imported_store, aid)
    canvas = dialog.canvas
    assert dialog.image_size == (3000, 4000) and dialog.frame.h == 4000  # default: the tallest frame

    # Shrink from the bottom-right corner, then drag the frame by its middle.
    f = dialog.frame
    drag(qtbot, canvas, view_point(canvas, f.right, f.bottom), view_point(canvas, f.x + 1500, f.y + 2000))
    shrunk = dialog.frame
    assert shrunk.h < 2200 and abs(shrunk.w / shrunk.h - RATIO) < 1e-6 and (shrunk.x, shrunk.y) == (f.x, f.y)
    cx, cy = shrunk.centre
    drag(qtbot, canvas, view_point(canvas, cx, cy), view_point(canvas, cx + 600, cy + 900))
    moved = dialog.frame
    assert moved.w == shrunk.w and moved.x > shrunk.x + 400 and moved.y > shrunk.y + 700

    # Wheel zoom in, then out again (never smaller than the whole photo).
    wheel(canvas, 2)
    assert canvas.zoom == pytest.approx(1.5625)
    wheel(canvas, -5)
    assert canvas.zoom == 1.0

    # Rotate: the landscape-turned photo gets a fresh default frame.
    dialog.rotate_button.click()
    assert dialog.rotation == 90 and dialog.image_size == (4000, 3000) and dialog.frame.h == 3000
    f = dialog.frame
    drag(qtbot, canvas, view_point(canvas, f.x, f.y), view_point(canvas, f.x + 800, f.y + 900))
    box = dialog.frame
    assert box.h < 3000 and box.right == pytest.approx(f.right)  # top-left dragged, bottom-right held

    # The live preview is 114×156 and 228×312.
    assert dialog.preview_image(1).size().toTuple() == (114, 156)
    assert dialog.preview_image(2).size().toTuple() == (228, 312)

    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == dialog.DialogCode.Accepted
    photo, state = stored(imported_store, aid)
    assert state == "normalized"
    assert (photo.crop_box, photo.rotation) == (",".join(map(str, box.rounded())), 90)
    expected = normalize_bytes(photo.original, Frame(*box.rounded()), 90)
    assert photo.normalized == expected.data
    with Image.open(io.BytesIO(photo.normalized)) as image:
        assert image.size == (114, 156)
    with imported_store.session() as s:
        assert s.scalar(select(AuditEvent.operator).where(AuditEvent.action == "photo_normalize")) == "王老师"


def test_keyboard_moves_resizes_rotates(imported_store, make_dialog, qtbot) -> None:
    aid = applicant_id(imported_store, "2025330000046")  # 800×600 landscape
    dialog = make_dialog(imported_store, aid)
    start = dialog.frame
    assert start == Frame(start.x, 0, start.w, 600)
    qtbot.keyClick(dialog, Qt.Key.Key_Minus)
    smaller = dialog.frame
    assert smaller.h == pytest.approx(600 / 1.05)
    qtbot.keyClick(dialog, Qt.Key.Key_Left)
    assert dialog.frame.x == pytest.approx(smaller.x - 6)  # 1% of 600
    qtbot.keyClick(dialog, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert dialog.frame.bottom == pytest.approx(600)  # stopped at the edge
    qtbot.keyClick(dialog, Qt.Key.Key_Plus)
    assert dialog.frame.h == pytest.approx(smaller.h * 1.05)
    qtbot.keyClick(dialog, Qt.Key.Key_R)
    assert dialog.rotation == 90 and dialog.image_size == (600, 800)
    qtbot.keyClick(dialog, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert dialog.rotation == 0 and dialog.frame == start
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == dialog.DialogCode.Rejected
    assert stored(imported_store, aid)[1] == "original"  # nothing saved


def test_stored_crop_reopens_where_it_was(imported_store, make_dialog) -> None:
    from confirm_desk.services.photos.applicant_photos import normalize_applicant_photo

    aid = applicant_id(imported_store, "2025330000046")
    with imported_store.session() as s:
        normalize_applicant_photo(s, aid, (10, 20, 228, 312), 180)
    dialog = make_dialog(imported_store, aid)
    assert (dialog.rotation, dialog.frame) == (180, Frame(10, 20, 228, 312))
    assert "宽 228，高 312" in dialog.info.text()


def test_no_photo_is_said_plainly(imported_store, make_dialog) -> None:
    dialog = make_dialog(imported_store, applicant_id(imported_store, "2025320000051"))
    assert "还没有照片" in dialog.info.text() and not dialog.save_button.isEnabled()
