"""The trigram index of ID numbers (SQLite FTS5, migration 0011): a fragment typed into the search box is found
without reading every ID number.

`applicant_search` holds (rowid = applicant.id, id_number). Its invariant: every applicant whose id is at most the
index's largest rowid is in it with its current ID number. Triggers keep changed and deleted ID numbers in step;
new applicants (always above it: ids only grow) are added in bulk by `catch_up` after an import, off the import's
own path, and until then a search checks them directly (`fragment_ids`). Other databases have no such index:
`available` is False there and the search reads the ID numbers as before.
"""

from __future__ import annotations

import sqlite3
import weakref
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, Integer, Select, String, column, func, literal, select, table
from sqlalchemy.orm import Session

from confirm_desk.store.dialects import contains_match
from confirm_desk.store.models import applicant_table as t

SEARCH_TABLE = "applicant_search"
search_table = table(SEARCH_TABLE, column("rowid", Integer), column("id_number", String))
MIN_FRAGMENT = 3  # a trigram index finds nothing shorter
_AVAILABLE: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def available(session: Session | sqlite3.Connection) -> bool:
    """The store has the trigram index (asked once per engine; of a SQLite driver's connection, each time: one
    look-up in its schema)."""
    if isinstance(session, sqlite3.Connection):
        return session.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (SEARCH_TABLE,)).fetchone() is not None
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    known = _AVAILABLE.get(engine)
    if known is None:
        known = engine.dialect.name == "sqlite" and session.execute(
            select(literal(1)).select_from(table("sqlite_master", column("name")))
            .where(column("name") == SEARCH_TABLE)
        ).first() is not None
        _AVAILABLE[engine] = known
    return known


def _indexed_up_to() -> Select[tuple[int]]:
    return select(func.coalesce(func.max(search_table.c.rowid), 0))


def match_phrase(fragment: str) -> str:
    """The FTS5 query for `fragment` as a substring: one quoted phrase (a trigram phrase matches anywhere)."""
    return '"' + fragment.replace('"', '""') + '"'


def fragment_ids(fragment: str) -> tuple[Select[tuple[int]], Select[tuple[int]]]:
    """Ids of applicants whose ID number contains `fragment` (3 characters or more), from the index alone (a
    trigram phrase is a substring, in any case, like LIKE), and among applicants not yet indexed by a check."""
    indexed = select(search_table.c.rowid).where(search_table.c.id_number.match(match_phrase(fragment)))
    fresh = select(t.c.id).where(t.c.id > _indexed_up_to().scalar_subquery(), contains_match(t.c.id_number, fragment))
    return indexed, fresh


def catch_up(session: Session, limit: int = 20_000) -> int:
    """Index up to `limit` applicants added since the last catch-up, in id order; how many it indexed."""
    if not available(session):
        return 0
    start = session.scalar(_indexed_up_to()) or 0
    rows = select(t.c.id, t.c.id_number).where(t.c.id > start).order_by(t.c.id).limit(limit)
    result = cast("CursorResult[Any]", session.execute(search_table.insert().from_select(["rowid", "id_number"], rows)))
    return int(result.rowcount or 0)
