"""Reading a sheet's columns for any registry (applicants, staff): the header row, then each column
normalised as a whole list.

Columns are normalised as whole lists — one comprehension per column with fast paths for the common
case — because a per-cell function call for 39 columns × 100,000 rows would dominate the import.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import zip_longest
from typing import Protocol

from confirm_desk.domain.errors import FileRefused
from confirm_desk.domain.fields import Kind, is_yes
from confirm_desk.domain.text import (
    clean_text,
    compact_code,
    has_odd_spaces,
    iso_date_text,
    looks_like_scientific,
    number_text,
    parse_date,
)
from confirm_desk.services.spreadsheets.headers import HEADER_SCAN_ROWS, column_letter, filled, header_labels
from confirm_desk.services.spreadsheets.read import ERROR_VALUES

MIN_HEADER_MATCHES = 3
MAX_CELL_CHARS = 2000
_SCIENTIFIC_CHECKED = ("application_no", "id_number", "cert_number")
# Spaces to trim, and control characters to remove (NUL included: clean_text removes it from every cell).
_ANY_SPACE = re.compile(r"[\s\x00-\x1f\x7f\u00a0\u2000-\u200b\u202f\u205f\ufeff\u3000]")


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
    row_index: int  # 0-based index in the rows list (the lower row of a two-row header)
    columns: dict[int, ColumnField]  # column index -> field
    labels: dict[int, str]  # column index -> header text as in the file
    # (column, header text, message): where two columns could feed one field, which one was used and why
    choices: tuple[tuple[int, str, str], ...] = ()
    mapping: MappingResult | None = None  # how each column was matched, what was ignored

    def label_of(self, key: str) -> str:
        return next(self.labels[c] for c, f in self.columns.items() if f.key == key)

    def col_of(self, key: str) -> int | None:
        return next((c for c, f in self.columns.items() if f.key == key), None)

    def column_report(self) -> list[dict[str, object]]:
        """Header -> field, for the import result (JSON and the result dialog)."""
        if self.mapping is None:
            return [{"column": c + 1, "header": self.labels[c], "field": f.key, "label": f.label, "how": EXACT}
                    for c, f in self.columns.items()]
        return [m.as_dict(self.columns[c].label) for c, m in self.mapping.matches.items() if c in self.columns]

    def ignored_headers(self) -> list[str]:
        return [h for _c, h in self.mapping.ignored] if self.mapping is not None else []


class ColumnsUnclear(FileRefused):
    """A needed column is missing or two columns could be it: a person maps them (GUI dialog, CLI --map).
    Carries what the mapping step shows: the headers, the guess so far, a preview of the data."""

    def __init__(self, message: str, file_name: str, header_row: int, mapping: MappingResult,
                 specs: Sequence[FieldSpec], preview: list[list[str]]) -> None:
        super().__init__(message)
        self.problem = message.split("。请指定列的对应")[0] + "。"  # without the command line's hint
        self.file_name, self.header_row, self.mapping = file_name, header_row, mapping
        self.specs, self.preview = list(specs), preview


def specs_for(
    fields: Sequence[ColumnField], *, needed: Sequence[str] = (), avoid: Mapping[str, tuple[str, ...]] | None = None,
) -> list[FieldSpec]:
    """FieldSpecs from a registry (domain.fields.FIELDS, domain.staff_fields.STAFF_FIELDS)."""
    avoid = avoid or {}
    return [FieldSpec(f.key, f.label, tuple(getattr(f, "aliases", ())), bool(getattr(f, "required", False)),
                      f.key in needed, avoid.get(f.key, ())) for f in fields]


Remembered = Callable[[str], Mapping[str, str] | None]  # header signature -> a mapping a person confirmed


def find_header(
    rows: Sequence[Sequence[object]],
    file_name: str,
    fields: Sequence[ColumnField],
    specs: Sequence[FieldSpec],
    hint: str,
    manual: Mapping[str, str] | None = None,
    remembered: Remembered | None = None,
    ask_needed: bool = False,
) -> HeaderMap:
    """The first row within the first HEADER_SCAN_ROWS that names enough known columns (title rows come
    first), read together with the row below when that is a second header row (headers.py), its columns
    matched to fields by meaning (match_headers). `manual` (header -> key) wins over every guess; else a
    mapping remembered for the same headers. Raises ColumnsUnclear when a required field is missing or
    ambiguous (the message says how to map it), FileRefused when no row looks like a header.
    `ask_needed` (the GUI): a missing needed field raises ColumnsUnclear too, while unused columns could be it."""
    by_key = {f.key: f for f in fields}
    labels = {s.key: s.label for s in specs}
    for index in range(min(len(rows), HEADER_SCAN_ROWS)):
        best = _match_rows(rows, index, None, specs, manual, remembered)
        if index + 1 < len(rows) and best.strength() >= 1:
            two = _match_rows(rows, index, index + 1, specs, manual, remembered)
            if (two.strength(), len(two.matches)) > (best.strength(), len(best.matches)):
                best = two
        if best.strength() < MIN_HEADER_MATCHES and len(best.matches) < MIN_HEADER_MATCHES + 1:
            continue
        last = best.header_row
        if manual:
            absent = [h for h in manual if _manual_column(h, [normalize_header(t) for t in best.headers]) is None]
            if absent:
                raise FileRefused(f"“{file_name}”第 {last + 1} 行表头中没有指定的列："
                                  + "、".join(f"“{h}”" for h in absent))
        if best.unclear or (ask_needed and not manual and best.missing_needed and best.ignored):
            raise ColumnsUnclear(_unclear_message(file_name, last, best, labels), file_name, last, best, specs,
                                 [[clean_text(c) for c in r] for r in rows[last + 1:last + 6]])
        columns = {c: by_key[m.key] for c, m in best.matches.items()}
        return HeaderMap(last, columns, {c: best.matches[c].header for c in columns}, tuple(best.choices), best)
    raise FileRefused(f"“{file_name}”的前 {HEADER_SCAN_ROWS} 行中没有找到表头：{hint}")


def _match_rows(rows: Sequence[Sequence[object]], top: int, bottom: int | None, specs: Sequence[FieldSpec],
                manual: Mapping[str, str] | None, remembered: Remembered | None) -> MappingResult:
    """The mapping of a header in rows[top] (and rows[bottom]); a remembered mapping when there is one."""
    candidates = header_labels(rows, top, bottom)
    last = top if bottom is None else bottom

    def count(col: int) -> int:
        return filled(rows, last + 1, col)

    result = _match(candidates, specs, manual, MANUAL, count)
    if not manual and remembered is not None and result.matches:
        kept = remembered(header_signature(result.headers))
        if kept:
            result = _match(candidates, specs, kept, REMEMBERED, count)
    result.header_row = last
    return result


def _unclear_message(file_name: str, index: int, mapping: MappingResult, labels: Mapping[str, str]) -> str:
    parts = []
    if mapping.missing_needed and not mapping.unclear:
        parts.append("未找到列：" + "、".join(f"“{labels[k]}”" for k in mapping.missing_needed))
    if mapping.missing_required:
        parts.append("缺少必需的列：" + "、".join(f"“{labels[k]}”" for k in mapping.missing_required))
    for key, cols in mapping.ambiguous.items():
        options = "、".join(f"第 {c + 1} 列“{mapping.headers[c]}”" for c in cols)
        parts.append(f"“{labels[key]}”可能是{options}，无法确定")
    example = next(iter(mapping.ambiguous), None) or (mapping.missing_required or mapping.missing_needed)[0]
    return (f"“{file_name}”第 {index + 1} 行是表头，但{'；'.join(parts)}。"
            f"请指定列的对应，例如 --map \"表头={example}\"（或在导入对话框中选择）")


def header_notes(header: HeaderMap, file_name: str) -> list[RowError]:
    """The header's choices (two columns for one field) as warnings on the header row."""
    return [RowError(file_name, header.row_index + 1, text, "", message, "warning")
            for _col, text, message in header.choices]


def is_blank(row: Sequence[object]) -> bool:
    return not any(row) or all(c is None or (type(c) is str and not c.strip()) for c in row)


def kept_rows(data_rows: Sequence[Sequence[object]], first: int) -> list[tuple[int, Sequence[object]]]:
    """(spreadsheet row number, row) of the rows that are not blank. A row whose first cell is text not
    starting with a space is never blank (it has a non-space character): decided without calling is_blank."""
    return [(first + i, r) for i, r in enumerate(data_rows)
            if (r and type(r[0]) is str and r[0][:1].strip()) or not is_blank(r)]


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


def read_columns(data_rows: Sequence[Sequence[object]], header: HeaderMap, first: int | None = None) -> SheetColumns:
    """Every known column of the rows after the header (or of a chunk of them starting at spreadsheet row
    `first`), normalised by its field's kind."""
    if first is None:
        first = header.row_index + 2  # spreadsheet row number of data_rows[0]
    return columns_of(kept_rows(data_rows, first), header)


def columns_of(kept: list[tuple[int, Sequence[object]]], header: HeaderMap) -> SheetColumns:
    """read_columns of rows already numbered and without the blank ones (kept_rows)."""
    table = SheetColumns(kept)
    n = len(table.kept)
    rows = [r for _, r in table.kept]
    transposed: list[tuple[object, ...]] = []
    if rows:
        if len(set(map(len, rows))) == 1:  # a sheet's rows are as wide as the sheet: zip is enough
            transposed = list(zip(*rows, strict=True))
        else:
            transposed = list(zip_longest(*rows, fillvalue=None))
    for col, f in header.columns.items():
        cells: list[object] = list(transposed[col]) if col < len(transposed) else [None] * n
        table.values[f.key] = normalise_column(f, col, cells, table.note)
    return table


# Cells of a column are joined with a printable separator to check the whole column in C: a column with no
# non-printable character and no space has nothing to trim or fold (every character _ANY_SPACE finds is a
# space or not printable); one with no run of more than MAX_CELL_CHARS characters between separators (when the
# separator occurs in no cell) has no cell too long.
_SEP = "|"
_LONG_AFTER_SEP = re.compile(r"\|[^|]{" + str(MAX_CELL_CHARS + 1) + "}")
_PLAIN_CODES = re.compile(r"[0-9A-Z|]*")  # compact_code leaves such a text as it is ("" included)


def _nothing_to_trim(joined: str) -> bool:
    return (joined.isprintable() and " " not in joined) or _ANY_SPACE.search(joined) is None


def _none_too_long(texts: Sequence[str], joined: str | None) -> bool:
    """No text longer than MAX_CELL_CHARS; `joined`: _SEP.join(texts) when known."""
    if joined is not None and joined.count(_SEP) == len(texts) - 1:
        return len(texts[0]) <= MAX_CELL_CHARS and _LONG_AFTER_SEP.search(joined) is None
    return max(map(len, texts)) <= MAX_CELL_CHARS


_DATE = dt.date  # exactly a date (a datetime is a date too: clean_text may drop its midnight)


def _cell_texts(cells: list[object]) -> list[str]:
    """Each cell as clean_text gives it before folding spaces (text stripped), with the typed cells an export
    carries done inline: a date cell as its ISO form, a number as number_text (clean_text for the rest)."""
    return [c.strip() if type(c) is str else c.isoformat() if type(c) is _DATE
            else number_text(c) if type(c) is float else clean_text(c) for c in cells]


def normalise_column(f: ColumnField, col: int, cells: list[object], note: Note) -> list[str]:
    """One column's cells as stored text for its field's kind; problems go to `note(position, col, value,
    message, level)`. Whole-column checks in C decide when the per-cell work can be skipped; the result is
    the same as the per-cell rules (tests/test_column_fast_paths.py compares them)."""
    try:
        joined: str | None = _SEP.join(cells)  # type: ignore[arg-type]  # all text: check the column in one go
    except TypeError:
        joined = None
    if joined is not None and _nothing_to_trim(joined):
        texts: list[str] = cells  # type: ignore[assignment]  # nothing to trim in the whole column
    else:
        texts = _cell_texts(cells)
        stripped = _SEP.join(texts)  # a NUL anywhere goes, as clean_text takes it out of any one cell
        if has_odd_spaces(stripped) or "\x00" in stripped:
            texts = [clean_text(t) for t in texts]
    if joined is None or "#" in joined:
        for i, t in enumerate(texts):
            if t[:1] == "#" and t.upper() in ERROR_VALUES:
                note(i, col, t, f"单元格是 Excel 错误值“{t}”（公式出错或引用失效），不是“{f.label}”的内容："
                                "请在源表中修正后重新导出")
                texts[i] = ""
    # `joined` still describes `texts` when nothing was trimmed (an error value only made a text shorter)
    same = joined if texts is cells else None
    if texts and not _none_too_long(texts, same):
        for i, t in enumerate(texts):
            if len(t) > MAX_CELL_CHARS:
                note(i, col, t, f"内容过长（{len(t)} 个字符，最多 {MAX_CELL_CHARS}）")
                texts[i] = ""
        same = None
    kind = f.kind
    if kind in (Kind.CODE, Kind.ID_NUMBER, Kind.CERT_NUMBER):
        if same is not None and _PLAIN_CODES.fullmatch(same):
            codes = list(texts)  # upper-case letters and digits only: compact_code keeps each as it is
        else:
            codes = [compact_code(t) for t in texts]
        if f.key in _SCIENTIFIC_CHECKED and (joined is None or "E" in joined or "e" in joined):
            for i, code in enumerate(codes):
                cell = cells[i]
                if code and ((type(cell) is float and abs(cell) >= 1e15) or looks_like_scientific(code)):
                    note(i, col, texts[i], f"“{f.label}”被 Excel 存成了科学计数法数字，末几位已丢失，无法恢复："
                                           "请在源表中把该列设为文本后重新导出")
                    codes[i] = ""
        return codes
    if kind is Kind.DATE:
        return _dates(f, col, cells, texts, note)
    if kind is Kind.YES_NO:
        answer = {t: ("是" if is_yes(t) else "否") if t else "" for t in set(texts)}
        return [answer[t] for t in texts]
    return texts


def _dates(f: ColumnField, col: int, cells: list[object], texts: list[str], note: Note) -> list[str]:
    """A date column as ISO dates; a text that is no date is kept as given, with a warning."""
    out: list[str | None]
    todo: Sequence[int]
    if texts is cells and set(map(type, cells)) == {str}:
        # Every cell is text and its own trimmed text: the ISO form of each, remembered (iso_date_text); only
        # the empty and the unreadable ones need a second look.
        out = list(map(iso_date_text, texts))
        if None not in out:
            return out  # type: ignore[return-value]  # no None in it
        todo = [i for i, iso in enumerate(out) if iso is None]
    else:
        # A date cell's text is already its ISO form (_cell_texts); the other cells are read one by one.
        out = [t if type(c) is _DATE else None for c, t in zip(cells, texts, strict=True)]
        todo = [i for i, iso in enumerate(out) if iso is None]
    for i in todo:
        t = texts[i]
        if not t:
            out[i] = ""
            continue
        cell = cells[i]
        if type(cell) is str:
            iso = iso_date_text(t)  # remembered: a column repeats its dates
        else:
            parsed = parse_date(cell)
            iso = parsed.isoformat() if parsed is not None else None
        if iso is None:
            note(i, col, t, f"无法识别的日期“{t}”，已按原文保存", "warning")
            out[i] = t
        else:
            out[i] = iso
    return out  # type: ignore[return-value]  # every position filled


# --- Matching headers to fields by meaning -----------------------------------------------------------------
# Exports and staff lists name their columns as each office likes (所在单位, 是否在职, 身份证号吗…). The
# matcher scores every (column, field) pair: the label or a synonym exactly; a synonym inside the header (or
# the header inside a synonym); a small edit distance. The best pairs are taken first, one column per field;
# two columns tying for a field are reported as ambiguous instead of guessed.

EXACT, SYNONYM, CONTAINS, FUZZY, MANUAL, REMEMBERED = "exact", "synonym", "contains", "fuzzy", "manual", "remembered"
HOW_LABELS = {EXACT: "列名一致", SYNONYM: "同义列名", CONTAINS: "列名包含", FUZZY: "列名相近", MANUAL: "手工指定",
              REMEMBERED: "沿用上次的对应"}
IGNORE = "-"  # a manual mapping to "-" ignores the column
MIN_CONTAINED = 2  # characters a synonym needs to count when found inside a header


@dataclass(frozen=True)
class FieldSpec:
    """One field a file may carry: its key, its label (the canonical header), synonyms, and words that
    disqualify a loose match (e.g. 毕业 for a school: 毕业学校 is not where someone works)."""

    key: str
    label: str
    synonyms: tuple[str, ...] = ()
    required: bool = False  # the file is refused without it
    needed: bool = False  # not required, but a missing one is worth a mapping step (GUI) and a warning
    avoid: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.synonyms)


@dataclass(frozen=True)
class ColumnMatch:
    column: int  # 0-based
    header: str  # as in the file
    key: str
    how: str  # EXACT / SYNONYM / CONTAINS / FUZZY / MANUAL / REMEMBERED
    score: float

    def as_dict(self, label: str = "") -> dict[str, object]:
        return {"column": self.column + 1, "header": self.header, "field": self.key, "label": label,
                "how": self.how}


@dataclass
class MappingResult:
    """Which column feeds which field. `ignored`: columns no field took (column, header); `ambiguous`:
    field key -> the columns that tie for it (none of them taken); `missing`: required/needed keys
    with no column."""

    headers: list[str]
    matches: dict[int, ColumnMatch] = field(default_factory=dict)
    ignored: list[tuple[int, str]] = field(default_factory=list)
    ambiguous: dict[str, list[int]] = field(default_factory=dict)
    missing_required: list[str] = field(default_factory=list)
    missing_needed: list[str] = field(default_factory=list)
    choices: list[tuple[int, str, str]] = field(default_factory=list)  # (column, header, why it was used)
    header_row: int = 0  # find_header: the 0-based row the header ends on

    def column_of(self, key: str) -> int | None:
        return next((c for c, m in self.matches.items() if m.key == key), None)

    @property
    def by_key(self) -> dict[str, int]:
        return {m.key: c for c, m in self.matches.items()}

    @property
    def unclear(self) -> bool:
        """A required field is missing or any field is ambiguous: a person must say which column is which."""
        return bool(self.missing_required or self.ambiguous)

    def strength(self) -> int:
        """How header-like the row is: fields matched exactly or by synonym, then all matches."""
        return sum(1 for m in self.matches.values() if m.how in (EXACT, SYNONYM, MANUAL, REMEMBERED))


def normalize_header(text: object) -> str:
    """Header text as compared: half-width, no spaces or required marks, ASCII brackets, no line breaks."""
    from confirm_desk.domain.text import to_halfwidth

    return re.sub(r"[\s*:]+", "", to_halfwidth(clean_text(text)))


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, giving up (limit + 1) once it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _fuzzy_limit(name: str) -> int:
    return 0 if len(name) < 4 else 1 if len(name) < 7 else 2


MAX_LOOSE_HEADER = 30  # longer texts are titles or data, never a header to match loosely


@lru_cache(maxsize=4096)
def _names(spec: FieldSpec) -> tuple[str, ...]:
    return tuple(normalize_header(n) for n in spec.names)


def score(header: str, spec: FieldSpec) -> tuple[float, str]:
    """(score, how) of one normalised header for one field; (0, "") when it is no match."""
    if not header:
        return 0.0, ""
    names = _names(spec)
    if header == names[0]:
        return 1.0, EXACT
    if header in names[1:]:
        return 0.97, SYNONYM
    return _loose_score(header, spec)


def _loose_score(header: str, spec: FieldSpec) -> tuple[float, str]:
    """Containment or a small edit distance (exact names are looked up before this)."""
    if len(header) > MAX_LOOSE_HEADER or any(word in header for word in spec.avoid):
        return 0.0, ""
    best, how = 0.0, ""
    for name in _names(spec):
        if len(name) >= MIN_CONTAINED and name in header:
            value = 0.55 + 0.35 * len(name) / len(header)
        elif len(header) >= 3 and header in name:
            value = 0.5 + 0.3 * len(header) / len(name)
        else:
            limit = _fuzzy_limit(name)
            distance = edit_distance(header, name, limit) if limit else limit + 1
            value = 0.8 - 0.1 * distance if distance <= limit else 0.0
            if value > best:
                best, how = value, FUZZY
            continue
        if value > best:
            best, how = value, CONTAINS
    return best, how


def _strong_index(specs: Sequence[FieldSpec]) -> dict[str, list[tuple[float, str, str]]]:
    """Normalised label/synonym -> [(score, key, how)]: exact names are a dictionary look-up."""
    index: dict[str, list[tuple[float, str, str]]] = {}
    for spec in specs:
        names = _names(spec)
        index.setdefault(names[0], []).append((1.0, spec.key, EXACT))
        for name in names[1:]:
            index.setdefault(name, []).append((0.97, spec.key, SYNONYM))
    return index


def match_headers(
    headers: Sequence[object],
    specs: Sequence[FieldSpec],
    manual: Mapping[str, str] | None = None,
    *,
    manual_how: str = MANUAL,
) -> MappingResult:
    """Which column feeds which field, by meaning. The generic entry point for any registry.

    `headers`: the header row's cells. `specs`: the fields a file may hold (FieldSpec: key, label,
    synonyms, required/needed, avoid-words). `manual`: header text (or 1-based column number as text) ->
    field key, or "-" to ignore the column; it wins over every guess. Returns a MappingResult: `matches`
    (column -> ColumnMatch with `how` it was found), `ignored` columns, `ambiguous` fields (two columns
    tying: none taken), `missing_required` and `missing_needed` keys. Two columns named exactly (or by a
    synonym) for one field: the one with the field's own name wins, else the leftmost; `choices` says so.
    Example:

        specs = [FieldSpec("id_number", "身份证号码", ("证件号码",), required=True),
                 FieldSpec("hours", "培训学时", ("学时", "累计学时"), needed=True)]
        result = match_headers(["序号", "身份证号", "本周期累计学时"], specs)
        result.by_key == {"id_number": 1, "hours": 2}; result.ignored == [(0, "序号")]
    """
    return _match([[clean_text(h)] for h in headers], specs, manual, manual_how, lambda _col: 0)


def _match(
    candidates: Sequence[Sequence[str]],
    specs: Sequence[FieldSpec],
    manual: Mapping[str, str] | None,
    manual_how: str,
    count: Callable[[int], int],
) -> MappingResult:
    """match_headers over per-column candidate texts (a two-row header offers several); `count(col)`: how
    many data rows have a value there (decides between two columns named alike)."""
    texts = [next((t for t in options if t), "") for options in candidates]
    normal = [[normalize_header(t) for t in options if t] for options in candidates]
    by_key = {s.key: s for s in specs}
    result = MappingResult(headers=texts)
    taken_cols: set[int] = set()
    taken_keys: set[str] = set()
    for wanted, key in (manual or {}).items():
        col = _manual_column(wanted, [n[0] if n else "" for n in normal])
        if col is None or col in taken_cols:
            continue
        taken_cols.add(col)
        if key == IGNORE or key not in by_key or key in taken_keys:
            continue
        taken_keys.add(key)
        result.matches[col] = ColumnMatch(col, texts[col], key, manual_how, 1.0)
    index = _strong_index(specs)
    texts_of = [list(zip(options, [t for t in candidates[col] if t], strict=True))
                for col, options in enumerate(normal)]
    pairs = []  # (score, column, key, how, the header text that matched): exact names first
    for col, options in enumerate(texts_of):
        if col in taken_cols:
            continue
        for text, raw in options:
            for value, key, how in index.get(text, ()):
                if key not in taken_keys:
                    pairs.append((value, col, key, how, raw))
    pairs.sort(key=lambda p: (-p[0], p[1]))
    strong: dict[str, list[tuple[float, int, str, str]]] = {}
    for value, col, key, how, raw in pairs:
        if how in (EXACT, SYNONYM):
            strong.setdefault(key, []).append((value, col, how, raw))
    for key in sorted(strong, key=lambda k: -max(v for v, *_ in strong[k])):
        twins = [o for o in strong[key] if o[1] not in taken_cols]
        if not twins or key in taken_keys:
            continue
        chosen, why = twins[0], ""
        if len(twins) > 1:
            exact = [o for o in twins if o[2] == EXACT]
            if len(exact) == 1:
                chosen, why = exact[0], f"表头与字段名“{by_key[key].label}”完全一致"
            else:
                pool = exact or twins
                chosen = max(pool, key=lambda o: (count(o[1]), -o[1]))
                top = count(chosen[1])
                unique = sum(1 for o in pool if count(o[1]) == top) == 1
                why = f"该列有内容的行更多（{top} 行）" if unique else "两列内容一样多，取靠左的一列"
            others = "、".join(f"{column_letter(c)} 列“{t}”" for _v, c, _h, t in twins if c != chosen[1])
            result.choices.append((chosen[1], chosen[3],
                                   f"“{by_key[key].label}”可由多列提供：使用了 {column_letter(chosen[1])} 列"
                                   f"“{chosen[3]}”（{why}），未使用 {others}"))
        taken_keys.add(key)
        taken_cols.update(o[1] for o in twins)  # the unused twins are not guessed into other fields
        result.matches[chosen[1]] = ColumnMatch(chosen[1], chosen[3], key, chosen[2], chosen[0])
    loose = []
    for col, options in enumerate(texts_of):
        if col in taken_cols:
            continue
        for spec in specs:
            if spec.key in taken_keys:
                continue
            best = max(((*_loose_score(text, spec), raw) for text, raw in options), default=(0.0, "", ""))
            if best[0] > 0:
                loose.append((best[0], col, spec.key, best[1], best[2]))
    loose.sort(key=lambda p: (-p[0], p[1]))
    pairs = loose
    for value, col, key, how, raw in pairs:
        if col in taken_cols or key in taken_keys or key in result.ambiguous:
            continue
        rivals = [c for v, c, k, h, _ in pairs if k == key and v == value and c != col and c not in taken_cols]
        if rivals:
            result.ambiguous[key] = [col, *rivals]
            continue
        taken_cols.add(col)
        taken_keys.add(key)
        result.matches[col] = ColumnMatch(col, raw, key, how, value)
    result.matches = dict(sorted(result.matches.items()))
    result.ignored = [(c, texts[c]) for c in range(len(texts)) if c not in result.matches and texts[c]]
    for spec in specs:
        if spec.key in taken_keys or spec.key in result.ambiguous:
            continue
        if spec.required:
            result.missing_required.append(spec.key)
        elif spec.needed:
            result.missing_needed.append(spec.key)
    return result


def _manual_column(wanted: str, normal: Sequence[str]) -> int | None:
    text = normalize_header(wanted)
    if text in normal:
        return normal.index(text)
    if text.isdigit() and 1 <= int(text) <= len(normal):
        return int(text) - 1
    return None


def header_signature(headers: Sequence[object]) -> str:
    """A short fingerprint of a header row: files with the same headers share a remembered mapping."""
    import hashlib

    joined = "\x1f".join(normalize_header(h) for h in headers)
    return hashlib.sha1(joined.encode()).hexdigest()[:16]


def parse_mapping(pairs: Sequence[str], specs: Sequence[FieldSpec]) -> dict[str, str]:
    """`表头=field` pairs (CLI --map) -> header -> field key. The field may be its key, label or a synonym;
    `-` (or 忽略) ignores the column. Raises KnownError naming the valid fields."""
    from confirm_desk.domain.errors import KnownError

    names: dict[str, str] = {}
    for spec in specs:
        names[spec.key.lower()] = spec.key
        for name in spec.names:
            names.setdefault(normalize_header(name), spec.key)
    out: dict[str, str] = {}
    for pair in pairs:
        header, sep, target = pair.replace("\uff1d", "=").rpartition("=")
        header, target = header.strip(), target.strip()
        if not sep or not header:
            raise KnownError(f"--map 的写法应为 “表头=字段”，收到“{pair}”")
        if target in (IGNORE, "忽略"):
            out[header] = IGNORE
            continue
        key = names.get(target.lower()) or names.get(normalize_header(target))
        if key is None:
            known = "、".join(f"{s.key}（{s.label}）" for s in specs)
            raise KnownError(f"--map 中的字段“{target}”不存在。可用的字段：{known}")
        out[header] = key
    return out
