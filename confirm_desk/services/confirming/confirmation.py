"""Checking and confirming one applicant: compares, edits, materials, conditions, decision (CONF-1..6)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from confirm_desk.domain import decisions as rules
from confirm_desk.domain import guards
from confirm_desk.domain.actors import ActorLike, actor_name
from confirm_desk.domain.checks import CheckContext, Finding, check_applicant
from confirm_desk.domain.conditions import ConditionResult, Suggestion, as_marks
from confirm_desk.domain.decisions import CompareMark, ConditionMark
from confirm_desk.domain.errors import NotFound, RuleViolation
from confirm_desk.domain.fields import FIELDS, FIELDS_BY_KEY, Editable, is_yes, may_edit
from confirm_desk.domain.statuses import Status
from confirm_desk.services import audit
from confirm_desk.services.applicants.findings import context_for, findings_for, flags_text, refresh_same_id
from confirm_desk.services.codes import choices
from confirm_desk.services.confirming import check_marks as marks
from confirm_desk.services.confirming import guard, seats
from confirm_desk.services.confirming.calendar import calendar_of
from confirm_desk.services.confirming.check_marks import condition_labels as condition_labels  # re-exported
from confirm_desk.services.confirming.check_marks import material_labels as material_labels  # re-exported
from confirm_desk.services.evidence.conditions import applicant_conditions
from confirm_desk.store.models import (
    Applicant,
    Decision,
    Photo,
    utcnow,
)


class EventFn(Protocol):
    """Records one audit event of the save under way (the applicant and the operator filled in)."""

    def __call__(self, action: str, field_key: str = "", old: object = "", new: object = "",
                 detail: str = "") -> None: ...


@dataclass(frozen=True)
class CheckInput:
    """Everything one check dialog records. Empty parts leave the stored state as it is."""

    compares: dict[str, CompareMark] = field(default_factory=dict)
    edits: dict[str, str] = field(default_factory=dict)
    materials: dict[str, bool] = field(default_factory=dict)  # material label -> handed in
    conditions: list[ConditionMark] | None = None  # all 7, or None to keep them
    outcome: Status | None = None  # None: save the checks without deciding
    reason: str = ""
    missing: list[str] = field(default_factory=list)
    reopen_reason: str = ""
    override_reason: str = ""  # 确认已通过 despite the guard's problems (domain/guards.py), audited
    # CAL-1: a decision outside the 确认 window needs an administrator's reason. `override_by`: the
    # administrator who gives it (None: the operator, who must then be an administrator).
    window_override: str = ""
    override_by: ActorLike | None = None


@dataclass(frozen=True)
class DecisionInfo:
    outcome: Status
    reason: str
    missing: list[str]
    conditions: list[tuple[bool | None, str]]
    operator: str
    decided_at: dt.datetime
    reopen_reason: str = ""


@dataclass(frozen=True)
class CheckState:
    """What the check dialog shows."""

    applicant_id: int
    version: int
    status: Status
    values: dict[str, str]
    findings: list[Finding]
    cert_on_record: bool
    editable: frozenset[str]
    compares: dict[str, CompareMark]
    materials: dict[str, bool]  # every checklist label, in order
    conditions: list[ConditionMark]
    conditions_saved: bool  # False: prefilled from the data
    decision: DecisionInfo | None
    reprint_needed: bool
    photo_bytes: bytes | None
    required_materials: tuple[str, ...] = ()  # the materials this applicant owes (material 8 only if not local)
    this_point: str = ""  # the point's name (preferences), for the other-point guard
    evidence: list[ConditionResult] = field(default_factory=list)  # COND-1..7 as the evidence shows them
    suggestion: Suggestion | None = None  # the desk's suggested conclusion (the registration authority decides)
    window_message: str = ""  # CAL-1: why a decision today needs an administrator's override ('' inside)
    check_context: CheckContext | None = None  # the findings' context, to re-check edited values

    @property
    def needs_reopen_reason(self) -> bool:
        return rules.needs_reopen_reason(self.status)


@dataclass(frozen=True)
class SaveResult:
    version: int
    status: Status
    changes: int


def _applicant(session: Session, applicant_id: int, *, lock: bool = False) -> Applicant:
    # lock: PostgreSQL holds the row until commit, so a second seat's save waits here and then
    # sees the new version (SQLite has one writer at a time anyway and ignores FOR UPDATE).
    applicant = (
        session.get(Applicant, applicant_id, with_for_update=True, populate_existing=True)
        if lock
        else session.get(Applicant, applicant_id)
    )
    if applicant is None:
        raise NotFound(f"申请人（编号 {applicant_id}）不存在")
    return applicant


def _decision_info(row: Decision) -> DecisionInfo:
    return DecisionInfo(
        outcome=Status(row.outcome),
        reason=row.reason,
        missing=list(json.loads(row.missing or "[]")),
        conditions=[(c[0], c[1]) for c in json.loads(row.conditions or "[]")],
        operator=row.operator,
        decided_at=row.decided_at,
        reopen_reason=row.reopen_reason,
    )


def latest_decision(session: Session, applicant_id: int) -> DecisionInfo | None:
    """The decision in force: None when the applicant is undecided (never decided, or re-opened since)."""
    status = session.scalar(select(Applicant.status).where(Applicant.id == applicant_id))
    if status is None:
        raise NotFound(f"申请人（编号 {applicant_id}）不存在")
    if not Status(status).decided:
        return None
    row = session.scalar(
        select(Decision).where(Decision.applicant_id == applicant_id).order_by(Decision.id.desc()).limit(1)
    )
    return _decision_info(row) if row is not None else None


def load_check(session: Session, applicant_id: int) -> CheckState:
    applicant = _applicant(session, applicant_id)
    values = applicant.values()
    on_record = is_yes(values["cert_on_record"])
    conditions = marks.load_conditions(session, applicant_id)
    conditions_saved = conditions is not None
    evidence = applicant_conditions(session, applicant_id)
    photo = session.execute(
        select(Photo.original, Photo.normalized).where(Photo.applicant_id == applicant_id)
    ).one_or_none()
    compares = marks.load_compares(session, applicant_id)
    differing = [key for key, mark in compares.items() if not mark.matches]
    context = context_for(session, values, applicant_id, differing=differing)
    return CheckState(
        applicant_id=applicant_id,
        version=applicant.version,
        status=Status(applicant.status),
        values=values,
        findings=check_applicant(values, context=context),
        cert_on_record=on_record,
        editable=frozenset(f.key for f in FIELDS if may_edit(f, on_record)),
        compares=compares,
        materials=marks.load_materials(session, applicant_id),
        conditions=conditions if conditions is not None else as_marks(evidence.evidence),
        conditions_saved=conditions_saved,
        decision=latest_decision(session, applicant_id),
        reprint_needed=bool(applicant.reprint_needed),
        photo_bytes=(photo.normalized or photo.original) if photo else None,
        required_materials=tuple(guard.required_materials(session, values)),
        this_point=guard.this_point_for(session, values.get("confirmation_point") or ""),
        evidence=evidence.evidence,
        suggestion=evidence.suggestion,
        window_message=calendar_of(session).outside_message(dt.date.today()),
        check_context=context,
    )


def state_conditions(session: Session, applicant_id: int) -> list[ConditionMark]:
    stored = marks.load_conditions(session, applicant_id)
    return stored if stored is not None else [ConditionMark() for _ in range(rules.CONDITION_COUNT)]


def cleaned_input(data: CheckInput) -> CheckInput:
    """What the clerk typed, without control characters (a pasted BEL would break every later export)."""
    from dataclasses import replace

    from confirm_desk.domain.decisions import CompareMark, ConditionMark
    from confirm_desk.domain.text import strip_controls

    return replace(
        data,
        compares={k: CompareMark(m.matches, strip_controls(m.original)) for k, m in data.compares.items()},
        edits={k: strip_controls(v) if isinstance(v, str) else v for k, v in data.edits.items()},
        conditions=None if data.conditions is None
        else [ConditionMark(c.met, strip_controls(c.reason)) for c in data.conditions],
        reason=strip_controls(data.reason),
        missing=[strip_controls(m) for m in data.missing],
        reopen_reason=strip_controls(data.reopen_reason),
    )


def save_check(
    session: Session,
    applicant_id: int,
    data: CheckInput,
    operator: ActorLike,
    expected_version: int,
    *,
    now: Callable[[], dt.datetime] = utcnow,
) -> SaveResult:
    """Saves one dialog's work in the caller's transaction, with operator and time and an audit event
    per change (CONF-6). Raises RuleViolation for a broken rule and StaleRecord when another seat got
    there first."""
    who = actor_name(operator)
    if not who:
        raise RuleViolation("未登录：确认操作必须记录操作员")
    data = cleaned_input(data)
    applicant = _applicant(session, applicant_id, lock=True)
    if applicant.version != expected_version:
        seats.refuse_stale(session, applicant_id, who, expected_version, _attempt(data))
    status = Status(applicant.status)
    rules.ensure_operable(status)
    rules.ensure_reopen_reason(status, data.reopen_reason)
    moment = now()
    no = applicant.application_no

    def event(action: str, field_key: str = "", old: object = "", new: object = "", detail: str = "") -> None:
        audit.record(session, action, who, applicant_id=applicant_id, application_no=no,
                     field=field_key, old=old, new=new, detail=detail)

    stamp = marks.Stamp(who, moment, event)

    # No autoflush: the applicant row is written once, so the version goes up by exactly one.
    with session.no_autoflush:
        changes = _apply_edits(applicant, data.edits, event)
        if changes:
            applicant.reprint_needed = True  # CONF-3: the signed form no longer matches
            applicant.flags = flags_text(findings_for(session, applicant.values(), applicant_id))
        if data.outcome is Status.CONFIRMED:
            problems = guard.problems_after(session, applicant_id, applicant.values(), data.compares,
                                            data.materials, data.conditions)
            if problems:
                if not data.override_reason.strip():
                    raise guard.DecisionBlocked(problems)
                if refusal := guards.override_reason_refusal(data.override_reason):
                    raise RuleViolation(refusal)
                event("override", "status", status.value, Status.CONFIRMED.value,
                      f"{data.override_reason.strip()}（越过：{'；'.join(p.text for p in problems)}）")
                changes += 1
        changes += marks.save_compares(session, applicant_id, data.compares, stamp)
        changes += marks.save_materials(session, applicant_id, data.materials, stamp)
        if data.conditions is not None:
            evidence = applicant_conditions(session, applicant_id).evidence
            changes += marks.save_conditions(session, applicant_id, data.conditions, stamp, evidence)
        if rules.needs_reopen_reason(status):
            event("reopen", old=status.value, detail=data.reopen_reason.strip())
            changes += 1
        new_status = rules.next_status(status, data.outcome)
        if data.outcome is not None:
            missing = list(data.missing) if data.outcome is Status.INCOMPLETE else []
            rules.validate_decision(data.outcome, data.reason, missing, material_labels())
            _window_guard(session, data, operator, moment, event)
            conditions = (
                data.conditions if data.conditions is not None else state_conditions(session, applicant_id)
            )
            session.add(
                Decision(
                    applicant_id=applicant_id,
                    outcome=data.outcome.value,
                    reason=data.reason.strip(),
                    missing=json.dumps(missing, ensure_ascii=False),
                    conditions=json.dumps([[c.met, c.reason] for c in conditions], ensure_ascii=False),
                    reopen_reason=data.reopen_reason.strip(),
                    operator=who,
                    decided_at=moment,
                )
            )
            event(
                "decision",
                "status",
                status.value,
                data.outcome.value,
                "；".join(
                    x for x in (data.reason.strip(), "缺：" + "、".join(missing) if missing else "") if x
                ),
            )
            changes += 1
        if changes:
            applicant.status = new_status.value
            applicant.updated_at = moment  # any UPDATE bumps the version column (optimistic locking)
    try:
        session.flush()
        if data.outcome is not None or data.edits:
            refresh_same_id(session, applicant.id_number)  # SCOPE-3: a rejection ends a duplicate
    except (StaleDataError, IntegrityError):
        # Another seat committed first (a SQLite writer that read before it: the version moved, or the
        # same check mark was inserted twice). Anything else is a bug and goes up as it is.
        session.rollback()
        current = session.scalar(select(Applicant.version).where(Applicant.id == applicant_id))
        if current == expected_version:
            raise
        seats.refuse_stale(session, applicant_id, who, expected_version, _attempt(data))
    return SaveResult(applicant.version, new_status, changes)


def _window_guard(session: Session, data: CheckInput, operator: ActorLike, moment: dt.datetime, event: EventFn) -> None:
    """CAL-1: outside the 确认 window a decision needs an administrator and a reason (audited)."""
    from confirm_desk.services.audit_trail import local_time

    message = calendar_of(session).outside_message(local_time(moment).date())
    if not message:
        return
    reason = data.window_override.strip()
    if not reason:
        raise RuleViolation(message)
    approver = data.override_by or operator
    if getattr(approver, "role", "") != "admin":
        raise RuleViolation(message.replace("须由管理员", "当前操作员不是管理员：须由管理员"))
    event("window_override", detail=f"{actor_name(approver)}：{reason}")


def _attempt(data: CheckInput) -> str:
    """What a refused save would have done, for the audit trail."""
    parts = [f"确认结论“{data.outcome.label}”" if data.outcome is not None else "保存核对"]
    if data.edits:
        parts.append(f"修改 {len(data.edits)} 个字段")
    return "，".join(parts)


def _apply_edits(applicant: Applicant, edits: dict[str, str], event: EventFn) -> int:
    on_record = is_yes(applicant.cert_on_record)
    changed = 0
    for key, raw in edits.items():
        f = FIELDS_BY_KEY.get(key)
        if f is None:
            raise RuleViolation(f"未知字段“{key}”")
        if not may_edit(f, on_record):
            if f.editable is Editable.IF_CERT_NOT_ON_RECORD:
                raise RuleViolation(f"证书在系统中存在，证书信息“{f.label}”不能修改")
            raise RuleViolation(f"“{f.label}”不能在确认点修改")
        value = rules.normalize_edit(f, raw, choices(f.code_list))
        old = getattr(applicant, key) or ""
        if value != old:
            setattr(applicant, key, value)
            event("edit", key, old, value)
            changed += 1
    return changed
