"""Importing evidence files: training hours (继续教育学时), yearly assessments (年度考核), contracts (聘用合同).

Tolerant like the applicant import: the header row is found in the first rows by meaning, bad rows are
listed (file, row, column, value, message) and skipped, the valid rows of one file are written in one
transaction, and importing again updates what changed (keys: ID number + year/date/course; ID number +
year; ID number). A contract file may be the staff list itself when it carries contract columns.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Table, select

from confirm_desk.domain import idnumbers
from confirm_desk.domain.errors import FileRefused, KnownError
from confirm_desk.domain.evidence_fields import (
    ASSESSMENT_RESULTS,
    KIND_LABELS,
    KINDS,
    MAX_HOURS,
    OPEN_ENDED_WORDS,
    REQUIRED_ANY,
    header_lookup,
    normalize_result,
    parse_amount,
    parse_duration_years,
    parse_year,
    parse_year_range,
    split_term,
    wide_field,
)
from confirm_desk.domain.retirement import add_months
from confirm_desk.domain.staff_fields import StaffField as EvidenceField
from confirm_desk.domain.text import compact_code, parse_date
from confirm_desk.services import audit
from confirm_desk.services.importing.applicants import ImportResult
from confirm_desk.services.progress import ProgressFn, no_progress
from confirm_desk.services.spreadsheets.columns import (
    ColumnField,
    HeaderMap,
    RowError,
    SheetColumns,
    normalize_header,
    read_columns,
    score,
    specs_for,
)
from confirm_desk.services.spreadsheets.headers import HEADER_SCAN_ROWS, header_labels
from confirm_desk.services.spreadsheets.read import read_rows
from confirm_desk.store.bulk import bulk_insert, bulk_update
from confirm_desk.store.db import Store
from confirm_desk.store.models import assessment_table, contract_table, training_table, utcnow

KIND_NAMES = tuple(KINDS)
Record = dict[str, Any]  # one store row of an evidence table
NoteFn = Callable[[str, str], None]  # note(field key, message): a row error on that field's column


@dataclass
class EvidenceImportResult(ImportResult):
    """An import's counts: records (a person may have several), not people."""

    def summary_zh(self) -> str:
        return (f"新增 {self.imported} 条，更新 {self.updated} 条，未变 {self.unchanged} 条，"
                f"错误 {len(self.errors)} 行，警告 {len(self.warnings)} 条")
_HINTS = {
    "hours": "应有“身份证号码”“年度”或“培训日期”、“学时”或“学分”等列。",
    "assessments": "应有“身份证号码”“考核年度”“考核结果”等列。",
    "contracts": "应有“身份证号码”“合同起始日期”“合同终止日期”（或“聘期”）等列。",
}
_TABLES: dict[str, Table] = {"hours": training_table, "assessments": assessment_table, "contracts": contract_table}
_KEYS = {"hours": ("id_number", "year", "on_date", "course"), "assessments": ("id_number", "year"),
         "contracts": ("id_number",)}
_VALUES = {"hours": ("name", "hours", "credits"), "assessments": ("name", "result"),
           "contracts": ("name", "start_date", "end_date", "open_ended")}


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise KnownError(f"未知的证明材料类型“{kind}”（可选：{'、'.join(KIND_NAMES)}）")


def _match(kind: str, rows: list[list[object]], top: int, bottom: int | None,
           lookup: Callable[[str], EvidenceField | None]) -> HeaderMap:
    """Columns of a header in rows[top] (and a second header row below it): per column the first of its
    candidate texts that names a year column (2023年度考核) or a field."""
    columns: dict[int, ColumnField] = {}
    labels: dict[int, str] = {}
    for col, texts in enumerate(header_labels(rows, top, bottom)):
        for text in texts:
            f = (wide_field(kind, text) or lookup(text)) if text else None
            if f is not None:
                if f not in columns.values():
                    columns[col], labels[col] = f, text
                break
    return HeaderMap(top if bottom is None else bottom, columns, labels)


FUZZY_FLOOR = 0.7  # the shared matcher's score a header needs when neither an alias nor a key word names it


def evidence_lookup(kind: str) -> Callable[[str], EvidenceField | None]:
    """The registry's aliases and key words (domain.evidence_fields) first, then the shared matcher's
    containment and edit-distance score (services.spreadsheets.columns), taken only when one field wins."""
    exact = header_lookup(kind)
    fields = {f.key: f for f in KINDS[kind]}
    specs = specs_for(KINDS[kind])

    def lookup(text: str) -> EvidenceField | None:
        found = exact(text)
        if found is not None or not text:
            return found
        header = normalize_header(text)
        scored = sorted(((score(header, spec)[0], spec.key) for spec in specs), reverse=True)
        best, key = scored[0]
        if best >= FUZZY_FLOOR and (len(scored) < 2 or scored[1][0] < best):
            return fields[key]
        return None

    return lookup


def _has_id_number(row: list[object]) -> bool:
    """A data row, not a second header row: it carries an ID number."""
    return any(idnumbers.has_valid_shape(compact_code(cell)) for cell in row if cell is not None)


def locate_header(kind: str, rows: list[list[object]], file_name: str) -> HeaderMap:
    """The first of the first rows naming the ID number and one column of each required group (an evidence
    file may have only two columns, so this asks for what it needs rather than a count of matches); a
    second header row below (a group cell such as 年度考核 over 2021 / 2022) is read with it."""
    fields = {f.key: f for f in KINDS[kind]}
    lookup = evidence_lookup(kind)
    best: HeaderMap | None = None
    for index in range(min(len(rows), HEADER_SCAN_ROWS)):
        header = _match(kind, rows, index, None, lookup)
        if index + 1 < len(rows) and header.columns and not _has_id_number(rows[index + 1]):
            two = _match(kind, rows, index, index + 1, lookup)
            if len(two.columns) > len(header.columns):
                header = two
        present = {f.key for f in header.columns.values()}
        if "id_number" not in present:
            continue
        wide = any(k.startswith("wide:") for k in present)
        if wide or all(present & set(group) for group in REQUIRED_ANY[kind]):
            return header
        best = best or header
    if best is not None:
        present = {f.key for f in best.columns.values()}
        missing = ["或".join(f"“{fields[k].label}”" for k in group)
                   for group in REQUIRED_ANY[kind] if not present & set(group)]
        raise FileRefused(f"“{file_name}”第 {best.row_index + 1} 行是表头，但缺少必需的列：{'；'.join(missing)}")
    raise FileRefused(f"“{file_name}”的前 {HEADER_SCAN_ROWS} 行中没有找到表头：{_HINTS[kind]}"
                      f"请确认这是{KIND_LABELS[kind]}名单。")


def parse_evidence_rows(kind: str, rows: list[list[object]], file_name: str) -> tuple[list[Record], ImportResult]:
    """The store rows of the valid lines; row errors (skipped) and warnings (kept) in the result."""
    _check_kind(kind)
    header = locate_header(kind, rows, file_name)
    table = read_columns(rows[header.row_index + 1:], header)
    result = EvidenceImportResult(file=file_name)
    n = len(table.kept)
    keys = [f.key for f in KINDS[kind]]
    columns = {k: table.values.get(k, [""] * n) for k in keys}
    wide = {col: f.key for col, f in header.columns.items() if f.key.startswith("wide:")}
    make_row = {"hours": _hours_row, "assessments": _assessment_row, "contracts": _contract_row}[kind]
    seen: dict[tuple[object, ...], int] = {}
    parsed: list[Record] = []
    for pos in range(n):
        values = {k: columns[k][pos] for k in keys}

        def note(key: str, message: str, pos: int = pos, values: dict[str, str] = values,
                 at: dict[str, int] | None = None) -> None:
            col = (at or {}).get(key, header.col_of(key))
            if col is None:  # a group's column the file lacks: name the first one it has
                col = next(iter(header.columns))
            table.note(pos, col, str(values.get(key, "")), message)

        id_number = values["id_number"]
        if not id_number:
            if not any(col == header.col_of("id_number") for col, *_ in table.notes.get(pos, ())):
                note("id_number", "“身份证号码”不能为空")
        elif not idnumbers.has_valid_shape(id_number):
            note("id_number", "身份证号码应为18位：17位数字加1位校验码（数字或X）")
        row_failed = _has_error(table, pos, 0)
        records: list[Record] = []
        for variant, at in _variants(values, wide, table.values, pos):
            mark = len(table.notes.get(pos, ()))
            row: Record = {"id_number": id_number, "name": values.get("name", "")}

            def variant_note(key: str, message: str, v: dict[str, str] = variant, a: dict[str, int] = at) -> None:
                note(key, message, values=v, at=a)

            make_row(variant, row, variant_note)
            if not _has_error(table, pos, mark):
                records.append(row)
        problems = table.problems(pos, header, file_name) if pos in table.notes else []
        result.warnings += [p for p in problems if p.level != "error"]
        result.errors += [p for p in problems if p.level == "error"]
        if row_failed:
            continue
        row_number = table.kept[pos][0]
        id_label = header.labels.get(header.col_of("id_number") or 0, "身份证号码")
        for row in records:
            key = tuple(row[k] for k in _KEYS[kind])
            if key in seen:
                result.errors.append(RowError(
                    file_name, row_number, id_label, id_number,
                    f"与第 {seen[key]} 行重复（同一人、同一{_same_what(kind)}），本行未导入"))
                continue
            seen[key] = row_number
            parsed.append(row)
    return parsed, result


def _has_error(table: SheetColumns, pos: int, since: int) -> bool:
    return any(level == "error" for *_, level in table.notes.get(pos, ())[since:])


def _variants(
    values: dict[str, str], wide: dict[int, str], columns: dict[str, list[str]], pos: int
) -> Iterator[tuple[dict[str, str], dict[str, int]]]:
    """One record per line; in the wide layout one per year column that has a value (“2023年度考核”: 合格)."""
    if not wide:
        yield values, {}
        return
    for col, key in wide.items():
        cell = columns[key][pos]
        if not cell:
            continue
        _, year, field_key = key.split(":")
        yield {**values, "year": year, field_key: cell}, {"year": col, field_key: col}


def _same_what(kind: str) -> str:
    return {"hours": "年度/日期和培训项目", "assessments": "年度", "contracts": "身份证号码"}[kind]


def _hours_row(values: dict[str, str], row: Record, note: NoteFn) -> None:
    year_text, day_text = values.get("year", ""), values.get("on", "")
    span = parse_year_range(year_text) if year_text else None
    year = span[1] if span else None  # a span (2021-2025 累计) counts in its last year
    day = parse_date(day_text) if day_text else None
    if year_text and year is None:
        note("year", f"年度“{year_text}”应为一个年份（如 2023，或 2021-2025）")
    elif day_text and day is None and year is None:
        note("on", f"培训日期“{day_text}”无法识别，又没有年度：无法判断是否在注册周期内")
    elif not year_text and not day_text:
        note("on" if "on" in values else "year", "年度和培训日期都为空：无法判断是否在注册周期内")
    row["year"] = year or (day.year if day else 0)
    row["on_date"] = day.isoformat() if day else ""
    row["course"] = values.get("course", "") or (f"{span[0]}–{span[1]} 合计" if span and span[0] != span[1] else "")
    hours_text, credits_text = values.get("hours", ""), values.get("credits", "")
    hours = parse_amount(hours_text) if hours_text else None
    credits = parse_amount(credits_text) if credits_text else None
    if hours_text and hours is None:
        note("hours", f"学时“{hours_text}”不是数字")
    if credits_text and credits is None:
        note("credits", f"学分“{credits_text}”不是数字")
    if not hours_text and not credits_text:
        note("hours" if "hours" in values else "credits", "学时和学分都为空")
    for key, amount in (("hours", hours), ("credits", credits)):
        if amount is not None and amount > MAX_HOURS:
            note(key, f"数值 {amount:g} 过大（一条记录最多 {MAX_HOURS}）")
    row["hours"], row["credits"] = hours, credits


def _assessment_row(values: dict[str, str], row: Record, note: NoteFn) -> None:
    year_text, result_text = values.get("year", ""), values.get("result", "")
    year = parse_year(year_text)
    if year is None:
        note("year", f"考核年度“{year_text}”应为一个年份（如 2023）" if year_text else "“考核年度”不能为空")
    result = normalize_result(result_text)
    if result is None:
        note("result", f"考核结果“{result_text}”无法识别（应为：{'、'.join(ASSESSMENT_RESULTS)}）"
             if result_text else "“考核结果”不能为空")
    row["year"], row["result"] = year or 0, result or ""


def _contract_row(values: dict[str, str], row: Record, note: NoteFn) -> None:
    start_text, end_text = values.get("start", ""), values.get("end", "")
    if values.get("term") and not (start_text and end_text):
        term_start, term_end = split_term(values["term"])
        start_text, end_text = start_text or term_start, end_text or term_end
    start = parse_date(start_text) if start_text else None
    if start is None:
        key = "start" if "start" in values else "term"
        note(key, f"合同起始日期“{start_text}”无法识别" if start_text else "合同起始日期为空")
    length = parse_duration_years(end_text or values.get("term", ""))
    if start and length:  # 合同期限 “3年”: the day before the same date that many years on
        end_text = (add_months(start, 12 * length) - dt.timedelta(days=1)).isoformat()
    open_ended = any(w in end_text for w in OPEN_ENDED_WORDS)
    end = None if open_ended or not end_text else parse_date(end_text)
    if end_text and not open_ended and end is None:
        note("end" if "end" in values else "term", f"合同终止日期“{end_text}”无法识别（无固定期限请写“无固定期限”）")
    if not end_text:
        open_ended = False
        note("end" if "end" in values else "term", "合同终止日期为空（无固定期限请写“无固定期限”）")
    if start and end and end < start:
        note("end" if "end" in values else "term", f"合同终止日期 {end.isoformat()} 早于起始日期 {start.isoformat()}")
    row["start_date"] = start.isoformat() if start else ""
    row["end_date"] = end.isoformat() if end else ""
    row["open_ended"] = open_ended


def _digest(kind: str, row: Record) -> str:
    return hashlib.blake2b(repr([row[k] for k in _VALUES[kind]]).encode(), digest_size=12).hexdigest()


def import_evidence(
    store: Store, kind: str, path: Path, *, progress: ProgressFn = no_progress, operator: str = ""
) -> ImportResult:
    """One evidence file in one transaction: new keys inserted, known ones updated, same ones unchanged."""
    _check_kind(kind)
    path = Path(path)
    progress(0, 0, f"正在读取 {path.name}…")
    rows = read_rows(path)
    parsed, result = parse_evidence_rows(kind, rows, path.name)
    if not parsed and not result.errors:
        raise FileRefused(f"“{path.name}”只有表头，没有{KIND_LABELS[kind]}数据")
    progress(len(rows), len(rows), "正在保存…")
    t = _TABLES[kind]
    keys, value_keys = _KEYS[kind], _VALUES[kind]
    with store.session() as session:
        known = {
            tuple(r[:len(keys)]): (r[len(keys)], _digest(kind, dict(zip(value_keys, r[len(keys) + 1:], strict=True))))
            for r in session.execute(select(*[t.c[k] for k in keys], t.c.id, *[t.c[k] for k in value_keys]))
        }
        now = utcnow()
        inserts, updates = [], []
        for row in parsed:
            key = tuple(row[k] for k in keys)
            stored = {**row, "source_file": path.name, "updated_at": now}
            if key not in known:
                inserts.append({**stored, "created_at": now})
            elif known[key][1] == _digest(kind, row):
                result.unchanged += 1
            else:
                updates.append({**stored, "id": known[key][0]})
        conn = session.connection()
        bulk_insert(conn, t, inserts)
        bulk_update(conn, t, "id", updates, {})
        result.imported, result.updated = len(inserts), len(updates)
        audit.record(session, f"evidence_{kind}", operator,
                     detail=f"{KIND_LABELS[kind]} {path.name}: {result.summary()}")
        progress(1, 1, "正在提交…")
    return result
