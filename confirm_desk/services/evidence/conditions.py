"""The registration conditions and the suggested conclusion of applicants, from the evidence in the store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from confirm_desk.domain.checks import check_applicant
from confirm_desk.domain.conditions import (
    MISMATCH_FINDINGS,
    ConditionResult,
    Contract,
    Evidence,
    RuleSet,
    Suggestion,
    Training,
    evaluate,
    suggest,
    with_marks,
)
from confirm_desk.domain.decisions import CONDITION_COUNT, ConditionMark
from confirm_desk.domain.fields import FIELDS
from confirm_desk.domain.idnumbers import normalize_id
from confirm_desk.domain.staff_fields import is_on_post
from confirm_desk.domain.text import parse_date
from confirm_desk.services.evidence.rules import active_rules
from confirm_desk.store.models import (
    ConditionCheck,
    applicant_table,
    assessment_table,
    contract_table,
    staff_table,
    training_table,
)

t = applicant_table
CHUNK = 500


@dataclass(frozen=True)
class ApplicantConditions:
    """One applicant's seven conditions from the evidence, the same with the clerk's marks applied, and the
    suggestion made from the latter."""

    evidence: list[ConditionResult]
    conditions: list[ConditionResult]
    suggestion: Suggestion

    def as_json(self) -> dict[str, object]:
        return {"conditions": [c.as_dict() for c in self.conditions], "suggestion": self.suggestion.as_dict(),
                "evidence": [c.as_dict() for c in self.evidence]}


def _chunks(items: Sequence[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def load_evidence(session: Session, applicant_ids: Sequence[int], rules: RuleSet) -> dict[int, Evidence]:
    """Evidence per applicant id, in bulk (a few queries per 500 applicants)."""
    out: dict[int, Evidence] = {}
    for chunk in _chunks(list(applicant_ids)):
        rows = session.execute(select(t.c.id, *[t.c[f.key] for f in FIELDS]).where(t.c.id.in_(chunk))).all()
        ids = {r.id: normalize_id(r.id_number) for r in rows}
        numbers = sorted({n for n in ids.values() if n})
        staff = {normalize_id(s.id_number): s for s in session.execute(
            select(staff_table.c.id_number, staff_table.c.on_post, staff_table.c.off_post_reason,
                   staff_table.c.last_registered_on, staff_table.c.valid_until, staff_table.c.last_conclusion,
                   staff_table.c.work_started_on).where(staff_table.c.id_number.in_(numbers)))}
        training: dict[str, list[Training]] = {}
        for r in session.execute(select(training_table.c.id_number, training_table.c.year, training_table.c.on_date,
                                        training_table.c.hours, training_table.c.credits, training_table.c.course)
                                 .where(training_table.c.id_number.in_(numbers))):
            hours = r.hours if r.hours is not None else (r.credits or 0) * rules.credit_hours
            training.setdefault(r.id_number, []).append(
                Training(hours, r.year or None, parse_date(r.on_date), r.course))
        assessments: dict[str, dict[int, str]] = {}
        for number, year, result in session.execute(
                select(assessment_table.c.id_number, assessment_table.c.year, assessment_table.c.result)
                .where(assessment_table.c.id_number.in_(numbers))):
            assessments.setdefault(number, {})[year] = result
        contracts = {c.id_number: Contract(parse_date(c.start_date), parse_date(c.end_date), bool(c.open_ended))
                     for c in session.execute(
                         select(contract_table.c.id_number, contract_table.c.start_date, contract_table.c.end_date,
                                contract_table.c.open_ended).where(contract_table.c.id_number.in_(numbers)))}
        for r in rows:
            number = ids[r.id]
            s = staff.get(number)
            last_conclusion = s.last_conclusion if s is not None else ""
            last_registered = parse_date(s.last_registered_on) if s is not None else None
            deferred = "暂缓" in (last_conclusion or "")
            out[r.id] = Evidence(
                registration_type=r.registration_type or "",
                cert_type=r.cert_type or "",
                teaching_stage=r.teaching_stage or "",
                cert_number=r.cert_number or "",
                hired_on=parse_date(r.hired_on),
                work_started_on=parse_date(r.work_started_on) or (parse_date(s.work_started_on) if s else None),
                # After 暂缓 the cycle is not renewed: the date is the deferral's, not a registration's.
                last_registered_on=None if deferred else last_registered,
                valid_until=parse_date(s.valid_until) if s is not None else None,
                deferred_on=last_registered if deferred else None,
                training=tuple(training[number]) if number in training else None,
                assessments=assessments.get(number, {}),
                contract=contracts.get(number),
                on_post=is_on_post(s.on_post) if s is not None else None,
                off_post_reason=(s.off_post_reason or "") if s is not None else "",
                findings=_stage_findings(r),
            )
    return out


def _stage_findings(row: Any) -> dict[str, str]:  # a Row of every applicant field
    """The automatic checks' certificate/post findings for COND-1 and the 合格 category (code -> message)."""
    values = {key: value or "" for key, value in row._mapping.items()}
    wanted = (*MISMATCH_FINDINGS, "higher_cert")
    return {f.code: f.message for f in check_applicant(values) if f.code in wanted}


def load_marks(session: Session, applicant_ids: Sequence[int]) -> dict[int, list[ConditionMark]]:
    """The clerk's recorded condition marks per applicant (only those who have any)."""
    rows: dict[int, dict[int, ConditionMark]] = {}
    for chunk in _chunks(list(applicant_ids)):
        for c in session.scalars(select(ConditionCheck).where(ConditionCheck.applicant_id.in_(chunk))):
            rows.setdefault(c.applicant_id, {})[c.number] = ConditionMark(c.met, c.reason)
    return {a: [m.get(n, ConditionMark()) for n in range(1, CONDITION_COUNT + 1)] for a, m in rows.items()}


def conditions_for(
    session: Session, applicant_ids: Sequence[int], today: dt.date | None = None, *, rules: RuleSet | None = None
) -> dict[int, ApplicantConditions]:
    """Conditions and suggestion per applicant id; the clerk's marks override the evidence where given."""
    today = today or dt.date.today()
    rules = rules or active_rules(session)
    evidence = load_evidence(session, applicant_ids, rules)
    marks = load_marks(session, applicant_ids)
    out = {}
    for applicant_id, e in evidence.items():
        from_evidence = evaluate(e, rules, today)
        final = with_marks(from_evidence, marks.get(applicant_id))
        out[applicant_id] = ApplicantConditions(from_evidence, final, suggest(e, rules, final, today))
    return out


def applicant_conditions(session: Session, applicant_id: int, today: dt.date | None = None) -> ApplicantConditions:
    from confirm_desk.domain.errors import NotFound

    found = conditions_for(session, [applicant_id], today)
    if applicant_id not in found:
        raise NotFound(f"申请人（编号 {applicant_id}）不存在")
    return found[applicant_id]
