"""Several seats on one store: who has an applicant open (leases), and refusing a save that came second."""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass
from typing import NoReturn

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from confirm_desk.domain.actors import ActorLike, actor_name
from confirm_desk.domain.errors import StaleRecord
from confirm_desk.services import audit
from confirm_desk.store.dialects import db_utcnow
from confirm_desk.store.models import Applicant, AuditEvent, Lease

LEASE_MINUTES = 5  # a crashed seat's claim lapses by itself after this
RENEW_SECONDS = 60  # an open check dialog renews its claim this often


@dataclass(frozen=True)
class Holder:
    operator: str
    seat: str
    claimed_at: dt.datetime
    expires_at: dt.datetime

    @property
    def host(self) -> str:
        return self.seat.split("#", 1)[0]


@dataclass(frozen=True)
class LastChange:
    operator: str
    at: dt.datetime
    action: str


def this_seat() -> str:
    """This PC and program: the same operator may have the applicant open at two desks."""
    return f"{socket.gethostname()}#{os.getpid()}"


def _who(operator: ActorLike) -> str:
    return actor_name(operator)


def claim(
    session: Session,
    applicant_id: int,
    operator: ActorLike,
    minutes: int = LEASE_MINUTES,
    *,
    seat: str | None = None,
) -> list[Holder]:
    """Takes or renews this seat's lease on the applicant; returns the other seats holding it now."""
    seat = seat or this_seat()
    who = _who(operator)
    now = db_utcnow(session)
    session.execute(delete(Lease).where(Lease.expires_at < now))  # lapsed claims of seats that went away
    lease = session.scalar(
        select(Lease).where(Lease.applicant_id == applicant_id, Lease.operator == who, Lease.seat == seat)
    )
    if lease is None:
        lease = Lease(applicant_id=applicant_id, operator=who, seat=seat, claimed_at=now)
        session.add(lease)
    lease.expires_at = now + dt.timedelta(minutes=minutes)
    session.flush()
    return [h for h in holders(session, applicant_id, now=now) if (h.operator, h.seat) != (who, seat)]


def release(session: Session, applicant_id: int, operator: ActorLike, *, seat: str | None = None) -> None:
    seat, who = seat or this_seat(), _who(operator)
    session.execute(
        delete(Lease).where(Lease.applicant_id == applicant_id, Lease.operator == who, Lease.seat == seat)
    )


def holders(session: Session, applicant_id: int, *, now: dt.datetime | None = None) -> list[Holder]:
    """Every seat whose lease on the applicant has not lapsed, first claimed first."""
    now = now or db_utcnow(session)
    rows = session.scalars(
        select(Lease)
        .where(Lease.applicant_id == applicant_id, Lease.expires_at >= now)
        .order_by(Lease.claimed_at)
    )
    return [Holder(r.operator, r.seat, r.claimed_at, r.expires_at) for r in rows]


def last_change(session: Session, applicant_id: int) -> LastChange | None:
    """The newest change to the applicant in the audit trail (refused saves do not count)."""
    row = session.execute(
        select(AuditEvent.operator, AuditEvent.at, AuditEvent.action)
        .where(AuditEvent.applicant_id == applicant_id, AuditEvent.action != "conflict")
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).one_or_none()
    return LastChange(row.operator, row.at, row.action) if row is not None else None


def refuse_stale(
    session: Session, applicant_id: int, who: str, expected_version: int, attempted: str
) -> NoReturn:
    """The save came second: nothing of it is kept, the refused attempt is audited (and committed, so
    it survives the caller's rollback), and StaleRecord says who changed the applicant and when."""
    from confirm_desk.services.audit_trail import ACTION_LABELS, local_time

    session.rollback()
    row = session.execute(
        select(Applicant.version, Applicant.application_no).where(Applicant.id == applicant_id)
    ).one()
    change = last_change(session, applicant_id)
    audit.record(session, "conflict", who, applicant_id=applicant_id, application_no=row.application_no,
                 field="version", old=expected_version, new=row.version, detail=f"未保存：{attempted}")
    session.commit()
    if change is None:
        by = "其他席位"
    else:
        by = (f"{change.operator or '导入'} 于 {local_time(change.at):%Y-%m-%d %H:%M:%S}"
              f"（{ACTION_LABELS.get(change.action, change.action)}）")
    raise StaleRecord(f"保存未生效：该申请人在你打开之后已被 {by} 修改。")
