"""The check dialog with another seat on the same store: the banner, the claim, a save that came second."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QRadioButton

from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants.listing import resolve
from confirm_desk.services.confirming import seats
from confirm_desk.services.confirming.confirmation import CheckInput, latest_decision, load_check, save_check
from confirm_desk.ui.widgets import messages
from tests.accounts_helpers import fast_hasher, make_operators  # noqa: F401
from tests.ui.helpers import type_text
from tests.ui.test_check_dialog import CERT_EDITABLE, child, open_dialog, state_of


def _holders(store, number: str) -> list[str]:
    with store.session() as session:
        return [h.operator for h in seats.holders(session, resolve(session, number))]


def test_banner_names_the_other_seat_and_the_claim_ends_with_the_dialog(qtbot, imported_store) -> None:
    _admin, clerk = make_operators(imported_store)
    with imported_store.session() as session:
        seats.claim(session, resolve(session, CERT_EDITABLE), "wang", seat="desk-2#42")
    dialog = open_dialog(qtbot, imported_store, CERT_EDITABLE, clerk)
    banner = dialog.seat_banner
    assert banner.isVisible() and "wang（desk-2，" in banner.text()
    assert _holders(imported_store, CERT_EDITABLE) == ["wang", "clerk"]
    with imported_store.session() as session:
        seats.release(session, dialog.applicant_id, "wang", seat="desk-2#42")
    banner.renew()  # what the timer does every RENEW_SECONDS
    assert not banner.isVisible() and banner.timer.isActive()
    dialog.reject()
    assert _holders(imported_store, CERT_EDITABLE) == [] and not banner.timer.isActive()


def test_refused_save_reloads_and_keeps_what_was_typed(qtbot, imported_store) -> None:
    _admin, clerk = make_operators(imported_store)
    dialog = open_dialog(qtbot, imported_store, CERT_EDITABLE, clerk)
    child(dialog, QRadioButton, "outcome_rejected").click()
    type_text(child(dialog, QLineEdit, "decision_reason"), "证书与原件不符")
    subject = child(dialog, QLineEdit, "edit_teaching_subject")
    subject.clear()
    type_text(subject, "化学")
    # Meanwhile another seat confirms the same applicant.
    with imported_store.session() as session:
        version = load_check(session, dialog.applicant_id).version
        save_check(session, dialog.applicant_id, CheckInput(outcome=Status.CONFIRMED,
                                                            override_reason="测试：越过检查"), "wang", version)

    assert not dialog.save()
    kind, text = messages.shown[-1]
    assert kind == "error" and "wang 于" in text and "确认结论" in text and "已保留" in text
    assert dialog.isVisible() and dialog.state.status is Status.CONFIRMED  # the current values shown
    assert "wang" in dialog.header.text() and dialog.read_only  # decided: re-opening needs a reason
    assert dialog.fields.rows["teaching_subject"].editor.text() == "物理"  # the rebuilt form
    with imported_store.session() as session:
        assert latest_decision(session, dialog.applicant_id).operator == "wang"  # never overwritten

    dialog.kept_bar.button.click()
    assert dialog.fields.rows["teaching_subject"].editor.text() == "化学"
    assert dialog.decision.outcome() is Status.REJECTED
    assert dialog.decision.reason.text() == "证书与原件不符"
    assert not dialog.kept_bar.isVisible()
    assert state_of(imported_store, dialog).status is Status.CONFIRMED
