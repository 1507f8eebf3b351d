"""What one printed page needs about one applicant, loaded in bulk, as a plain dataclass."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from confirm_desk.domain.errors import NotFound
from confirm_desk.domain.fields import FIELDS
from confirm_desk.domain.statuses import Status
from confirm_desk.store.models import AuditEvent, Photo, Setting, applicant_table

t = applicant_table
CHUNK = 500  # ids per IN (...) query: under SQLite's variable limit, few round trips
POINT_ADDRESS_SETTING = "point_address"  # where applicants bring missing materials (optional)


@dataclass(frozen=True)
class ConditionMark:
    """One of the 7 registration conditions as the school recorded it."""

    number: int  # 1..7, the order of codes.json "conditions" and of form 附件2
    met: bool | None  # None: not recorded (the boxes stay empty for the school to tick)
    reason: str = ""


@dataclass(frozen=True)
class Decision:
    operator: str = ""
    decided_at: dt.datetime | None = None
    missing: tuple[str, ...] = ()
    conditions: tuple[ConditionMark, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class PrintData:
    applicant_id: int
    values: dict[str, str]
    status: Status
    decision: Decision
    photo: bytes | None  # the normalised 114x156 JPEG only; an original is never printed
    confirmation_point: str
    point_address: str = ""
    reprint_needed: bool = False
    version: int = 0  # the row version printed: an edit after it keeps the reprint flag (CONF-3)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def application_no(self) -> str:
        return self.values["application_no"]


def load_decisions(session: Session, ids: Sequence[int]) -> dict[int, Decision]:
    """Decision operator and time from the latest audit event whose action starts with "decision".

    Interim source until the decision tables (issue 3, migration 0002) land: switch this one function to
    the decision service then, filling `missing` and `conditions` too. Nothing else reads decisions.
    """
    if not ids:
        return {}
    latest = (
        select(AuditEvent.applicant_id, func.max(AuditEvent.id).label("event_id"))
        .where(AuditEvent.applicant_id.in_(list(ids)), AuditEvent.action.like("decision%"))
        .group_by(AuditEvent.applicant_id)
        .subquery()
    )
    rows = session.execute(
        select(AuditEvent.applicant_id, AuditEvent.operator, AuditEvent.at, AuditEvent.detail)
        .join(latest, AuditEvent.id == latest.c.event_id)
    )
    return {r.applicant_id: Decision(operator=r.operator, decided_at=r.at) for r in rows}


def _setting(session: Session, key: str) -> str:
    return session.scalar(select(Setting.value).where(Setting.key == key)) or ""


def load_print_data(session: Session, ids: Sequence[int]) -> list[PrintData]:
    """PrintData for the ids, in the order given; unknown ids raise NotFound."""
    address = _setting(session, POINT_ADDRESS_SETTING)
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
            out.append(PrintData(
                applicant_id=applicant_id,
                values=values,
                status=Status(row.status),
                decision=decisions.get(applicant_id, Decision()),
                photo=photos.get(applicant_id),
                confirmation_point=values["confirmation_point"],
                point_address=address,
                reprint_needed=bool(row.reprint_needed),
                version=row.version,
            ))
    return out


def build_print_data(session: Session, applicant_id: int) -> PrintData:
    return load_print_data(session, [applicant_id])[0]
