"""Search-as-you-type over a large store, in its own process: our list model vs the bare SQL."""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from pathlib import Path

from bench.timing import p95

NAME_KEYS = ["王", "王伟", "李", "张敏", "陈"]
STATUS_FILTERS = ["draft", "pending"]


def keystrokes(sample_id: str) -> list[dict]:
    """What a clerk types: a name letter by letter, an ID fragment digit by digit, a status choice."""
    steps = [{"text": k} for k in NAME_KEYS]
    steps += [{"text": sample_id[6:6 + n]} for n in range(3, 13)]  # a fragment from the middle
    steps += [{"text": sample_id[:n]} for n in range(3, 19)]  # typed from the start, up to the whole ID
    steps += [{"text": "", "status": s} for s in STATUS_FILTERS]
    steps += [{"text": "王", "status": "pending"}]
    return steps


def main(db: Path) -> dict:
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import func, select

    from confirm_desk.services.applicants.listing import ListCriteria, filtered
    from confirm_desk.store.db import open_store
    from confirm_desk.store.models import applicant_table as t
    from confirm_desk.ui.main.applicant_model import CHUNK, ApplicantListModel

    _app = QApplication([])
    store = open_store(f"sqlite:///{db}")
    model = ApplicantListModel(store)
    raw = sqlite3.connect(db)
    sample_id = raw.execute("SELECT id_number FROM applicant LIMIT 1 OFFSET 777").fetchone()[0]
    ours, floor = [], []
    for _round in range(3):
        for step in keystrokes(sample_id):
            criteria = ListCriteria(text=step["text"], status=step.get("status", ""))
            start = time.perf_counter()
            model.set_criteria(criteria)
            for row in range(min(40, model.rowCount())):  # the rows a screen paints
                model.data(model.index(row, 1))
            ours.append(time.perf_counter() - start)
            page = filtered(criteria).order_by(t.c.id).limit(CHUNK)
            count = select(func.count()).select_from(filtered(criteria).subquery())
            sql, count_sql = (str(s.compile(dialect=store.engine.dialect, compile_kwargs={"literal_binds": True}))
                              for s in (page, count))
            start = time.perf_counter()
            ids = [r[0] for r in raw.execute(sql)]
            raw.execute(count_sql).fetchone()
            if ids:
                marks = ",".join("?" * min(40, len(ids)))
                raw.execute(f"SELECT * FROM applicant WHERE id IN ({marks})", ids[:40]).fetchall()
            floor.append(time.perf_counter() - start)
    return {"p95_ms": p95(ours) * 1000, "floor_p95_ms": p95(floor) * 1000,
            "worst": max(zip(ours, [s["text"] for s in keystrokes(sample_id)] * 3, strict=False))[1]}


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
