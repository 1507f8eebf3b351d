"""“规范照片” from the UI: the batch runs as a job, failures are listed, the list's photo state follows."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from sqlalchemy import func, select

from confirm_desk.store.models import Photo, applicant_table

t = applicant_table


def test_batch_lists_the_failure_and_normalises_the_rest(imported_store, qtbot) -> None:
    from confirm_desk.ui.jobs import JobRunner
    from confirm_desk.ui.photos.batch import PhotoBatchResultDialog, normalize_photos

    with imported_store.session() as s:
        ids = dict(s.execute(select(t.c.application_no, t.c.id)).all())
        broken = s.scalars(select(Photo).where(Photo.applicant_id == ids["2025330000046"])).one()
        broken.original = b"not a photo"
    chosen = [ids[n] for n in ("2025330000046", "2025330000049", "2025500000047", "2025320000051")]
    parent = QWidget()
    qtbot.addWidget(parent)
    finished = []
    normalize_photos(parent, imported_store, chosen, "tester", JobRunner(parent, synchronous=True),
                     on_done=finished.append)
    dialog = parent.findChild(PhotoBatchResultDialog)
    assert dialog is not None and dialog.isVisible()
    result = finished[0]
    assert (result.normalized, result.no_photo, len(result.failures)) == (2, 1, 1)
    assert "失败 1 张" in dialog.summary.text()
    cells = [[dialog.model.cell(r, c) for c in range(4)] for r in range(dialog.model.rowCount())]
    assert cells[0][:3] == ["2025330000046", cells[0][1], "失败"] and "不是可识别" in cells[0][3]
    assert cells[1][0] == "2025330000049" and cells[1][2] == "需留意"  # the small one, upscaled
    with imported_store.session() as s:
        assert s.scalar(select(func.count()).where(t.c.photo_state == "normalized")) == 2
        assert s.scalar(select(t.c.photo_state).where(t.c.id == ids["2025330000046"])) == "original"
    dialog.reject()
