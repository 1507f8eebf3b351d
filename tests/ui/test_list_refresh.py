"""The list shows other seats' decisions: a timer check repaints only the rows that changed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants.listing import resolve
from confirm_desk.services.confirming.confirmation import CheckInput, load_check, save_check
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.main.applicant_model import COL_STATUS, ApplicantListModel
from confirm_desk.ui.main.list_refresh import ListRefresher

NUMBER = "2025500000002"


def test_refresh_repaints_rows_other_seats_changed(qtbot, any_imported_store) -> None:
    store = any_imported_store
    window = QWidget()
    qtbot.addWidget(window)
    model = ApplicantListModel(store, runner=JobRunner(window, synchronous=False))  # the real thread pool
    with qtbot.waitSignal(model.loaded):
        model.refresh()
    refresher = ListRefresher(model, window)
    with store.session() as session:
        applicant_id = resolve(session, NUMBER)
    row = model.row_of(applicant_id)
    cell = model.index(row, COL_STATUS)
    assert model.data(cell) == Status.PENDING.label  # the first screen's rows come with the ids
    with qtbot.waitSignal(refresher.refreshed) as checked:
        refresher.check_now()
    assert checked.args == [0]  # nothing changed: one aggregate query, no repaint

    with store.session() as session:  # another seat decides
        version = load_check(session, applicant_id).version
        save_check(session, applicant_id, CheckInput(outcome=Status.CONFIRMED,
                                                     override_reason="测试：越过检查"), "wang", version)
    with qtbot.waitSignal(model.dataChanged) as changed, qtbot.waitSignal(refresher.refreshed) as checked:
        refresher.check_now()
    assert checked.args == [1] and changed.args[0].row() == row
    with qtbot.waitSignal(model.dataChanged):  # the changed row is read again when painted
        assert model.data(cell) is None
    assert model.data(cell) == Status.CONFIRMED.label
    assert model.data(cell, Qt.ItemDataRole.ForegroundRole) is not None
    with qtbot.waitSignal(refresher.refreshed) as checked:
        refresher.check_now()
    assert checked.args == [0]
    assert refresher.timer.isActive() and refresher.timer.interval() == 20_000
