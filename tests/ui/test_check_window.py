"""CAL-1 in the check dialog: outside the 确认 window a confirmer cannot decide; an administrator gives a reason."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QRadioButton

from confirm_desk.domain.statuses import Status
from confirm_desk.services import settings
from confirm_desk.services.applicants.listing import resolve
from confirm_desk.services.audit_trail import AuditFilter, list_events
from confirm_desk.services.confirming.confirmation import latest_decision
from confirm_desk.ui.confirming.check_dialog import CheckDialog
from confirm_desk.ui.widgets import messages, prompts
from tests.accounts_helpers import fast_hasher, make_operators  # noqa: F401

NUMBER = "2025320000003"


def _closed_window(store) -> None:
    today = dt.date.today()
    with store.session() as session:
        settings.save(session, {"campaign_start": today - dt.timedelta(days=20),
                                "campaign_end": today - dt.timedelta(days=1)})


def _dialog(qtbot, store, operator) -> CheckDialog:
    with store.session() as session:
        applicant_id = resolve(session, NUMBER)
    dialog = CheckDialog(store, applicant_id, operator)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_confirmer_outside_the_window_is_told(qtbot, imported_store) -> None:
    _admin, clerk = make_operators(imported_store)
    _closed_window(imported_store)
    dialog = _dialog(qtbot, imported_store, clerk)
    dialog.findChild(QRadioButton, "outcome_rejected").click()
    dialog.decision.reason.setText("证书不符")
    assert dialog.save() is False
    assert any("不在现场确认时间内" in str(m) for m in messages.shown)
    with imported_store.session() as session:
        assert latest_decision(session, resolve(session, NUMBER)) is None


def test_administrator_overrides_with_a_reason(qtbot, imported_store) -> None:
    admin, _clerk = make_operators(imported_store)
    _closed_window(imported_store)
    dialog = _dialog(qtbot, imported_store, admin)
    dialog.findChild(QRadioButton, "outcome_rejected").click()
    dialog.decision.reason.setText("证书不符")
    prompts.text_answers.append("县教育局同意延期确认")
    assert dialog.save() is True
    with imported_store.session() as session:
        decision = latest_decision(session, resolve(session, NUMBER))
        assert decision.outcome is Status.REJECTED
        events = list_events(session, AuditFilter(action="window_override"))
    assert [e.detail for e in events] == ["admin：县教育局同意延期确认"]
