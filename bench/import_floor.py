"""The import floor as a process: python-calamine streaming the rows + sqlite3 executemany into the same applicant
table with 3 indexes and our new stores' page size, WAL, synchronous=NORMAL, one transaction. No SQLAlchemy, no
Alembic, no confirm_desk in this process: the plan (table DDL, insert statement, page size, which column feeds which
field) is made beforehand by bench/__main__.py and handed over as JSON.

    python -m bench.import_floor PLAN.json EXPORT.xlsx STORE.sqlite3
"""

from __future__ import annotations

import json
import sqlite3
import sys


def main(plan_path: str, xlsx: str, db: str) -> None:
    from python_calamine import CalamineWorkbook

    plan = json.loads(open(plan_path, encoding="utf-8").read())
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA page_size={int(plan['page_size'])}")  # before the file is made: our stores' size
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    for statement in plan["schema"]:
        conn.execute(statement)
    positions = plan["positions"]
    sheet = CalamineWorkbook.from_path(xlsx).get_sheet_by_index(0)
    rows = sheet.iter_rows()
    for _ in range(plan["header_row"] + 1):
        next(rows)
    with conn:
        conn.executemany(plan["insert"], ([str(r[p]) for p in positions] for r in rows))
    conn.close()


if __name__ == "__main__":
    main(*sys.argv[1:4])
