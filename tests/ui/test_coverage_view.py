"""pytest-qt: the coverage view, the staff import dialog and the follow-up view over the samples."""

from __future__ import annotations

import datetime as dt
import json

from PySide6.QtCore import QDate, Qt

from confirm_desk.domain.coverage import CATEGORIES
from confirm_desk.services.coverage.staff import import_staff
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.widgets import messages


def _view(qtbot, store, opened):
    from confirm_desk.ui.coverage.view import CoverageView

    view = CoverageView(store, open_applicant=opened.append)
    qtbot.addWidget(view)
    view.as_of.setDate(QDate(2026, 3, 1))
    view.until.setDate(QDate(2026, 12, 31))
    view.refresh()
    return view


def test_counts_filter_open_and_export(qtbot, imported_store, samples, tmp_path) -> None:
    import_staff(imported_store, samples / "staff_list.xlsx")
    expected = json.loads((samples / "staff_expected.json").read_text(encoding="utf-8"))
    opened: list[int] = []
    view = _view(qtbot, imported_store, opened)
    for category in CATEGORIES:
        assert view.count(category) == len(expected[category])
    assert view.tabs.tabText(0) == f"应注册未报名（{len(expected['due_not_applied'])}）"

    # Double-click on an applicant (applied_not_due always has one) opens it; a non-applicant does not.
    view.show()
    view.tabs.setCurrentIndex(CATEGORIES.index("applied_not_due"))
    applied = view.views["applied_not_due"]
    centre = applied.visualRect(view.models["applied_not_due"].index(0, 0)).center()
    qtbot.mouseClick(applied.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(applied.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert opened == [view.models["applied_not_due"].id_at(0)] and opened[0] is not None

    school = "舟山市定海区城东幼儿园"
    view.school.setCurrentText(school)
    rows = view.models["due_not_applied"].rows
    assert rows and all(r[2] == school for r in rows)

    from openpyxl import load_workbook

    out = tmp_path / "coverage.xlsx"
    view.export_to(str(out))
    kind, text = messages.shown[-1]
    written = int(text.split("已导出 ")[1].split(" 行")[0])
    book = load_workbook(out)
    sheet = book["应注册未报名"]
    assert kind == "info" and sheet.max_row - 1 == len(rows) and written >= len(rows)
    assert isinstance(sheet["C2"].value, str) and sheet["C2"].number_format == "@"
    assert {r[1] for r in rows} == {sheet.cell(row=n, column=3).value for n in range(2, sheet.max_row + 1)}


def test_without_staff_list_says_what_to_do(qtbot, store) -> None:
    view = _view(qtbot, store, [])
    assert "尚未导入教职工名单" in view.summary.text()
    assert not view.export_button.isEnabled()


def test_staff_import_dialog_imports_and_shows_result(qtbot, store, samples) -> None:
    from confirm_desk.ui.coverage.staff_import_dialog import StaffImportDialog

    done = []
    dialog = StaffImportDialog(store, "clerk", JobRunner(None, synchronous=True), imported=done.append)
    qtbot.addWidget(dialog)
    dialog.file_edit.setText(str(samples / "staff_list.xlsx"))
    dialog.start()
    assert done and done[0].imported == 82
    assert dialog.result_dialog is not None and "新增 82 人" in dialog.result_dialog.summary.text()
    qtbot.addWidget(dialog.result_dialog)


def test_follow_up_view_ticks_materials_then_offers_the_decision(qtbot, imported_store) -> None:
    from sqlalchemy import select

    from confirm_desk.domain.statuses import Status
    from confirm_desk.preferences import preference
    from confirm_desk.services import accounts
    from confirm_desk.services.confirming.confirmation import CheckInput, load_check, save_check
    from confirm_desk.store.models import applicant_table as t
    from confirm_desk.ui.confirming.follow_up_view import FollowUpView
    from confirm_desk.ui.widgets import messages
    from tests.printing_helpers import MISSING

    with imported_store.session() as session:
        admin = accounts.create_first_admin(session, "wang", "王老师", "Admin#2026")
        applicant_id = session.scalar(select(t.c.id).where(t.c.status == "pending").order_by(t.c.id))
        state = load_check(session, applicant_id)
        save_check(session, applicant_id, CheckInput(outcome=Status.INCOMPLETE, missing=MISSING), admin,
                   state.version)
    opened: list[int] = []
    runner = JobRunner(None, synchronous=True)
    view = FollowUpView(imported_store, admin, runner, open_applicant=opened.append)
    qtbot.addWidget(view)
    assert view.model.rowCount() == 1
    assert view.model.rows[0][4] == "、".join(MISSING)
    days = preference("incomplete_deadline_days").default
    assert view.model.rows[0][6] == str(dt.date.today() + dt.timedelta(days=days))
    view.table.selectRow(0)
    messages.answers.append(True)
    view.materials_arrived(MISSING)
    assert view.model.rows[0][7] == "已补齐，待重新确认"
    assert opened == [applicant_id]


def test_abandoned_tab_lists_who_never_came(qtbot, imported_store) -> None:
    from confirm_desk.services import settings

    with imported_store.session() as session:
        settings.save(session, {"campaign_start": dt.date(2026, 9, 1), "campaign_end": dt.date(2026, 9, 30)})
    opened: list[int] = []
    view = _view(qtbot, imported_store, opened)
    assert view.tabs.tabText(view.abandoned_tab) == "未到现场确认（57）"  # 60 − 3 drafts, none decided
    assert "届时未确认的视为自动放弃" in view.abandoned_note.text()
    view.as_of.setDate(QDate(2026, 10, 1))
    view.refresh()
    assert view.tabs.tabText(view.abandoned_tab) == "视为自动放弃（57）"
    assert view.abandoned_model.rows[0][0] and view.abandoned_model.id_at(0) is not None
