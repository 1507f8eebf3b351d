"""Writing the row-error report of an import (file, row, column, value, message)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from confirm_desk.services.importing.applicants import ImportResult
from confirm_desk.services.output_files import atomic_output
from confirm_desk.services.spreadsheets.safe import safe_cell

REPORT_HEADERS = ["文件", "行号", "列", "值", "说明", "级别"]


def report_rows(result: ImportResult) -> list[list[object]]:
    rows: list[list[object]] = [
        [e.file, e.row, e.column, e.value, e.message, "错误" if e.level == "error" else "警告"]
        for e in [*result.errors, *result.warnings]
    ]
    if result.photos:
        rows += [[p.file, "", "照片", "", p.message, "错误"] for p in result.photos.errors]
        rows += [[p.file, "", "照片", "", p.message, "警告"] for p in result.photos.warnings]
        rows += [[name, "", "照片", "", "没有对应的申请人（文件名应为证件号码或报名号）", "警告"]
                 for name in result.photos.unmatched]
    return rows


def write_row_errors(result: ImportResult, out: Path) -> None:
    out = Path(out)
    rows = report_rows(result)
    if out.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("导入错误")
        ws.append(REPORT_HEADERS)
        for r in rows:
            ws.append([safe_cell(v) for v in r])
        buffer = io.BytesIO()  # saved in memory first: an unwritable target cannot leave the sheet half-written
        wb.save(buffer)
        with atomic_output(out) as temp:
            temp.write_bytes(buffer.getvalue())
        return
    with atomic_output(out) as temp, temp.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(REPORT_HEADERS)
        writer.writerows([[safe_cell(v) for v in r] for r in rows])

