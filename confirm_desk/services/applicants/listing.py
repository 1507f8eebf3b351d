"""Finding and reading applicants: the queries behind the list, the search box and the detail view."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from sqlalchemy import CompoundSelect, CursorResult, Exists, Select, exists, func, or_, select, union, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from confirm_desk.domain.checks import Finding
from confirm_desk.domain.errors import NotFound
from confirm_desk.domain.fields import FIELDS
from confirm_desk.domain.photo_checks import problem_text
from confirm_desk.domain.statuses import Status
from confirm_desk.domain.sync import SyncState, sync_text
from confirm_desk.domain.text import compact_code
from confirm_desk.services.applicants import list_sql
from confirm_desk.services.applicants.criteria import (
    DIGITS,
    FEW_DIGITS,
    WHOLE_ID,
    fewest_matches,
    leading_term,
    list_order_lead,
    quick,
    search_text,
)
from confirm_desk.services.applicants.criteria import LIST_COLUMNS as LIST_COLUMNS  # re-exported
from confirm_desk.services.applicants.criteria import ListCriteria as ListCriteria  # re-exported
from confirm_desk.store import search_index
from confirm_desk.store.dialects import contains_match, prefix_match, unindexed
from confirm_desk.store.models import Batch, Photo, applicant_table

t = applicant_table
# What the list's reads take: a session, or on SQLite the driver's own connection (Store.reading(): a keystroke's
# reads without a session; list_sql.py runs them).
Reader = Session | sqlite3.Connection


# How the list finds its rows. SQLite keeps no statistics, so it cannot tell "王" (2% of the store) from
# "张敏" (47 people) or "pending" (96%) from "draft" (4%); the list decides, in two steps:
# - seek: the leading condition alone (the search box, else a school, point or status filter) read from its
#   indexes only — no table row — at most SEEK_CAP + 1 ids; with other conditions an index serves, each is read
#   the same way until one has at most CHECK_CAP matches, and the fewest lead ("王" is common, 申请材料不全 may be
#   a few dozen: led by 王, that search read the whole table to find nothing more). When that is all of them they
#   are the whole list:
#   sorted into list order, the other conditions checked on their rows (when there are few), and counted.
#   With other conditions and more than CHECK_CAP of them, their rows are checked in list order until the page
#   is full (a row read by its id for each: never more than SEEK_CAP, where a scan for a rare combination reads
#   the whole table); the count follows.
# - scan: more match, so they are common: the table in list order (rowid), each row checked, until the page
#   is full; the count follows (the list shows the rows first).
SEEK_CAP = 2000
CHECK_CAP = 300  # matches of the leading condition whose rows a seek reads to check the other conditions


def _text_condition(text: str, indexed: bool = True) -> ColumnElement[bool]:
    kind, value = search_text(text)
    col = _column_for(indexed)
    if kind == WHOLE_ID:
        # A whole ID number (what a scanner or a careful clerk types): two index look-ups.
        return or_(col("id_number") == value, col("application_no") == value)
    if kind == FEW_DIGITS:
        return prefix_match(col("application_no"), value)
    if kind == DIGITS:
        # Digits: a 报名号 from its start, or any fragment of an ID number (3 characters or more).
        if not indexed:  # each row is read anyway: its ID number is checked directly
            return or_(prefix_match(col("application_no"), value), contains_match(col("id_number"), value))
        return or_(prefix_match(t.c.application_no, value), t.c.id.in_(id_fragment_ids(value)))
    return or_(prefix_match(col("name"), value), prefix_match(col("school"), value))


def _text_candidates(text: str, trigrams: bool, distinct: bool) -> Select[int] | CompoundSelect[int]:
    """Ids matching the search box, from indexes only (the trigram index for ID-number fragments); without
    `distinct` an id may come twice (but the query stops at its LIMIT instead of collecting every match)."""
    kind, code = search_text(text)
    if trigrams and kind == DIGITS:
        return (union if distinct else union_all)(select(t.c.id).where(prefix_match(t.c.application_no, code)),
                                                  *search_index.fragment_ids(code))
    return select(t.c.id).where(_text_condition(text))


def _column_for(indexed: bool) -> Callable[[str], ColumnElement[Any]]:
    return (lambda key: t.c[key]) if indexed else (lambda key: unindexed(t.c[key]))


def id_fragment_ids(fragment: str) -> Select[int]:
    """Ids whose ID number contains `fragment`; scans the compact id_number index, not the table."""
    return select(t.c.id).where(contains_match(t.c.id_number, fragment))


def filtered(criteria: ListCriteria) -> Select[int]:
    """The matching ids, every condition open to the database's own plan (exports, the command line)."""
    return select(t.c.id).where(*_conditions(criteria, indexed=True))


def row_conditions(criteria: ListCriteria) -> list[ColumnElement[bool]]:
    """The criteria as conditions checked on each row read, none served by an index (a scan in list order)."""
    return _conditions(criteria, indexed=False)


def _conditions(criteria: ListCriteria, indexed: bool, skip: str | None = None) -> list[ColumnElement[bool]]:
    """The criteria as conditions (but `skip`); `indexed=False`: none of them served by an index."""
    out: list[ColumnElement[bool]] = []
    col = _column_for(indexed)
    if criteria.text.strip() and skip != "text":
        out.append(_text_condition(criteria.text, indexed))
    if criteria.name.strip() and skip != "name":
        out.append(prefix_match(col("name"), criteria.name.strip()))
    if criteria.id_number.strip():
        out.append(contains_match(col("id_number"), compact_code(criteria.id_number)))
    if criteria.application_no.strip() and skip != "application_no":
        out.append(prefix_match(col("application_no"), compact_code(criteria.application_no)))
    if criteria.school.strip() and skip != "school":
        out.append(prefix_match(col("school"), criteria.school.strip()))
    if criteria.confirmation_point.strip() and skip != "confirmation_point":
        out.append(col("confirmation_point") == criteria.confirmation_point.strip())
    if criteria.status and skip != "status":
        out.append(col("status") == criteria.status)
    if criteria.flagged_only:
        out.append(t.c.flags != "")
    if criteria.sync_state:
        out.append(_sync_condition(SyncState(criteria.sync_state)))
    return out


def _seek(session: Session, criteria: ListCriteria, distinct: bool = False, lead: str | None = None
          ) -> tuple[Select[int] | CompoundSelect[int], list[ColumnElement[bool]]] | None:
    """(ids matching the leading condition — `lead`, else the first of leading_terms — from its indexes only;
    the other conditions, checked on rows), or None when no condition has an index."""
    lead = lead or leading_term(criteria)
    if lead is None:
        return None
    if lead == "text":
        candidates = _text_candidates(criteria.text, search_index.available(session), distinct)
    else:
        candidates = select(t.c.id).where(*_conditions(replace(ListCriteria(), **{lead: getattr(criteria, lead)}),
                                                       indexed=True))
    return candidates, _conditions(criteria, indexed=False, skip=lead)


def first_ids(session: Reader, criteria: ListCriteria, limit: int, budget: int | None = None
              ) -> tuple[list[int], int | None] | None:
    """The first matching ids in list order, and how many match when the search told: a seek returns every
    match (then their number is the count); a checked seek or a scan the first `limit` (the count is asked
    separately: None). With a `budget` (a read on the GUI thread), None instead of a read of unknown length: a
    scan of criteria with more than one condition, or more than `budget` candidates to check."""
    driver = _driver(session)
    if driver is not None:
        return list_sql.first_ids(driver, criteria, limit, _trigrams(session, criteria), SEEK_CAP, CHECK_CAP, budget)
    assert isinstance(session, Session)

    def probe(lead: str) -> tuple[set[int], list[ColumnElement[bool]]]:
        seek = _seek(session, criteria, lead=lead)
        assert seek is not None
        candidates, others = seek
        return set(_ids(session, candidates.limit(SEEK_CAP + 1))), others  # a union may name an id twice

    probed: dict[str, set[int]] = {}
    best = fewest_matches(criteria, probe, SEEK_CAP, CHECK_CAP, probed)
    if best is not None:
        found, others = best
        if not others:
            return sorted(found), len(found)
        if len(found) <= CHECK_CAP:
            ids = _ids(session, select(t.c.id).where(t.c.id.in_(sorted(found)), *others).order_by(t.c.id))
            return ids, len(ids)
        ordered = sorted(found)  # every match is among them: their rows checked in list order
        head = ordered if budget is None else ordered[:budget]
        ids = _ids(session, select(t.c.id).where(t.c.id.in_(head), *others).order_by(t.c.id).limit(limit))
        if len(ids) == limit:
            return ids, None
        return (ids, len(ids)) if len(head) == len(ordered) else None
    if budget is not None and not quick(criteria):
        return None
    walk = list_order_lead(criteria, probed)
    if walk is not None:  # its index in list order, each row checked, until the page is full
        seek = _seek(session, criteria, lead=walk)
        assert seek is not None
        candidates, others = seek
        assert isinstance(candidates, Select)  # one condition's own index, never the search box's union
        ids = _ids(session, candidates.where(*others).order_by(t.c.id).limit(limit))
    else:
        ids = query_page(session, criteria, None, limit)
    return ids, (len(ids) if len(ids) < limit else None)


def _driver(session: Reader) -> sqlite3.Connection | None:
    """On a SQLite store, the driver's connection (given, or under the session): the list's reads then run as SQL
    text (list_sql.py: the same statements, without building them each key); None on any other database."""
    if isinstance(session, sqlite3.Connection):
        return session
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return None
    driver = session.connection().connection.driver_connection
    return driver if isinstance(driver, sqlite3.Connection) else None


def _trigrams(session: Reader, criteria: ListCriteria) -> bool:
    """The trigram index may serve these criteria (asked of the store only when the search box leads)."""
    return leading_term(criteria) == "text" and search_index.available(session)


def _ids(session: Session, stmt: Select[int] | CompoundSelect[int]) -> list[int]:
    """The ids a query returns, read straight from the driver's cursor (a result row object costs more than
    the query when there are 2,000 of them)."""
    result = cast("CursorResult[int]", session.execute(stmt))
    try:
        return [row[0] for row in result.cursor.fetchall()]
    finally:
        result.close()


def _sync_condition(state: SyncState) -> ColumnElement[bool]:
    if state is SyncState.NEVER:
        return t.c.synced_batch.is_(None)
    in_step = (t.c.version == t.c.synced_version) & ~photo_redone_since_sync()
    return t.c.synced_batch.is_not(None) & (in_step if state is SyncState.SYNCED else ~in_step)


def photo_redone_since_sync() -> Exists:
    """The normalised photo was (re)made after the batch that last carried the applicant: the photo
    service writes the photo row, not the applicant's version, so the times tell."""
    p, b = Photo.__table__, Batch.__table__
    return exists().where(p.c.applicant_id == t.c.id, p.c.normalized.is_not(None), b.c.kind == "export",
                          b.c.number == t.c.synced_batch, p.c.updated_at > b.c.created_at)


def query_page(session: Reader, criteria: ListCriteria, after: int | None = None, limit: int = 1000) -> list[int]:
    """The next `limit` matching ids after id `after`.

    The list is in store order (the order of the export the applicants came in): the table is read in that
    order, so the query stops once `limit` rows matched instead of sorting every match, and paging is by key,
    never by OFFSET. (`first_ids` seeks through an index first when the matches may be few.)
    """
    driver = _driver(session)
    if driver is not None:
        return list_sql.query_page(driver, criteria, after, limit)
    assert isinstance(session, Session)
    stmt = select(t.c.id).where(*row_conditions(criteria))  # read in list order: stops when it has `limit`
    if after is not None:
        stmt = stmt.where(t.c.id > after)
    return _ids(session, stmt.order_by(t.c.id).limit(limit))


def count_matching(session: Reader, criteria: ListCriteria) -> int:
    driver = _driver(session)
    if driver is not None:
        return list_sql.count_matching(driver, criteria, _trigrams(session, criteria))
    assert isinstance(session, Session)
    if criteria == ListCriteria():
        return count_all(session)
    seek = _seek(session, criteria, distinct=True)
    if seek is None:
        stmt = select(func.count()).select_from(t).where(*_conditions(criteria, indexed=False))
    elif not seek[1]:
        stmt = select(func.count()).select_from(seek[0].subquery())
    else:
        stmt = select(func.count()).select_from(t).where(t.c.id.in_(seek[0]), *seek[1])
    return session.scalar(stmt) or 0


def index_new_applicants(session: Session, limit: int = 20_000) -> int:
    """Adds up to `limit` applicants imported since the last time to the ID-number search index (SQLite); how
    many. Run after an import, off its path: until then the search checks those applicants directly."""
    return search_index.catch_up(session, limit)


def count_all(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(t)) or 0


def fetch_rows(session: Reader, ids: Sequence[int]) -> dict[int, dict[str, object]]:
    """List columns for the given ids (one query per page of rows)."""
    if not ids:
        return {}
    driver = _driver(session)
    if driver is not None:
        return list_sql.fetch_rows(driver, ids)
    assert isinstance(session, Session)
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
