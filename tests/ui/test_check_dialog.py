"""The check dialog driven like a clerk: log in, open by 报名号, mark, correct, tick, decide, save."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QLineEdit, QPushButton, QRadioButton, QWidget

from confirm_desk.domain.decisions import CompareMark, ConditionMark
from confirm_desk.domain.fields import FIELDS
from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants.listing import resolve
from confirm_desk.services.audit_trail import AuditFilter, list_events
from confirm_desk.services.confirming.confirmation import (
    CheckInput,
    latest_decision,
    load_check,
    material_labels,
    save_check,
)
from confirm_desk.ui.accounts.login_dialog import LoginDialog
from confirm_desk.ui.confirming.check_dialog import CheckDialog
from confirm_desk.ui.widgets import messages, prompts
from tests.accounts_helpers import CLERK_PW, fast_hasher, make_operators  # noqa: F401
from tests.ui.helpers import type_text

DRAFT, CERT_EDITABLE, CERT_ON_RECORD = "2025330000016", "2025500000002", "2025320000003"


@pytest.fixture
def clerk(imported_store, qtbot):
    """Logs in through the real login dialog."""
    make_operators(imported_store)
    login = LoginDialog(imported_store)
    qtbot.addWidget(login)
    login.show()
    type_text(login.username, "clerk")
    type_text(login.password, CLERK_PW)
    qtbot.mouseClick(login.ok_button, Qt.MouseButton.LeftButton)
    assert login.result() == QDialog.DialogCode.Accepted
    return login.account


def open_dialog(qtbot, store, number: str, operator, **kw) -> CheckDialog:
    with store.session() as session:
        applicant_id = resolve(session, number)  # what the scanner hands over
    dialog = CheckDialog(store, applicant_id, operator, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()  # shortcuts (F9, Ctrl+S) go to the active window
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def state_of(store, dialog: CheckDialog):
    with store.session() as session:
        return load_check(session, dialog.applicant_id)


def child(dialog: QWidget, cls, name: str):
    widget = dialog.findChild(cls, name)
    assert widget is not None, name
    return widget


def test_full_check_by_keyboard_and_mouse(qtbot, imported_store, clerk) -> None:
    dialog = open_dialog(qtbot, imported_store, CERT_EDITABLE, clerk)
    name_cell = dialog.fields.rows["name"].cell
    name_cell.setFocus()
    qtbot.keyClick(name_cell, Qt.Key.Key_Y)
    phone = dialog.fields.rows["phone"]
    qtbot.keyClick(phone.cell, Qt.Key.Key_N)
    assert phone.original.isEnabled()
    type_text(phone.original, "13900000000")
    subject = child(dialog, QLineEdit, "edit_teaching_subject")
    subject.clear()
    type_text(subject, "化学")  # a current-work-info field: the confirmer may correct it
    qtbot.keyClick(name_cell, Qt.Key.Key_F9)  # every other field: 一致
    assert dialog.fields.unmarked() == []
    for i in range(1, len(material_labels()) + 1):
        child(dialog, QCheckBox, f"material_{i}").click()
    for n in range(1, 8):
        child(dialog, QRadioButton, f"cond_{n}_met").click()
    child(dialog, QRadioButton, "outcome_confirmed").click()
    assert dialog.is_dirty()
    qtbot.keyClick(name_cell, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == QDialog.DialogCode.Accepted, messages.shown

    state = state_of(imported_store, dialog)
    assert state.status is Status.CONFIRMED and state.reprint_needed
    assert state.values["teaching_subject"] == "化学"
    expected = {f.key: CompareMark(True) for f in FIELDS} | {"phone": CompareMark(False, "13900000000")}
    assert state.compares == expected
    assert all(state.materials.values()) and state.conditions == [ConditionMark(True)] * 7
    with imported_store.session() as session:
        decision = latest_decision(session, dialog.applicant_id)
        events = list_events(session, AuditFilter(applicant_id=dialog.applicant_id))
    assert decision.operator == "clerk" and decision.outcome is Status.CONFIRMED
    mine = [e for e in events if e.action in ("edit", "compare", "material", "condition", "decision")]
    assert len(mine) == 1 + len(FIELDS) + 8 + 7 + 1 and {e.operator for e in mine} == {"clerk"}
    assert ("edit", "teaching_subject", "物理", "化学") in [
        (e.action, e.field, e.old_value, e.new_value) for e in events
    ]


def test_enter_moves_to_the_next_field(qtbot, imported_store, clerk) -> None:
    dialog = open_dialog(qtbot, imported_store, CERT_EDITABLE, clerk)
    first = dialog.fields.rows["application_no"].cell
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_Return)
    assert dialog.focusWidget() is dialog.fields.rows["name"].cell
    assert dialog.result() == 0 and dialog.isVisible()  # Enter never saves or closes


def test_draft_cannot_be_decided(qtbot, imported_store, clerk) -> None:
    dialog = open_dialog(qtbot, imported_store, DRAFT, clerk)
    assert dialog.read_only and not child(dialog, QPushButton, "save").isEnabled()
    assert "网报未完成" in dialog.header.text()
    assert not dialog.save() and messages.shown[-1][0] == "error"
    assert state_of(imported_store, dialog).status is Status.DRAFT


def test_certificate_on_record_has_no_editor(qtbot, imported_store, clerk) -> None:
    on_record = open_dialog(qtbot, imported_store, CERT_ON_RECORD, clerk)
    assert on_record.findChild(QWidget, "edit_cert_subject") is None
    assert on_record.findChild(QWidget, "edit_school") is not None
    assert on_record.findChild(QWidget, "value_cert_subject").text() == "体育"
    editable = open_dialog(qtbot, imported_store, CERT_EDITABLE, clerk)
    assert editable.findChild(QWidget, "edit_cert_subject") is not None
    assert editable.findChild(QWidget, "edit_name") is None  # never editable at the desk


def test_rejection_without_reason_is_refused_with_a_message(qtbot, imported_store, clerk) -> None:
    dialog = open_dialog(qtbot, imported_store, CERT_EDITABLE, clerk)
    child(dialog, QRadioButton, "outcome_rejected").click()
    assert not dialog.save()
    assert messages.shown[-1] == ("error", "确认未通过必须填写原因")
    assert dialog.isVisible() and state_of(imported_store, dialog).status is Status.PENDING
    type_text(child(dialog, QLineEdit, "decision_reason"), "证书与原件不符")
    assert dialog.save()
    assert state_of(imported_store, dialog).status is Status.REJECTED


def test_a_note_typed_without_a_conclusion_stays_in_its_box_after_saving_the_marks(qtbot, imported_store,
                                                                                  clerk) -> None:
    """The marks are saved; the 原因/说明 is stored only with a conclusion: it stays typed (and unsaved: closing
    asks), and the status line says so, instead of vanishing when the form is rebuilt."""
    dialog = open_dialog(qtbot, imported_store, CERT_EDITABLE, clerk)
    qtbot.keyClick(dialog.fields.rows["name"].cell, Qt.Key.Key_Y)
    type_text(child(dialog, QLineEdit, "decision_reason"), "原件已核验，待补盖章")
    assert dialog.save()
    stored = state_of(imported_store, dialog)
    assert stored.status is Status.PENDING and stored.compares  # the mark is in the store
    rebuilt = dialog.decision  # the form after the save (the old one is only scheduled for deletion)
    assert rebuilt.reason.text() == "原件已核验，待补盖章"
    assert "选定结论后才随结论保存" in dialog.status_note.text()
    assert dialog.is_dirty()
    rebuilt.buttons[Status.REJECTED].click()
    assert dialog.save()
    with imported_store.session() as session:
        decision = latest_decision(session, dialog.applicant_id)
    assert decision.outcome is Status.REJECTED and decision.reason == "原件已核验，待补盖章"


def test_incomplete_lists_the_unticked_materials(qtbot, imported_store, clerk) -> None:
    dialog = open_dialog(qtbot, imported_store, CERT_EDITABLE, clerk)
    labels = material_labels()
    for i in (1, 2, 3, 5, 6, 7, 8):
        child(dialog, QCheckBox, f"material_{i}").click()
    child(dialog, QRadioButton, "outcome_incomplete").click()
    assert dialog.decision.missing_materials() == [labels[3]]
    assert dialog.save()
    with imported_store.session() as session:
        decision = latest_decision(session, dialog.applicant_id)
    assert decision.outcome is Status.INCOMPLETE and decision.missing == [labels[3]]


def test_closing_with_unsaved_changes_asks_first(qtbot, imported_store, clerk) -> None:
    dialog = open_dialog(qtbot, imported_store, CERT_EDITABLE, clerk)
    qtbot.keyClick(dialog.fields.rows["name"].cell, Qt.Key.Key_Y)
    messages.answers.append(False)  # "no, keep the dialog"
    dialog.reject()
    assert dialog.isVisible() and messages.shown[-1][0] == "ask"
    messages.answers.append(True)
    dialog.reject()
    assert not dialog.isVisible()
    assert state_of(imported_store, dialog).compares == {}  # nothing saved


def test_reopening_a_decided_applicant_asks_for_a_reason(qtbot, imported_store, clerk) -> None:
    with imported_store.session() as session:
        applicant_id = resolve(session, CERT_EDITABLE)
        version = load_check(session, applicant_id).version
        save_check(session, applicant_id, CheckInput(outcome=Status.CONFIRMED,
                                                     override_reason="测试：越过检查"), "clerk", version)
    prompts.text_answers.append(None)  # the clerk cancels the prompt: view only
    dialog = open_dialog(qtbot, imported_store, CERT_EDITABLE, clerk)
    assert messages.shown[-1][0] == "prompt" and dialog.read_only
    prompts.text_answers.append("申请人补交了聘用合同")
    assert dialog.ask_reopen() and not dialog.read_only
    qtbot.keyClick(dialog.fields.rows["name"].cell, Qt.Key.Key_Y)
    assert dialog.save()
    state = state_of(imported_store, dialog)
    assert state.status is Status.PENDING and state.compares == {"name": CompareMark(True)}
    with imported_store.session() as session:
        reopen = list_events(session, AuditFilter(action="reopen"))
    assert [(e.operator, e.detail) for e in reopen] == [("clerk", "申请人补交了聘用合同")]
