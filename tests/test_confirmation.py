"""The check service: compare marks, edits, materials, conditions and decisions, in one transaction each."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from confirm_desk.domain.decisions import CompareMark, ConditionMark, prefill_conditions
from confirm_desk.domain.errors import RuleViolation, StaleRecord
from confirm_desk.domain.statuses import Status
from confirm_desk.services import accounts
from confirm_desk.services.applicants.listing import resolve
from confirm_desk.services.audit_trail import AuditFilter, export_audit, list_events
from confirm_desk.services.confirming.confirmation import (
    CheckInput,
    latest_decision,
    load_check,
    material_labels,
    save_check,
)
from confirm_desk.store.models import AuditEvent, Decision
from tests.accounts_helpers import CLERK_PW, fast_hasher, make_operators  # noqa: F401

DRAFT, CERT_EDITABLE, CERT_ON_RECORD = "2025330000016", "2025500000002", "2025320000003"


def _state(store, number: str):
    with store.session() as session:
        return load_check(session, resolve(session, number))


def _save(store, number: str, data: CheckInput, who: str = "clerk"):
    state = _state(store, number)
    with store.session() as session:
        return save_check(session, state.applicant_id, data, who, state.version)


def _all_met() -> list[ConditionMark]:
    return [ConditionMark(True) for _ in range(7)]


def test_draft_cannot_be_decided(imported_store) -> None:
    assert _state(imported_store, DRAFT).status is Status.DRAFT
    with pytest.raises(RuleViolation, match="网报未完成"):
        _save(imported_store, DRAFT, CheckInput(outcome=Status.CONFIRMED,
                                                override_reason="测试：越过检查", conditions=_all_met()))


def test_certificate_on_record_cannot_be_edited(imported_store) -> None:
    state = _state(imported_store, CERT_ON_RECORD)
    assert state.cert_on_record and "cert_subject" not in state.editable and "school" in state.editable
    with pytest.raises(RuleViolation, match="不能修改"):
        _save(imported_store, CERT_ON_RECORD, CheckInput(edits={"cert_subject": "语文"}))
    with pytest.raises(RuleViolation, match="不能在确认点修改"):
        _save(imported_store, CERT_ON_RECORD, CheckInput(edits={"name": "张三"}))
    assert _state(imported_store, CERT_ON_RECORD).values["cert_subject"] == "体育"


def test_edit_sets_reprint_flag_and_audits_old_and_new(imported_store) -> None:
    before = _state(imported_store, CERT_EDITABLE)
    assert not before.cert_on_record and "cert_subject" in before.editable and not before.reprint_needed
    result = _save(
        imported_store,
        CERT_EDITABLE,
        CheckInput(
            edits={"cert_subject": "化学", "hired_on": "2021年9月1日", "school": before.values["school"]}
        ),
    )
    after = _state(imported_store, CERT_EDITABLE)
    assert (
        after.reprint_needed
        and after.values["cert_subject"] == "化学"
        and after.values["hired_on"] == "2021-09-01"
    )
    assert result.changes == 2 and result.version == before.version + 1 == after.version
    assert "subject_differs" in {f.code for f in after.findings}  # flags refreshed from the new values
    with imported_store.session() as session:
        edits = [
            (e.field, e.old_value, e.new_value, e.operator)
            for e in list_events(session, AuditFilter(applicant_id=after.applicant_id, action="edit"))
        ]
    assert edits == [
        ("cert_subject", "物理", "化学", "clerk"),
        ("hired_on", "2021-08-01", "2021-09-01", "clerk"),
    ]


def test_rejection_needs_reason_incomplete_needs_missing(imported_store) -> None:
    with pytest.raises(RuleViolation, match="必须填写原因"):
        _save(imported_store, CERT_EDITABLE, CheckInput(outcome=Status.REJECTED, reason="  "))
    with pytest.raises(RuleViolation, match="缺少的材料"):
        _save(imported_store, CERT_EDITABLE, CheckInput(outcome=Status.INCOMPLETE))
    with pytest.raises(RuleViolation, match="不具备"):
        _save(imported_store, CERT_EDITABLE, CheckInput(conditions=[ConditionMark(False), *_all_met()[1:]]))
    with pytest.raises(RuleViolation, match="原件显示"):
        _save(imported_store, CERT_EDITABLE, CheckInput(compares={"name": CompareMark(False, "")}))
    assert _state(imported_store, CERT_EDITABLE).status is Status.PENDING


def test_full_check_is_stored_with_operator_and_decision(imported_store) -> None:
    materials = material_labels()
    data = CheckInput(
        compares={"name": CompareMark(True), "phone": CompareMark(False, "13900000000")},
        materials={m: m != materials[3] for m in materials},
        conditions=[ConditionMark(True)] * 4 + [ConditionMark(False, "学时不足")] + [ConditionMark(True)] * 2,
        outcome=Status.INCOMPLETE,
        missing=[materials[3]],
        reason="补交后再确认",
    )
    _save(imported_store, CERT_EDITABLE, data)
    state = _state(imported_store, CERT_EDITABLE)
    assert state.status is Status.INCOMPLETE
    assert state.compares == {"name": CompareMark(True, ""), "phone": CompareMark(False, "13900000000")}
    assert [m for m, ok in state.materials.items() if not ok] == [materials[3]]
    assert state.conditions[4] == ConditionMark(False, "学时不足") and state.conditions_saved
    with imported_store.session() as session:
        decision = latest_decision(session, state.applicant_id)
    assert decision.outcome is Status.INCOMPLETE and decision.missing == [materials[3]]
    assert decision.operator == "clerk" and decision.conditions[4] == (False, "学时不足")
    assert isinstance(decision.decided_at, dt.datetime)
    # 申请材料不全 may simply be completed later; then confirmed.
    _save(imported_store, CERT_EDITABLE, CheckInput(materials={materials[3]: True}, outcome=Status.CONFIRMED,
                                                    override_reason="测试：越过检查"))
    assert _state(imported_store, CERT_EDITABLE).status is Status.CONFIRMED


def test_decided_applicant_reopens_only_with_reason(imported_store) -> None:
    _save(imported_store, CERT_EDITABLE, CheckInput(outcome=Status.CONFIRMED, override_reason="测试：越过检查"))
    with pytest.raises(RuleViolation, match="重新打开"):
        _save(imported_store, CERT_EDITABLE, CheckInput(outcome=Status.REJECTED, reason="证书不符"))
    _save(imported_store, CERT_EDITABLE, CheckInput(reopen_reason="申请人补充了材料"))
    state = _state(imported_store, CERT_EDITABLE)
    assert state.status is Status.PENDING and state.decision is None
    with imported_store.session() as session:
        assert latest_decision(session, state.applicant_id) is None
        assert session.scalar(select(func.count()).select_from(Decision)) == 1
        reopen = list_events(session, AuditFilter(action="reopen"))
    assert reopen[0].detail == "申请人补充了材料" and reopen[0].old_value == "confirmed"


def test_stale_version_is_refused(imported_store) -> None:
    state = _state(imported_store, CERT_EDITABLE)
    _save(imported_store, CERT_EDITABLE, CheckInput(edits={"school": "新学校"}))
    with imported_store.session() as session, pytest.raises(StaleRecord):
        save_check(
            session, state.applicant_id, CheckInput(edits={"school": "另一学校"}), "clerk", state.version
        )


def test_conditions_prefilled_from_stage_rule() -> None:
    assert prefill_conditions({"cert_type": "小学教师资格", "teaching_stage": "初级中学"})[0].met is False
    assert prefill_conditions({"cert_type": "高级中学教师资格", "teaching_stage": "小学"})[0].met is True
    marks = prefill_conditions({"cert_type": "", "teaching_stage": "小学"})
    assert all(m.met is None for m in marks) and len(marks) == 7


def test_audit_export_lists_every_event_of_a_session_in_order(imported_store, tmp_path) -> None:
    make_operators(imported_store)
    accounts.authenticate(imported_store, "clerk", CLERK_PW)
    with imported_store.session() as session:
        accounts.login(session, "clerk", "wrong")
    _save(
        imported_store,
        CERT_EDITABLE,
        CheckInput(edits={"school": '=HYPERLINK("x")'}, compares={"name": CompareMark(True)}),
    )
    _save(imported_store, CERT_EDITABLE, CheckInput(outcome=Status.REJECTED, reason="证书与原件不符"))
    out = tmp_path / "audit.xlsx"
    with imported_store.session() as session:
        expected = [(e.id, e.action) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        count = export_audit(session, out)
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "时间", "操作员", "操作") and count == len(rows) - 1 == len(expected)
    assert [r[0] for r in rows[1:]] == [i for i, _ in expected]
    tail = [(r[2], r[3], r[5], r[7]) for r in rows[-7:]]
    assert tail == [
        ("admin", "新增用户", "角色", "admin"),
        ("admin", "新增用户", "角色", "confirmer"),
        ("clerk", "登录", None, None),
        ("clerk", "登录失败", None, None),
        ("clerk", "修改字段", "现任教学校", '\'=HYPERLINK("x")'),  # formula-escaped
        ("clerk", "核对原件", "姓名", "一致"),
        ("clerk", "确认结论", "确认状态", "rejected"),
    ]
