"""Keying into the national system and verifying it against a newer national export (issue 21): the queue's
steps and order, marking keyed (audited, due again after a change), the four lists after a re-export in which
statuses and fields changed, settling a status conflict, the counts in the import result and the day pack."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from confirm_desk.domain.errors import KnownError, RuleViolation
from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants.listing import resolve
from confirm_desk.services.confirming.confirmation import CheckInput, load_check, material_labels, save_check
from confirm_desk.services.importing.applicants import import_applicants
from confirm_desk.services.keying.queue import keying_item, keying_progress, keying_queue, mark_keyed
from confirm_desk.services.keying.verify import Settle, national_report, settle_conflict, write_national_xlsx
from confirm_desk.store.models import AuditEvent, KeyingRecord
from tests.test_reconcile import changed_export

EDITED, REJECTED, INCOMPLETE, CONFLICT, ELSEWHERE, UNKEYED = (
    "2025500000002", "2025320000003", "2025330000004", "2025500000005", "2025320000006", "2025330000007")


def _save(store, number: str, **data) -> None:
    if data.get("outcome") is Status.CONFIRMED:  # the decision guard: marks not ticked in these tests
        data.setdefault("override_reason", "原件已当面核对")
    with store.session() as session:
        state = load_check(session, resolve(session, number))
        save_check(session, state.applicant_id, CheckInput(**data), "li", state.version)


def _decide(store, number: str, outcome: Status, **extra) -> None:
    _save(store, number, outcome=outcome, **extra)


@pytest.fixture
def decided(imported_store):
    """Five decisions and one edit at the desk, in this order."""
    store = imported_store
    _save(store, EDITED, edits={"school": "舟山市第一中学"}, outcome=Status.CONFIRMED)
    _decide(store, REJECTED, Status.REJECTED, reason="师德考核不合格")
    labels = material_labels()
    _decide(store, INCOMPLETE, Status.INCOMPLETE, missing=[labels[0], labels[2]])
    _decide(store, CONFLICT, Status.CONFIRMED)
    _decide(store, UNKEYED, Status.CONFIRMED)
    return store


def test_queue_lists_steps_in_the_national_page_order(decided) -> None:
    with decided.session() as session:
        queue = keying_queue(session)
        before = {s.key: s.national for s in keying_item(session, resolve(session, EDITED)).steps if s.key}
    assert [i.application_no for i in queue] == [EDITED, REJECTED, INCOMPLETE, CONFLICT, UNKEYED]
    first = queue[0]
    assert [(s.kind, s.label) for s in first.steps] == [("find", "报名号"), ("field", "现任教学校"),
                                                        ("conclusion", "确认结论")]
    assert first.steps[0].value == EDITED
    assert first.steps[1].value == "舟山市第一中学" and first.steps[1].national == before["school"] != ""
    assert first.steps[2].value == "确认已通过"
    assert [(s.kind, s.value) for s in queue[1].steps[1:]] == [("conclusion", "确认未通过"),
                                                               ("reason", "师德考核不合格")]
    labels = material_labels()
    assert queue[2].steps[-1].value == f"{labels[0]}、{labels[2]}"
    assert queue[0].as_json()["steps"][1] == {"kind": "field", "label": "现任教学校", "value": "舟山市第一中学",
                                              "field": "school", "national": before["school"]}


def test_mark_keyed_is_audited_and_a_later_change_makes_it_due_again(decided) -> None:
    with decided.session() as session:
        with pytest.raises(RuleViolation):
            mark_keyed(session, [EDITED], "")
        result = mark_keyed(session, [EDITED, REJECTED, "2025330000001", "9999"], "li")
    assert result.marked == [EDITED, REJECTED]
    assert result.not_due == ["2025330000001"] and result.unknown == ["9999"]
    with decided.session() as session:
        assert [i.application_no for i in keying_queue(session)] == [INCOMPLETE, CONFLICT, UNKEYED]
        progress = keying_progress(session)
        assert (progress.decided, progress.keyed, progress.verified, progress.due) == (5, 2, 0, 3)
        record = session.scalar(select(KeyingRecord).join(AuditEvent, AuditEvent.applicant_id ==
                                                          KeyingRecord.applicant_id)
                                .where(AuditEvent.application_no == EDITED, AuditEvent.action == "keyed"))
        assert record.operator == "li" and record.status == "confirmed" and record.keyed_at is not None
        assert json.loads(record.fields) == {"school": "舟山市第一中学"}
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "keyed",
                                                        AuditEvent.application_no == REJECTED))
        assert event.operator == "li" and event.new_value == "确认未通过" and "师德考核不合格" in event.detail
        again = mark_keyed(session, [EDITED], "li")
        assert again.marked == [] and again.not_due == [EDITED]
    # A later edit (or decision) makes it due again, and the item says it was keyed before.
    _save(decided, EDITED, edits={"teaching_subject": "历史"}, reopen_reason="补录学科")
    with decided.session() as session:
        queue = keying_queue(session)
        item = next(i for i in queue if i.application_no == EDITED)
        assert item.keyed_before and [s.key for s in item.steps if s.key] == ["school", "teaching_subject"]
        with pytest.raises(KnownError, match="刷新"):
            mark_keyed(session, [item.applicant_id], "li", seen={item.applicant_id: item.event_id - 1})
        assert mark_keyed(session, [item.applicant_id], "li", seen={item.applicant_id: item.event_id}).marked


def test_reexport_with_changed_statuses_and_fields_is_reported_never_overwritten(decided, samples, tmp_path) -> None:
    store = decided
    with store.session() as session:
        mark_keyed(session, [EDITED, REJECTED, CONFLICT], "li")
        school_before = keying_item(session, resolve(session, EDITED)).steps[1].national
    newer = changed_export(samples, tmp_path / "newer.xlsx", {
        EDITED: {"网报状态": "确认已通过"},  # the decision arrived, the school edit did not
        REJECTED: {},  # still 网报待确认: keyed here, not effective
        CONFLICT: {"网报状态": "确认未通过"},
        ELSEWHERE: {"网报状态": "确认已通过"},
        UNKEYED: {},  # not keyed yet: nothing to report, it is in the queue
        "2025330000010": {"网报状态": "申请材料不全"},
    })
    result = import_applicants(store, newer, operator="li")
    assert result.national == {"not_effective": 1, "status_conflict": 1, "edit_not_keyed": 1,
                               "decided_elsewhere": 2}
    assert "国家系统核对" in result.summary_zh()
    with store.session() as session:
        report = national_report(session)
        data = report.as_json()
        assert [f["application_no"] for f in data["not_effective"]] == [REJECTED]
        assert data["not_effective"][0]["desk"] == "确认未通过" and data["not_effective"][0]["national"] == "网报待确认"
        assert [(f["application_no"], f["desk"], f["national"]) for f in data["status_conflict"]] == [
            (CONFLICT, "确认已通过", "确认未通过")]
        assert [(f["application_no"], f["field"], f["desk"], f["national"]) for f in data["edit_not_keyed"]] == [
            (EDITED, "school", "舟山市第一中学", school_before)]
        assert sorted(f["application_no"] for f in data["decided_elsewhere"]) == [ELSEWHERE, "2025330000010"]
        assert set(data["status_conflict"][0]) >= {"application_no", "id_number", "desk", "national"}
        # Neither side overwritten: the desk keeps its decision and its edit.
        assert load_check(session, resolve(session, CONFLICT)).status is Status.CONFIRMED
        assert load_check(session, resolve(session, EDITED)).values["school"] == "舟山市第一中学"
        assert (report.decided, report.keyed, report.verified) == (5, 3, 0)

        # The clerk settles the conflict: keep puts it back in the queue (audited).
        conflict_id = resolve(session, CONFLICT)
        settle_conflict(session, conflict_id, Settle.KEEP, "li")
        assert CONFLICT in [i.application_no for i in keying_queue(session)]
        kept = national_report(session).entries["status_conflict"][0]
        assert kept.settled == "keep" and "保留本机" in kept.detail
        with pytest.raises(RuleViolation):
            settle_conflict(session, conflict_id, Settle.TAKE, "")
        settle_conflict(session, conflict_id, Settle.TAKE, "li")
        assert load_check(session, conflict_id).status is Status.REJECTED
        assert national_report(session).entries["status_conflict"] == []
        assert CONFLICT not in [i.application_no for i in keying_queue(session)]
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.applicant_id == conflict_id,
                                                                 AuditEvent.action.like("national_%"))).all()
        assert actions == ["national_keep", "national_take"]

    # The next export shows the school: the edit is verified, the applicant counts as 已核实.
    newest = changed_export(samples, tmp_path / "newest.xlsx", {
        EDITED: {"网报状态": "确认已通过", "现任教学校": "舟山市第一中学"},
        REJECTED: {"网报状态": "确认未通过"},
        CONFLICT: {"网报状态": "确认未通过"},
    })
    again = import_applicants(store, newest, operator="li")
    assert again.national["edit_not_keyed"] == 0 and again.national["not_effective"] == 0
    with store.session() as session:
        progress = keying_progress(session)
        assert progress.verified == 3  # EDITED, REJECTED and the settled CONFLICT
        out = tmp_path / "national.xlsx"
        write_national_xlsx(national_report(session), out)
    book = load_workbook(out)
    assert [r for r in book["汇总"].iter_rows(max_row=3, values_only=True)] == [
        ("已决定", 5), ("已录入", 3), ("已核实", 3)]
    assert book.sheetnames == ["汇总", "已录入未生效", "结论不一致", "修改未录入", "国家系统已确认、本机未确认"]


def test_day_pack_summarises_keying(decided, tmp_path: Path) -> None:
    from confirm_desk.services.reports.day_pack import export_day

    with decided.session() as session:
        mark_keyed(session, [EDITED], "li")
    pack = export_day(decided, tmp_path / "day.zip")
    with zipfile.ZipFile(pack.path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert "国家系统核对.xlsx" in archive.namelist()
    assert manifest["keying"] == {"decided": 5, "keyed": 1, "verified": 0, "due": 4}
