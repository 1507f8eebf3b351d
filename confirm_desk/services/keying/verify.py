"""Verification against the national system (国家系统核对): the newest national export, as imported, against
what the desk decided, edited and keyed. Nothing is overwritten on either side; disagreements are listed and
a status conflict is settled by the clerk (audited).

The national side of each applicant is what the newest import holds: its status column (网报状态, found by
header through the field registry) is kept in `online_status`; a field edited here keeps its national value
as the edit's base (or a pending import conflict's incoming value).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from confirm_desk.domain.actors import ActorLike, actor_name
from confirm_desk.domain.errors import NotFound, RuleViolation
from confirm_desk.domain.fields import FIELDS_BY_KEY
from confirm_desk.domain.statuses import Status, status_from_text
from confirm_desk.services import audit
from confirm_desk.services.keying.state import ApplicantRow, DeskState, read_state
from confirm_desk.services.output_files import atomic_output
from confirm_desk.services.spreadsheets.safe import safe_cell
from confirm_desk.store.tables import import_conflict_table, utcnow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from confirm_desk.store.units import Unit

CATEGORIES = ("not_effective", "status_conflict", "edit_not_keyed", "decided_elsewhere")
CATEGORY_LABELS = {
    "not_effective": "已录入未生效",
    "status_conflict": "结论不一致",
    "edit_not_keyed": "修改未录入",
    "decided_elsewhere": "国家系统已确认、本机未确认",
}
CATEGORY_HINTS = {
    "not_effective": "本机已录入国家系统，但国家系统导出仍为“网报待确认”：录入未提交或未生效，请到国家系统核对。",
    "status_conflict": "国家系统的状态与本机结论不同：请核对后选择保留本机结论（重新录入）或采用国家系统结论。",
    "edit_not_keyed": "本机修改的字段，国家系统导出仍为原值：请到国家系统修改。",
    "decided_elsewhere": "国家系统已有确认结论，但本机从未作出结论：请核对是否在其他地方确认。",
}
XLSX_HEADERS = ("报名号", "证件号码", "姓名", "本机", "国家系统", "说明")
_DECIDED = frozenset(s for s in Status if s.decided)


class Settle(StrEnum):
    KEEP = "keep"  # 保留本机结论: the national system must be keyed again
    TAKE = "take"  # 采用国家系统结论: the desk takes the national status

    @property
    def label(self) -> str:
        return "保留本机结论（重新录入）" if self is Settle.KEEP else "采用国家系统结论"


@dataclass(frozen=True)
class Finding:
    applicant_id: int
    application_no: str
    id_number: str
    name: str
    desk: str
    national: str
    detail: str = ""
    field: str = ""  # edit_not_keyed: the field key
    settled: str = ""  # status_conflict: keep when the clerk kept the desk's decision

    def as_json(self) -> dict[str, str]:
        out = {"application_no": self.application_no, "id_number": self.id_number, "name": self.name,
               "desk": self.desk, "national": self.national, "detail": self.detail}
        if self.field:
            out["field"] = self.field
        if self.settled:
            out["settled"] = self.settled
        return out


@dataclass
class NationalReport:
    entries: dict[str, list[Finding]] = field(default_factory=lambda: {c: [] for c in CATEGORIES})
    decided: int = 0
    keyed: int = 0
    verified: int = 0
    imported: bool = False  # any national export imported at all

    def counts(self) -> dict[str, int]:
        return {c: len(self.entries[c]) for c in CATEGORIES}

    def as_json(self) -> dict[str, list[dict[str, str]]]:
        return {c: [f.as_json() for f in self.entries[c]] for c in CATEGORIES}

    def summary_zh(self) -> str:
        parts = [f"{CATEGORY_LABELS[c]} {n} 人" for c, n in self.counts().items() if n]
        head = f"已决定 {self.decided} · 已录入 {self.keyed} · 已核实 {self.verified}"
        return head + ("；国家系统核对：" + "，".join(parts) if parts else "；国家系统核对：无差异")


def _national(row: ApplicantRow) -> Status | None:
    return status_from_text(row.online_status or "")


def verified_ids(state: DeskState) -> set[int]:
    """Applicants keyed as they stand whose newest national export shows the desk's status and keyed fields."""
    out = set()
    by_id = {r.id: r for r in state.applicants}
    for applicant_id, record in state.keyed.items():
        row = by_id.get(applicant_id)
        if row is None or not state.keyed_current(applicant_id) or row.missing_from_import:
            continue
        if record.status and (record.status != row.status or _national(row) is not Status(record.status)):
            continue
        local = state.edits.get(applicant_id, {})
        if any(key in local for key in record.fields):
            continue  # still local: the national export does not show the keyed value
        out.add(applicant_id)
    return out


def national_report(session: Unit, state: DeskState | None = None) -> NationalReport:
    """The four lists for every applicant the newest export holds (applicants it no longer holds are left out:
    their national side is unknown)."""
    state = state or read_state(session)
    report = NationalReport(imported=state.last_import is not None)
    incoming = _pending_incoming(session)
    since = state.last_import
    for row in state.applicants:
        decided_here = state.decided_here(row)
        report.decided += decided_here
        report.keyed += state.keyed_current(row.id)
        if row.missing_from_import or since is None:
            continue
        national, desk = _national(row), Status(row.status)
        record = state.keyed.get(row.id)

        def add(category: str, desk_text: str, national_text: str, detail: str = "", key: str = "",
                settled: str = "", row: ApplicantRow = row) -> None:
            report.entries[category].append(Finding(row.id, row.application_no, row.id_number, row.name,
                                                    desk_text, national_text, detail, key, settled))

        if decided_here:
            if national is Status.PENDING:
                if record is not None and record.status and record.keyed_at is not None and record.keyed_at < since:
                    add("not_effective", desk.label, row.online_status,
                        f"{record.operator} 于 {_local(record.keyed_at)} 录入")
            elif national is not None and national is not desk:
                settled = record.settled if record is not None and record.settled_national == row.online_status else ""
                note = ""
                if settled == Settle.KEEP:
                    note = ("已保留本机结论并重新录入，待新的国家系统导出核实" if state.keyed_current(row.id)
                            else "已选择保留本机结论，待重新录入")
                add("status_conflict", desk.label, row.online_status, note, settled=settled)
        elif national in _DECIDED:
            add("decided_elsewhere", Status.PENDING.label if desk is not Status.DRAFT else desk.label,
                row.online_status)
        for key, edit in sorted(state.edits.get(row.id, {}).items()):
            if key not in FIELDS_BY_KEY or edit.at >= since:
                continue  # edited after the newest export: it cannot show it yet
            label = FIELDS_BY_KEY[key].label
            keyed = record is not None and key in record.fields
            add("edit_not_keyed", edit.value, incoming.get((row.id, key), edit.base),
                f"{label}（{'已录入' if keyed else '未录入'}）", key)
    report.verified = len(verified_ids(state))
    return report


def _pending_incoming(session: Unit) -> dict[tuple[int, str], str]:
    c = import_conflict_table.c
    rows = session.execute(select(c.applicant_id, c.field, c.incoming_value).where(c.resolution == ""))
    return {(a, f): v for a, f, v in rows}


def _local(at: dt.datetime) -> str:
    from confirm_desk.services.audit_trail import local_time

    return local_time(at).strftime("%Y-%m-%d %H:%M")


def settle_conflict(session: Session, applicant_id: int, choice: Settle | str, operator: ActorLike | None) -> Finding:
    """The clerk's answer to a national status that differs from the desk's decision (audited):
    KEEP puts the applicant back in the keying queue; TAKE records the national status as the desk's."""
    who = actor_name(operator)
    if not who:
        raise RuleViolation("未登录：处理国家系统核对必须记录操作员")
    choice = Settle(choice)
    from confirm_desk.store.models import Applicant, Decision, KeyingRecord

    report = national_report(session, read_state(session, [applicant_id]))
    finding = next((f for f in report.entries["status_conflict"] if f.applicant_id == applicant_id), None)
    if finding is None:
        raise NotFound("该申请人的国家系统状态与本机结论一致，无需处理")
    applicant = session.get(Applicant, applicant_id)
    assert applicant is not None
    national = status_from_text(applicant.online_status)
    assert national is not None
    record = session.scalar(select(KeyingRecord).where(KeyingRecord.applicant_id == applicant_id))
    if record is None:
        record = KeyingRecord(applicant_id=applicant_id, fields="{}")
        session.add(record)
    now = utcnow()
    if choice is Settle.KEEP:
        audit.record(session, "national_keep", who, applicant_id=applicant_id,
                     application_no=applicant.application_no, field="status", old=applicant.online_status,
                     new=Status(applicant.status).label)
        record.event_id = 0  # due again: the national system must be keyed with the desk's decision
    else:
        if national not in _DECIDED:
            raise RuleViolation(f"国家系统状态为“{applicant.online_status}”，不是确认结论，不能采用")
        old = Status(applicant.status)
        session.add(Decision(applicant_id=applicant_id, outcome=national.value,
                             reason=f"采用国家系统结论（{applicant.online_status}）", operator=who, decided_at=now))
        audit.record(session, "national_take", who, applicant_id=applicant_id,
                     application_no=applicant.application_no, field="status", old=old.value, new=national.value,
                     detail=f"本机“{old.label}”改为国家系统“{national.label}”")
        applicant.status = national.value
        applicant.updated_at = now  # bumps the version: the next batch carries the outcome
        session.flush()
        state = read_state(session, [applicant_id])
        record.event_id = state.last_event.get(applicant_id, 0) or 1  # the national system already shows it
        record.status, record.operator, record.keyed_at = national.value, who, now
        record.applicant_version = applicant.version
    record.settled, record.settled_national = choice.value, applicant.online_status
    if not record.fields:
        record.fields = json.dumps({})
    session.flush()
    return finding


def write_national_xlsx(report: NationalReport, path: Path | str) -> int:
    """A summary sheet (已决定 / 已录入 / 已核实 and the four counts), then one sheet per list; ID numbers as
    text, every cell formula-safe. Returns the rows written."""
    from openpyxl import Workbook

    book = Workbook()
    summary = book.active
    summary.title = "汇总"
    for label, value in (("已决定", report.decided), ("已录入", report.keyed), ("已核实", report.verified)):
        summary.append([label, value])
    written = 0
    for category in CATEGORIES:
        entries = report.entries[category]
        summary.append([CATEGORY_LABELS[category], len(entries)])
        sheet = book.create_sheet(CATEGORY_LABELS[category][:31])
        sheet.append(list(XLSX_HEADERS))
        for n, f in enumerate(entries, start=2):
            sheet.append([safe_cell(v) for v in (f.application_no, f.id_number, f.name, f.desk, f.national,
                                                   f.detail)])
            for col in (1, 2):
                sheet.cell(row=n, column=col).number_format = "@"
            written += 1
        for column, width in zip("ABCDEF", (16, 22, 10, 20, 20, 40), strict=True):
            sheet.column_dimensions[column].width = width
    summary.column_dimensions["A"].width = 28
    with atomic_output(Path(path), make_parents=True) as temp:  # whole or absent, user-only
        book.save(temp)
    return written
