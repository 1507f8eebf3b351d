"""One import in a fresh process (ours or the floor), printing seconds and peak RSS as JSON."""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from bench.timing import peak_rss_mb


def ours(xlsx: Path, db: Path) -> float:
    from confirm_desk.services.importing.applicants import import_applicants
    from confirm_desk.store.db import open_store

    store = open_store(f"sqlite:///{db}")
    start = time.process_time()
    import_applicants(store, xlsx)
    return time.process_time() - start


def floor(xlsx: Path, db: Path) -> float:
    """python-calamine reading the same file + sqlite3.executemany of the same rows, same indexes."""
    from python_calamine import CalamineWorkbook

    from confirm_desk.store.db import open_store

    open_store(f"sqlite:///{db}").dispose()  # the same schema and indexes, made outside the timing
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    start = time.process_time()
    rows = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).to_python()
    header = rows[1]
    from confirm_desk.domain.fields import field_for_header

    keys = [field_for_header(h).key for h in header]
    cols = ", ".join(keys)
    marks = ", ".join("?" for _ in keys)
    with conn:
        conn.executemany(
            f"INSERT INTO applicant ({cols}, created_at, updated_at) VALUES ({marks}, 0, 0)",
            ([str(v) for v in r] for r in rows[2:]),
        )
    return time.process_time() - start


if __name__ == "__main__":
    which, xlsx = sys.argv[1], Path(sys.argv[2])
    with tempfile.TemporaryDirectory() as tmp:
        seconds = (ours if which == "ours" else floor)(xlsx, Path(tmp) / "db.sqlite3")
    print(json.dumps({"seconds": seconds, "rss_mb": peak_rss_mb()}))
