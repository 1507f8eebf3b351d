"""Writing audit events. Every state change calls this inside its own transaction (CONF-6)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import insert

from confirm_desk.store.bulk import bulk_insert
from confirm_desk.store.tables import audit_table, utcnow

if TYPE_CHECKING:
    from confirm_desk.store.units import Unit


def record(
    session: Unit,
    action: str,
    operator: str = "",
    *,
    applicant_id: int | None = None,
    application_no: str = "",
    field: str = "",
    old: object = "",
    new: object = "",
    detail: str = "",
) -> None:
    """One event, written at once by a Core INSERT in the session's transaction (an import process maps no ORM
    class). Without autoflush: the caller's pending ORM changes are flushed when they would have been had the
    event been a pending object too (an applicant changed twice in one unit of work gets one new version)."""
    values = {"action": action, "operator": operator, "applicant_id": applicant_id, "application_no": application_no,
              "field": field, "old_value": "" if old is None else str(old),
              "new_value": "" if new is None else str(new), "detail": detail}
    with session.no_autoflush:
        session.execute(insert(audit_table).values(values))


# An event's columns but its id and time: a set of events that gives exactly these goes to the driver at once.
_GIVEN = {column.name for column in audit_table.columns} - {"id", "at"}


def record_many(session: Unit, events: list[dict[str, object]]) -> None:
    """Bulk audit rows (import updates): one executemany instead of an ORM object per row."""
    if not events:
        return
    keys = events[0].keys()
    if keys != _GIVEN or any(event.keys() != keys for event in events):
        session.execute(insert(audit_table), events)
        return
    at = utcnow()  # one time for the whole set, as the column default would give each row (one transaction)
    bulk_insert(session.connection(), audit_table, [{**event, "at": at} for event in events])
