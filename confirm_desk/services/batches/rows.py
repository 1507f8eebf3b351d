"""What the next export batch holds: every applicant decided or edited here (or exported before) whose
state moved on since the batch that last carried it, as the rows results.xlsx will show."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NotRequired, TypedDict, cast

from sqlalchemy import ColumnElement, Connection, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from confirm_desk.domain.fields import FIELDS, FIELDS_BY_KEY
from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants.listing import photo_redone_since_sync
from confirm_desk.services.audit_trail import local_time
from confirm_desk.services.confirming.local_edits import EDIT_ACTIONS, LocalEdit, local_edits
from confirm_desk.store.models import AuditEvent, Batch, ConfirmationPoint, Decision, applicant_table, table_of

t = applicant_table
FIXED_HEADERS = ("报名号", "证件号码", "姓名", "确认结果", "未通过原因", "缺少材料")
CLOSING_HEADERS = ("确认人", "确认时间")
_ORDER = {f.key: i for i, f in enumerate(FIELDS)}
_LABELS = {s.value: s.label for s in Status}
# An applicant as the plan reads it: id, application_no, id_number, name, status, version, synced_batch, point,
# and its newest decision (None without one, or when its status is no outcome): reason, missing (JSON list),
# operator, decided at (SQLite: ISO text).
PlanRow = tuple[int, str, str, str, str, int, int | None, str, str | None, str | None, str | None,
                dt.datetime | str | None]


class BatchRow(TypedDict):
    """One applicant's row of a batch, JSON-ready: kept with the batch, and what results.xlsx shows."""

    application_no: str
    id_number: str
    name: str
    result: str
    reason: str
    missing: str
    changes: list[list[str]]  # [field key, value before, value now] per field edited here
    operator: str
    at: str
    photo: NotRequired[str]  # the photo's name in the zip ("" without one), added when the batch is written


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs 15 ms more over 20,000 items
class PlannedItem:
    applicant_id: int
    version: int
    row: BatchRow
    previous_batch: int | None


@dataclass
class BatchPlan:
    number: int
    confirmation_point: str
    items: list[PlannedItem] = field(default_factory=list)

    @property
    def changed_fields(self) -> list[str]:
        return changed_fields([item.row for item in self.items])


def changed_fields(rows: Sequence[BatchRow]) -> list[str]:
    """Field keys changed in any row, in registry order: one old/new column pair each."""
    return sorted({c[0] for row in rows for c in row["changes"]}, key=_ORDER.__getitem__)


def next_number(session: Session) -> int:
    return (session.scalar(select(func.max(Batch.number)).where(Batch.kind == "export")) or 0) + 1


def plan_next_batch(session: Session) -> BatchPlan:
    edits = local_edits(session)
    conn = session.connection()
    decided = {s.value for s in Status if s.decided}
    chosen: list[PlanRow] = []
    # One statement gives each applicant that moved on, with its newest decision, as the driver's tuples (no
    # result rows: indexing a Row costs more than the query): the applicants edited here are a superset in SQL
    # (any edit event) and exact in `edits`.
    for r in driver_rows(conn, _plan_sql(conn)):
        if r[4] in decided or r[6] is not None or r[0] in edits:
            chosen.append(r)
    plan = BatchPlan(next_number(session), _point_of(session, chosen))
    items = plan.items
    for r in chosen:
        applicant_id, version, previous = r[0], r[5], r[6]
        items.append(PlannedItem(applicant_id, version, _row(r, r[4] in decided, edits.get(applicant_id)), previous))
    return plan


def driver_rows(conn: Connection, sql: str) -> list[Any]:
    """The rows of a plain SQL statement as the driver's own tuples (no result row objects)."""
    result = conn.exec_driver_sql(sql)
    try:
        return cast(list[Any], result.cursor.fetchall())
    finally:
        result.close()


def candidates() -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The applicants a plan may carry, in SQL: moved on since their last batch, and decided, exported before or
    with an edit event (a superset of those edited here: `local_edits` tells which edits are still local)."""
    decided = [s.value for s in Status if s.decided]
    edited = select(AuditEvent.applicant_id).where(AuditEvent.action.in_(EDIT_ACTIONS),
                                                   AuditEvent.applicant_id.is_not(None))
    return (or_(t.c.synced_batch.is_(None), t.c.version != t.c.synced_version, photo_redone_since_sync()),
            or_(t.c.status.in_(decided), t.c.synced_batch.is_not(None), t.c.id.in_(edited)))


def _plan_statement() -> Select[Any]:
    d = table_of(Decision)
    decided = [s.value for s in Status if s.decided]
    other = d.alias("newest")
    newest = select(func.max(other.c.id)).where(other.c.applicant_id == t.c.id).correlate(t).scalar_subquery()
    return (select(t.c.id, t.c.application_no, t.c.id_number, t.c.name, t.c.status, t.c.version, t.c.synced_batch,
                   t.c.confirmation_point, d.c.reason, d.c.missing, d.c.operator, d.c.decided_at)
            .select_from(t.outerjoin(d, and_(t.c.status.in_(decided), d.c.id == newest)))
            .where(*candidates())
            .order_by(t.c.id))


_PLAN_SQL: dict[str, str] = {}


def _plan_sql(conn: Connection) -> str:
    """The plan's statement for this database, compiled once (its few values are the code's own constants)."""
    name = conn.dialect.name
    if name not in _PLAN_SQL:
        _PLAN_SQL[name] = str(_plan_statement().compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    return _PLAN_SQL[name]


def _row(r: PlanRow, decided: bool, edits: dict[str, LocalEdit] | None) -> BatchRow:
    """The batch row of one planned applicant (`decided`: its status is an outcome, so its newest decision
    counts)."""
    at: dt.datetime | None = None
    reason, missing, who = "", "[]", ""
    if decided and r[11] is not None:  # its newest decision (NOT NULL columns: a joined one has them all)
        reason, missing, who, at = r[8] or "", r[9] or "[]", r[10] or "", _datetime(r[11])
    changes: list[list[str]] = []
    if edits:
        changes = [[key, e.base, e.value] for key, e in sorted(edits.items(), key=_by_registry)
                   if key in FIELDS_BY_KEY]
        # Who and when: the decision, or the newest edit when that came later (or there is no decision).
        newest = max(edits.values(), key=lambda e: e.at)
        if at is None or newest.at > at:
            who, at = newest.operator, newest.at
    return {
        "application_no": r[1],
        "id_number": r[2],
        "name": r[3],
        "result": _LABELS[r[4]],
        "reason": reason,
        "missing": _missing_text(missing) if missing not in ("", "[]") else "",
        "changes": changes,
        "operator": who,
        "at": _local_text(at) if at is not None else "",
    }


@lru_cache(maxsize=1024)
def _missing_text(missing: str) -> str:  # a JSON list; the same few lists recur across a batch
    return "、".join(json.loads(missing))


def _by_registry(item: tuple[str, LocalEdit]) -> int:
    return _ORDER.get(item[0], len(_ORDER))


def _datetime(value: dt.datetime | str) -> dt.datetime:
    """A DateTime column as the driver gives it: SQLite's ISO text is read as SQLAlchemy reads it."""
    return value if isinstance(value, dt.datetime) else _from_text(value)


@lru_cache(maxsize=4096)
def _from_text(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@lru_cache(maxsize=4096)
def _local_text(at: dt.datetime) -> str:
    return local_time(at).strftime("%Y-%m-%d %H:%M:%S")


def _point_of(session: Session, rows: Sequence[PlanRow]) -> str:
    names = sorted({r[7] for r in rows if r[7]})
    if not names:
        names = sorted(session.scalars(select(ConfirmationPoint.name)))
    return "、".join(names)


def sheet_rows(plan_rows: Sequence[BatchRow], changed: list[str]) -> tuple[list[str], list[list[str]]]:
    """Headers (import-format labels; each changed field as 修改前 / the field's own label) and cells."""
    headers = list(FIXED_HEADERS)
    for key in changed:
        label = FIELDS_BY_KEY[key].label
        headers += [f"{label}（修改前）", label]
    headers += CLOSING_HEADERS
    out = []
    blank = [""] * (2 * len(changed))  # a row without changes (most rows)
    for row in plan_rows:
        cells = [row["application_no"], row["id_number"], row["name"], row["result"], row["reason"],
                 row["missing"]]
        if row["changes"]:
            by_key = {c[0]: c for c in row["changes"]}
            for key in changed:
                change = by_key.get(key)
                cells += [change[1], change[2]] if change else ["", ""]
        else:
            cells += blank
        cells += [row["operator"], row["at"]]
        out.append(cells)
    return headers, out


def count_next_batch(session: Session) -> int:
    """How many applicants `plan_next_batch` would carry, counted in SQL without building a row (the dashboard
    shows this number; planning 100,000 applicants to count them took a second)."""
    moved_on = or_(t.c.synced_batch.is_(None), t.c.version != t.c.synced_version, photo_redone_since_sync())
    decided = [s.value for s in Status if s.decided]
    carried = or_(t.c.status.in_(decided), t.c.synced_batch.is_not(None))
    count = session.scalar(select(func.count()).select_from(t).where(moved_on, carried)) or 0
    edited = sorted(local_edits(session))  # only edited here: neither decided nor exported before
    for start in range(0, len(edited), 500):
        chunk = edited[start:start + 500]
        count += session.scalar(select(func.count()).select_from(t)
                                .where(t.c.id.in_(chunk), moved_on, ~carried)) or 0
    return count
