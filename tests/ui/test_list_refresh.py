"""The list shows other seats' decisions: a timer check repaints only the rows that changed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants.listing import resolve
from confirm_desk.services.confirming.confirmation import CheckInput, load_check, save_check
from confirm_desk.ui.main.applicant_model import COL_STATUS, ApplicantListModel
from confirm_desk.ui.main.list_refresh import ListRefresher

NUMBER = "2025500000002"


def test_refresh_repaints_rows_other_seats_changed(qtbot, any_imported_store) -> None:
    store = any_imported_store
    window = QWidget()
    qtbot.addWidget(window)
    model = ApplicantListModel(store)
    model.refresh()
    refresher = ListRefresher(model, window)
    with store.session() as session:
        applicant_id = resolve(session, NUMBER)
    row = model.row_of(applicant_id)
    cell = model.index(row, COL_STATUS)
    assert model.data(cell) == Status.PENDING.label  # painted once: now cached
    assert refresher.check_now() == 0  # nothing changed: one aggregate query, no repaint

    with store.session() as session:  # another seat decides
        version = load_check(session, applicant_id).version
        save_check(session, applicant_id, CheckInput(outcome=Status.CONFIRMED,
                                                     override_reason="测试：越过检查"), "wang", version)
    with qtbot.waitSignal(model.dataChanged) as changed:
        assert refresher.check_now() == 1
    assert changed.args[0].row() == row
    assert model.data(cell) == Status.CONFIRMED.label
    assert model.data(cell, Qt.ItemDataRole.ForegroundRole) is not None
    assert refresher.check_now() == 0
    assert refresher.timer.isActive() and refresher.timer.interval() == 20_000
