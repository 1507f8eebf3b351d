"""Confirmation rules without storage: decisions, re-opening, marks, conditions (CONF-1/4/5, COND-1..7)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from confirm_desk.domain.certificates import stage_matches
from confirm_desk.domain.errors import RuleViolation
from confirm_desk.domain.fields import Field, Kind
from confirm_desk.domain.statuses import Status
from confirm_desk.domain.text import clean_text, compact_code, parse_date

OUTCOMES: tuple[Status, ...] = (Status.CONFIRMED, Status.REJECTED, Status.INCOMPLETE)
CONDITION_COUNT = 7
MATCH_LABEL, MISMATCH_LABEL = "一致", "不一致"
MET_LABEL, NOT_MET_LABEL = "具备", "不具备"


@dataclass(frozen=True)
class CompareMark:
    """The confirmer's verdict on one field against the original document."""

    matches: bool
    original: str = ""  # what the original shows, for 不一致

    def describe(self) -> str:
        return MATCH_LABEL if self.matches else f"{MISMATCH_LABEL}：原件为“{self.original}”"


@dataclass(frozen=True)
class ConditionMark:
    """One registration condition: met (具备), not met (不具备) with a reason, or not judged yet (None)."""

    met: bool | None = None
    reason: str = ""

    def describe(self) -> str:
        if self.met is None:
            return "未判断"
        return MET_LABEL if self.met else f"{NOT_MET_LABEL}：{self.reason}"


def ensure_operable(status: Status) -> None:
    """CONF-1: a draft (网报未完成) cannot be operated on at any time."""
    if not status.operable:
        raise RuleViolation(f"该申请处于“{status.label}”状态，不能进行现场确认（网报未完成的记录不可操作）")


def needs_reopen_reason(status: Status) -> bool:
    """A confirmed or rejected applicant is re-opened only with a reason; 申请材料不全 may simply be completed
    later (CONF-5)."""
    return status in (Status.CONFIRMED, Status.REJECTED)


def ensure_reopen_reason(status: Status, reason: str) -> None:
    if needs_reopen_reason(status) and not reason.strip():
        raise RuleViolation(f"该申请人已是“{status.label}”，重新打开修改必须填写原因")


def validate_decision(
    outcome: Status, reason: str, missing: Sequence[str], known_materials: Sequence[str]
) -> None:
    """Rejection needs a reason; 申请材料不全 needs the missing materials (CONF-5)."""
    if outcome not in OUTCOMES:
        raise RuleViolation(f"“{outcome.label}”不是可以作出的确认结论")
    if outcome is Status.REJECTED and not reason.strip():
        raise RuleViolation("确认未通过必须填写原因")
    if outcome is Status.INCOMPLETE:
        if not missing:
            raise RuleViolation("申请材料不全时必须勾选缺少的材料")
        unknown = [m for m in missing if m not in known_materials]
        if unknown:
            raise RuleViolation(f"未知的材料：{'、'.join(unknown)}")


def validate_compares(marks: Mapping[str, CompareMark], labels: Mapping[str, str]) -> None:
    for key, mark in marks.items():
        if key not in labels:
            raise RuleViolation(f"未知字段“{key}”")
        if not mark.matches and not mark.original.strip():
            raise RuleViolation(f"“{labels[key]}”标记为不一致，请填写原件显示的内容")


def validate_conditions(marks: Sequence[ConditionMark]) -> None:
    if len(marks) != CONDITION_COUNT:
        raise RuleViolation(f"注册条件应为 {CONDITION_COUNT} 项，收到 {len(marks)} 项")
    for number, mark in enumerate(marks, start=1):
        if mark.met is False and not mark.reason.strip():
            raise RuleViolation(f"第 {number} 项注册条件为“不具备”，请填写原因")


def prefill_conditions(values: Mapping[str, str]) -> list[ConditionMark]:
    """What the data already tells: COND-1 证岗相适 from the stage rule; the rest wait for the papers."""
    marks = [ConditionMark() for _ in range(CONDITION_COUNT)]
    cert_type, stage = values.get("cert_type") or "", values.get("teaching_stage") or ""
    match = stage_matches(cert_type, stage, values.get("teaching_subject") or "")
    if match is True:
        marks[0] = ConditionMark(True)
    elif match is False and "实习指导" in cert_type:
        marks[0] = ConditionMark(False, f"实习指导教师资格只适用于中职实习指导岗位，现任教学段{stage}")
    elif match is False:
        marks[0] = ConditionMark(False, f"低证高聘：{cert_type}低于现任教学段{stage}")
    return marks


def next_status(current: Status, outcome: Status | None) -> Status:
    """The status after saving: the outcome when one is given; a re-opened confirmed/rejected applicant
    without a new outcome goes back to 网报待确认; otherwise unchanged."""
    ensure_operable(current)
    if outcome is not None:
        return outcome
    return Status.PENDING if needs_reopen_reason(current) else current


def normalize_edit(field: Field, raw: str, choices: Sequence[str]) -> str:
    """An edited value as stored: dates ISO, codes compact, choices from their code list (CONF-2)."""
    value = clean_text(raw)
    if not value:
        return ""
    if len(value) > field.max_length:
        raise RuleViolation(f"“{field.label}”最多 {field.max_length} 个字")
    if field.kind is Kind.DATE:
        parsed = parse_date(value)
        if parsed is None:
            raise RuleViolation(f"“{field.label}”的日期“{value}”无法识别（例：2020-09-01）")
        return parsed.isoformat()
    if field.kind in (Kind.CODE, Kind.CERT_NUMBER, Kind.ID_NUMBER):
        return compact_code(value)
    if field.kind is Kind.CHOICE and choices and value not in choices:
        raise RuleViolation(f"“{field.label}”只能选择：{'、'.join(choices)}")
    return value
