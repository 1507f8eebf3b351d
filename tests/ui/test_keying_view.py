"""pytest-qt: 国家系统录入 (F8 copies the next value to the clipboard, Ctrl+Enter marks keyed), 国家系统核对 (the
four lists, settling a conflict, the Excel export), the main window's menu entries and 导出当前列表."""

from __future__ import annotations

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants.listing import resolve
from confirm_desk.services.confirming.confirmation import CheckInput, load_check, save_check
from confirm_desk.services.importing.applicants import import_applicants
from confirm_desk.services.importing.rows import locate_header
from confirm_desk.services.keying.queue import keying_queue
from confirm_desk.services.spreadsheets.read import read_rows
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.widgets import messages
from tests.accounts_helpers import fast_hasher, make_operators  # noqa: F401
from tests.test_reconcile import changed_export

FIRST, SECOND = "2025500000002", "2025320000003"


def _save(store, number: str, **data) -> None:
    if data.get("outcome") is Status.CONFIRMED:  # the decision guard: marks not ticked in these tests
        data.setdefault("override_reason", "原件已当面核对")
    with store.session() as session:
        state = load_check(session, resolve(session, number))
        save_check(session, state.applicant_id, CheckInput(**data), "li", state.version)


def _keying_view(qtbot, store, operator="li"):
    from confirm_desk.ui.keying.view import KeyingView

    view = KeyingView(store, operator, JobRunner(None, synchronous=True))
    qtbot.addWidget(view)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)  # window shortcuts (F8, Ctrl+Enter) reach the active window
    return view


def test_f8_copies_each_value_in_turn_and_ctrl_enter_marks_keyed(qtbot, imported_store) -> None:
    _save(imported_store, FIRST, edits={"school": "舟山市第一中学"}, outcome=Status.CONFIRMED)
    _save(imported_store, SECOND, outcome=Status.REJECTED, reason="未满学时")
    view = _keying_view(qtbot, imported_store)
    assert view.queue_model.rowCount() == 2 and view.queue_model.rows[0][0] == FIRST
    assert view.progress_label.text().startswith("已决定 2 · 已录入 0 · 已核实 0")
    assert [r[0] for r in view.step_model.rows] == ["报名号", "现任教学校", "确认结论"]

    clipboard = QGuiApplication.clipboard()
    copied = []
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_F8)
        copied.append(clipboard.text())
    assert copied == [FIRST, "舟山市第一中学", "确认已通过"]
    assert "全部步骤已复制" in view.next_label.text()
    view.copy_step(1)  # a click on a step copies that one
    assert clipboard.text() == "舟山市第一中学"

    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert view.queue_model.rowCount() == 1 and view.current_item().application_no == SECOND
    assert view.progress_label.text().startswith("已决定 2 · 已录入 1")
    qtbot.keyClick(view, Qt.Key.Key_F8)
    assert clipboard.text() == SECOND
    view.copy_button.click()
    view.copy_button.click()
    assert clipboard.text() == "未满学时"
    view.done_button.click()
    assert view.queue_model.rowCount() == 0 and "没有待录入" in view.title.text()
    with imported_store.session() as session:
        assert keying_queue(session) == []


def test_a_change_after_showing_is_not_marked_unseen(qtbot, imported_store) -> None:
    _save(imported_store, FIRST, outcome=Status.CONFIRMED)
    view = _keying_view(qtbot, imported_store)
    _save(imported_store, FIRST, edits={"school": "舟山市第一中学"}, reopen_reason="补改学校", outcome=Status.CONFIRMED)
    view.mark_done()
    assert messages.shown[-1][0] == "error" and "刷新" in messages.shown[-1][1]
    assert [r[0] for r in view.step_model.rows] == ["报名号", "现任教学校", "确认结论"]  # refreshed


def test_national_view_lists_settles_and_exports(qtbot, imported_store, samples, tmp_path) -> None:
    from confirm_desk.ui.keying.national_view import NationalView

    _save(imported_store, FIRST, outcome=Status.CONFIRMED)
    newer = changed_export(samples, tmp_path / "newer.xlsx", {FIRST: {"网报状态": "确认未通过"},
                                                               SECOND: {"网报状态": "确认已通过"}})
    import_applicants(imported_store, newer, operator="li")
    opened: list[int] = []
    view = NationalView(imported_store, "li", JobRunner(None, synchronous=True), open_applicant=opened.append)
    qtbot.addWidget(view)
    view.show()
    assert (view.count("status_conflict"), view.count("decided_elsewhere")) == (1, 1)
    assert view.tabs.tabText(1) == "结论不一致（1）"
    view.tabs.setCurrentIndex(1)
    conflicts = view.views["status_conflict"]
    conflicts.selectRow(0)
    assert view.models["status_conflict"].rows[0][3:5] == ("确认已通过", "确认未通过")
    out = tmp_path / "national.xlsx"
    view.export_to(str(out))
    assert load_workbook(out)["结论不一致"]["A2"].value == FIRST
    messages.answers.append(True)
    view.take_button.click()
    assert view.count("status_conflict") == 0
    with imported_store.session() as session:
        assert load_check(session, resolve(session, FIRST)).status is Status.REJECTED
    view.tabs.setCurrentIndex(3)
    rect = view.views["decided_elsewhere"].visualRect(view.models["decided_elsewhere"].index(0, 0))
    viewport = view.views["decided_elsewhere"].viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [view.models["decided_elsewhere"].id_at(0)]


def test_main_window_menu_opens_views_and_exports_the_list(qtbot, make_window, imported_store, tmp_path) -> None:
    _, clerk = make_operators(imported_store)
    window = make_window(imported_store, clerk)
    assert window.menus.act_keying.shortcut().toString() == "Ctrl+K"
    menus = window.menus
    assert menus.act_keying in menus.view_menu.actions() and menus.act_national in menus.view_menu.actions()
    window.menus.act_keying.trigger()
    assert type(window.open_dialogs[-1]).__name__ == "KeyingView"
    window.menus.act_national.trigger()
    assert type(window.open_dialogs[-1]).__name__ == "NationalView"

    from confirm_desk.ui.keying.menu import export_list
    from confirm_desk.ui.main.applicant_model import HEADERS

    window.query.search.setText("2025500")
    window.applicants.apply_criteria(window.query.criteria())
    assert 0 < window.model.matching < 60  # the rows on screen: only the matching ones
    out = tmp_path / "list.xlsx"
    export_list(window.flow, str(out))
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert list(rows[0]) == list(HEADERS)  # the columns on screen, Chinese headers
    assert len(rows) - 1 == window.model.matching
    id_col = list(HEADERS).index("证件号码")
    assert all(len(r[id_col]) == 18 for r in rows[1:])  # in full, not masked
    header = locate_header(read_rows(out), out.name)  # the importer reads it back
    assert {f.key for f in header.columns.values()} >= {"application_no", "name", "id_number", "school"}
