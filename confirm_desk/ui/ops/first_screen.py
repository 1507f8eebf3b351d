"""The applicant list's first screen straight from a SQLite store, with the standard library's sqlite3: the
first ids in list order and the first page of their rows, read on the GUI thread in one short transaction
before SQLAlchemy is loaded, so the main window paints its rows at once (the counts, the query bar's choices
and everything else follow from the real store, opened right after that paint).

Only for a store that is ready: a SQLite file at the newest schema revision holding applicants (the real
store in use). Anything else — a server's store, a store to migrate, an empty or missing file, any error —
gives None and the window reads its list the usual way. The ids, rows and count are exactly what `ops.applicants`
gives (a test compares them)."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from urllib.parse import quote

from confirm_desk.domain.sync import sync_text
from confirm_desk.services.applicants.criteria import LIST_COLUMNS
from confirm_desk.store.head import SCHEMA_HEAD

log = logging.getLogger(__name__)

# listing.fetch_rows's columns; `photo_redone` is listing.photo_redone_since_sync (the normalised photo was
# remade after the batch that last carried the applicant).
_ROWS = ("SELECT applicant.id, " + ", ".join(f"applicant.{c}" for c in LIST_COLUMNS) + ", EXISTS (SELECT * "
         "FROM photo, batch WHERE photo.applicant_id = applicant.id AND photo.normalized IS NOT NULL "
         "AND batch.kind = 'export' AND batch.number = applicant.synced_batch "
         "AND photo.updated_at > batch.created_at) AS photo_redone FROM applicant WHERE applicant.id IN ")


@dataclass(frozen=True)
class FirstScreen:
    """The first `limit` ids of the unfiltered list (store order), the rows of the first `page` of them and
    how many applicants the store holds (the whole-table change mark follows later)."""

    ids: list[int]
    rows: dict[int, dict[str, object]]
    total: int


def sqlite_file(url: str) -> str | None:
    """The file of a plain `sqlite:///path` URL (None for anything else: a server, memory, URL options)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    path = url[len(prefix):]
    return path if path and path != ":memory:" else None


def read(url: str, limit: int, page: int) -> FirstScreen | None:
    path = sqlite_file(url)
    if path is None:
        return None
    try:  # read-only: never creates the file, never writes
        conn = sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        conn.execute("BEGIN")  # one snapshot for the ids and the rows
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if revision is None or revision[0] != SCHEMA_HEAD:
            return None
        ids = [i for (i,) in conn.execute("SELECT id FROM applicant ORDER BY id LIMIT ?", (limit,))]
        if not ids:
            return None  # an empty store may be shown as the demo: the usual way decides
        first = ids[:page]
        rows: dict[int, dict[str, object]] = {}
        cursor = conn.execute(_ROWS + f"({', '.join('?' for _ in first)})", first)
        for values in cursor:
            record = dict(zip(("id", *LIST_COLUMNS, "photo_redone"), values, strict=True))
            record["reprint_needed"] = bool(record["reprint_needed"])
            record["photo_redone"] = bool(record["photo_redone"])
            record["sync"] = sync_text(record["synced_batch"], record["synced_version"], record["version"],
                                       record["photo_redone"])
            rows[int(values[0])] = record
        total = len(ids) if len(ids) < limit else conn.execute("SELECT count(*) FROM applicant").fetchone()[0]
        return FirstScreen(ids, rows, int(total))
    except sqlite3.Error as exc:  # locked, damaged, an older schema: the usual way says it properly
        log.info("first screen not read directly: %s", exc)
        return None
    finally:
        conn.close()
