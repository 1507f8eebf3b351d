"""Importing the national system's applicant export (import_format.md) and the applicants' photos.

One file is one transaction: valid rows are stored together, invalid rows are reported (file, row,
column, value, message) and skipped, and a refused file leaves the store as it was.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from confirm_desk.domain import idnumbers
from confirm_desk.domain.checks import check_applicant
from confirm_desk.domain.errors import Cancelled, FileRefused
from confirm_desk.domain.fields import FIELDS, Field, Kind, field_for_header, is_yes
from confirm_desk.domain.statuses import Status, status_from_text
from confirm_desk.domain.text import clean_text, compact_code, looks_like_scientific, parse_date
from confirm_desk.services import audit
from confirm_desk.services.photo_intake import PhotoImportResult, attach_photo_files
from confirm_desk.services.photo_sources import iter_photo_files
from confirm_desk.services.progress import ProgressFn, no_progress
from confirm_desk.services.spreadsheet import read_rows
from confirm_desk.store.db import Store
from confirm_desk.store.models import Batch, ConfirmationPoint, applicant_table

HEADER_SCAN_ROWS = 10
MIN_HEADER_MATCHES = 3
REQUIRED_KEYS = ("application_no", "name", "id_number")
MAX_CELL_CHARS = 2000
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class RowError:
    file: str
    row: int  # 1-based, as the spreadsheet shows it
    column: str
    value: str
    message: str
    level: str = "error"  # error: row skipped; warning: row stored, value kept as given

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file, "row": self.row, "column": self.column,
            "value": self.value, "message": self.message, "level": self.level,
        }


@dataclass
class ImportResult:
    file: str
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    photos: PhotoImportResult | None = None
    batch_id: int | None = None

    @property
    def error_count(self) -> int:
        return len(self.errors) + (len(self.photos.errors) if self.photos else 0)

    def summary(self) -> str:
        text = (
            f"imported {self.imported}, updated {self.updated}, unchanged {self.unchanged}, "
            f"errors {len(self.errors)}"
        )
        if self.photos:
            text += (
                f"; photos attached {self.photos.attached}, unchanged {self.photos.unchanged}, "
                f"unmatched {len(self.photos.unmatched)}, errors {len(self.photos.errors)}"
            )
        return text

    def summary_zh(self) -> str:
        text = (
            f"新增 {self.imported} 人，更新 {self.updated} 人，未变 {self.unchanged} 人，"
            f"错误 {len(self.errors)} 行，警告 {len(self.warnings)} 条"
        )
        if self.photos:
            text += (
                f"；照片：关联 {self.photos.attached} 张，未变 {self.photos.unchanged} 张，"
                f"未匹配 {len(self.photos.unmatched)} 张，无法使用 {len(self.photos.errors)} 张"
            )
        return text


@dataclass(frozen=True)
class HeaderMap:
    row_index: int  # 0-based index in the rows list
    columns: dict[int, Field]  # column index -> field
    labels: dict[int, str]  # column index -> header text as in the file


def locate_header(rows: Sequence[Sequence[object]], file_name: str) -> HeaderMap:
    """The first row within the first 10 that names enough known columns (title rows come first)."""
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        columns: dict[int, Field] = {}
        labels: dict[int, str] = {}
        for col, cell in enumerate(row):
            f = field_for_header(clean_text(cell))
            if f is not None and f not in columns.values():
                columns[col] = f
                labels[col] = clean_text(cell)
        if len(columns) >= MIN_HEADER_MATCHES:
            present = {f.key for f in columns.values()}
            missing = [k for k in REQUIRED_KEYS if k not in present]
            if missing:
                names = "、".join(f"“{_label(k)}”" for k in missing)
                raise FileRefused(f"“{file_name}”第 {index + 1} 行是表头，但缺少必需的列：{names}")
            return HeaderMap(index, columns, labels)
    raise FileRefused(
        f"“{file_name}”的前 {HEADER_SCAN_ROWS} 行中没有找到表头："
        "应有“报名号”“姓名”“证件号码”等列名。请确认这是从系统导出的申请人名单。"
    )


def _label(key: str) -> str:
    return next(f.label for f in FIELDS if f.key == key)


def parse_row(
    cells: Sequence[object], header: HeaderMap, file_name: str, row_number: int
) -> tuple[dict[str, str] | None, list[RowError]]:
    """One data row as registry values, or None with the errors that make it unusable."""
    values = {f.key: "" for f in FIELDS}
    problems: list[RowError] = []

    def problem(col: int, raw: str, message: str, level: str = "error") -> None:
        problems.append(RowError(file_name, row_number, header.labels[col], raw[:200], message, level))

    for col, f in header.columns.items():
        cell = cells[col] if col < len(cells) else None
        raw = clean_text(cell)
        if len(raw) > MAX_CELL_CHARS:
            problem(col, raw, f"内容过长（{len(raw)} 个字符，最多 {MAX_CELL_CHARS}）")
            continue
        values[f.key] = _normalise(f, cell, raw, lambda msg, lvl="error", c=col, r=raw: problem(c, r, msg, lvl))

    col_of = {f.key: col for col, f in header.columns.items()}
    for key in REQUIRED_KEYS:
        if not values[key] and not any(p.column == header.labels[col_of[key]] for p in problems):
            problem(col_of[key], "", f"“{_label(key)}”不能为空")
    if not values["id_type"]:
        values["id_type"] = idnumbers.RESIDENT_ID
    id_number = values["id_number"]
    if id_number and values["id_type"] == idnumbers.RESIDENT_ID and not idnumbers.has_valid_shape(id_number):
        problem(col_of["id_number"], id_number, "居民身份证号码应为18位：17位数字加1位校验码（数字或X）")
    # ID-2: gender and birth date are derived; fill them when the export left them out.
    if not values["gender"]:
        values["gender"] = idnumbers.gender(id_number) or ""
    if not values["birth_date"]:
        born = idnumbers.birth_date(id_number)
        values["birth_date"] = born.isoformat() if born else ""
    if any(p.level == "error" for p in problems):
        return None, problems
    return values, problems


def _normalise(f: Field, cell: object, raw: str, report) -> str:  # noqa: ANN001
    if f.kind in (Kind.CODE, Kind.ID_NUMBER, Kind.CERT_NUMBER):
        code = compact_code(raw)
        if f.kind is not Kind.CODE or f.key == "application_no":
            if looks_like_scientific(code) or (isinstance(cell, float) and abs(cell) >= 1e15):
                report(f"“{f.label}”被 Excel 存成了科学计数法数字，末几位已丢失，无法恢复：请在源表中把该列设为文本后重新导出")
                return ""
        return code
    if f.kind is Kind.DATE:
        if not raw:
            return ""
        parsed = parse_date(cell if not isinstance(cell, str) else raw)
        if parsed is None:
            report(f"无法识别的日期“{raw}”，已按原文保存", "warning")
            return raw
        return parsed.isoformat()
    if f.kind is Kind.YES_NO:
        return "" if not raw else ("是" if is_yes(raw) else "否")
    return raw


def row_hash(values: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(values, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def status_for(values: dict[str, str]) -> Status:
    return status_from_text(values.get("online_status", "")) or Status.PENDING


def flags_for(values: dict[str, str]) -> str:
    return ",".join(sorted({f.code for f in check_applicant(values)}))


def store_rows(
    session: Session,
    parsed: Sequence[tuple[int, dict[str, str]]],
    result: ImportResult,
    *,
    operator: str = "",
    batch_id: int | None = None,
) -> None:
    """Insert new applicants and update changed ones in bulk (Core executemany, no ORM objects)."""
    table = applicant_table
    existing = {
        row.application_no: row
        for row in session.execute(
            select(table.c.id, table.c.application_no, table.c.import_hash, table.c.status,
                   *[table.c[f.key] for f in FIELDS])
        )
    }
    inserts: list[dict] = []
    updates: list[dict] = []
    events: list[dict] = []
    for _row_number, values in parsed:
        digest = row_hash(values)
        old = existing.get(values["application_no"])
        if old is None:
            inserts.append({
                **values, "status": status_for(values).value, "flags": flags_for(values),
                "import_hash": digest, "import_batch_id": batch_id,
            })
        elif old.import_hash == digest:
            result.unchanged += 1
        else:
            status = Status(old.status)
            if not status.decided:  # a decision made here is never undone by a re-import
                status = status_for(values)
            updates.append({
                **{f"v_{k}": v for k, v in values.items()}, "v_status": status.value,
                "v_flags": flags_for(values), "v_import_hash": digest, "v_batch": batch_id, "b_id": old.id,
            })
            for f in FIELDS:
                before = getattr(old, f.key) or ""
                if before != values[f.key]:
                    events.append({
                        "action": "import_update", "operator": operator, "applicant_id": old.id,
                        "application_no": values["application_no"], "field": f.key,
                        "old_value": before, "new_value": values[f.key], "detail": "",
                    })
    if inserts:
        session.execute(table.insert(), inserts)
    if updates:
        stmt = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                {f.key: bindparam(f"v_{f.key}") for f in FIELDS}
                | {
                    "status": bindparam("v_status"), "flags": bindparam("v_flags"),
                    "import_hash": bindparam("v_import_hash"), "import_batch_id": bindparam("v_batch"),
                    "missing_from_import": False, "version": table.c.version + 1,
                }
            )
        )
        session.connection().execute(stmt, updates)
    audit.record_many(session, events)
    result.imported += len(inserts)
    result.updated += len(updates)
    _remember_confirmation_points(session, [v for _, v in parsed])


def _remember_confirmation_points(session: Session, rows: list[dict[str, str]]) -> None:
    names = {r["confirmation_point"] for r in rows if r.get("confirmation_point")}
    if not names:
        return
    known = set(session.scalars(select(ConfirmationPoint.name)))
    for name in sorted(names - known):
        session.add(ConfirmationPoint(name=name))


def import_applicants(
    store: Store,
    path: Path,
    photos: Path | None = None,
    *,
    progress: ProgressFn = no_progress,
    operator: str = "",
) -> ImportResult:
    """Import one export file (and optionally a photo folder/zip) in one transaction."""
    path = Path(path)
    progress(0, 0, f"正在读取 {path.name}…")
    rows = read_rows(path)
    header = locate_header(rows, path.name)
    data_rows = rows[header.row_index + 1 :]
    photo_files = list(iter_photo_files(photos)) if photos else None
    total = len(data_rows)
    result = ImportResult(file=path.name)
    parsed: list[tuple[int, dict[str, str]]] = []
    seen: dict[str, int] = {}
    app_col = next(c for c, f in header.columns.items() if f.key == "application_no")
    for offset, cells in enumerate(data_rows):
        if offset % PROGRESS_EVERY == 0:
            progress(offset, total, f"正在校验第 {offset} / {total} 行")
        if not any(clean_text(c) for c in cells):
            continue  # blank rows between blocks are normal in hand-edited exports
        row_number = header.row_index + 2 + offset
        values, problems = parse_row(cells, header, path.name, row_number)
        for p in problems:
            (result.errors if p.level == "error" else result.warnings).append(p)
        if values is None:
            continue
        key = values["application_no"]
        if key in seen:
            result.errors.append(RowError(
                path.name, row_number, header.labels[app_col], key,
                f"报名号重复：与第 {seen[key]} 行相同，本行未导入",
            ))
            continue
        seen[key] = row_number
        parsed.append((row_number, values))
    if not parsed and not result.errors:
        raise FileRefused(f"“{path.name}”只有表头，没有申请人数据")
    progress(total, total, "正在保存…")
    with store.session() as session:
        batch = Batch(kind="import", file_name=path.name, file_sha256=_file_sha256(path), operator=operator)
        session.add(batch)
        session.flush()
        store_rows(session, parsed, result, operator=operator, batch_id=batch.id)
        if photo_files is not None:
            result.photos = attach_photo_files(session, photo_files, operator=operator, progress=progress)
        batch.row_count = result.imported + result.updated
        batch.summary = result.summary()
        audit.record(session, "import", operator, detail=f"{path.name}: {result.summary()}")
        result.batch_id = batch.id
        _check_cancel(progress)
    return result


def _check_cancel(progress: ProgressFn) -> None:
    """Give a cancel request one last chance before commit (the callback raises Cancelled)."""
    progress(1, 1, "正在提交…")


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


__all__ = ["Cancelled", "ImportResult", "RowError", "import_applicants", "locate_header", "parse_row"]
