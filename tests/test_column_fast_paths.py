"""The import's column fast paths (whole-column checks in C, columns checked at once instead of row by row)
give exactly what the plain rules give: every value, its type, and every note with its row, column, value,
message and level, in the same order. The references below are the rules written cell by cell and row by row
(the code before the fast paths); random columns of the odd cells exports carry are run through both."""

from __future__ import annotations

import datetime as dt
import random
import re
import sys
from collections.abc import Callable, Sequence
from itertools import zip_longest

import pytest

from confirm_desk.domain import idnumbers
from confirm_desk.domain.application_numbers import application_no_problem
from confirm_desk.domain.fields import FIELDS, FIELDS_BY_KEY, Kind, is_yes
from confirm_desk.domain.staff_fields import REQUIRED_STAFF_KEYS, STAFF_FIELDS, STAFF_FIELDS_BY_KEY, STAFF_KEYS
from confirm_desk.domain.text import (
    clean_text,
    compact_code,
    iso_date_text,
    looks_like_scientific,
    parse_date,
)
from confirm_desk.services.coverage.staff import parse_staff_rows
from confirm_desk.services.importing.rows import ALL_KEYS, REQUIRED_KEYS, RowParser, locate_header
from confirm_desk.services.spreadsheets import columns
from confirm_desk.services.spreadsheets.columns import (
    _ANY_SPACE,
    MAX_CELL_CHARS,
    HeaderMap,
    RowError,
    SheetColumns,
    header_notes,
    is_blank,
    normalise_column,
    read_columns,
)
from confirm_desk.services.spreadsheets.read import ERROR_VALUES

# --- The references: the rules cell by cell and row by row ----------------------------------------------------


def reference_column(f, col: int, cells: list[object], note: Callable[..., None]) -> list[str]:
    try:
        joined = "\x00".join(cells)  # type: ignore[arg-type]
    except TypeError:
        joined = None
    texts = [clean_text(c) for c in cells]  # the rule: each cell on its own
    if joined is None or "#" in joined:
        for i, t in enumerate(texts):
            if t[:1] == "#" and t.upper() in ERROR_VALUES:
                note(i, col, t, f"单元格是 Excel 错误值“{t}”（公式出错或引用失效），不是“{f.label}”的内容："
                                "请在源表中修正后重新导出")
                texts[i] = ""
    for i, t in enumerate(texts):
        if len(t) > MAX_CELL_CHARS:
            note(i, col, t, f"内容过长（{len(t)} 个字符，最多 {MAX_CELL_CHARS}）")
            texts[i] = ""
    if f.kind in (Kind.CODE, Kind.ID_NUMBER, Kind.CERT_NUMBER):
        codes = [compact_code(t) for t in texts]
        if f.key in ("application_no", "id_number", "cert_number"):
            for i, code in enumerate(codes):
                cell = cells[i]
                if code and ((type(cell) is float and abs(cell) >= 1e15) or looks_like_scientific(code)):
                    note(i, col, texts[i], f"“{f.label}”被 Excel 存成了科学计数法数字，末几位已丢失，无法恢复："
                                           "请在源表中把该列设为文本后重新导出")
                    codes[i] = ""
        return codes
    if f.kind is Kind.DATE:
        out = []
        for i, t in enumerate(texts):
            if not t:
                out.append("")
                continue
            cell = cells[i]
            if type(cell) is str:
                iso = iso_date_text(t)
            else:
                parsed = parse_date(cell)
                iso = parsed.isoformat() if parsed is not None else None
            if iso is None:
                note(i, col, t, f"无法识别的日期“{t}”，已按原文保存", "warning")
                out.append(t)
            else:
                out.append(iso)
        return out
    if f.kind is Kind.YES_NO:
        return [("是" if is_yes(t) else "否") if t else "" for t in texts]
    return texts


def reference_read(data_rows: Sequence[Sequence[object]], header: HeaderMap, first: int) -> SheetColumns:
    table = SheetColumns([(first + i, r) for i, r in enumerate(data_rows) if not is_blank(r)])
    n = len(table.kept)
    transposed = list(zip_longest(*(r for _, r in table.kept), fillvalue=None)) if table.kept else []
    for col, f in header.columns.items():
        cells = list(transposed[col]) if col < len(transposed) else [None] * n
        table.values[f.key] = reference_column(f, col, cells, table.note)
    return table


def reference_applicants(chunks, header: HeaderMap, file_name: str):
    """(rows, errors, warnings, failed) of the chunks [(first row number, rows)], row by row (a column is
    normalised as a whole within its chunk, so the reference reads the same chunks)."""
    col_of = {f.key: c for c, f in header.columns.items()}
    rows, errors, warnings, failed, seen = [], [], header_notes(header, file_name), [], {}
    for first, data_rows in chunks:
        _reference_chunk(reference_read(data_rows, header, first), header, file_name, col_of, rows, errors,
                         warnings, failed, seen)
    return rows, errors, warnings, failed


def _reference_chunk(table, header, file_name, col_of, rows, errors, warnings, failed, seen) -> None:
    empty = [""] * len(table.kept)
    lists = [table.values.get(k, empty) for k in ALL_KEYS]
    for pos, cells in enumerate(zip(*lists, strict=True)) if table.kept else ():
        values = dict(zip(ALL_KEYS, cells, strict=True))
        flagged = {c for c, *_ in table.notes[pos]} if pos in table.notes else ()
        for key in REQUIRED_KEYS:
            if not values[key] and col_of[key] not in flagged:
                table.note(pos, col_of[key], "", f"“{FIELDS_BY_KEY[key].label}”不能为空")
        number = values["application_no"]
        problem = application_no_problem(number) if number else ""
        if problem:
            table.note(pos, col_of["application_no"], number, problem, "warning")
        if not values["id_type"]:
            values["id_type"] = idnumbers.RESIDENT_ID
        id_number = values["id_number"]
        if id_number and values["id_type"] == idnumbers.RESIDENT_ID and not idnumbers.has_valid_shape(id_number):
            table.note(pos, col_of["id_number"], id_number, idnumbers.shape_message(id_number))
        if not values["gender"]:
            values["gender"] = idnumbers.gender(id_number) or ""
        if not values["birth_date"]:
            born = idnumbers.birth_date(id_number)
            values["birth_date"] = born.isoformat() if born else ""
        problems = table.problems(pos, header, file_name)
        errors += [p for p in problems if p.level == "error"]
        warnings += [p for p in problems if p.level != "error"]
        if any(p.level == "error" for p in problems):
            failed.append(number)
            continue
        row_number = table.kept[pos][0]
        if number in seen:
            errors.append(RowError(file_name, row_number, header.labels[col_of["application_no"]], number,
                                   f"报名号重复：与第 {seen[number]} 行相同，本行未导入"))
            continue
        seen[number] = row_number
        rows.append((row_number, values))


def reference_staff(rows, header: HeaderMap, file_name: str):
    table = reference_read(rows[header.row_index + 1:], header, header.row_index + 2)
    col_of = {f.key: c for c, f in header.columns.items()}
    parsed, errors, warnings, seen = [], [], header_notes(header, file_name), {}
    empty = [""] * len(table.kept)
    lists = [table.values.get(k, empty) for k in STAFF_KEYS]
    for pos, cells in enumerate(zip(*lists, strict=True)) if table.kept else ():
        values = dict(zip(STAFF_KEYS, cells, strict=True))
        flagged = {c for c, *_ in table.notes[pos]} if pos in table.notes else ()
        for key in REQUIRED_STAFF_KEYS:
            if not values[key] and col_of[key] not in flagged:
                table.note(pos, col_of[key], "", f"“{STAFF_FIELDS_BY_KEY[key].label}”不能为空")
        id_number = values["id_number"]
        if id_number and not idnumbers.has_valid_shape(id_number):
            table.note(pos, col_of["id_number"], id_number, idnumbers.shape_message(id_number))
        values["gender"] = values["gender"] or idnumbers.gender(id_number) or ""
        if not values["birth_date"]:
            born = idnumbers.birth_date(id_number)
            values["birth_date"] = born.isoformat() if born else ""
        problems = table.problems(pos, header, file_name)
        warnings += [p for p in problems if p.level != "error"]
        found = [p for p in problems if p.level == "error"]
        row_number = table.kept[pos][0]
        if not found and id_number in seen:
            found.append(RowError(file_name, row_number, header.labels[col_of["id_number"]], id_number,
                                  f"身份证号码重复：与第 {seen[id_number]} 行相同，本行未导入"))
        if found:
            errors += found
            continue
        seen[id_number] = row_number
        parsed.append(values)
    return parsed, errors, warnings


# --- Odd cells, as exports carry them ------------------------------------------------------------------------

ODD: list[object] = [
    "", " ", "  ", "a", " a", "a ", "a  b", "a b", "\u3000x", "x\u00a0y", "\t", "\ttab", "x\x07y", "\x00", "a\x00b",
    "#N/A", "#n/a", "#REF!", "#x", "2020-01-02", "2020/1/2", "2020年1月2日", " 2020-01-02", "2020.1", "20200102",
    "44000", "44000.5", "2020-13-45", "2020-W01-1", "不详", "是", "否", "Y", "1", "存在", "no", "3.30902E+17",
    "3.3e17", "1E5", "ABC123", "abc-123", "Ａ１２", "12 34", "33090219930319616X", "33090219930319616x",
    "330102800101123", "2025330000001", "20253300000012", "2011330000001", "2025990000001", "x" * 2001, "y" * 2000,
    "|", "a|b", "|" * 2001, "z|" + "q" * 2001, "\ufeffbom", "zw\u200bsp", "\u2028", "\x1c", "E", "e", "名字", " 名字 ",
    0, 1, 1.0, 0.0, 1.5, 3.30902e17, 1e15, 999999999999999.0, 44000, 44000.0, 20200102, True, False, None,
    dt.datetime(2020, 1, 2), dt.datetime(2020, 1, 2, 10, 30), dt.date(2020, 1, 3), dt.time(1, 2),
]
PLAIN_TEXT = [c for c in ODD if type(c) is str and "|" not in c and not _ANY_SPACE.search(c)]
POOLS = {
    "any": ODD,
    "text": [c for c in ODD if type(c) is str],
    "plain text": PLAIN_TEXT,  # the fast paths' own ground: no space, nothing to fold
    "iso dates": ["2020-01-02", "1999-12-31", "", "2001-02-29", "2000-02-29"],
    "codes": ["ABC", "123", "", "9X", "2025330000001", "1E5", "#N/A"],
    # Typed cells as a workbook saved by Excel or WPS gives them: dates, numbers, blanks among them.
    "typed": [dt.date(2020, 1, 3), dt.date(1999, 12, 31), dt.date(1, 1, 1), dt.datetime(2020, 1, 2),
              dt.datetime(2020, 1, 2, 10, 30), 316000.0, 15344408882.0, 1.5, -2.0, 3.30902e17, 1e15,
              float("nan"), float("inf"), 44000.0, 44000, "", " ", None, "2020-01-02", "2020/1/2", True],
}


def _column(rng: random.Random) -> list[object]:
    pool = POOLS[rng.choice(list(POOLS))]
    return [rng.choice(pool) for _ in range(rng.choice((1, 2, 3, 7, 40)))]


def _noted(fn, f, cells: list[object]) -> tuple[list[str], list[tuple[object, ...]], list[type]]:
    notes: list[tuple[object, ...]] = []
    values = fn(f, 4, list(cells), lambda *args: notes.append(args))
    return values, notes, [type(v) for v in values]


@pytest.mark.parametrize("seed", range(4))
def test_every_kind_of_column_normalises_as_the_plain_rules(seed: int) -> None:
    rng = random.Random(seed)
    fields = [*FIELDS, *STAFF_FIELDS]
    for _ in range(1500):
        f, cells = rng.choice(fields), _column(rng)
        assert _noted(normalise_column, f, cells) == _noted(reference_column, f, cells), (f.key, cells)


def test_a_nul_goes_whatever_the_other_cells_of_its_column() -> None:
    """A NUL was kept when no other cell of its column (of its 5,000-row chunk) needed trimming."""
    name = next(f for f in FIELDS if f.key == "name")
    for others in ([], ["李四"], [" 李四 "], ["李  四"], [3.0]):
        assert _noted(normalise_column, name, ["张\x00三", *others])[0][0] == "张三", others


def test_printable_and_spaceless_text_has_nothing_to_trim() -> None:
    """The shortcut `isprintable() and " " not in text` stands for "_ANY_SPACE finds nothing": every character
    _ANY_SPACE matches must be the space or unprintable (on this Python's Unicode tables)."""
    found = [cp for cp in range(sys.maxunicode + 1) if _ANY_SPACE.match(chr(cp))]
    assert found and all(chr(cp) == " " or not chr(cp).isprintable() for cp in found)
    assert not columns._SEP.isspace() and columns._SEP.isprintable() and not _ANY_SPACE.match(columns._SEP)
    assert columns._LONG_AFTER_SEP.pattern == re.escape(columns._SEP) + "[^|]{" + str(MAX_CELL_CHARS + 1) + "}"


def _sheet(rng: random.Random, width: int, count: int, odd: bool = True) -> list[list[object]]:
    from confirm_desk.services.applicants.demo import generate

    keys = [f.key for f in FIELDS][:width]
    rows: list[list[object]] = [["申请人名单"], [f.label for f in FIELDS][:width]]
    for r in generate(count, seed=rng.randrange(1000)):
        cells: list[object] = [r[k] for k in keys]
        for _ in range(rng.choice((0, 0, 0, 1, 3)) if odd else 0):
            cells[rng.randrange(width)] = rng.choice(ODD)
        if rng.random() < (0.1 if odd else 0.01) and len(rows[-1]) == width:  # a repeated 报名号 / ID number
            at = rng.choice((0, 5))
            cells[at] = rows[-1][at]
        if not odd:
            pass
        elif rng.random() < 0.05:
            cells = rng.choice(([None] * width, [""] * width, [0, ""], [" ", None], [" x"], []))
        elif rng.random() < 0.05:
            cells = cells[:rng.randrange(1, width)]
        rows.append(cells)
    return rows


@pytest.mark.parametrize(("seed", "odd"), [(seed, True) for seed in range(6)] + [(seed, False) for seed in range(3)])
def test_applicant_rows_are_checked_as_row_by_row(seed: int, odd: bool) -> None:
    """Odd cells in many rows, or clean chunks (kept at once) with now and then a 报名号 or ID number repeated
    within a chunk or from an earlier one."""
    rng = random.Random(seed)
    rows = _sheet(rng, len(FIELDS), 300, odd)
    header = locate_header(rows, "名单.xlsx")
    data = rows[header.row_index + 1:]
    parser = RowParser(header, "名单.xlsx")
    step = rng.choice((7, 50, 1000))
    chunks = [(header.row_index + 2 + start, data[start:start + step]) for start in range(0, len(data), step)]
    got = [row for first, chunk in chunks for row in parser.feed(chunk, first)]
    want_rows, errors, warnings, failed = reference_applicants(chunks, header, "名单.xlsx")
    assert [(n, list(v.items())) for n, v in got] == [(n, list(v.items())) for n, v in want_rows]
    assert [e.as_dict() for e in parser.out.errors] == [e.as_dict() for e in errors]
    assert [w.as_dict() for w in parser.out.warnings] == [w.as_dict() for w in warnings]
    assert parser.out.failed == failed
    assert errors and (warnings or not odd)  # the odd cells (or the repeated numbers) did reach the checks


@pytest.mark.parametrize("seed", range(4))
def test_staff_rows_are_checked_as_row_by_row(seed: int) -> None:
    from confirm_desk.services.coverage.staff import locate_staff_header

    rng = random.Random(seed)
    labels = ["姓名", "身份证号码", "所在学校", "在岗状态", "出生日期", "性别", "注册有效期至", "联系电话"]
    rows: list[list[object]] = [["教职工名单"], labels]
    for i in range(300):
        id_number = f"33090219{80 + i % 20}0{1 + i % 9}{10 + i % 18}{i % 1000:03d}X"
        cells: list[object] = [f"教师{i}", id_number, "舟山中学", "在岗", "", "", "2026年6月30日", "13800000000"]
        for _ in range(rng.choice((0, 0, 1, 2))):
            cells[rng.randrange(len(cells))] = rng.choice(ODD)
        if rng.random() < 0.05:
            cells[1] = rows[-1][1]
        rows.append(cells if rng.random() > 0.03 else [None] * len(cells))
    header = locate_staff_header(rows, "staff.xlsx")
    parsed, result = parse_staff_rows(rows, "staff.xlsx")
    want, errors, warnings = reference_staff(rows, header, "staff.xlsx")
    assert [list(v.items()) for v in parsed] == [list(v.items()) for v in want]
    assert [e.as_dict() for e in result.errors] == [e.as_dict() for e in errors]
    assert [w.as_dict() for w in result.warnings] == [w.as_dict() for w in warnings]
    assert errors and warnings


def test_blank_rows_are_the_same_rows() -> None:
    rows: list[Sequence[object]] = [[], [None], [""], ["", None], [" ", "\u3000"], [0, ""], [0, " "], [False],
                                    ["\x00"], [" x"], ["x"], [None, "y"], ["\t", 1], ("a", "b"), ("", "")]
    fields = {0: FIELDS[0], 1: FIELDS[1]}
    header = HeaderMap(0, fields, {0: "报名号", 1: "姓名"})  # type: ignore[arg-type]
    got, want = read_columns(rows, header, 2), reference_read(rows, header, 2)
    assert (got.kept, got.values, got.notes) == (want.kept, want.values, want.notes)
