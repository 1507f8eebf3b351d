"""Issue 18 item 6: scanner first — after scan + Enter the search text is selected (the next scan replaces it),
the check dialog takes the very first Y/N/1/2 without a Tab, the status column shows the whole decision."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from confirm_desk.domain.decisions import CompareMark
from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants.listing import resolve
from confirm_desk.services.confirming.confirmation import CheckInput, load_check, material_labels, save_check
from confirm_desk.ui.confirming.check_dialog import CheckDialog
from confirm_desk.ui.main.applicant_model import COL_STATUS
from tests.accounts_helpers import fast_hasher  # noqa: F401
from tests.ui.helpers import type_text
from tests.ui.test_check_dialog import CERT_EDITABLE, CERT_ON_RECORD, open_dialog

INCOMPLETE_NO = CERT_ON_RECORD


def test_scan_enter_selects_the_text_so_the_next_scan_replaces_it(qtbot, imported_store, make_window,
                                                                 logged_in_clerk) -> None:
    window = make_window(imported_store, logged_in_clerk)
    search = window.query.search
    search.setFocus()
    qtbot.keyClicks(search, CERT_EDITABLE)
    qtbot.keyClick(search, Qt.Key.Key_Return)
    opened = [d for d in window.open_dialogs if isinstance(d, CheckDialog)]
    assert len(opened) == 1 and opened[0].state.values["application_no"] == CERT_EDITABLE
    assert search.selectedText() == CERT_EDITABLE
    opened[0].reject()
    qtbot.keyClicks(search, CERT_ON_RECORD)  # the scanner types the next code into the selected text
    assert search.text() == CERT_ON_RECORD
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert window.open_dialogs[-1].state.values["application_no"] == CERT_ON_RECORD
    type_text(search, "不存在的人")  # no match: filtered, still selected for the next scan
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert search.selectedText() == "不存在的人"


def test_the_first_key_in_the_check_dialog_marks_the_first_field(qtbot, imported_store, logged_in_clerk) -> None:
    dialog = open_dialog(qtbot, imported_store, CERT_EDITABLE, logged_in_clerk)
    first_key = next(iter(dialog.fields.rows))
    focused = QApplication.focusWidget()
    assert focused is dialog.fields.rows[first_key].cell
    qtbot.keyClick(focused, Qt.Key.Key_Y)  # no Tab before it
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_2)
    marks = dialog.fields.marks()
    second_key = list(dialog.fields.rows)[1]
    assert marks[first_key] == CompareMark(True) and marks[second_key].matches is False


def test_status_column_shows_the_whole_decision_at_1366(qtbot, imported_store, make_window) -> None:
    with imported_store.session() as session:
        applicant_id = resolve(session, INCOMPLETE_NO)
        version = load_check(session, applicant_id).version
        save_check(session, applicant_id, CheckInput(outcome=Status.INCOMPLETE, missing=[material_labels()[0]]),
                   "clerk", version)
    window = make_window(imported_store)
    window.resize(1366, 728)
    qtbot.waitUntil(lambda: window.width() == 1366 or window.minimumWidth() > 1366)
    row = window.model.row_of(applicant_id)
    text = window.model.data(window.model.index(row, COL_STATUS))
    assert text.startswith("申请材料不全")
    header = window.table.horizontalHeader()
    needed = window.table.fontMetrics().horizontalAdvance("申请材料不全")
    assert header.sectionSize(COL_STATUS) >= needed + 8
    right_edge = header.sectionViewportPosition(COL_STATUS) + header.sectionSize(COL_STATUS)
    assert right_edge <= window.table.viewport().width()  # on screen without scrolling sideways
