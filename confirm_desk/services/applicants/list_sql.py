"""The applicant list's reads on a SQLite store, as SQL text run by the driver (sqlite3) itself.

A keystroke in the search box reads the first screen of the list: the first ids, their rows and, after the paint,
the count. Built as SQLAlchemy statements, the statement objects, their cache keys and the execution around them
cost about twice the queries themselves (≈2 ms a key over 100,000 applicants, where the whole key has ≈7 ms of
plan and paint). So on SQLite listing.py hands these reads to this module: the same statements SQLAlchemy writes
for the same criteria (listing.py's conditions, seek, scan, count and rows), written out once as text with
positional parameters. The plans, the order, the rows and the values are those of the statements;
tests/test_list_sql.py checks every function here against listing.py's statements on every plan, condition and
edge value, with the search index whole, partial and missing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from confirm_desk.domain.sync import SyncState, sync_text
from confirm_desk.domain.text import compact_code
from confirm_desk.services.applicants.criteria import (
    DIGITS,
    FEW_DIGITS,
    LIST_COLUMNS,
    WHOLE_ID,
    ListCriteria,
    fewest_matches,
    leading_term,
    list_order_lead,
    quick,
    search_text,
)
from confirm_desk.store.dialects import contains_pattern, prefix_pattern
from confirm_desk.store.search_index import SEARCH_TABLE, match_phrase

# A condition: SQL text and its parameters in order.
Condition = tuple[str, tuple[object, ...]]

_IDS = "SELECT applicant.id FROM applicant"
# photo_redone: listing.photo_redone_since_sync (the normalised photo was remade after the batch that last carried
# the applicant).
_PHOTO_REDONE = ("EXISTS (SELECT * FROM photo, batch WHERE photo.applicant_id = applicant.id AND "
                 "photo.normalized IS NOT NULL AND batch.kind = 'export' AND batch.number = applicant.synced_batch "
                 "AND photo.updated_at > batch.created_at)")
_ROWS = ("SELECT applicant.id, " + ", ".join(f"applicant.{c}" for c in LIST_COLUMNS) + f", {_PHOTO_REDONE} "
         "FROM applicant WHERE applicant.id IN ")
_ROW_KEYS = ("id", *LIST_COLUMNS, "photo_redone")
_REPRINT, _VERSION, _SYNCED_BATCH, _SYNCED_VERSION = (
    _ROW_KEYS.index(k) for k in ("reprint_needed", "version", "synced_batch", "synced_version"))
_FRESH_FROM = f"(SELECT coalesce(max({SEARCH_TABLE}.rowid), 0) FROM {SEARCH_TABLE})"


def _column(key: str, indexed: bool) -> str:
    # `+column`: SQLite may not serve the condition from an index (listing.py's dialects.unindexed).
    return f"applicant.{key}" if indexed else f"+applicant.{key}"


def _prefix(column: str, value: str) -> Condition:
    return f"{column} LIKE ? ESCAPE '\\'", (prefix_pattern(value),)


def _contains(column: str, value: str) -> Condition:
    return f"{column} LIKE ? ESCAPE '\\'", (contains_pattern(value),)


def _equals(column: str, value: object) -> Condition:
    return f"{column} = ?", (value,)


def _any(*conditions: Condition) -> Condition:
    return "(" + " OR ".join(sql for sql, _ in conditions) + ")", tuple(p for _, params in conditions for p in params)


def _where(conditions: Sequence[Condition]) -> Condition:
    if not conditions:
        return "", ()
    return (" WHERE " + " AND ".join(f"({sql})" for sql, _ in conditions),
            tuple(p for _, params in conditions for p in params))


def text_condition(text: str, indexed: bool) -> Condition:
    """listing._text_condition."""
    kind, value = search_text(text)
    if kind == WHOLE_ID:
        return _any(_equals(_column("id_number", indexed), value), _equals(_column("application_no", indexed), value))
    if kind == FEW_DIGITS:
        return _prefix(_column("application_no", indexed), value)
    if kind == DIGITS:
        if not indexed:
            return _any(_prefix("+applicant.application_no", value), _contains("+applicant.id_number", value))
        fragment_sql, fragment_params = _contains("applicant.id_number", value)
        return _any(_prefix("applicant.application_no", value),
                    (f"applicant.id IN ({_IDS} WHERE {fragment_sql})", fragment_params))
    return _any(_prefix(_column("name", indexed), value), _prefix(_column("school", indexed), value))


_IN_STEP = (f"applicant.version = applicant.synced_version AND NOT ({_PHOTO_REDONE})", ())


def _sync_condition(state: SyncState) -> Condition:
    """listing._sync_condition."""
    if state is SyncState.NEVER:
        return "applicant.synced_batch IS NULL", ()
    in_step = _IN_STEP[0] if state is SyncState.SYNCED else f"NOT ({_IN_STEP[0]})"
    return f"applicant.synced_batch IS NOT NULL AND {in_step}", ()


def conditions(criteria: ListCriteria, indexed: bool, skip: str | None = None) -> list[Condition]:
    """listing._conditions."""
    out: list[Condition] = []
    if criteria.text.strip() and skip != "text":
        out.append(text_condition(criteria.text, indexed))
    if criteria.name.strip() and skip != "name":
        out.append(_prefix(_column("name", indexed), criteria.name.strip()))
    if criteria.id_number.strip():
        out.append(_contains(_column("id_number", indexed), compact_code(criteria.id_number)))
    if criteria.application_no.strip() and skip != "application_no":
        out.append(_prefix(_column("application_no", indexed), compact_code(criteria.application_no)))
    if criteria.school.strip() and skip != "school":
        out.append(_prefix(_column("school", indexed), criteria.school.strip()))
    if criteria.confirmation_point.strip() and skip != "confirmation_point":
        out.append(_equals(_column("confirmation_point", indexed), criteria.confirmation_point.strip()))
    if criteria.status and skip != "status":
        out.append(_equals(_column("status", indexed), criteria.status))
    if criteria.flagged_only:
        out.append(("applicant.flags != ?", ("",)))
    if criteria.sync_state:
        out.append(_sync_condition(SyncState(criteria.sync_state)))
    return out


def _text_candidates(text: str, trigrams: bool, distinct: bool) -> Condition:
    """listing._text_candidates: a SELECT of ids."""
    kind, code = search_text(text)
    if trigrams and kind == DIGITS:
        union = " UNION " if distinct else " UNION ALL "
        prefix_sql, prefix_params = _prefix("applicant.application_no", code)
        fresh_sql, fresh_params = _contains("applicant.id_number", code)
        return (f"{_IDS} WHERE {prefix_sql}{union}"
                f"SELECT {SEARCH_TABLE}.rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE}.id_number MATCH ?{union}"
                f"{_IDS} WHERE applicant.id > {_FRESH_FROM} AND {fresh_sql}",
                (*prefix_params, match_phrase(code), *fresh_params))
    sql, params = text_condition(text, indexed=True)
    return f"{_IDS} WHERE {sql}", params


def _seek(criteria: ListCriteria, trigrams: bool, distinct: bool = False, lead: str | None = None
          ) -> tuple[Condition, list[Condition]] | None:
    """listing._seek: (a SELECT of the ids matching the leading condition, the other conditions) or None."""
    lead = lead or leading_term(criteria)
    if lead is None:
        return None
    if lead == "text":
        candidates = _text_candidates(criteria.text, trigrams, distinct)
    else:
        sql, params = _where(conditions(ListCriteria(**{lead: getattr(criteria, lead)}), indexed=True))
        candidates = _IDS + sql, params
    return candidates, conditions(criteria, indexed=False, skip=lead)


def _ids(conn: sqlite3.Connection, sql: str, params: Sequence[object]) -> list[int]:
    return [row[0] for row in conn.execute(sql, params).fetchall()]


def first_ids(conn: sqlite3.Connection, criteria: ListCriteria, limit: int, trigrams: bool, seek_cap: int,
              check_cap: int, budget: int | None = None) -> tuple[list[int], int | None] | None:
    """listing.first_ids."""

    def probe(lead: str) -> tuple[set[int], list[Condition]]:
        seek = _seek(criteria, trigrams, lead=lead)
        assert seek is not None
        (sql, params), others = seek
        return set(_ids(conn, sql + " LIMIT ?", (*params, seek_cap + 1))), others

    probed: dict[str, set[int]] = {}
    best = fewest_matches(criteria, probe, seek_cap, check_cap, probed)
    if best is not None:
        found, others = best
        if not others:
            return sorted(found), len(found)
        if not found:
            return [], 0
        ordered = sorted(found)
        if len(ordered) <= check_cap:
            ids = _ids(conn, *_checked(ordered, others, ""))
            return ids, len(ids)
        head = ordered if budget is None else ordered[:budget]
        ids = _ids(conn, *_checked(head, others, f" LIMIT {int(limit)}"))
        if len(ids) == limit:
            return ids, None
        return (ids, len(ids)) if len(head) == len(ordered) else None
    if budget is not None and not quick(criteria):
        return None
    walk = list_order_lead(criteria, probed)
    if walk is not None:  # listing.first_ids: its index in list order, each row checked, until the page is full
        seek = _seek(criteria, trigrams, lead=walk)
        assert seek is not None
        (sql, params), others = seek
        where, checked = _where(others)
        ids = _ids(conn, f"{sql}{where.replace(' WHERE ', ' AND ', 1)} ORDER BY applicant.id LIMIT ?",
                   (*params, *checked, limit))
    else:
        ids = query_page(conn, criteria, None, limit)
    return ids, (len(ids) if len(ids) < limit else None)


def _checked(ordered: Sequence[int], others: Sequence[Condition], tail: str) -> Condition:
    """The ids among `ordered` whose rows pass `others`, in list order."""
    where, params = _where([(f"applicant.id IN ({', '.join('?' * len(ordered))})", tuple(ordered)), *others])
    return f"{_IDS}{where} ORDER BY applicant.id{tail}", params


def query_page(conn: sqlite3.Connection, criteria: ListCriteria, after: int | None, limit: int) -> list[int]:
    """listing.query_page: the table read in list order, each row checked, until `limit` match."""
    checks = conditions(criteria, indexed=False)
    if after is not None:
        checks.append(("applicant.id > ?", (after,)))
    where, params = _where(checks)
    return _ids(conn, f"{_IDS}{where} ORDER BY applicant.id LIMIT ?", (*params, limit))


def count_matching(conn: sqlite3.Connection, criteria: ListCriteria, trigrams: bool) -> int:
    """listing.count_matching."""
    params: tuple[object, ...] = ()
    if criteria == ListCriteria():
        sql = "SELECT count(*) FROM applicant"
    else:
        seek = _seek(criteria, trigrams, distinct=True)
        if seek is None:
            where, params = _where(conditions(criteria, indexed=False))
            sql = "SELECT count(*) FROM applicant" + where
        elif not seek[1]:
            sql, params = f"SELECT count(*) FROM ({seek[0][0]})", seek[0][1]
        else:
            (candidates, candidate_params), others = seek
            where, params = _where([(f"applicant.id IN ({candidates})", candidate_params), *others])
            sql = "SELECT count(*) FROM applicant" + where
    row = conn.execute(sql, params).fetchone()
    return int(row[0] or 0) if row else 0


def fetch_rows(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, dict[str, object]]:
    """listing.fetch_rows: the list's columns of these ids (with the sync text), values as SQLAlchemy gives
    them (booleans as bool)."""
    if not ids:
        return {}
    ids = list(ids)
    out: dict[int, dict[str, object]] = {}
    for values in conn.execute(_ROWS + f"({', '.join('?' * len(ids))})", ids):
        record: dict[str, object] = dict(zip(_ROW_KEYS, values, strict=True))
        reprint, redone = values[_REPRINT], bool(values[-1])
        record["reprint_needed"] = None if reprint is None else bool(reprint)
        record["photo_redone"] = redone
        record["sync"] = sync_text(values[_SYNCED_BATCH], values[_SYNCED_VERSION], values[_VERSION], redone)
        out[values[0]] = record
    return out
