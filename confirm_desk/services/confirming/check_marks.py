"""Storing one applicant's check marks (compares, materials, conditions), an audit event per change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from confirm_desk.domain import decisions as rules
from confirm_desk.domain.conditions import ConditionResult, overridden, validate_overrides
from confirm_desk.domain.decisions import CompareMark, ConditionMark
from confirm_desk.domain.errors import RuleViolation
from confirm_desk.domain.fields import FIELDS
from confirm_desk.services.codes import code_lists
from confirm_desk.store.models import ConditionCheck, FieldCheck, MaterialCheck

LABELS = {f.key: f.label for f in FIELDS}
Event = Callable[..., None]  # event(action, field, old, new, detail)


@dataclass(frozen=True)
class Stamp:
    """Who saves and when (CONF-6), and how an audit event is written for this applicant."""

    who: str
    moment: dt.datetime
    event: Event

    def apply(self, row: FieldCheck | MaterialCheck | ConditionCheck) -> None:
        row.operator, row.checked_at = self.who, self.moment


def material_labels() -> list[str]:
    return list(code_lists()["materials"])


def condition_labels() -> list[str]:
    return list(code_lists()["conditions"])


def save_compares(session: Session, applicant_id: int, marks: dict[str, CompareMark], stamp: Stamp) -> int:
    rules.validate_compares(marks, LABELS)
    existing = {
        fc.field: fc
        for fc in session.scalars(select(FieldCheck).where(FieldCheck.applicant_id == applicant_id))
    }
    changed = 0
    for key, mark in marks.items():
        original = "" if mark.matches else mark.original.strip()
        row = existing.get(key)
        if row is not None and row.matches == mark.matches and row.original_value == original:
            continue
        old = CompareMark(row.matches, row.original_value).describe() if row is not None else ""
        if row is None:
            row = FieldCheck(applicant_id=applicant_id, field=key)
            session.add(row)
        row.matches, row.original_value = mark.matches, original
        stamp.apply(row)
        stamp.event("compare", key, old, CompareMark(mark.matches, original).describe())
        changed += 1
    return changed


def save_materials(session: Session, applicant_id: int, materials: dict[str, bool], stamp: Stamp) -> int:
    known = material_labels()
    existing = {
        m.material: m
        for m in session.scalars(select(MaterialCheck).where(MaterialCheck.applicant_id == applicant_id))
    }
    changed = 0
    for label, present in materials.items():
        if label not in known:
            raise RuleViolation(f"未知的材料：{label}")
        row = existing.get(label)
        if row is not None and row.present == present:
            continue
        if row is None and not present:
            continue  # not handed in is the default: nothing to record
        old = ("已交" if row.present else "未交") if row is not None else "未交"
        if row is None:
            row = MaterialCheck(applicant_id=applicant_id, material=label)
            session.add(row)
        row.present = present
        stamp.apply(row)
        stamp.event("material", label, old, "已交" if present else "未交")
        changed += 1
    return changed


def save_conditions(session: Session, applicant_id: int, marks: list[ConditionMark], stamp: Stamp,
                    evidence: Sequence[ConditionResult] = ()) -> int:
    """The seven marks; a mark contradicting the evidence (COND-2/4/5/6) needs a reason and is audited as
    an override beside the evidence it overrides."""
    rules.validate_conditions(marks)
    validate_overrides(marks, evidence)
    overrides = {r.number: r for r in overridden(marks, evidence)}
    existing = {
        c.number: c
        for c in session.scalars(select(ConditionCheck).where(ConditionCheck.applicant_id == applicant_id))
    }
    changed = 0
    for number, mark in enumerate(marks, start=1):
        reason = mark.reason.strip() if mark.met is False or number in overrides else ""
        row = existing.get(number)
        if row is not None and row.met == mark.met and row.reason == reason:
            continue
        if row is None and mark.met is None:
            continue
        old = ConditionMark(row.met, row.reason).describe() if row is not None else ""
        if row is None:
            row = ConditionCheck(applicant_id=applicant_id, number=number)
            session.add(row)
        row.met, row.reason = mark.met, reason
        stamp.apply(row)
        stamp.event("condition", f"COND-{number}", old, ConditionMark(mark.met, reason).describe())
        if number in overrides:
            ev = overrides[number]
            stamp.event("condition_override", f"COND-{number}", f"{ev.label}：{ev.reason}",
                        ConditionMark(mark.met, reason).describe(), f"改判原因：{reason}")
        changed += 1
    return changed


def load_compares(session: Session, applicant_id: int) -> dict[str, CompareMark]:
    rows = session.scalars(select(FieldCheck).where(FieldCheck.applicant_id == applicant_id))
    return {fc.field: CompareMark(fc.matches, fc.original_value) for fc in rows}


def load_materials(session: Session, applicant_id: int) -> dict[str, bool]:
    """Every checklist item in order; not recorded means not handed in."""
    stmt = select(MaterialCheck.material, MaterialCheck.present).where(
        MaterialCheck.applicant_id == applicant_id
    )
    stored = dict(session.execute(stmt).all())
    return {m: bool(stored.get(m, False)) for m in material_labels()}


def load_conditions(session: Session, applicant_id: int) -> list[ConditionMark] | None:
    """The 7 marks as saved, or None when none was ever saved (the dialog then prefills)."""
    rows = {
        c.number: c
        for c in session.scalars(select(ConditionCheck).where(ConditionCheck.applicant_id == applicant_id))
    }
    if not rows:
        return None
    return [
        ConditionMark(rows[n].met, rows[n].reason) if n in rows else ConditionMark()
        for n in range(1, rules.CONDITION_COUNT + 1)
    ]
