"""Pending import conflicts and the confirmer's choice per field: keep the local value or take the import."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from confirm_desk.domain.actors import ActorLike, actor_name
from confirm_desk.domain.errors import RuleViolation
from confirm_desk.services import audit
from confirm_desk.services.importing.applicants import flags_for
from confirm_desk.services.importing.reconcile import PendingConflict
from confirm_desk.store.models import Applicant, ImportConflict, utcnow


class Choice(StrEnum):
    KEEP = "keep"  # 保留本地值
    TAKE = "take"  # 采用导入值

    @property
    def label(self) -> str:
        return "保留本地值" if self is Choice.KEEP else "采用导入值"


def pending_count(session: Session) -> int:
    return session.scalar(select(func.count()).where(ImportConflict.resolution == "")) or 0


def list_pending(session: Session) -> list[PendingConflict]:
    rows = session.execute(
        select(ImportConflict.id, ImportConflict.applicant_id, Applicant.application_no, Applicant.name,
               ImportConflict.field, ImportConflict.local_value, ImportConflict.incoming_value)
        .join(Applicant, Applicant.id == ImportConflict.applicant_id)
        .where(ImportConflict.resolution == "")
        .order_by(Applicant.id, ImportConflict.id)
    )
    return [PendingConflict(r.application_no, r.name, r.field, r.local_value, r.incoming_value,
                            id=r.id, applicant_id=r.applicant_id) for r in rows]


def resolve(session: Session, choices: Mapping[int, Choice], operator: ActorLike | None) -> int:
    """Apply the confirmer's choice for each conflict id (audited); returns how many were settled.

    Taking the incoming value changes the applicant, so the signed form must be printed again (CONF-3);
    either choice makes the applicant need exporting again (its row in the next batch says what holds)."""
    who = actor_name(operator)
    if not who:
        raise RuleViolation("未登录：处理导入冲突必须记录操作员")
    if not choices:
        return 0
    rows = list(session.scalars(
        select(ImportConflict).where(ImportConflict.id.in_(list(choices)), ImportConflict.resolution == "")
    ))
    now = utcnow()
    for row in rows:
        choice = Choice(choices[row.id])
        applicant = session.get(Applicant, row.applicant_id)
        assert applicant is not None  # the foreign key cascades: a conflict never outlives its applicant
        current = getattr(applicant, row.field) or ""
        if choice is Choice.TAKE:
            setattr(applicant, row.field, row.incoming_value)
            applicant.flags = flags_for(applicant.values())
            if current != row.incoming_value:
                applicant.reprint_needed = True
            audit.record(session, "conflict_take", who, applicant_id=applicant.id,
                         application_no=applicant.application_no, field=row.field,
                         old=current, new=row.incoming_value)
        else:
            # old = the incoming value (the national system's value from now on), new = what stays here
            audit.record(session, "conflict_keep", who, applicant_id=applicant.id,
                         application_no=applicant.application_no, field=row.field,
                         old=row.incoming_value, new=current)
        applicant.updated_at = now  # bumps the version: the next batch carries the outcome
        row.resolution, row.resolved_by, row.resolved_at = choice.value, who, now
    session.flush()
    return len(rows)
