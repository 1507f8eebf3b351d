"""The check dialog's scan bar: a certificate picture read in the worker fills the compare marks (一致 marked,
不一致 with the value read in 原件显示), is kept and listed, and the saved marks are audited as scanned."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import insert, select

from bench.scan_docs import fonts, make_document
from confirm_desk.store.models import AuditEvent, FieldCheck, ScanImage, applicant_table
from confirm_desk.ui.confirming.check_dialog import CheckDialog
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.widgets import messages
from tests.accounts_helpers import fast_hasher, make_operators  # noqa: F401


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    doc = make_document(202, "certificate", True, font=fonts()[0], quality=60)
    path = tmp_path_factory.mktemp("scan_ui") / "cert.jpg"
    path.write_bytes(doc.jpeg)
    return doc, path


def open_for(qtbot, store, values: dict[str, str]) -> CheckDialog:
    _admin, clerk = make_operators(store)
    with store.session() as session:
        session.execute(insert(applicant_table), [{"application_no": "2026330000777", "status": "pending",
                                                   "id_type": "居民身份证", **values}])
        applicant_id = session.scalar(select(applicant_table.c.id))
    dialog = CheckDialog(store, applicant_id, clerk)
    qtbot.addWidget(dialog)
    dialog.scan_bar.runner = JobRunner(None, synchronous=True)
    dialog.show()
    return dialog


def test_a_scanned_certificate_fills_the_marks_and_is_kept(qtbot, store, certificate) -> None:
    doc, path = certificate
    dialog = open_for(qtbot, store, doc.desk)
    bar = dialog.scan_bar
    assert bar.kept.count() == 0 and not bar.print_button.isEnabled()
    dialog.fields.rows["name"].cell.set_value(False)  # the clerk marked this one already: never overwritten
    dialog.fields.rows["name"].original.setText("王某")
    bar.read_file(path)
    assert not messages.shown, messages.shown
    rows = dialog.fields.rows
    changed = rows[doc.changed]
    assert changed.cell.value() is False and changed.original.text() and "置信度" in changed.original.toolTip()
    assert rows["name"].cell.value() is False and rows["name"].original.text() == "王某"
    marked = [k for k in doc.desk if k not in ("name", doc.changed) and rows[k].cell.value() is True]
    assert len(marked) >= 6, marked
    assert all(doc.printed[k] == doc.desk[k] for k in marked)  # no 一致 on a field the paper shows otherwise
    assert bar.kept.count() == 1 and "教师资格证书" in bar.kept.currentText() and bar.print_button.isEnabled()
    assert "不一致 1" in bar.status.text()

    assert dialog.save(), messages.shown
    with store.session() as session:
        marks = {fc.field: fc.matches for fc in session.scalars(select(FieldCheck))}
        scan_marks = {e.field: e.detail for e in session.scalars(
            select(AuditEvent).where(AuditEvent.action == "scan_mark"))}
        kept = session.scalars(select(ScanImage)).all()
    assert marks[doc.changed] is False and all(marks[k] for k in marked)
    assert set(scan_marks) == {doc.changed, *marked} and "name" not in scan_marks
    assert all("置信度" in d for d in scan_marks.values())
    assert len(kept) == 1 and kept[0].operator == "clerk"


def test_a_picture_saved_into_the_watched_folder_is_read(qtbot, store, certificate, tmp_path) -> None:
    doc, path = certificate
    folder = tmp_path / "camera"
    folder.mkdir()
    (folder / "old.jpg").write_bytes(b"there before: ignored")
    dialog = open_for(qtbot, store, doc.desk)
    dialog.scan_bar.watch(str(folder))
    shutil.copy(path, folder / "IMG_0001.jpg")
    qtbot.waitUntil(lambda: dialog.scan_bar.kept.count() == 1, timeout=120_000)
    assert dialog.fields.rows[doc.changed].cell.value() is False
    assert not messages.shown


def test_a_file_that_is_no_picture_is_refused_plainly(qtbot, store, certificate, tmp_path) -> None:
    doc, _path = certificate
    dialog = open_for(qtbot, store, doc.desk)
    bad = tmp_path / "note.jpg"
    bad.write_text("not a picture")
    dialog.scan_bar.read_file(bad)
    assert messages.shown and "无法读取图像" in messages.shown[-1][1]
    assert dialog.scan_bar.kept.count() == 0
