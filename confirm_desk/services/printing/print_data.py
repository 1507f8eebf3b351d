"""What one printed page needs about one applicant, loaded in bulk, as a plain dataclass."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from confirm_desk.domain.conditions import ConditionResult
from confirm_desk.domain.decisions import CONDITION_COUNT, ConditionMark
from confirm_desk.domain.errors import NotFound
from confirm_desk.domain.fields import FIELDS
from confirm_desk.domain.statuses import Status
from confirm_desk.store.models import ConditionCheck, Decision, Operator, Photo, Setting, applicant_table

t = applicant_table
CHUNK = 500  # ids per IN (...) query: under SQLite's variable limit, few round trips
POINT_ADDRESS_SETTING = "point_address"  # where applicants bring missing materials (optional)


@dataclass(frozen=True)
class PrintedDecision:
    """The decision in force as the papers show it (empty for an undecided applicant)."""

    operator: str = ""  # the operator's display name when the account has one (CONF-6)
    decided_at: dt.datetime | None = None
    missing: tuple[str, ...] = ()
    conditions: tuple[ConditionMark, ...] = ()  # COND-1..7 in order; empty when none was recorded
    reason: str = ""


@dataclass(frozen=True)
class PrintData:
    applicant_id: int
    values: dict[str, str]
    status: Status
    decision: PrintedDecision
    photo: bytes | None  # the normalised 114x156 JPEG only; an original is never printed
    confirmation_point: str
    point_address: str = ""
    reprint_needed: bool = False
    version: int = 0  # the row version printed: an edit after it keeps the reprint flag (CONF-3)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def application_no(self) -> str:
        return self.values["application_no"]


def load_decisions(session: Session, ids: Sequence[int]) -> dict[int, PrintedDecision]:
    """Decisions in force and the recorded conditions for many applicants in four queries.

    The same rules as services.confirmation.latest_decision (the newest decision row, only while the
    applicant is decided), in bulk; conditions are the current marks, else those saved with the decision.
    """
    if not ids:
        return {}
    chunk = list(ids)
    decided = [s.value for s in Status if s.decided]
    newest = (
        select(func.max(Decision.id))
        .join(t, t.c.id == Decision.applicant_id)
        .where(Decision.applicant_id.in_(chunk), t.c.status.in_(decided))
        .group_by(Decision.applicant_id)
    )
    decisions = {d.applicant_id: d for d in session.scalars(select(Decision).where(Decision.id.in_(newest)))}
    marks: dict[int, dict[int, ConditionMark]] = {}
    for c in session.scalars(select(ConditionCheck).where(ConditionCheck.applicant_id.in_(chunk))):
        marks.setdefault(c.applicant_id, {})[c.number] = ConditionMark(c.met, c.reason)
    from confirm_desk.services.evidence.conditions import conditions_for

    evidence = {a: found.evidence for a, found in conditions_for(session, chunk).items()}
    names = {d.operator for d in decisions.values()}
    display = {o.username.lower(): o.display_name for o in session.scalars(
        select(Operator).where(Operator.username.in_(names)))} if names else {}
    out = {}
    for applicant_id in chunk:
        d = decisions.get(applicant_id)
        current = marks.get(applicant_id)
        if current:
            conditions = tuple(current.get(n, ConditionMark()) for n in range(1, CONDITION_COUNT + 1))
        elif d is not None:
            conditions = tuple(ConditionMark(met, reason) for met, reason in json.loads(d.conditions or "[]"))
        else:
            conditions = ()
        conditions = _with_evidence(conditions, evidence.get(applicant_id, []))
        if d is None:
            out[applicant_id] = PrintedDecision(conditions=conditions)
            continue
        out[applicant_id] = PrintedDecision(
            operator=display.get(d.operator.lower()) or d.operator,
            decided_at=d.decided_at,
            missing=tuple(json.loads(d.missing or "[]")),
            conditions=conditions,
            reason=d.reason,
        )
    return out


def _with_evidence(conditions: tuple[ConditionMark, ...],
                   evidence: list[ConditionResult]) -> tuple[ConditionMark, ...]:
    """The form's conditions: what the clerk recorded, else what the evidence shows (with its numbers:
    "培训学时 372/360"); conditions nobody judged stay blank."""
    if not any(r.met is not None for r in evidence):
        return conditions
    out = []
    for n in range(1, CONDITION_COUNT + 1):
        mark = conditions[n - 1] if n <= len(conditions) else ConditionMark()
        result = evidence[n - 1] if n <= len(evidence) else None
        if mark.met is None and result is not None and result.met is not None:
            mark = ConditionMark(result.met, result.reason)
        out.append(mark)
    return tuple(out)


def _setting(session: Session, key: str) -> str:
    return session.scalar(select(Setting.value).where(Setting.key == key)) or ""


def load_print_data(session: Session, ids: Sequence[int]) -> list[PrintData]:
    """PrintData for the ids, in the order given; unknown ids raise NotFound."""
    from confirm_desk.services.confirming.calendar import calendar_of
    from confirm_desk.services.confirming.follow_up import deadline_days, notice_context

    address = _setting(session, POINT_ADDRESS_SETTING)
    notice_days = deadline_days(session)
    calendar = calendar_of(session)
    out: list[PrintData] = []
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start:start + CHUNK])
        rows = {r.id: r for r in session.execute(select(t).where(t.c.id.in_(chunk)))}
        photos = {r.applicant_id: r.normalized for r in session.execute(
            select(Photo.applicant_id, Photo.normalized).where(Photo.applicant_id.in_(chunk)))}
        decisions = load_decisions(session, chunk)
        for applicant_id in chunk:
            row = rows.get(applicant_id)
            if row is None:
                raise NotFound(f"申请人（编号 {applicant_id}）不存在")
            values = {f.key: getattr(row, f.key) or "" for f in FIELDS}
            decision = decisions.get(applicant_id, PrintedDecision())
            out.append(PrintData(
                applicant_id=applicant_id,
                values=values,
                status=Status(row.status),
                decision=decision,
                photo=photos.get(applicant_id),
                confirmation_point=values["confirmation_point"],
                point_address=address,
                reprint_needed=bool(row.reprint_needed),
                version=row.version,
                extra=notice_context(decision.decided_at, notice_days, calendar),
            ))
    return out


def build_print_data(session: Session, applicant_id: int) -> PrintData:
    return load_print_data(session, [applicant_id])[0]
