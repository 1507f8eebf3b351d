"""The re-import floor as a process: what any re-import of a later export must do, with no application logic.
python-calamine streams the rows; bare sqlite3 reads each stored applicant's 报名号, id and fingerprint, each row
is fingerprinted as the store fingerprints it (its fields in registry order joined by U+001F, BLAKE2b-128), and
the rows whose fingerprint moved are written back by one executemany UPDATE of every field, in one transaction
(WAL, synchronous=NORMAL). No SQLAlchemy, Alembic or confirm_desk in this process: the plan (which column feeds
which field, the UPDATE statement) comes as JSON from bench/__main__.py.

    python -m bench.reimport_floor PLAN.json EXPORT.xlsx STORE.sqlite3
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys


def main(plan_path: str, xlsx: str, db: str) -> None:
    from python_calamine import CalamineWorkbook

    plan = json.loads(open(plan_path, encoding="utf-8").read())
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    stored = {number: (id_, digest) for number, id_, digest in
              conn.execute("SELECT application_no, id, import_hash FROM applicant")}
    positions, number_at = plan["positions"], plan["number_at"]
    sheet = CalamineWorkbook.from_path(xlsx).get_sheet_by_index(0)
    rows = sheet.iter_rows()
    for _ in range(plan["header_row"] + 1):
        next(rows)
    changed = []
    blake2b = hashlib.blake2b
    for row in rows:
        values = [str(row[p]) for p in positions]
        digest = blake2b("\x1f".join(values).encode(), digest_size=16).hexdigest()
        id_, before = stored[values[number_at]]
        if digest != before:
            changed.append((*values, digest, id_))
    with conn:
        conn.executemany(plan["update"], changed)
    conn.close()


if __name__ == "__main__":
    main(*sys.argv[1:4])
