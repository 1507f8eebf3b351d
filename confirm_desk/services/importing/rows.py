"""Turning an export's rows into applicant registry values (the hot path of an import; the columns are
read and normalised by services.sheet_columns)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress, repeat
from operator import eq, itemgetter, not_
from typing import overload

from confirm_desk.domain import idnumbers
from confirm_desk.domain.application_numbers import PROVINCES, application_no_problem
from confirm_desk.domain.fields import FIELDS, FIELDS_BY_KEY
from confirm_desk.domain.text import all_match
from confirm_desk.services.importing.fingerprints import fingerprints, hash_in_order
from confirm_desk.services.spreadsheets.columns import (
    MAX_CELL_CHARS,
    HeaderMap,
    Remembered,
    RowError,
    columns_of,
    find_header,
    header_notes,
    kept_rows,
    normalise_column,
    specs_for,
)

REQUIRED_KEYS = ("application_no", "name", "id_number")
ALL_KEYS = tuple(f.key for f in FIELDS)
_NUMBER, _ID, _POINT = (ALL_KEYS.index(k) for k in ("application_no", "id_number", "confirmation_point"))
# What a re-import knows of each stored applicant: 报名号 -> (fingerprint of its imported values, ID number).
Stored = Mapping[str, tuple[str | None, str | None]]
__all__ = ["MAX_CELL_CHARS", "HeaderMap", "ParsedRows", "RowError", "locate_header", "parse_rows"]


@dataclass
class ParsedRows:
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # the 报名号 of each refused row as read ("" if none)


# Words that disqualify a loose (contained / similar) header match for a field.
AVOID = {
    "school": ("所在地", "性质", "毕业", "类别", "类型", "地址"),
    "online_status": ("确认结论", "确认结果"),  # this desk's result, not the 网报 status
    "confirmation_point": ("代码", "地址", "电话"),
    "id_number": ("证书", "资格"), "cert_number": ("身份", "证件"),
    "cert_subject": ("现任",), "teaching_subject": ("证书", "资格"),
}
SPECS = specs_for(FIELDS, avoid=AVOID)


def locate_header(
    rows: Sequence[Sequence[object]], file_name: str, manual: Mapping[str, str] | None = None,
    remembered: Remembered | None = None, ask_needed: bool = False,
) -> HeaderMap:
    """The applicant export's header row (title rows come first), its columns matched by meaning."""
    return find_header(rows, file_name, FIELDS, SPECS,
                       "应有“报名号”“姓名”“证件号码”等列名。请确认这是从系统导出的申请人名单。", manual, remembered,
                       ask_needed)


def parse_rows(data_rows: Sequence[Sequence[object]], header: HeaderMap, file_name: str) -> ParsedRows:
    """Every data row (the rows after the header) as registry values, or as row errors."""
    parser = RowParser(header, file_name)
    parser.out.rows = list(parser.feed(data_rows, header.row_index + 2))  # a plain list: see ParsedChunk
    return parser.out


class RowParser:
    """parse_rows one chunk of rows at a time (a large file is never held whole): `feed` returns the chunk's
    rows as registry values; errors, warnings and refused 报名号 gather in `out` in row order, and a 报名号
    repeated in a later chunk is still a duplicate."""

    def __init__(self, header: HeaderMap, file_name: str) -> None:
        self.header, self.file_name = header, file_name
        self.out = ParsedRows(warnings=header_notes(header, file_name))
        self.col_of = {f.key: c for c, f in header.columns.items()}
        # a row's cells in registry order, when the file has a column for every field (else None)
        self.pick = itemgetter(*(self.col_of[k] for k in ALL_KEYS)) if self.col_of.keys() >= set(ALL_KEYS) else None
        self.seen: dict[str, int] = {}
        self.today = dt.date.today()

    def feed(self, data_rows: Sequence[Sequence[object]], first_row: int,
             stored: Stored | None = None) -> Sequence[tuple[int, dict[str, str]]]:
        """`data_rows`: consecutive rows of the sheet, the first being spreadsheet row `first_row` (1-based).

        Column by column: each check runs over a whole column and notes its problems per row in the order a
        row-by-row pass would (the columns' own notes, the required fields, the 报名号, the ID number); the
        rows kept are returned as columns (ParsedChunk: their dicts are made only when they are read).
        `stored` (a re-import): the rows exactly as stored are set aside first (ParsedChunk.as_stored, see
        _set_aside_as_stored): neither normalised nor checked again."""
        header, file_name, out, col_of, seen, today = (self.header, self.file_name, self.out, self.col_of,
                                                       self.seen, self.today)
        kept = kept_rows(data_rows, first_row)
        as_stored: list[tuple[str, str]] = []
        if stored and self.pick is not None and kept:
            kept, as_stored = self._set_aside_as_stored(kept, stored)
        table = columns_of(kept, header)
        kept, n, notes, note, columns = table.kept, len(table.kept), table.notes, table.note, table.values
        if not n:
            return ParsedChunk([], tuple([] for _ in ALL_KEYS), as_stored) if as_stored else []
        empty = [""] * n
        column = {k: columns.get(k, empty) for k in ALL_KEYS}
        flagged = {pos: {c for c, *_ in found} for pos, found in notes.items()}  # the columns' own notes
        for key in REQUIRED_KEYS:
            given = column[key]
            if "" in given:
                message = f"“{FIELDS_BY_KEY[key].label}”不能为空"
                for pos in [i for i, v in enumerate(given) if not v]:
                    if col_of[key] not in flagged.get(pos, ()):
                        note(pos, col_of[key], "", message)
        if "" in column["id_type"]:
            column["id_type"] = [t or idnumbers.RESIDENT_ID for t in column["id_type"]]
        numbers, id_numbers = column["application_no"], column["id_number"]
        if not (all_match(_national_numbers(today.year), numbers) and all_match(_ID_SHAPES, id_numbers)):
            for pos, (number, id_type, id_number) in enumerate(zip(numbers, column["id_type"], id_numbers,
                                                                   strict=True)):
                problem = application_no_problem(number, today) if number else ""
                if problem:  # a warning: the key is whatever the system exported (application_numbers.py)
                    note(pos, col_of["application_no"], number, problem, "warning")
                if id_number and id_type == idnumbers.RESIDENT_ID and not idnumbers.has_valid_shape(id_number):
                    note(pos, col_of["id_number"], id_number, idnumbers.shape_message(id_number))
        # ID-2: gender and birth date are derived; fill them when the export left them out.
        if "" in column["gender"]:
            column["gender"] = [g or idnumbers.gender(i) or "" for g, i in zip(column["gender"], id_numbers,
                                                                               strict=True)]
        if "" in column["birth_date"]:
            column["birth_date"] = [b or _born(i) for b, i in zip(column["birth_date"], id_numbers, strict=True)]
        row_numbers = [number for number, _row in kept]
        by_field = tuple(column[k] for k in ALL_KEYS)
        if not notes and len(set(numbers)) == n and seen.keys().isdisjoint(numbers):
            seen.update(zip(numbers, row_numbers, strict=True))  # no problem, no repeated 报名号: every row is kept
            return ParsedChunk(row_numbers, by_field, as_stored)
        # Row by row (the 报名号 only, no dict): each row's notes, a refused row, a repeated 报名号; the rows
        # kept are then taken out of the columns at once.
        keep: list[bool] = []
        for pos, (row_number, key) in enumerate(zip(row_numbers, numbers, strict=True)):
            if pos in notes:
                failed = False
                for found in table.problems(pos, header, file_name):
                    if found.level == "error":
                        failed = True
                        out.errors.append(found)
                    else:
                        out.warnings.append(found)
                if failed:
                    out.failed.append(key)
                    keep.append(False)
                    continue
            if key in seen:
                out.errors.append(RowError(file_name, row_number, header.labels[col_of["application_no"]], key,
                                           f"报名号重复：与第 {seen[key]} 行相同，本行未导入"))
                keep.append(False)
                continue
            seen[key] = row_number
            keep.append(True)
        if not all(keep):
            row_numbers = list(compress(row_numbers, keep))
            by_field = tuple(list(compress(values, keep)) for values in by_field)
        return ParsedChunk(row_numbers, by_field, as_stored)

    def _set_aside_as_stored(self, kept: list[tuple[int, Sequence[object]]], stored: Stored
                             ) -> tuple[list[tuple[int, Sequence[object]]], list[tuple[str, str]]]:
        """(the rows to read, the 报名号 and 确认点 of those set aside): a row whose cells, as they are, have the
        fingerprint and ID number stored for its 报名号 holds exactly the values stored, and normalising and
        checking them again gives them back (a stored value is one normalising left as it is, the checks passed
        it): a re-import counts it unchanged. Its 报名号 is seen (a later row with it is a repeat). A row with a
        cell that is not text, or with its 报名号 repeated in the file, is read as usual."""
        pick, seen = self.pick, self.seen
        assert pick is not None
        try:
            picked: list[tuple[str, ...]] = [pick(row) for _n, row in kept]
            prints: list[str | None] = list(fingerprints(picked))
        except (IndexError, TypeError):  # a short row, or a number or date cell: those rows are read as usual
            picked, prints = [], []
            for _n, row in kept:
                try:
                    values = pick(row)
                    prints.append(hash_in_order(values))
                except (IndexError, TypeError):
                    values = ("",) * len(ALL_KEYS)  # no 报名号 is "": never as stored
                    prints.append(None)
                picked.append(values)
        numbers = [values[_NUMBER] for values in picked]
        same = list(map(eq, zip(prints, [values[_ID] for values in picked], strict=True), map(stored.get, numbers)))
        if not any(same):
            return kept, []
        # the 报名号 of the rows read as usual, as reading gives them: a row set aside with one would be its repeat
        at = self.col_of["application_no"]
        cells = [row[at] if at < len(row) else None for (_n, row), s in zip(kept, same, strict=True) if not s]
        others = set(normalise_column(self.header.columns[at], at, cells, _ignore)) if cells else set()
        if len(set(numbers)) < len(numbers) or not seen.keys().isdisjoint(numbers) or not others.isdisjoint(numbers):
            # a 报名号 twice (in the file or in this chunk): those rows are read as usual, in order
            repeated = {n for n, times in Counter(numbers).items() if times > 1} | (seen.keys() & set(numbers))
            repeated |= others
            same = [s and number not in repeated for number, s in zip(numbers, same, strict=True)]
        numbered = zip(numbers, (row_number for row_number, _row in kept), strict=True)
        seen.update(compress(numbered, same))
        aside = [(values[_NUMBER], values[_POINT]) for values in compress(picked, same)]
        return list(compress(kept, map(not_, same))), aside


def _ignore(*_note: object) -> None:
    """A note nobody reads (a column normalised only to know its values)."""


class ParsedChunk(Sequence[tuple[int, dict[str, str]]]):
    """RowParser.feed's rows (the chunk's rows that are kept), held as `columns`: each field's values in
    ALL_KEYS order (column k, position i is rows[i][1][ALL_KEYS[k]]), so a writer builds its insert tuples and
    flags column by column; the rows' dicts are made only when the chunk is read as a sequence (a re-import's
    update, a caller that lists it), from the same columns."""

    def __init__(self, row_numbers: list[int], columns: tuple[list[str], ...],
                 as_stored: list[tuple[str, str]] | None = None) -> None:
        self.row_numbers, self.columns = row_numbers, columns
        self.as_stored = as_stored or []  # (报名号, 确认点) of the rows set aside exactly as stored (not in the rows)
        self._rows: list[tuple[int, dict[str, str]]] | None = None

    def rows(self) -> list[tuple[int, dict[str, str]]]:
        if self._rows is None:
            self._rows = list(zip(self.row_numbers, _dicts(self.columns), strict=True))
        return self._rows

    def __len__(self) -> int:
        return len(self.row_numbers)

    @overload
    def __getitem__(self, index: int) -> tuple[int, dict[str, str]]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, dict[str, str]]]: ...

    def __getitem__(self, index: int | slice) -> tuple[int, dict[str, str]] | list[tuple[int, dict[str, str]]]:
        return self.rows()[index]

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        return iter(self.rows())


def _dicts(columns: tuple[list[str], ...]) -> list[dict[str, str]]:
    """Each row's dict (field key -> value) of columns in ALL_KEYS order."""
    return list(map(dict, map(zip, repeat(ALL_KEYS), zip(*columns, strict=True))))


def _each(item: str) -> re.Pattern[str]:
    """A pattern for all_match: every text empty or a whole `item`."""
    return re.compile(f"(?:{item})?(?:\\|(?:{item})?)*")


# idnumbers.has_valid_shape, for an ID number already compacted (no space, no newline).
_ID_SHAPES = _each("[0-9]{17}[0-9X]")


@lru_cache(maxsize=4)
def _national_numbers(year: int) -> re.Pattern[str]:
    """报名号 application_no_problem finds nothing in (ASCII digits; campaign years 2012 to next year)."""
    years = "|".join(str(y) for y in range(2012, year + 2))
    provinces = "|".join(sorted(PROVINCES))
    return _each(f"(?:{years})(?:{provinces})[0-9]{{7}}")


def _born(id_number: str) -> str:
    born = idnumbers.birth_date(id_number)
    return born.isoformat() if born else ""
