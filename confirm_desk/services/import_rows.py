"""Turning an export's rows into registry values, column by column (the hot path of an import).

Columns are normalised as whole lists — one comprehension per column with fast paths for the common
case — because a per-cell function call for 39 columns × 100,000 rows would dominate the import.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import zip_longest

from confirm_desk.domain import idnumbers
from confirm_desk.domain.errors import FileRefused
from confirm_desk.domain.fields import FIELDS, FIELDS_BY_KEY, Field, Kind, field_for_header, is_yes
from confirm_desk.domain.text import (
    clean_text,
    compact_code,
    has_odd_spaces,
    looks_like_scientific,
    parse_date,
)

HEADER_SCAN_ROWS = 10
MIN_HEADER_MATCHES = 3
REQUIRED_KEYS = ("application_no", "name", "id_number")
MAX_CELL_CHARS = 2000
ALL_KEYS = tuple(f.key for f in FIELDS)
_SCIENTIFIC_CHECKED = ("application_no", "id_number", "cert_number")
_ANY_SPACE = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\ufeff\u3000]")
_SHAPE_MESSAGE = "居民身份证号码应为18位：17位数字加1位校验码（数字或X）"


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


@dataclass(frozen=True)
class HeaderMap:
    row_index: int  # 0-based index in the rows list
    columns: dict[int, Field]  # column index -> field
    labels: dict[int, str]  # column index -> header text as in the file

    def label_of(self, key: str) -> str:
        return next(self.labels[c] for c, f in self.columns.items() if f.key == key)


@dataclass
class ParsedRows:
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)


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
                names = "、".join(f"“{FIELDS_BY_KEY[k].label}”" for k in missing)
                raise FileRefused(f"“{file_name}”第 {index + 1} 行是表头，但缺少必需的列：{names}")
            return HeaderMap(index, columns, labels)
    raise FileRefused(
        f"“{file_name}”的前 {HEADER_SCAN_ROWS} 行中没有找到表头："
        "应有“报名号”“姓名”“证件号码”等列名。请确认这是从系统导出的申请人名单。"
    )


def _is_blank(row: Sequence[object]) -> bool:
    return not any(row) or all(c is None or (type(c) is str and not c.strip()) for c in row)


def parse_rows(data_rows: Sequence[Sequence[object]], header: HeaderMap, file_name: str) -> ParsedRows:
    """Every data row (the rows after the header) as registry values, or as row errors."""
    out = ParsedRows()
    first = header.row_index + 2  # spreadsheet row number of data_rows[0]
    kept = [(first + i, r) for i, r in enumerate(data_rows) if not _is_blank(r)]
    n = len(kept)
    notes: dict[int, list[tuple[int, str, str, str]]] = {}  # row position -> (col, value, message, level)

    def note(pos: int, col: int, value: str, message: str, level: str = "error") -> None:
        notes.setdefault(pos, []).append((col, value[:200], message, level))

    columns: dict[str, list[str]] = {}
    transposed = list(zip_longest(*(r for _, r in kept), fillvalue=None)) if kept else []
    for col, f in header.columns.items():
        cells = list(transposed[col]) if col < len(transposed) else [None] * n
        columns[f.key] = _normalise_column(f, col, cells, note)
    empty = [""] * n
    keys = ALL_KEYS
    lists = [columns.get(k, empty) for k in keys]
    col_of = {f.key: c for c, f in header.columns.items()}
    seen: dict[str, int] = {}
    for pos, values_tuple in enumerate(zip(*lists, strict=True)) if n else ():
        row_number = kept[pos][0]
        values = dict(zip(keys, values_tuple, strict=True))
        flagged_cols = {c for c, *_ in notes[pos]} if pos in notes else ()
        for key in REQUIRED_KEYS:
            if not values[key] and col_of[key] not in flagged_cols:
                note(pos, col_of[key], "", f"“{FIELDS_BY_KEY[key].label}”不能为空")
        if not values["id_type"]:
            values["id_type"] = idnumbers.RESIDENT_ID
        id_number = values["id_number"]
        if id_number and values["id_type"] == idnumbers.RESIDENT_ID and not idnumbers.has_valid_shape(id_number):
            note(pos, col_of["id_number"], id_number, _SHAPE_MESSAGE)
        # ID-2: gender and birth date are derived; fill them when the export left them out.
        if not values["gender"]:
            values["gender"] = idnumbers.gender(id_number) or ""
        if not values["birth_date"]:
            born = idnumbers.birth_date(id_number)
            values["birth_date"] = born.isoformat() if born else ""
        failed = False
        for col, value, message, level in notes.get(pos, ()):
            problem = RowError(file_name, row_number, header.labels[col], value, message, level)
            if level == "error":
                failed = True
                out.errors.append(problem)
            else:
                out.warnings.append(problem)
        if failed:
            continue
        key = values["application_no"]
        if key in seen:
            out.errors.append(RowError(file_name, row_number, header.labels[col_of["application_no"]], key,
                                       f"报名号重复：与第 {seen[key]} 行相同，本行未导入"))
            continue
        seen[key] = row_number
        out.rows.append((row_number, values))
    return out


def _normalise_column(f: Field, col: int, cells: list[object], note) -> list[str]:  # noqa: ANN001
    try:
        joined = "\x00".join(cells)  # type: ignore[arg-type]  # all text: check the column in one go (NUL is no space)
    except TypeError:
        joined = None
    if joined is not None and _ANY_SPACE.search(joined) is None:
        texts: list[str] = cells  # type: ignore[assignment]  # nothing to trim in the whole column
    else:
        texts = [c.strip() if type(c) is str else clean_text(c) for c in cells]
        if has_odd_spaces("\x00".join(texts)):
            texts = [clean_text(t) for t in texts]
    if texts and max(map(len, texts)) > MAX_CELL_CHARS:
        for i, t in enumerate(texts):
            if len(t) > MAX_CELL_CHARS:
                note(i, col, t, f"内容过长（{len(t)} 个字符，最多 {MAX_CELL_CHARS}）")
                texts[i] = ""
    kind = f.kind
    if kind in (Kind.CODE, Kind.ID_NUMBER, Kind.CERT_NUMBER):
        codes = [compact_code(t) for t in texts]
        if f.key in _SCIENTIFIC_CHECKED and (joined is None or "E" in joined or "e" in joined):
            for i, code in enumerate(codes):
                if code and (type(cells[i]) is float and abs(cells[i]) >= 1e15 or looks_like_scientific(code)):
                    note(i, col, texts[i], f"“{f.label}”被 Excel 存成了科学计数法数字，末几位已丢失，无法恢复："
                                           "请在源表中把该列设为文本后重新导出")
                    codes[i] = ""
        return codes
    if kind is Kind.DATE:
        out = []
        for i, t in enumerate(texts):
            if not t:
                out.append("")
                continue
            parsed = parse_date(t if type(cells[i]) is str else cells[i])
            if parsed is None:
                note(i, col, t, f"无法识别的日期“{t}”，已按原文保存", "warning")
                out.append(t)
            else:
                out.append(parsed.isoformat())
        return out
    if kind is Kind.YES_NO:
        return [("是" if is_yes(t) else "否") if t else "" for t in texts]
    return texts
