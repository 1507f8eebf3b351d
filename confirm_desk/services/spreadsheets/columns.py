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
from confirm_desk.services.spreadsheets.headers import HEADER_SCAN_ROWS, column_letter, filled, header_labels
from confirm_desk.services.spreadsheets.read import ERROR_VALUES

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
    # (column, header text, message): where two columns could feed one field, which one was used and why
    choices: tuple[tuple[int, str, str], ...] = ()

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
    """The first row within the first HEADER_SCAN_ROWS that names enough known columns (title rows come
    first), read together with the row below when that is a second header row (headers.py)."""
    for index in range(min(len(rows), HEADER_SCAN_ROWS)):
        best = _match_header(rows, index, None, lookup)
        if index + 1 < len(rows) and len(best.columns) >= 1:
            two = _match_header(rows, index, index + 1, lookup)
            if len(two.columns) > len(best.columns):
                best = two
        if len(best.columns) >= MIN_HEADER_MATCHES:
            present = {f.key for f in best.columns.values()}
            missing = [k for k in required if k not in present]
            if missing:
                names = "、".join(f"“{label_of(k)}”" for k in missing)
                raise FileRefused(f"“{file_name}”第 {best.row_index + 1} 行是表头，但缺少必需的列：{names}")
            return best
    raise FileRefused(f"“{file_name}”的前 {HEADER_SCAN_ROWS} 行中没有找到表头：{hint}")


def _match_header(rows, top: int, bottom: int | None, lookup) -> HeaderMap:
    """Which column feeds which field. When two columns could feed one field, the one whose header is the
    field's own name wins, then the one with more values, then the leftmost; the choice is explained."""
    candidates: dict[str, list[tuple[int, str, ColumnField]]] = {}
    for col, texts in enumerate(header_labels(rows, top, bottom)):
        for text in texts:
            f = lookup(text) if text else None
            if f is not None:
                candidates.setdefault(f.key, []).append((col, text, f))
                break
    last = top if bottom is None else bottom
    columns: dict[int, ColumnField] = {}
    labels: dict[int, str] = {}
    choices: list[tuple[int, str, str]] = []
    for options in candidates.values():
        chosen = options[0]
        if len(options) > 1:
            f = options[0][2]
            counts = {col: filled(rows, last + 1, col) for col, _, _ in options}
            exact = [o for o in options if o[1] == f.label]
            if len(exact) == 1:
                chosen, why = exact[0], f"表头与字段名“{f.label}”完全一致"
            else:
                pool = exact or options
                chosen = max(pool, key=lambda o: (counts[o[0]], -o[0]))
                top_count = counts[chosen[0]]
                if sum(1 for o in pool if counts[o[0]] == top_count) == 1:
                    why = f"该列有内容的行更多（{top_count} 行）"
                else:
                    why = "两列内容一样多，取靠左的一列"
            others = "、".join(f"{column_letter(c)} 列“{t}”" for c, t, _ in options if c != chosen[0])
            choices.append((chosen[0], chosen[1],
                            f"“{f.label}”可由多列提供：使用了 {column_letter(chosen[0])} 列“{chosen[1]}”"
                            f"（{why}），未使用 {others}"))
        columns[chosen[0]] = chosen[2]
        labels[chosen[0]] = chosen[1]
    ordered = dict(sorted(columns.items()))
    return HeaderMap(last, ordered, {c: labels[c] for c in ordered}, tuple(choices))


def header_notes(header: HeaderMap, file_name: str) -> list[RowError]:
    """The header's choices (two columns for one field) as warnings on the header row."""
    return [RowError(file_name, header.row_index + 1, text, "", message, "warning")
            for _col, text, message in header.choices]


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
    if joined is None or "#" in joined:
        for i, t in enumerate(texts):
            if t[:1] == "#" and t.upper() in ERROR_VALUES:
                note(i, col, t, f"单元格是 Excel 错误值“{t}”（公式出错或引用失效），不是“{f.label}”的内容："
                                "请在源表中修正后重新导出")
                texts[i] = ""
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
