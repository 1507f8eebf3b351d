"""Benchmark inputs made by our own demo generator at scale, cached between runs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from confirm_desk.domain.fields import FIELDS
from confirm_desk.services.applicants.demo import generate

CACHE = Path(os.environ.get("CONFIRM_DESK_BENCH_CACHE", Path(tempfile.gettempdir()) / "confirm_desk_bench"))


def export_xlsx(count: int, changed_every: int = 0) -> Path:
    """An export as the national system writes it: a title row, canonical headers, `count` rows. `changed_every`:
    the same export made later, every `changed_every`-th applicant with a new 手机号码 (the national system's own
    changes between two exports), the rest as before."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / (f"export_{count}_every{changed_every}_changed.xlsx" if changed_every else f"export_{count}.xlsx")
    if path.exists():
        return path
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("申请人")
    ws.append(["定期注册申请人网报数据（确认点导出）"])
    ws.append([f.label for f in FIELDS])
    for n, row in enumerate(generate(count, seed=count)):
        if changed_every and n % changed_every == 0:
            row["phone"] = f"199{n:08d}"
        ws.append([row[f.key] for f in FIELDS])
    tmp = path.with_suffix(".part")
    wb.save(tmp)
    tmp.replace(path)
    return path


def cached_store(name: str, count: int, fill=None) -> Path:
    """A migrated SQLite store `name` holding `count` generated applicants (no photos), built once and
    cached; `fill(session, ids)` adds what a benchmark needs (decisions, photos...) in the same transaction."""
    from confirm_desk.store.db import SCHEMA_HEAD, open_store

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}-{SCHEMA_HEAD}.sqlite3"  # a store per schema: another checkout's stays as it is
    if path.exists():
        return path
    from sqlalchemy import select

    from confirm_desk.services.applicants.listing import index_new_applicants
    from confirm_desk.services.importing.applicants import ImportResult, store_rows
    from confirm_desk.store.models import applicant_table

    tmp = path.with_suffix(".part")
    tmp.unlink(missing_ok=True)
    store = open_store(f"sqlite:///{tmp}")
    with store.session() as session:  # straight from the generator: no 100,000-row xlsx needed
        store_rows(session, list(enumerate(generate(count, seed=count))), ImportResult("bench"))
        if fill is not None:
            fill(session, list(session.scalars(select(applicant_table.c.id).order_by(applicant_table.c.id))))
        index_new_applicants(session, count)  # as the list leaves the store after an import (the search index)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.dispose()
    tmp.replace(path)
    return path


def store_with(count: int) -> Path:
    """A migrated SQLite store holding `count` imported applicants (no photos)."""
    return cached_store(f"store_{count}", count)



def late_store(count: int) -> Path:
    """A store late in the campaign, for the list's rows on a store unlike the fresh import: of every 100
    applicants 60 confirmed, 10 rejected, 9 incomplete (each with its decision and audit events: the decision, a
    comparison, an edit for every 7th), 21 still pending; every applicant with a photo (original and normalised)."""
    return cached_store(f"late_{count}", count, _late_campaign)


def _late_campaign(session, ids: list[int]) -> None:
    import hashlib
    import io

    from PIL import Image
    from sqlalchemy import insert, update

    from confirm_desk.store.models import AuditEvent, Decision, Photo, applicant_table, utcnow

    now = utcnow()
    outcomes = [(i, "confirmed" if n % 100 < 60 else "rejected" if n % 100 < 70 else "incomplete")
                for n, i in enumerate(ids) if n % 100 < 79]
    for outcome in ("confirmed", "rejected", "incomplete"):
        chosen = [i for i, o in outcomes if o == outcome]
        session.execute(update(applicant_table).where(applicant_table.c.id.in_(chosen)).values(status=outcome))
    session.execute(insert(Decision), [
        {"applicant_id": i, "outcome": o, "operator": f"clerk{i % 3}", "decided_at": now,
         "reason": "证书信息与原件不符" if o == "rejected" else ""} for i, o in outcomes])
    events = []
    for i, o in outcomes:
        clerk = f"clerk{i % 3}"
        events.append({"action": "decide", "operator": clerk, "applicant_id": i, "field": "status",
                       "old_value": "pending", "new_value": o, "at": now})
        events.append({"action": "compare", "operator": clerk, "applicant_id": i, "field": "name",
                       "old_value": "", "new_value": "一致", "at": now})
        if i % 7 == 0:
            events.append({"action": "edit", "operator": clerk, "applicant_id": i, "field": "teaching_subject",
                           "old_value": "语文", "new_value": "数学", "at": now})
    session.execute(insert(AuditEvent), events)
    image = Image.new("RGB", (114, 156), (200, 220, 240))
    photos = []
    for n, applicant_id in enumerate(ids):
        image.putpixel((n % 114, n // 114 % 156), (n % 251, n % 241, 90))  # each photo its own bytes
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=90)
        data = buffer.getvalue()
        photos.append({"applicant_id": applicant_id, "original": data, "normalized": data,
                       "original_sha256": hashlib.sha256(data).hexdigest()})
        if len(photos) == 5000:
            session.execute(insert(Photo), photos)
            photos = []
    if photos:
        session.execute(insert(Photo), photos)
