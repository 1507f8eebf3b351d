"""The evidence in the check dialog (prefilled, with numbers; overriding needs a reason, audited) and the
import dialog reached from the 文件 menu."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel, QLineEdit, QRadioButton

from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants.listing import resolve
from confirm_desk.services.audit_trail import AuditFilter, list_events
from confirm_desk.store.models import applicant_table
from confirm_desk.ui.evidence.import_dialog import EvidenceImportDialog
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.widgets import messages
from tests.evidence_helpers import write_xlsx
from tests.ui.test_check_dialog import clerk, open_dialog  # noqa: F401 (fixture)

NUMBER = "2025330000001"


def _id_number(store) -> str:
    from sqlalchemy import select

    with store.session() as session:
        return session.scalar(select(applicant_table.c.id_number).where(applicant_table.c.application_no == NUMBER))


def test_import_dialog_then_check_dialog_shows_and_guards_the_evidence(qtbot, imported_store, clerk,  # noqa: F811
                                                                      tmp_path: Path) -> None:
    ident = _id_number(imported_store)
    hours = write_xlsx(tmp_path / "学时.xlsx", [["身份证号码", "年度", "学时"], [ident, 2023, 312], ["x", 2023, 1]])
    dialog = EvidenceImportDialog(imported_store, "clerk", JobRunner(None, synchronous=True))
    qtbot.addWidget(dialog)
    dialog.file_edit.setText(str(hours))
    dialog.start()
    result = dialog.import_result
    assert result is not None and result.imported == 1 and len(result.errors) == 1
    dialog.result_dialog.close()

    check = open_dialog(qtbot, imported_store, NUMBER, clerk)
    label = check.findChild(QLabel, "cond_5_evidence")
    assert "培训学时 312/360，差 48 学时" in label.text() and "不具备" in label.text()
    assert check.findChild(QRadioButton, "cond_5_not_met").isChecked()  # prefilled from the evidence
    assert "建议结论" in check.findChild(QLabel, "suggestion").text()
    # Overriding the evidence: the reason box opens and a reason is required.
    check.findChild(QRadioButton, "cond_5_met").setChecked(True)
    reason = check.findChild(QLineEdit, "cond_5_reason")
    assert reason.isEnabled() and "原因" in reason.placeholderText()
    reason.clear()
    assert not check.save() and "第 5 项注册条件" in messages.shown[-1][1]
    reason.setText("已补交 2025 年学时证明 60 学时")
    assert check.save(), messages.shown
    with imported_store.session() as session:
        events = list_events(session, AuditFilter(applicant_id=resolve(session, NUMBER)))
    override = [e for e in events if e.action == "condition_override"]
    assert override and "培训学时 312/360" in override[0].old_value and "已补交" in override[0].detail
    assert check.state.status is Status.PENDING or check.state.status.operable


def test_menu_entry_opens_the_import_dialog(qtbot, imported_store, make_window) -> None:
    window = make_window(imported_store)
    assert window.menus.act_import_evidence in window.menus.file_menu.actions()
    window.menus.act_import_evidence.trigger()
    dialogs = window.findChildren(EvidenceImportDialog)
    assert dialogs and dialogs[0].kind_box.count() == 3
