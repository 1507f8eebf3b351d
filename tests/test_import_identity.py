"""Issue 18 item 3: a re-import where the ID number behind a 报名号 changed is reported, never applied, and
never carries the decision taken here over to another person."""

from __future__ import annotations

from sqlalchemy import select

from confirm_desk.domain.idnumbers import check_char
from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants.listing import resolve
from confirm_desk.services.confirming.confirmation import CheckInput, load_check, save_check
from confirm_desk.services.importing.applicants import import_applicants
from confirm_desk.store.models import AuditEvent
from tests.test_reconcile import NUMBER, changed_export


def test_another_person_behind_a_known_application_number_is_reported_not_applied(imported_store, samples,
                                                                                  tmp_path) -> None:
    with imported_store.session() as session:
        applicant_id = resolve(session, NUMBER)
        state = load_check(session, applicant_id)
        save_check(session, applicant_id, CheckInput(outcome=Status.CONFIRMED, override_reason="测试：越过检查"),
                   "clerk", state.version)
    first17 = "50011419900101123"
    stranger = first17 + check_char(first17)
    newer = changed_export(samples, tmp_path / "newer.xlsx", {NUMBER: {"姓名": "另一人", "证件号码": stranger}})

    result = import_applicants(imported_store, newer, operator="clerk")

    errors = [e for e in result.errors if NUMBER in e.message]
    assert len(errors) == 1 and errors[0].column == "证件号码" and "可能是另一个人" in errors[0].message
    assert state.values["name"] in errors[0].message and "另一人" in errors[0].message
    assert stranger not in errors[0].message  # masked, like everywhere on screen
    with imported_store.session() as session:
        after = load_check(session, applicant_id)
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "import_identity")).all()
    assert after.values["id_number"] == state.values["id_number"] and after.values["name"] == state.values["name"]
    assert after.status is Status.CONFIRMED  # the decision stays with the person it was made for
    assert [(e.application_no, e.operator) for e in events] == [(NUMBER, "clerk")]
    assert result.error_count >= 1
