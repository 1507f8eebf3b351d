"""Finding and reading applicants: the queries behind the list, the search box and the detail view."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session

from confirm_desk.domain.checks import Finding
from confirm_desk.domain.errors import NotFound
from confirm_desk.domain.fields import FIELDS
from confirm_desk.domain.photo_checks import problem_text
from confirm_desk.domain.statuses import Status
from confirm_desk.domain.sync import SyncState, sync_text
from confirm_desk.domain.text import compact_code, to_halfwidth
from confirm_desk.services.applicants.criteria import LIST_COLUMNS as LIST_COLUMNS  # re-exported
from confirm_desk.services.applicants.criteria import ListCriteria as ListCriteria  # re-exported
from confirm_desk.store.dialects import contains_match, prefix_match
from confirm_desk.store.models import Batch, Photo, applicant_table

t = applicant_table


def _text_condition(text: str):
    text = to_halfwidth(text).strip()
    code = compact_code(text)
    if re.fullmatch(r"\d{17}[\dX]", code):
        # A whole ID number (what a scanner or a careful clerk types): two index look-ups.
        return or_(t.c.id_number == code, t.c.application_no == code)
    if re.fullmatch(r"[\dX]+", code):
        # Digits: a 报名号 from its start, or any fragment of an ID number (3 characters or more).
        if len(code) < 3:
            return prefix_match(t.c.application_no, code)
        return or_(prefix_match(t.c.application_no, code), t.c.id.in_(id_fragment_ids(code)))
    return or_(prefix_match(t.c.name, text), prefix_match(t.c.school, text))


def id_fragment_ids(fragment: str) -> Select:
    """Ids whose ID number contains `fragment`; scans the compact id_number index, not the table."""
    return select(t.c.id).where(contains_match(t.c.id_number, fragment))


def filtered(criteria: ListCriteria) -> Select:
    stmt = select(t.c.id)
    if criteria.text.strip():
        stmt = stmt.where(_text_condition(criteria.text))
    if criteria.name.strip():
        stmt = stmt.where(prefix_match(t.c.name, criteria.name.strip()))
    if criteria.id_number.strip():
        stmt = stmt.where(contains_match(t.c.id_number, compact_code(criteria.id_number)))
    if criteria.application_no.strip():
        stmt = stmt.where(prefix_match(t.c.application_no, compact_code(criteria.application_no)))
    if criteria.school.strip():
        stmt = stmt.where(prefix_match(t.c.school, criteria.school.strip()))
    if criteria.confirmation_point.strip():
        stmt = stmt.where(t.c.confirmation_point == criteria.confirmation_point.strip())
    if criteria.status:
        stmt = stmt.where(t.c.status == criteria.status)
    if criteria.flagged_only:
        stmt = stmt.where(t.c.flags != "")
    if criteria.sync_state:
        stmt = stmt.where(_sync_condition(SyncState(criteria.sync_state)))
    return stmt


def _sync_condition(state: SyncState):
    if state is SyncState.NEVER:
        return t.c.synced_batch.is_(None)
    in_step = (t.c.version == t.c.synced_version) & ~photo_redone_since_sync()
    return t.c.synced_batch.is_not(None) & (in_step if state is SyncState.SYNCED else ~in_step)


def photo_redone_since_sync():
    """The normalised photo was (re)made after the batch that last carried the applicant: the photo
    service writes the photo row, not the applicant's version, so the times tell."""
    p, b = Photo.__table__, Batch.__table__
    return exists().where(p.c.applicant_id == t.c.id, p.c.normalized.is_not(None), b.c.kind == "export",
                          b.c.number == t.c.synced_batch, p.c.updated_at > b.c.created_at)


def query_page(session: Session, criteria: ListCriteria, after: int | None = None, limit: int = 1000) -> list[int]:
    """The next `limit` matching ids after id `after`.

    The list is in store order (the order of the export the applicants came in), so every index that
    filters also delivers rows in list order — SQLite stops after `limit` rows instead of sorting all
    matches — and paging is by key, never by OFFSET.
    """
    stmt = filtered(criteria)
    if after is not None:
        stmt = stmt.where(t.c.id > after)
    return list(session.scalars(stmt.order_by(t.c.id).limit(limit)))


def count_matching(session: Session, criteria: ListCriteria) -> int:
    if criteria == ListCriteria():
        return count_all(session)
    return session.scalar(select(func.count()).select_from(filtered(criteria).subquery())) or 0


def count_all(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(t)) or 0


def fetch_rows(session: Session, ids: Sequence[int]) -> dict[int, dict[str, object]]:
    """List columns for the given ids (one query per page of rows)."""
    if not ids:
        return {}
    cols = [t.c.id, *[t.c[c] for c in LIST_COLUMNS], photo_redone_since_sync().label("photo_redone")]
    rows = session.execute(select(*cols).where(t.c.id.in_(list(ids))))
    out = {}
    for r in rows:
        record = r._asdict()
        record["sync"] = sync_text(r.synced_batch, r.synced_version, r.version, r.photo_redone)
        out[r.id] = record
    return out


def change_mark(session: Session) -> tuple[int, int]:
    """(applicants, sum of versions): moves whenever any seat adds or changes an applicant, since every
    change bumps a version. Compared by the list's refresh timer; needs no clock agreement between seats."""
    count, total = session.execute(select(func.count(), func.coalesce(func.sum(t.c.version), 0))).one()
    return int(count), int(total)


def versions(session: Session, ids: Sequence[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    ids = list(ids)
    for start in range(0, len(ids), 500):  # bounded IN lists
        chunk = ids[start:start + 500]
        out.update(session.execute(select(t.c.id, t.c.version).where(t.c.id.in_(chunk))).all())
    return out


def find_exact(session: Session, code: str) -> int | None:
    """A scanned 报名号 or ID number -> the applicant's id."""
    code = compact_code(code)
    if not code:
        return None
    return session.scalar(
        select(t.c.id).where(or_(t.c.application_no == code, t.c.id_number == code)).limit(1)
    )


def distinct_values(session: Session, column: str) -> list[str]:
    col = t.c[column]
    return [v for v in session.scalars(select(col).distinct().where(col != "").order_by(col))]


def status_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(t.c.status, func.count()).group_by(t.c.status))
    return {status: n for status, n in rows}


@dataclass(frozen=True)
class ApplicantDetail:
    id: int
    values: dict[str, str]
    status: Status
    findings: list[Finding]
    photo_state: str
    photo_bytes: bytes | None  # the normalised photo when there is one, else the original
    photo_problem: str
    reprint_needed: bool
    version: int

    def as_json(self) -> dict[str, object]:
        return {
            **self.values,
            "status": self.status.value,
            "status_label": self.status.label,
            "photo_state": self.photo_state,
            "photo_problem": self.photo_problem,
            "reprint_needed": self.reprint_needed,
            "checks": [f.as_dict() for f in self.findings],
        }


def resolve(session: Session, number: str) -> int:
    """An applicant id from a 报名号 or ID number, or NotFound with a plain message."""
    applicant_id = find_exact(session, number)
    if applicant_id is None:
        raise NotFound(f"找不到报名号或证件号码为“{number}”的申请人")
    return applicant_id


def get_detail(session: Session, applicant_id: int) -> ApplicantDetail:
    from confirm_desk.services.applicants.findings import findings_for

    row = session.execute(select(t).where(t.c.id == applicant_id)).one_or_none()
    if row is None:
        raise NotFound(f"申请人（编号 {applicant_id}）不存在")
    photo = session.execute(
        select(Photo.original, Photo.normalized, Photo.problem).where(Photo.applicant_id == applicant_id)
    ).one_or_none()
    values = {f.key: getattr(row, f.key) or "" for f in FIELDS}
    return ApplicantDetail(
        id=row.id,
        values=values,
        status=Status(row.status),
        findings=findings_for(session, values, row.id),
        photo_state=row.photo_state,
        photo_bytes=(photo.normalized or photo.original) if photo else None,
        photo_problem=problem_text(photo.problem) if photo else "",
        reprint_needed=bool(row.reprint_needed),
        version=row.version,
    )


def list_records(session: Session, criteria: ListCriteria) -> list[dict[str, object]]:
    """Every matching applicant with the registry's keys plus status and its label (CLI, exports)."""
    ids = filtered(criteria).subquery()
    stmt = select(t.c.id, *[t.c[f.key] for f in FIELDS], t.c.status, t.c.flags, t.c.photo_state).where(
        t.c.id.in_(select(ids.c.id))
    ).order_by(t.c.id)
    out = []
    for row in session.execute(stmt):
        record = {f.key: getattr(row, f.key) or "" for f in FIELDS}
        status = Status(row.status)
        record.update(status=status.value, status_label=status.label,
                      flags=[c for c in row.flags.split(",") if c], photo_state=row.photo_state)
        out.append(record)
    return out
