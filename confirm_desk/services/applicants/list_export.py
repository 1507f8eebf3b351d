"""The applicant list as a sheet (the national page's 导出): chosen columns with Chinese headers the importer
reads back (the field registry's labels; the desk status as 确认状态 in the national words), or field keys."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from confirm_desk.domain.checks import FINDING_LABELS
from confirm_desk.domain.fields import FIELDS, FIELDS_BY_KEY
from confirm_desk.domain.statuses import Status
from confirm_desk.domain.sync import sync_text
from confirm_desk.services.applicants.listing import ListCriteria, filtered, photo_redone_since_sync
from confirm_desk.services.output_files import atomic_output
from confirm_desk.services.spreadsheets.safe import safe_cell
from confirm_desk.store.models import applicant_table

t = applicant_table
EXTRA_HEADERS = {"status": "确认状态", "photo_state": "照片", "flags": "提示", "sync": "上报"}
PHOTO_LABELS = {"none": "无照片", "original": "未处理", "normalized": "已规范"}
ALL_KEYS = (*(f.key for f in FIELDS), "status")  # `list --format csv`: every field, then the desk status
_TEXT_KINDS = ("application_no", "id_number", "cert_number", "phone", "postcode")
_CHUNK = 500


def header_of(key: str) -> str:
    return FIELDS_BY_KEY[key].label if key in FIELDS_BY_KEY else EXTRA_HEADERS[key]


def list_table(session: Session, criteria: ListCriteria, keys: Sequence[str]) -> list[list[str]]:
    """The matching applicants (list order) as display text per key; ID numbers in full."""
    ids = list(session.scalars(filtered(criteria).order_by(t.c.id)))
    cols = [t.c.id, *[t.c[f.key] for f in FIELDS], t.c.status, t.c.photo_state, t.c.flags, t.c.synced_batch,
            t.c.synced_version, t.c.version, photo_redone_since_sync().label("photo_redone")]
    rows: list[Row[*tuple[object, ...]]] = []
    for start in range(0, len(ids), _CHUNK):
        stmt = select(*cols).where(t.c.id.in_(ids[start:start + _CHUNK])).order_by(t.c.id)
        rows.extend(session.execute(stmt))
    return [[_cell(r, key) for key in keys] for r in rows]


def _cell(row: Row[*tuple[object, ...]], key: str) -> str:
    if key == "status":
        return Status(row.status).label
    if key == "photo_state":
        return PHOTO_LABELS.get(row.photo_state, str(row.photo_state))
    if key == "flags":
        return "；".join(FINDING_LABELS.get(c, c) for c in row.flags.split(",") if c)
    if key == "sync":
        return sync_text(row.synced_batch, row.synced_version, row.version, bool(row.photo_redone))
    return getattr(row, key) or ""


def write_list_xlsx(keys: Sequence[str], rows: Sequence[Sequence[str]], path: Path | str) -> int:
    """One sheet, Chinese headers in row 1 (the importer finds them), every cell text and formula-safe."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "申请人名单"
    sheet.append([header_of(k) for k in keys])
    text_cols = [i for i, k in enumerate(keys, start=1) if k in _TEXT_KINDS]
    for n, row in enumerate(rows, start=2):
        sheet.append([safe_cell(v) for v in row])
        for col in text_cols:
            sheet.cell(row=n, column=col).number_format = "@"
    with atomic_output(Path(path), make_parents=True) as temp:  # whole or absent, user-only
        book.save(temp)
    return len(rows)


def write_list_csv(keys: Sequence[str], rows: Sequence[Sequence[str]], out: TextIO, *,
                   field_keys: bool = False) -> None:
    writer = csv.writer(out)
    writer.writerow(list(keys) if field_keys else [header_of(k) for k in keys])
    writer.writerows([[safe_cell(v) for v in row] for row in rows])
