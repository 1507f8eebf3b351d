"""The store side of an import: the rows go in without the applicant table's indexes when the table is empty and the
indexes are built again from their own statements; the rows go to the driver with the fixed values written into
the statement. Whatever the path, the store must end up the same: every index, every row, every value and its type.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import Boolean, Column, Date, DateTime, Integer, MetaData, String, Table, create_engine

from confirm_desk.domain.errors import Cancelled
from confirm_desk.domain.fields import FIELDS
from confirm_desk.services.applicants.demo import generate
from confirm_desk.services.importing import applicants as importing
from confirm_desk.store.bulk import insert_rows
from confirm_desk.store.db import open_store
from tests.test_import_chunks import _messy_export

_PER_IMPORT = ("created_at", "updated_at", "import_batch_id")  # the same on every row of one import


def _export(path: Path) -> Path:
    """The messy export (errors, warnings) and then applicants whose ID number another row of the file has."""
    from openpyxl import load_workbook

    _messy_export(path, count=150, title=False)
    wb = load_workbook(path)
    sheet = wb.active
    keys = [f.key for f in FIELDS]
    before: list[str] = []
    for i, r in enumerate(generate(8, seed=5)):
        values = [r[k] for k in keys]
        if i % 2:  # the ID number (and what it says: birth date, gender) of the row before
            for key in ("id_number", "birth_date", "gender"):
                values[keys.index(key)] = before[keys.index(key)]
        values[keys.index("application_no")] = f"209999{i:07d}"
        sheet.append(values)
        before = values
    wb.save(path)
    return path


def _indexes(path: Path) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'applicant' "
                            "ORDER BY name").fetchall()


def _applicants(path: Path) -> list[tuple]:
    """Every column but the id and the import's own values, with each value's SQLite type, in 报名号 order."""
    with closing(sqlite3.connect(path)) as conn:
        names = [r[1] for r in conn.execute("PRAGMA table_info(applicant)") if r[1] not in ("id", *_PER_IMPORT)]
        picked = ", ".join(f'"{n}", typeof("{n}")' for n in names)
        rows = conn.execute(f"SELECT {picked} FROM applicant ORDER BY application_no").fetchall()
        # The import's own: its batch (a number) and its time (text; a flag refresh moves updated_at).
        own = conn.execute("SELECT DISTINCT import_batch_id = (SELECT max(id) FROM batch), typeof(import_batch_id), "
                           "typeof(created_at), typeof(updated_at) FROM applicant "
                           "WHERE application_no != '2099999999999'").fetchall()
        one_time = conn.execute("SELECT count(DISTINCT created_at) FROM applicant "
                                "WHERE application_no != '2099999999999'").fetchone()
    assert own == [(1, "integer", "text", "text")] and one_time == (1,)
    return rows


def _check_whole(path: Path, indexes: list[tuple[str, str]], count: int) -> None:
    """The index list is the migrated store's, each index holds every row, and SQLite finds nothing wrong."""
    assert _indexes(path) == indexes
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT count(*) FROM applicant").fetchone()[0] == count
        for name, sql in indexes:
            if sql is not None:
                assert conn.execute(f'SELECT count(*) FROM applicant INDEXED BY "{name}"').fetchone()[0] == count
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_first_import_keeps_every_index_and_row(template_db: Path, tmp_path: Path, monkeypatch) -> None:
    """Into an empty table (indexes dropped, then built again) and into a table that already holds an applicant
    (indexes kept), the same file stores the same rows, flags (ID numbers repeated in the file) included."""
    export = _export(tmp_path / "export.xlsx")
    other = tmp_path / "other.xlsx"
    from openpyxl import Workbook, load_workbook

    source = load_workbook(export).active
    wb = Workbook()
    wb.active.append([c.value for c in source[1]])
    row = [c.value for c in source[2]]
    keys = [f.key for f in FIELDS]
    row[keys.index("application_no")] = "2099999999999"
    row[keys.index("id_number")] = "110101199003077233"
    row[keys.index("birth_date")] = "1990-03-07"
    wb.active.append(row)
    wb.save(other)

    indexes = _indexes(template_db)
    assert len([sql for _, sql in indexes if sql]) >= 6  # uq 报名号, name, ID number, school, point, status
    monkeypatch.setattr(importing, "CHUNK_ROWS", 40)  # several chunks: the indexes are dropped once
    stored = {}
    for name, first in (("empty", None), ("held", other)):
        path = tmp_path / f"{name}.sqlite3"
        shutil.copy(template_db, path)
        store = open_store(f"sqlite:///{path}")
        try:
            if first is not None:
                importing.import_applicants(store, first, operator="clerk")
            result = importing.import_applicants(store, export, operator="clerk")
        finally:
            store.dispose()
        assert result.imported > 100 and result.errors
        _check_whole(path, indexes, result.imported + (first is not None))
        stored[name] = [r for r in _applicants(path) if r[0] != "2099999999999"]
    assert stored["empty"] == stored["held"]
    flags = [r for r in stored["empty"] if "duplicate_id" in str(r)]
    assert len(flags) == 8  # the file's repeated ID numbers were flagged after the insert


def test_cancelled_first_import_leaves_the_indexes(template_db: Path, tmp_path: Path) -> None:
    export = _export(tmp_path / "export.xlsx")
    path = tmp_path / "store.sqlite3"
    shutil.copy(template_db, path)
    store = open_store(f"sqlite:///{path}")

    def progress(done: int, total: int, text: str) -> None:
        if text == "正在提交…":
            raise Cancelled()

    try:
        with pytest.raises(Cancelled):
            importing.import_applicants(store, export, progress=progress)
    finally:
        store.dispose()
    _check_whole(path, _indexes(template_db), 0)


def _table(metadata: MetaData) -> Table:
    return Table("t", metadata, Column("id", Integer, primary_key=True), Column("text", String(20)),
                 Column("number", Integer), Column("at", DateTime), Column("on", Date),
                 Column("flag", Boolean), Column("batch", Integer, nullable=True), Column("source", String(40)))


@pytest.mark.parametrize("fixed", [
    {"at": dt.datetime(2026, 12, 2, 13, 40, 5, 123456), "on": dt.date(2026, 1, 2), "batch": 7},
    {"at": dt.datetime(2026, 12, 2, 13, 40), "on": dt.date(2026, 1, 2), "batch": None, "flag": True},
    {"at": dt.datetime(2026, 12, 2), "on": dt.date(2026, 1, 2), "source": "名单'; DROP TABLE t; --.xlsx"},
    {"batch": -(2 ** 63), "flag": False, "at": dt.datetime(2026, 12, 2, tzinfo=dt.UTC)},
    {},
])
@pytest.mark.parametrize("chunk", [2, 10_000])
def test_insert_rows_stores_what_binding_stores(tmp_path: Path, fixed: dict, chunk: int) -> None:
    """insert_rows (fixed values written into the statement where they can be) against every value bound as the
    driver is given it (times and dates as ISO text, store/bulk.py): the same table, value for value and type
    for type."""
    rows = [("a", 1), ("b", None), ("", -5), ("名字", 2 ** 40), ("x'y", 0)]

    def given(value: object) -> object:
        if isinstance(value, dt.datetime):
            return value.isoformat(" ")
        return value.isoformat() if isinstance(value, dt.date) else value

    tables = []
    for name in ("fast", "bound"):
        engine = create_engine(f"sqlite:///{tmp_path / name}.sqlite3")
        metadata = MetaData()
        table = _table(metadata)
        metadata.create_all(engine)
        with engine.begin() as conn:
            if name == "fast":
                insert_rows(conn, table, ("text", "number"), rows[:2], fixed, chunk=chunk)  # a list of tuples
                insert_rows(conn, table, ("text", "number"), [list(r) for r in rows[2:]], fixed, chunk=chunk)
            else:
                names = ["text", "number", *fixed]
                sql = f"INSERT INTO t ({', '.join(f'{n!r}' for n in names)}) VALUES ({', '.join('?' * len(names))})"
                conn.exec_driver_sql(sql, [(*r, *map(given, fixed.values())) for r in rows])
        engine.dispose()
        with closing(sqlite3.connect(tmp_path / f"{name}.sqlite3")) as conn:
            columns = [c.name for c in table.columns]
            picked = ", ".join(f'"{c}", typeof("{c}")' for c in columns)
            tables.append(conn.execute(f"SELECT {picked} FROM t ORDER BY id").fetchall())
    assert tables[0] == tables[1]
    assert len(tables[0]) == len(rows)


def test_new_store_page_size_and_old_stores_keep_theirs(tmp_path: Path, template_db: Path) -> None:
    from confirm_desk.store.db import SQLITE_PAGE_SIZE

    def page_size(path: Path) -> int:
        with closing(sqlite3.connect(path)) as conn:
            return int(conn.execute("PRAGMA page_size").fetchone()[0])

    assert page_size(template_db) == SQLITE_PAGE_SIZE == 8192
    old = tmp_path / "old.sqlite3"
    with closing(sqlite3.connect(old)) as conn:  # a store made before: SQLite's default page size
        conn.execute("PRAGMA page_size=4096")
        conn.execute("CREATE TABLE kept (x)")
    store = open_store(f"sqlite:///{old}")
    store.dispose()
    assert page_size(old) == 4096
    with closing(sqlite3.connect(old)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT count(*) FROM applicant").fetchone()[0] == 0  # migrated as before
