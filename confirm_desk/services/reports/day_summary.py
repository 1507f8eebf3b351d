"""The day at a glance: counts by status, decisions per operator today, papers to print, follow-ups."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants.listing import status_counts
from confirm_desk.store.models import Decision, Operator, applicant_table

if TYPE_CHECKING:  # the batch, printing and follow-up services (some 60 modules) load when a summary is made,
    # not with the main window that shows it (issue 20: cold start)
    from confirm_desk.services.confirming.follow_up import FollowUpRow

t = applicant_table


@dataclass(frozen=True)
class PrintQueueRow:
    applicant_id: int
    application_no: str
    name: str
    reprint: bool  # CONF-3: the signed form no longer matches the data


@dataclass
class DaySummary:
    day: dt.date
    by_status: dict[Status, int] = field(default_factory=dict)
    decided_today: dict[str, dict[Status, int]] = field(default_factory=dict)  # operator -> outcome -> n
    forms_to_print: list[PrintQueueRow] = field(default_factory=list)  # reprints first
    receipts_to_print: list[PrintQueueRow] = field(default_factory=list)
    incomplete: list[FollowUpRow] = field(default_factory=list)
    not_in_batch: int = 0  # decisions (and edits) the next synced batch would carry
    next_batch: int = 0  # its number

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def decided_today_total(self) -> int:
        return sum(sum(v.values()) for v in self.decided_today.values())

    @property
    def reprints(self) -> int:
        return sum(1 for r in self.forms_to_print if r.reprint)

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.incomplete if r.overdue)


def _queue(session: Session, ids: list[int]) -> list[PrintQueueRow]:
    if not ids:
        return []
    rows = session.execute(select(t.c.id, t.c.application_no, t.c.name, t.c.reprint_needed)
                           .where(t.c.id.in_(ids)))
    out = [PrintQueueRow(r.id, r.application_no, r.name, bool(r.reprint_needed)) for r in rows]
    out.sort(key=lambda r: (not r.reprint, r.application_no))
    return out


def day_summary(session: Session, day: dt.date | None = None) -> DaySummary:
    from confirm_desk.services.audit_trail import utc_start
    from confirm_desk.services.batches.rows import count_next_batch, next_number
    from confirm_desk.services.confirming.follow_up import incomplete_applicants
    from confirm_desk.services.printing.documents import confirmed_ids

    day = day or dt.date.today()
    summary = DaySummary(day)
    counts = status_counts(session)
    summary.by_status = {s: counts.get(s.value, 0) for s in Status}
    start, end = utc_start(day), utc_start(day + dt.timedelta(days=1))
    accounts = session.execute(select(Operator.username, Operator.display_name))
    names = {r.username: r.display_name for r in accounts}
    stmt = (select(Decision.operator, Decision.outcome, func.count())
            .where(Decision.decided_at >= start, Decision.decided_at < end)
            .group_by(Decision.operator, Decision.outcome))
    for operator, outcome, n in session.execute(stmt):
        who = names.get(operator) or operator or "（未记录）"
        summary.decided_today.setdefault(who, {})[Status(outcome)] = n
    summary.forms_to_print = _queue(session, confirmed_ids(session, "form"))
    summary.receipts_to_print = _queue(session, confirmed_ids(session, "receipt"))
    summary.incomplete = incomplete_applicants(session, day)
    summary.not_in_batch, summary.next_batch = count_next_batch(session), next_number(session)
    return summary
