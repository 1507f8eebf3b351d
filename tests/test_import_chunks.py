"""A large export is read, checked and stored a chunk of rows at a time: the store, the row errors and the
warnings must be exactly what one pass over the whole file gives (CHUNK_ROWS only bounds the memory)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from confirm_desk.domain.fields import FIELDS
from confirm_desk.services.applicants.demo import generate
from confirm_desk.services.importing import applicants as importing
from confirm_desk.services.spreadsheets.read import read_rows, stream_rows
from confirm_desk.store.db import open_store
from confirm_desk.store.models import AuditEvent, ImportConflict, applicant_table


def _messy_export(path: Path, count: int = 120, title: bool = True) -> Path:
    """Generated applicants with the faults exports carry, every few rows: odd dates, blank and repeated keys,
    bad and duplicated ID numbers, Excel error values, floats, spaces, a blank row now and then."""
    rows = generate(count, seed=11)
    keys = [f.key for f in FIELDS]
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append(["定期注册申请人网报数据"])
    ws.append([f.label for f in FIELDS])
    for i, r in enumerate(rows):
        cells: list[object] = [r[k] for k in keys]
        fault = {
            1: ("birth_date", dt.datetime(1980, 5, 6)), 2: ("cert_issue_date", "2003年7月8日"),
            3: ("hired_on", "2010.9"), 4: ("work_started_on", 38000), 5: ("id_number", r["id_number"][:-1] + "0"),
            6: ("id_number", ""), 7: ("name", "  " + r["name"] + "\u3000"), 8: ("gender", ""),
            9: ("application_no", rows[i - 1]["application_no"]), 10: ("graduated_on", "不详"),
            11: ("cert_number", 3.30902e17), 12: ("email", "#N/A"), 13: ("id_number", rows[i - 2]["id_number"]),
            14: ("id_number", "330102800101123"), 15: ("registration_authority", "浙江省教育厅"),
        }.get(i % 17)
        if fault:
            cells[keys.index(fault[0])] = fault[1]
        ws.append(cells)
        if i % 23 == 0:
            ws.append([None] * len(cells))
    wb.save(path)
    return path


def _dump(store) -> dict[str, list]:
    t = applicant_table
    skip = {"created_at", "updated_at"}
    with store.session() as s:
        return {
            "applicants": [tuple(v for k, v in row._mapping.items() if k not in skip)
                           for row in s.execute(select(t).order_by(t.c.id))],
            "audit": [(e.action, e.applicant_id, e.field, e.old_value, e.new_value)
                      for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))],
            "conflicts": [(c.applicant_id, c.field, c.local_value, c.incoming_value)
                          for c in s.scalars(select(ImportConflict).order_by(ImportConflict.id))],
        }


def _import_twice(template: Path, tmp: Path, first: Path, second: Path, name: str) -> tuple[list, dict]:
    shutil.copy(template, tmp / f"{name}.sqlite3")
    store = open_store(f"sqlite:///{tmp / f'{name}.sqlite3'}")
    try:
        results = [importing.import_applicants(store, f, operator="clerk") for f in (first, second)]
        report = [([e.as_dict() for e in r.errors], [w.as_dict() for w in r.warnings], r.summary(), r.missing)
                  for r in results]
        return report, _dump(store)
    finally:
        store.dispose()


def test_chunks_store_exactly_what_one_pass_stores(template_db: Path, tmp_path: Path, monkeypatch) -> None:
    first = _messy_export(tmp_path / "first.xlsx")
    second = _messy_export(tmp_path / "second.xlsx", count=110, title=False)  # a re-import: updates, missing
    whole = _import_twice(template_db, tmp_path, first, second, "whole")
    monkeypatch.setattr(importing, "CHUNK_ROWS", 7)  # chunk edges fall on errors, duplicates and blank rows
    chunked = _import_twice(template_db, tmp_path, first, second, "chunked")
    assert chunked == whole
    report, stored = whole
    assert len(stored["applicants"]) > 80 and report[0][0] and report[0][1]  # rows, errors and warnings seen


def test_streamed_rows_equal_the_whole_sheet(tmp_path: Path) -> None:
    """Merged cells (down and across), an offset top-left corner and an Excel error value, row by row."""
    wb = Workbook()
    ws = wb.active
    for r in range(3, 60):
        for c in range(2, 9):
            ws.cell(r, c, f"v{r}-{c}" if (r + c) % 3 else None)
    ws.merge_cells("D5:D12")
    ws.merge_cells("E3:G4")
    ws.merge_cells("C20:C59")
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    # An error value as Excel stores it (openpyxl writes formulas without a cached result).
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = re.sub(r'<c r="G7"[^>]*>.*?</c>', '<c r="G7" t="e"><v>#N/A</v></c>', sheet, count=1)
    assert 't="e"' in sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)

    whole = read_rows(path)
    assert whole[6][6] == "#N/A" and whole[11][3] == whole[4][3] and whole[58][2] == whole[19][2]
    stream = stream_rows(path)
    assert stream.height == len(whole) and stream.head == whole and stream.head.merged == whole.merged
    assert list(stream.rows_from(0)) == whole
    assert [r for _, chunk in stream_rows(path, head=2).chunks(3, 5) for r in chunk] == whole[3:]


@pytest.mark.parametrize("chunk", [1, 2, 5000])
def test_header_only_file_is_still_refused(tmp_path: Path, store, monkeypatch, chunk: int) -> None:
    from confirm_desk.domain.errors import FileRefused

    monkeypatch.setattr(importing, "CHUNK_ROWS", chunk)
    wb = Workbook()
    wb.active.append([f.label for f in FIELDS])
    wb.save(tmp_path / "header.xlsx")
    with pytest.raises(FileRefused, match="只有表头"):
        importing.import_applicants(store, tmp_path / "header.xlsx")
