"""The keying queue (国家系统录入): every applicant whose decision or edits are not yet keyed into the national
system, each as the steps of the national 确认 page; marking an applicant keyed (operator, time, audited)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from confirm_desk.domain.actors import ActorLike, actor_name
from confirm_desk.domain.errors import KnownError, NotFound, RuleViolation
from confirm_desk.domain.fields import FIELDS, FIELDS_BY_KEY
from confirm_desk.domain.statuses import Status
from confirm_desk.services import audit
from confirm_desk.services.applicants.listing import find_exact
from confirm_desk.services.keying.state import ApplicantRow, DeskState, read_state
from confirm_desk.store.models import KeyingRecord, utcnow

_ORDER = {f.key: i for i, f in enumerate(FIELDS)}
FIND, FIELD, CONCLUSION, REASON, MISSING = "find", "field", "conclusion", "reason", "missing"


@dataclass(frozen=True)
class Step:
    """One thing to do on the national page: `value` is what to type (or search for)."""

    kind: str  # find / field / conclusion / reason / missing
    label: str
    value: str
    national: str = ""  # a field's value in the national system now (what the page shows before keying)
    key: str = ""  # the field key for a field step

    def text(self) -> str:
        if self.kind == FIELD:
            return f"{self.label}：{self.national or '（空）'} → {self.value or '（空）'}"
        if self.kind == FIND:
            return f"查找报名号 {self.value}"
        return f"{self.label}：{self.value}"

    def as_json(self) -> dict[str, str]:
        out = {"kind": self.kind, "label": self.label, "value": self.value}
        if self.kind == FIELD:
            out.update(field=self.key, national=self.national)
        return out


@dataclass(frozen=True)
class KeyingItem:
    applicant_id: int
    application_no: str
    name: str
    id_number: str
    status: Status  # the desk status
    steps: tuple[Step, ...]
    event_id: int  # the newest decision/edit event this item shows (marking keyed records it)
    version: int
    keyed_before: bool  # keyed once, then changed here: due again

    @property
    def decided_here(self) -> bool:
        return any(s.kind == CONCLUSION for s in self.steps)

    def as_json(self) -> dict[str, object]:
        return {"application_no": self.application_no, "name": self.name, "id_number": self.id_number,
                "status": self.status.value, "status_label": self.status.label, "keyed_before": self.keyed_before,
                "steps": [s.as_json() for s in self.steps]}


@dataclass(frozen=True)
class KeyingProgress:
    decided: int  # 已决定: applicants decided at this desk
    keyed: int  # 已录入: applicants whose decision/edits are keyed as they stand
    verified: int  # 已核实: keyed, and the newest national export shows it
    due: int  # in the queue

    def text(self) -> str:
        return f"已决定 {self.decided} · 已录入 {self.keyed} · 已核实 {self.verified}（待录入 {self.due}）"

    def as_json(self) -> dict[str, int]:
        return {"decided": self.decided, "keyed": self.keyed, "verified": self.verified, "due": self.due}


@dataclass
class KeyingResult:
    marked: list[str] = field(default_factory=list)  # 报名号 marked keyed
    not_due: list[str] = field(default_factory=list)  # nothing to key for these (already keyed, or undecided)
    unknown: list[str] = field(default_factory=list)  # no such applicant

    def summary_zh(self) -> str:
        text = f"已录入国家系统 {len(self.marked)} 人"
        if self.not_due:
            text += f"；{len(self.not_due)} 人无需录入（{'、'.join(self.not_due)}）"
        if self.unknown:
            text += f"；找不到 {'、'.join(self.unknown)}"
        return text


def _steps(state: DeskState, row: ApplicantRow) -> tuple[Step, ...]:
    steps = [Step(FIND, "报名号", row.application_no)]
    edits = state.edits.get(row.id, {})
    for key in sorted(edits, key=lambda k: _ORDER.get(k, len(_ORDER))):
        if key in FIELDS_BY_KEY:
            e = edits[key]
            steps.append(Step(FIELD, FIELDS_BY_KEY[key].label, e.value, e.base, key))
    if state.decided_here(row):
        status, decision = Status(row.status), state.decisions[row.id]
        steps.append(Step(CONCLUSION, "确认结论", status.label))
        if status is Status.REJECTED and decision.reason:
            steps.append(Step(REASON, "未通过原因", decision.reason))
        if status is Status.INCOMPLETE and decision.missing:
            steps.append(Step(MISSING, "缺少材料", "、".join(decision.missing)))
    return tuple(steps)


def _item(state: DeskState, row: ApplicantRow) -> KeyingItem | None:
    """The applicant's keying item when it has something for the national system (decided here or edited)."""
    if row.status == Status.DRAFT.value or not (state.decided_here(row) or row.id in state.edits):
        return None
    record = state.keyed.get(row.id)
    return KeyingItem(row.id, row.application_no, row.name, row.id_number, Status(row.status), _steps(state, row),
                      state.last_event.get(row.id, 0), row.version, record is not None and record.event_id > 0)


def keying_queue(session: Session) -> list[KeyingItem]:
    """Every applicant due for keying, the longest waiting first (the order they were decided or edited)."""
    state = read_state(session)
    items = [i for i in (_item(state, r) for r in state.applicants) if i is not None
             and not state.keyed_current(i.applicant_id)]
    return sorted(items, key=lambda i: (i.event_id, i.applicant_id))


def keying_item(session: Session, applicant_id: int) -> KeyingItem | None:
    """One applicant's steps (due or not); None when there is nothing to key for it."""
    state = read_state(session, [applicant_id])
    return _item(state, state.applicants[0]) if state.applicants else None


def keying_progress(session: Session, state: DeskState | None = None) -> KeyingProgress:
    from confirm_desk.services.keying.verify import verified_ids

    state = state or read_state(session)
    decided = sum(1 for r in state.applicants if state.decided_here(r))
    due = sum(1 for r in state.applicants
              if (i := _item(state, r)) is not None and not state.keyed_current(i.applicant_id))
    keyed = sum(1 for a in state.keyed if state.keyed_current(a))
    return KeyingProgress(decided, keyed, len(verified_ids(state)), due)


def mark_keyed(
    session: Session,
    numbers: Sequence[str | int],
    operator: ActorLike | None,
    *,
    seen: Mapping[int, int] | None = None,
) -> KeyingResult:
    """Records that each applicant (报名号, ID number or applicant id) was keyed as it stands now: the
    operator, the time, the decision and fields keyed, the newest event covered; one audit event each.
    `seen` (applicant id -> event id shown) refuses a mark when the applicant changed since it was shown."""
    who = actor_name(operator)
    if not who:
        raise RuleViolation("未登录：录入国家系统必须记录操作员")
    result = KeyingResult()
    ids: dict[int, str] = {}
    for number in numbers:
        applicant_id = number if isinstance(number, int) else find_exact(session, str(number).strip())
        if applicant_id is None:
            result.unknown.append(str(number))
        else:
            ids[applicant_id] = str(number)
    if not ids:
        return result
    state = read_state(session, ids)
    records = {r.applicant_id: r for r in session.scalars(
        select(KeyingRecord).where(KeyingRecord.applicant_id.in_(list(ids))))}
    now = utcnow()
    for row in state.applicants:
        item = _item(state, row)
        if item is None or state.keyed_current(row.id):
            result.not_due.append(row.application_no)
            continue
        if seen is not None and row.id in seen and seen[row.id] != item.event_id:
            raise KnownError(f"{row.application_no} {row.name} 在列表显示之后又有新的确认或修改，"
                             "请刷新后核对再录入。")
        record = records.get(row.id) or KeyingRecord(applicant_id=row.id)
        fields = {s.key: s.value for s in item.steps if s.kind == FIELD}
        record.event_id, record.applicant_version = item.event_id, row.version
        record.status = row.status if item.decided_here else ""
        record.fields = json.dumps(fields, ensure_ascii=False)
        record.operator, record.keyed_at = who, now
        session.add(record)
        audit.record(session, "keyed", who, applicant_id=row.id, application_no=row.application_no,
                     new=Status(row.status).label if item.decided_here else "",
                     detail="；".join(s.text() for s in item.steps[1:]))
        result.marked.append(row.application_no)
    session.flush()
    return result


def resolve_numbers(session: Session, numbers: Sequence[str]) -> list[int]:
    """Applicant ids for 报名号 / ID numbers; NotFound names the first unknown one."""
    out = []
    for number in numbers:
        applicant_id = find_exact(session, number.strip())
        if applicant_id is None:
            raise NotFound(f"找不到报名号或证件号码为“{number}”的申请人")
        out.append(applicant_id)
    return out
