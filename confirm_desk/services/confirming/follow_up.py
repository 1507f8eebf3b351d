"""Following up 申请材料不全: who still owes what, since when, by when; and the materials arriving."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from confirm_desk.domain.actors import ActorLike
from confirm_desk.domain.campaign import Calendar
from confirm_desk.domain.statuses import Status
from confirm_desk.domain.text import chinese_date
from confirm_desk.services import settings
from confirm_desk.services.audit_trail import local_time
from confirm_desk.services.confirming.calendar import calendar_of
from confirm_desk.services.confirming.check_marks import load_materials
from confirm_desk.services.confirming.confirmation import CheckInput, SaveResult, save_check
from confirm_desk.store.models import Decision, applicant_table

t = applicant_table
DEADLINE_DAYS = "incomplete_deadline_days"  # a store preference (confirm_desk/preferences.py)


def deadline_for(decided_at: dt.datetime, days: int, calendar: Calendar | None = None) -> dt.date:
    """The day by which missing materials are due: the (local) day of the decision plus `days`, never after
    the 确认 window's end (CAL-1)."""
    deadline = local_time(decided_at).date() + dt.timedelta(days=days)
    return calendar.clip_deadline(deadline) if calendar is not None else deadline


def deadline_days(session: Session) -> int:
    """The store preference: how many days an applicant has to bring missing materials."""
    days = settings.load(session)[DEADLINE_DAYS]
    return days if isinstance(days, int) else 0


def notice_context(decided_at: dt.datetime | None, days: int, calendar: Calendar | None = None) -> dict[str, str]:
    """What the 补正通知单 prints beside the applicant's values (forms/print/notice.json)."""
    if decided_at is None:
        return {"decided_on": "", "notice_deadline": "", "notice_days": str(days)}
    return {
        "decided_on": chinese_date(local_time(decided_at).date()),
        "notice_deadline": chinese_date(deadline_for(decided_at, days, calendar)),
        "notice_days": str(days),
    }


@dataclass(frozen=True)
class FollowUpRow:
    applicant_id: int
    application_no: str
    name: str
    phone: str
    school: str
    missing: list[str]  # still missing: named in the decision and not ticked since
    since: dt.date
    deadline: dt.date
    overdue: bool
    version: int

    @property
    def complete(self) -> bool:
        """Every missing material has been ticked: the applicant waits for the new decision."""
        return not self.missing


def incomplete_applicants(session: Session, today: dt.date | None = None) -> list[FollowUpRow]:
    """Applicants whose decision in force is 申请材料不全, overdue first, then by deadline."""
    today = today or dt.date.today()
    days = deadline_days(session)
    calendar = calendar_of(session)
    newest = select(func.max(Decision.id)).group_by(Decision.applicant_id)
    stmt = (
        select(t.c.id, t.c.application_no, t.c.name, t.c.phone, t.c.school, t.c.version,
               Decision.missing, Decision.decided_at)
        .join(Decision, Decision.applicant_id == t.c.id)
        .where(t.c.status == Status.INCOMPLETE.value, Decision.id.in_(newest))
    )
    rows = []
    for r in session.execute(stmt):
        present = load_materials(session, r.id)
        missing = [m for m in json.loads(r.missing or "[]") if not present.get(m)]
        deadline = deadline_for(r.decided_at, days, calendar)
        rows.append(FollowUpRow(r.id, r.application_no, r.name, r.phone, r.school, missing,
                                local_time(r.decided_at).date(), deadline, deadline < today, r.version))
    rows.sort(key=lambda row: (not row.overdue, row.deadline, row.application_no))
    return rows


def materials_arrived(session: Session, applicant_id: int, materials: list[str], operator: ActorLike,
                      expected_version: int) -> SaveResult:
    """Tick the materials handed in now (audited per item, CONF-6); the decision is made afterwards in the
    check dialog, as for any applicant."""
    return save_check(session, applicant_id, CheckInput(materials=dict.fromkeys(materials, True)), operator,
                      expected_version)
