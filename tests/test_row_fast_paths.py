"""The import's per-row shortcuts give exactly what the plain per-row code gives: whole-column tests that stand
for a per-row rule (national 报名号, ID number shapes), the insert tuples made column by column,
the fingerprints hashed in C, and calamine's rows streamed without the merge/patch bookkeeping."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from openpyxl import Workbook

from confirm_desk.domain import idnumbers
from confirm_desk.domain.application_numbers import PROVINCES, application_no_problem
from confirm_desk.domain.fields import FIELDS
from confirm_desk.domain.text import all_match
from confirm_desk.services.applicants.demo import generate
from confirm_desk.services.importing import rows as rows_module
from confirm_desk.services.importing.applicants import (
    ImportResult,
    RowWriter,
    hash_in_order,
    insert_tuples,
    read_export,
)
from confirm_desk.services.importing.rows import ALL_KEYS, ParsedChunk, RowParser
from confirm_desk.services.spreadsheets.read import read_rows, stream_rows
from confirm_desk.store.db import Store, open_store


def test_application_numbers_the_column_pattern_takes_have_no_problem() -> None:
    today = dt.date.today()
    pattern = rows_module._national_numbers(today.year)
    rng = random.Random(5)
    numbers = [f"{year}{province}{rng.randrange(10 ** 7):07d}" for year in range(2005, today.year + 4)
               for province in sorted(PROVINCES | {"00", "10", "83", "99", "3３"})]
    numbers += ["", "2025330000001 ", "202533000000", "20253300000011", "2025330000001\n", "２０２５330000001",
                "2025三30000001", "x025330000001", "2025330000001|2025330000002"]
    for number in numbers:
        if all_match(pattern, [number]):
            assert not number or application_no_problem(number, today) == "", number
        elif number.isascii():  # the pattern gives up on real problems (and on digits other than 0-9)
            assert application_no_problem(number, today), number
    assert not all_match(pattern, ["2025330000001|2025330000002"])


def test_id_numbers_the_column_pattern_takes_have_the_shape() -> None:
    rng = random.Random(6)
    ids = ["", "33090219930319616X", "33090219930319616x", "330902199303196161", "3309021993031961", "X" * 18,
           "33090219930319616X\n", "３3090219930319616X", "330902199303196161|", "330102800101123"]
    ids += ["".join(rng.choice("0123456789X") for _ in range(rng.choice((17, 18, 19)))) for _ in range(3000)]
    for id_number in ids:
        if all_match(rows_module._ID_SHAPES, [id_number]):
            assert not id_number or idnumbers.has_valid_shape(id_number), id_number
        elif not id_number.endswith("\n"):  # has_valid_shape's `$` takes a final newline (no compacted ID has one)
            assert id_number and not idnumbers.has_valid_shape(id_number), id_number
    assert all_match(rows_module._ID_SHAPES, ["", "33090219930319616X", ""])
    assert not all_match(rows_module._ID_SHAPES, ["33090219930319616X|33090219930319616X"])


def test_the_fingerprints_hashed_in_c_are_hash_in_order() -> None:
    rng = random.Random(8)
    alphabet = "0123456789abcXé张三李四\u3000|\x1f"
    rows = [tuple("".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 6))) for _ in ALL_KEYS)
            for _ in range(500)]
    columns = list(zip(*rows, strict=True))
    statuses, flags = [f"s{i % 3}" for i in range(len(rows))], [f"f{i % 5}" for i in range(len(rows))]
    assert insert_tuples(columns, statuses, flags) == list(zip(*columns, statuses, flags,
                                                              [hash_in_order(r) for r in rows], strict=True))
    assert insert_tuples([[] for _ in ALL_KEYS], [], []) == []


def _export(path: Path, count: int, seed: int, odd: bool = False) -> Path:
    """The demo rows as an export; `odd`: now and then a cell that makes a warning or refuses its row (a date
    that does not read, a name left out, a 报名号 repeated or not national, an ID number of the wrong shape, a
    gender against the ID number, a certificate number of another length)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["定期注册申请人网报数据"])
    ws.append([f.label for f in FIELDS])
    rng = random.Random(seed)
    previous: dict[str, str] = {}
    for r in generate(count, seed=seed):
        r = dict(r)
        if odd and rng.random() < 0.3:
            key, value = rng.choice([
                ("hired_on", "八月"), ("name", ""), ("application_no", previous.get("application_no", "")),
                ("application_no", "ZJ" + r["application_no"]), ("id_number", r["id_number"][:17]),
                ("gender", "男" if r["gender"] == "女" else "女"), ("cert_number", r["cert_number"][:16]),
                ("cert_issue_date", "2099-01-01"), ("graduated_on", "2015.8"), ("id_number", previous.get("id_number")),
            ])
            r[key] = value
        previous = r
        ws.append([r[f.key] for f in FIELDS])
    wb.save(path)
    return path


def _stored(store, tables=("applicant", "confirmation_point", "audit_event", "import_conflict")) -> dict:
    conn = sqlite3.connect(store.sqlite_path)
    try:
        out = {}
        for table in tables:
            names = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')
                     if r[1] not in ("created_at", "updated_at", "at")]
            out[table] = conn.execute(f'SELECT {", ".join(names)} FROM "{table}" ORDER BY id').fetchall()
        out["indexes"] = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                      "ORDER BY name").fetchall()
        return out
    finally:
        conn.close()


@contextmanager
def _copy_of(template_db: Path, target: Path) -> Iterator[Store]:
    """A store opened on a copy of the migrated template."""
    target.write_bytes(template_db.read_bytes())
    store = open_store(f"sqlite:///{target}")
    try:
        yield store
    finally:
        store.dispose()


def _write_in_chunks(session, path: Path, plain: bool, aside: list[int] | None = None
                     ) -> tuple[ImportResult, RowParser, list[type]]:
    """The export at `path` read and written in chunks of 50 rows: as RowParser.feed gives them (ParsedChunks)
    or, `plain`, as lists of (row number, dict). `aside`: the rows exactly as stored are set aside (as an import
    does), and how many each chunk set aside is appended to it."""
    sheet, header = read_export(path)
    parser = RowParser(header, path.name)
    result = ImportResult(path.name)
    writer = RowWriter(session, result, operator="t", present={f.key for f in header.columns.values()})
    kinds = []
    for first_row, chunk in sheet.chunks(header.row_index + 1, 50):
        parsed = parser.feed(chunk, first_row + 1, writer.stored_as_is() if aside is not None else None)
        kinds.append(type(parsed))
        if aside is not None:
            aside.append(len(getattr(parsed, "as_stored", [])))
        writer.add(list(parsed) if plain else parsed)
    writer.finish(parser.out.failed)
    return result, parser, kinds


@pytest.mark.parametrize(("existing", "odd"), [(0, False), (25, False), (0, True), (25, True)])
def test_inserts_made_column_by_column_store_what_the_row_loop_stores(store, db_url: str, template_db: Path,
                                                                      tmp_path: Path, existing: int,
                                                                      odd: bool) -> None:
    """The same chunks written as ParsedChunks (column by column: flags by CodeChecker.codes_of_columns) and as
    plain lists (row by row: flags by codes), into a store empty or already holding some applicants (none of
    them in the file: still all new); `odd`: chunks with warnings, refused rows and repeated 报名号 too."""
    path = _export(tmp_path / "export.xlsx", 120, seed=31, odd=odd)
    results = []
    for name, plain in (("columns", False), ("rows", True)):
        with _copy_of(template_db, tmp_path / f"{name}.sqlite3") as other:
            with other.session() as session:
                if existing:
                    seed_rows = [dict(r, application_no=f"2024{r['application_no'][4:]}")
                                 for r in generate(existing, seed=77)]
                    first = RowWriter(session, ImportResult("seed"))
                    first.add(list(enumerate(seed_rows, start=3)))
                    first.finish()
            with other.session() as session:
                result, parser, kinds = _write_in_chunks(session, path, plain)
            assert kinds == [ParsedChunk] * 3
            results.append((result.imported, result.updated, result.unchanged, _stored(other),
                            [e.as_dict() for e in parser.out.errors + result.errors],
                            [w.as_dict() for w in parser.out.warnings]))
    assert results[0] == results[1]
    imported, *_rest, stored, errors, warnings = results[0]
    assert len(stored["applicant"]) == imported + existing
    if odd:
        assert 80 < imported < 120 and errors and warnings
        assert any(row for row in stored["applicant"] if "date_unparsed" in str(row))  # a warned row's flags
    else:
        assert imported == 120 and not errors


def test_calamine_rows_without_merges_stream_as_read_rows(tmp_path: Path) -> None:
    """A plain sheet (no merge, no error value, no empty column on the left) is streamed straight from calamine:
    the same rows from any start, and the same chunks."""
    path = _export(tmp_path / "plain.xlsx", 40, seed=2)
    whole = read_rows(path)
    stream = stream_rows(path, head=5)
    for start in (0, 1, 2, 17, 41, 42, 50):
        assert list(stream.rows_from(start)) == whole[start:], start
    for size in (1, 7, 42, 5000):
        chunks = list(stream.chunks(2, size))
        assert [first for first, _ in chunks] == list(range(2, len(whole), size))
        assert [r for _, chunk in chunks for r in chunk] == whole[2:]


def test_flags_of_codes_hold_when_another_import_empties_the_shared_table(monkeypatch) -> None:
    """Two imports in one process (the window's worker and another): one may empty the shared table of flags
    while the other fills it; each chunk still gets every row's flags."""
    from confirm_desk.services.applicants.findings import flags_from_codes as plain
    from confirm_desk.services.importing import applicants as importing

    def emptied_meanwhile(codes):  # what the other import does while this one computes
        importing._flags_by_codes.clear()
        return plain(codes)

    monkeypatch.setattr(importing, "flags_from_codes", emptied_meanwhile)
    codes = [frozenset({"past_retirement"}), frozenset(), frozenset({"cert_correction_note"}), frozenset()]
    assert importing.flags_of_codes(codes) == [plain(c) for c in codes]


@pytest.mark.parametrize("odd", [False, True])
def test_a_reimport_told_column_by_column_stores_what_the_row_loop_stores(template_db: Path, tmp_path: Path,
                                                                         odd: bool) -> None:
    """A later export into a store holding the earlier one, its chunks written as ParsedChunks (the rows stored
    as they are now told by fingerprints made column by column) and as plain lists (row by row): the same counts,
    rows, events and errors. The later export changes some rows, gives one 报名号 another person's ID number
    (refused) and one the same ID number in lower case (the same person), and adds new applicants."""
    earlier = _export(tmp_path / "earlier.xlsx", 120, seed=41, odd=odd)
    book_rows = read_rows(earlier)
    labels = [str(v) for v in book_rows[1]]
    at = {f.key: labels.index(f.label) for f in FIELDS}
    later_rows = [list(r) for r in book_rows]
    for n, r in enumerate(later_rows[2:]):
        if n % 7 == 0:
            r[at["phone"]] = f"1390000{n:04d}"
        if n == 10:
            r[at["id_number"]] = "110101199003077777"
        if n == 11:
            r[at["id_number"]] = str(r[at["id_number"]]).lower()
    extra = _export(tmp_path / "extra.xlsx", 30, seed=43)
    for r in read_rows(extra)[2:]:  # the generator numbers from 1 whatever its seed: these get another year
        later_rows.append([f"2024{r[0][4:]}", *r[1:]])
    wb = Workbook()
    for r in later_rows:
        wb.active.append(r)
    later = tmp_path / "later.xlsx"
    wb.save(later)

    results = []
    for name, plain in (("columns", False), ("rows", True)):
        with _copy_of(template_db, tmp_path / f"{name}.sqlite3") as other:
            for path, as_list in ((earlier, True), (later, plain)):
                with other.session() as session:
                    result, parser, _kinds = _write_in_chunks(session, path, as_list)
            results.append((result.imported, result.updated, result.unchanged, _stored(other),
                            [e.as_dict() for e in parser.out.errors + result.errors]))
    assert results[0] == results[1]
    imported, updated, unchanged, _stored_rows, errors = results[0]
    assert imported == 30 and updated >= 15 and unchanged >= 80
    assert any("可能是另一个人" in e["message"] for e in errors)


def test_a_reimports_changed_rows_get_the_flags_each_row_would_get(store, db_url: str, template_db: Path,
                                                                    tmp_path: Path) -> None:
    """A later export changes some applicants, some of them into rows with findings (a gender against the ID
    number, a date that does not read): their flags, made for all the changed rows at once, are the ones the
    current rules give each stored row (refresh_flags finds nothing to change)."""
    from confirm_desk.services.applicants.findings import refresh_flags

    first = _export(tmp_path / "first.xlsx", 150, seed=41)
    wb = Workbook()
    ws = wb.active
    ws.append(["定期注册申请人网报数据"])
    ws.append([f.label for f in FIELDS])
    for n, r in enumerate(generate(150, seed=41)):
        r = dict(r)
        if n % 5 == 0:
            r["phone"] = f"139{n:08d}"
        if n % 15 == 0:
            r["gender"] = "女" if r["gender"] == "男" else "男"
        if n % 25 == 0:
            r["hired_on"] = "八月"
        ws.append([r.get(f.key, "") for f in FIELDS])
    later = tmp_path / "later.xlsx"
    wb.save(later)
    with _copy_of(template_db, tmp_path / "re.sqlite3") as other:
        for path in (first, later):
            with other.session() as session:
                result, _parser, _kinds = _write_in_chunks(session, path, plain=False)
        assert result.updated == 30 and result.unchanged == 120
        with other.session() as session:
            assert refresh_flags(session) == 0
        conn = sqlite3.connect(other.sqlite_path)
        flagged = conn.execute("SELECT count(*) FROM applicant WHERE flags != ''").fetchone()[0]
        conn.close()
        assert flagged >= 10


@pytest.mark.parametrize("odd", [False, True])
def test_rows_exactly_as_stored_are_set_aside_with_the_same_outcome(template_db: Path, tmp_path: Path,
                                                                   odd: bool) -> None:
    """A re-import sets aside the rows whose cells are exactly what is stored (their fingerprint and ID number),
    unread: the same counts, rows, events and errors as reading every row, and no warning that reading them would
    not give. Also in the later export: a 报名号 written with a space ahead of its row as stored (that row is then
    the repeat), a row as stored repeated in its chunk and in a later one, a date cell (that row read as usual), a
    changed row, another person's ID number, number cells (one the stored text, one a certificate number Excel
    rounded: refused) and new applicants."""
    import datetime as dt

    earlier = _export(tmp_path / "earlier.xlsx", 160, seed=47, odd=odd)
    book_rows = read_rows(earlier)
    labels = [str(v) for v in book_rows[1]]
    at = {f.key: labels.index(f.label) for f in FIELDS}
    later_rows = [list(r) for r in book_rows]
    data = later_rows[2:]
    for n, r in enumerate(data):
        if n % 9 == 0:
            r[at["phone"]] = f"1390000{n:04d}"
        if n == 12:
            r[at["id_number"]] = "110101199003077777"
    spaced = list(data[20])
    spaced[at["application_no"]] = " " + str(spaced[at["application_no"]])
    spaced[at["phone"]] = "13911112222"
    data.insert(15, spaced)  # before its row as stored, in the same chunk
    data.insert(30, list(data[25]))  # a row as stored, twice in its chunk
    data.append(list(data[40]))  # and once more, chunks later
    floated = list(data[46])
    floated[at["application_no"]] = float(floated[at["application_no"]])  # a 报名号 as a number cell
    floated[at["phone"]] = "13933334444"
    data.insert(45, floated)  # ahead of its row as stored: that row is the repeat
    born = data[100][at["birth_date"]]
    data[100][at["birth_date"]] = dt.datetime.fromisoformat(born) if born else born  # a date cell
    data[60][at["phone"]] = float(data[60][at["phone"]])  # a number cell the same as the stored text
    data[70][at["cert_number"]] = float(data[70][at["cert_number"]])  # a number that lost its last digits
    extra = _export(tmp_path / "extra.xlsx", 20, seed=49)
    for r in read_rows(extra)[2:]:
        data.append([f"2024{r[0][4:]}", *r[1:]])
    wb = Workbook()
    for r in later_rows[:2] + data:
        wb.active.append(r)
    later = tmp_path / "later.xlsx"
    wb.save(later)

    results, warnings, aside = [], [], []
    for name, set_aside in (("read", None), ("aside", aside)):
        with _copy_of(template_db, tmp_path / f"{name}.sqlite3") as other:
            with other.session() as session:
                _write_in_chunks(session, earlier, plain=False)
            with other.session() as session:
                result, parser, _kinds = _write_in_chunks(session, later, plain=False, aside=set_aside)
            results.append((result.imported, result.updated, result.unchanged, _stored(other),
                            [e.as_dict() for e in parser.out.errors + result.errors]))
            warnings.append([w.as_dict() for w in parser.out.warnings])
    assert results[0] == results[1]
    assert all(w in warnings[0] for w in warnings[1])
    imported, updated, unchanged, _rows, errors = results[0]
    assert imported == 20 and updated >= 15 and unchanged >= 100
    # most rows set aside; in the chunks with typed cells, all but those rows (read as usual, with the same outcome)
    assert sum(aside) >= 80 and min(aside[1:3]) >= 30
    assert sum("报名号重复" in e["message"] for e in errors) >= 4  # after the spaced and the number one, both repeats
    assert any("可能是另一个人" in e["message"] for e in errors)
    assert any("科学计数法" in e["message"] for e in errors)
