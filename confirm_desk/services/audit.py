"""Writing audit events. Every state change calls this inside its own transaction (CONF-6)."""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.orm import Session

from confirm_desk.store.models import AuditEvent


def record(
    session: Session,
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
    session.add(
        AuditEvent(
            action=action,
            operator=operator,
            applicant_id=applicant_id,
            application_no=application_no,
            field=field,
            old_value="" if old is None else str(old),
            new_value="" if new is None else str(new),
            detail=detail,
        )
    )


def record_many(session: Session, events: list[dict[str, object]]) -> None:
    """Bulk audit rows (import updates): one executemany instead of an ORM object per row."""
    if events:
        session.execute(insert(AuditEvent), events)
