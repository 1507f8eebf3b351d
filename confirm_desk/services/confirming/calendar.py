"""The campaign calendar in the store (CAL-1): the 网报/确认 windows from the store preferences, and the list
of applicants who never came (视为自动放弃, Qianjiang notice 三(二)(三))."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from confirm_desk.domain.campaign import Calendar
from confirm_desk.domain.statuses import Status
from confirm_desk.services import settings
from confirm_desk.store.models import applicant_table

t = applicant_table
CALENDAR_KEYS = ("online_start", "online_end", "campaign_start", "campaign_end")


def calendar_from(values: Mapping[str, Any]) -> Calendar:
    return Calendar(
        online_start=values.get("online_start"), online_end=values.get("online_end"),
        confirm_start=values.get("campaign_start"), confirm_end=values.get("campaign_end"),
    )


def calendar_of(session: Session) -> Calendar:
    """The campaign calendar as the administrator set it (every date may be blank: that side is open)."""
    return calendar_from(settings.load(session))


@dataclass(frozen=True)
class AbandonedRow:
    applicant_id: int
    application_no: str
    name: str
    id_number: str
    school: str
    phone: str
    confirmation_point: str

    def as_dict(self) -> dict[str, object]:
        return {"application_no": self.application_no, "name": self.name, "id_number": self.id_number,
                "school": self.school, "phone": self.phone, "confirmation_point": self.confirmation_point}


@dataclass(frozen=True)
class AbandonedReport:
    """Applicants still 网报待确认 (never decided) — at the window's end they are treated as having given up."""

    calendar: Calendar
    as_of: dt.date
    rows: list[AbandonedRow]

    @property
    def final(self) -> bool:
        """The window has closed: the list is the 视为自动放弃 list, not a forecast."""
        return self.calendar.window_closed(self.as_of)

    def heading(self) -> str:
        if self.calendar.confirm_end is None:
            return f"未设置现场确认结束日期：以下 {len(self.rows)} 人仍为网报待确认（未到现场确认）"
        end = self.calendar.confirm_end.isoformat()
        if self.final:
            return f"现场确认已于 {end} 结束：以下 {len(self.rows)} 人逾期未进行现场确认，视为自动放弃"
        return f"现场确认至 {end} 结束：以下 {len(self.rows)} 人尚未到现场确认，届时未确认的视为自动放弃"

    def as_json(self) -> dict[str, object]:
        end = self.calendar.confirm_end
        return {"confirm_end": end.isoformat() if end else None, "as_of": self.as_of.isoformat(),
                "final": self.final, "applicants": [r.as_dict() for r in self.rows]}


def abandoned(session: Session, as_of: dt.date | None = None) -> AbandonedReport:
    """The 视为自动放弃 list: 网报待确认 applicants with no decision ever (a re-opened one has been seen)."""
    from confirm_desk.store.models import Decision

    as_of = as_of or dt.date.today()
    decided_once = select(Decision.applicant_id)
    stmt = (select(t.c.id, t.c.application_no, t.c.name, t.c.id_number, t.c.school, t.c.phone,
                   t.c.confirmation_point)
            .where(t.c.status == Status.PENDING.value, t.c.id.not_in(decided_once))
            .order_by(t.c.confirmation_point, t.c.school, t.c.id))
    rows = [AbandonedRow(*r) for r in session.execute(stmt)]
    return AbandonedReport(calendar_of(session), as_of, rows)
