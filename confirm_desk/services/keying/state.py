"""What the desk holds that the national system must show, per applicant: the decision taken here, the
fields edited here, and what was keyed (read in bulk; shared by the queue and the verification)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Row, func, or_, select
from sqlalchemy.sql.elements import SQLCoreOperations

from confirm_desk.domain.statuses import Status
from confirm_desk.services.confirming.local_edits import EDIT_ACTIONS, LocalEdit, local_edits
from confirm_desk.store.tables import applicant_table, audit_table, batch_table, decision_table, keying_table

if TYPE_CHECKING:
    from confirm_desk.store.units import Unit

t = applicant_table
# The audit actions that change what the national system must show: after keying, one of these makes the
# applicant due again (an import's own changes do not).
KEYING_ACTIONS = ("decision", "edit", "reopen", "conflict_keep", "national_keep")
_DECIDED = frozenset(s.value for s in Status if s.decided)
_CHUNK = 500
# One applicant as the queue and the verification read it: id, application_no, id_number, name, status,
# online_status, version, missing_from_import.
ApplicantRow = Row[int, str, str, str, str, str, int, bool]


@dataclass(frozen=True)
class DecisionRow:
    outcome: str
    reason: str
    missing: tuple[str, ...]
    operator: str
    decided_at: dt.datetime


@dataclass(frozen=True)
class Keyed:
    """A keying record as read."""

    event_id: int
    status: str  # the desk status keyed ("" when only fields were keyed)
    fields: dict[str, str]
    operator: str
    keyed_at: dt.datetime | None
    settled: str
    settled_national: str


@dataclass
class DeskState:
    """Everything the queue and the report need, read once."""

    applicants: list[ApplicantRow]
    decisions: dict[int, DecisionRow]
    edits: dict[int, dict[str, LocalEdit]]
    last_event: dict[int, int]
    keyed: dict[int, Keyed]
    last_import: dt.datetime | None

    def decided_here(self, row: ApplicantRow) -> bool:
        """Decided at this desk: a decided status that the newest decision taken here gave."""
        decision = self.decisions.get(row.id)
        return row.status in _DECIDED and decision is not None and decision.outcome == row.status

    def keyed_current(self, applicant_id: int) -> bool:
        record = self.keyed.get(applicant_id)
        return record is not None and record.event_id > 0 and record.event_id >= self.last_event.get(applicant_id, 0)


def read_state(session: Unit, applicant_ids: Collection[int] | None = None) -> DeskState:
    conn = session.connection()
    cols = (t.c.id, t.c.application_no, t.c.id_number, t.c.name, t.c.status, t.c.online_status, t.c.version,
            t.c.missing_from_import)
    if applicant_ids is None:
        # Only applicants with something to key or verify: decided (here or nationally: an import gives an
        # undecided applicant the national status), edited here, or keyed. A fresh import of 100,000 reads none.
        edited = select(audit_table.c.applicant_id).where(audit_table.c.action.in_(EDIT_ACTIONS))
        relevant = or_(t.c.status.in_(sorted(_DECIDED)), t.c.id.in_(select(keying_table.c.applicant_id)),
                       t.c.id.in_(edited))
        rows: list[ApplicantRow] = list(conn.execute(select(*cols).where(relevant).order_by(t.c.id)).all())
    else:
        ids = sorted(set(applicant_ids))
        rows = []
        for start in range(0, len(ids), _CHUNK):
            rows.extend(conn.execute(select(*cols).where(t.c.id.in_(ids[start:start + _CHUNK]))).all())
        rows.sort(key=lambda r: r.id)
    wanted = None if applicant_ids is None else {r.id for r in rows}
    return DeskState(
        applicants=rows,
        decisions=_latest_decisions(session, wanted),
        edits=local_edits(session, wanted),
        last_event=_last_events(session, wanted),
        keyed=_keyed(session, wanted),
        last_import=session.scalar(select(func.max(batch_table.c.created_at)).where(batch_table.c.kind == "import")),
    )


def _in(
    column: SQLCoreOperations[int] | SQLCoreOperations[int | None], ids: Collection[int] | None
) -> list[ColumnElement[bool] | None]:
    """`column IN ids` in chunks (None: everything)."""
    if ids is None:
        return [None]
    ordered = sorted(ids)
    return [column.in_(ordered[i:i + _CHUNK]) for i in range(0, len(ordered), _CHUNK)] or []


def _latest_decisions(session: Unit, ids: Collection[int] | None) -> dict[int, DecisionRow]:
    out: dict[int, DecisionRow] = {}
    d = decision_table.c
    for condition in _in(d.applicant_id, ids):
        newest = select(func.max(d.id)).group_by(d.applicant_id)
        if condition is not None:
            newest = newest.where(condition)
        stmt = select(d.applicant_id, d.outcome, d.reason, d.missing, d.operator, d.decided_at).where(
            d.id.in_(newest.scalar_subquery()))
        for r in session.execute(stmt):
            missing = tuple(json.loads(r.missing or "[]"))
            out[r.applicant_id] = DecisionRow(r.outcome, r.reason, missing, r.operator, r.decided_at)
    return out


def _last_events(session: Unit, ids: Collection[int] | None) -> dict[int, int]:
    out: dict[int, int] = {}
    a = audit_table.c
    for condition in _in(a.applicant_id, ids):
        stmt = (select(a.applicant_id, func.max(a.id))
                .where(a.action.in_(KEYING_ACTIONS), a.applicant_id.is_not(None))
                .group_by(a.applicant_id))
        if condition is not None:
            stmt = stmt.where(condition)
        out.update((a, e) for a, e in session.execute(stmt) if a is not None)
    return out


def _keyed(session: Unit, ids: Collection[int] | None) -> dict[int, Keyed]:
    out: dict[int, Keyed] = {}
    for condition in _in(keying_table.c.applicant_id, ids):
        stmt = select(keying_table)
        if condition is not None:
            stmt = stmt.where(condition)
        for r in session.execute(stmt):
            out[r.applicant_id] = Keyed(r.event_id, r.status, json.loads(r.fields or "{}"), r.operator,
                                        r.keyed_at, r.settled, r.settled_national)
    return out
