"""Reading a sheet's columns for any registry (applicants, staff): the header row, then each column
normalised as a whole list.

Columns are normalised as whole lists — one comprehension per column with fast paths for the common
case — because a per-cell function call for 39 columns × 100,000 rows would dominate the import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Protocol

from confirm_desk.domain.errors import FileRefused
from confirm_desk.domain.fields import Kind, is_yes
from confirm_desk.domain.text import (
    clean_text,
    compact_code,
    has_odd_spaces,
    looks_like_scientific,
    parse_date,
)

HEADER_SCAN_ROWS = 10
MIN_HEADER_MATCHES = 3
MAX_CELL_CHARS = 2000
_SCIENTIFIC_CHECKED = ("application_no", "id_number", "cert_number")
_ANY_SPACE = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\ufeff\u3000]")


class ColumnField(Protocol):
    """What a registry entry offers the reader (domain.fields.Field, domain.staff_fields.StaffField)."""

    @property
    def key(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def kind(self) -> Kind: ...


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
    columns: dict[int, ColumnField]  # column index -> field
    labels: dict[int, str]  # column index -> header text as in the file

    def label_of(self, key: str) -> str:
        return next(self.labels[c] for c, f in self.columns.items() if f.key == key)

    def col_of(self, key: str) -> int | None:
        return next((c for c, f in self.columns.items() if f.key == key), None)


def find_header(
    rows: Sequence[Sequence[object]],
    file_name: str,
    lookup: Callable[[str], ColumnField | None],
    required: Sequence[str],
    label_of: Callable[[str], str],
    hint: str,
) -> HeaderMap:
    """The first row within the first 10 that names enough known columns (title rows come first)."""
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        columns: dict[int, ColumnField] = {}
        labels: dict[int, str] = {}
        for col, cell in enumerate(row):
            f = lookup(clean_text(cell))
            if f is not None and f not in columns.values():
                columns[col] = f
                labels[col] = clean_text(cell)
        if len(columns) >= MIN_HEADER_MATCHES:
            present = {f.key for f in columns.values()}
            missing = [k for k in required if k not in present]
            if missing:
                names = "、".join(f"“{label_of(k)}”" for k in missing)
                raise FileRefused(f"“{file_name}”第 {index + 1} 行是表头，但缺少必需的列：{names}")
            return HeaderMap(index, columns, labels)
    raise FileRefused(f"“{file_name}”的前 {HEADER_SCAN_ROWS} 行中没有找到表头：{hint}")


def is_blank(row: Sequence[object]) -> bool:
    return not any(row) or all(c is None or (type(c) is str and not c.strip()) for c in row)


Note = Callable[..., None]  # note(position, column, value, message, level="error")


@dataclass
class SheetColumns:
    """The non-blank data rows, each known column normalised, and the problems noted per row position."""

    kept: list[tuple[int, Sequence[object]]]  # (spreadsheet row number, raw row)
    values: dict[str, list[str]] = field(default_factory=dict)
    notes: dict[int, list[tuple[int, str, str, str]]] = field(default_factory=dict)  # pos -> (col, value, msg, level)

    def note(self, pos: int, col: int, value: str, message: str, level: str = "error") -> None:
        self.notes.setdefault(pos, []).append((col, value[:200], message, level))

    def problems(self, pos: int, header: HeaderMap, file_name: str) -> list[RowError]:
        row_number = self.kept[pos][0]
        return [RowError(file_name, row_number, header.labels[col], value, message, level)
                for col, value, message, level in self.notes.get(pos, ())]


def read_columns(data_rows: Sequence[Sequence[object]], header: HeaderMap) -> SheetColumns:
    """Every known column of the rows after the header, normalised by its field's kind."""
    first = header.row_index + 2  # spreadsheet row number of data_rows[0]
    table = SheetColumns([(first + i, r) for i, r in enumerate(data_rows) if not is_blank(r)])
    n = len(table.kept)
    transposed = list(zip_longest(*(r for _, r in table.kept), fillvalue=None)) if table.kept else []
    for col, f in header.columns.items():
        cells = list(transposed[col]) if col < len(transposed) else [None] * n
        table.values[f.key] = normalise_column(f, col, cells, table.note)
    return table


def normalise_column(f: ColumnField, col: int, cells: list[object], note) -> list[str]:
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
                if code and ((type(cells[i]) is float and abs(cells[i]) >= 1e15) or looks_like_scientific(code)):
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
