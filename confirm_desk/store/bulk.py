"""Bulk writes for the hot paths: the statement is compiled once for the connection's dialect and
the rows go straight to the driver's executemany (no per-row parameter processing).

Only for plain text/number columns whose Python values the driver takes as they are. Dates and times go to
SQLite as the ISO text its driver's default adapter used to write (that adapter is deprecated from Python 3.12).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Dialect, Insert, Table, Update, bindparam, insert, update

Row = dict[str, Any]


def _execute(conn: Connection, stmt: Insert | Update, names: Sequence[str], rows: Sequence[Row],
             dates: Sequence[str] = ()) -> None:
    if not rows:
        return
    compiled = stmt.compile(dialect=conn.dialect)
    sql = str(compiled)
    fixed = compiled.params  # values given in the statement itself (bulk_update's `extra`)
    if conn.dialect.name == "sqlite":
        fixed = {name: _iso_text(value) for name, value in fixed.items()}
    if conn.dialect.name == "sqlite" and dates:
        rows = [{**row, **{name: _iso_text(row[name]) for name in dates if name in row}} for row in rows]
    if compiled.positional:
        order = compiled.positiontup or []
        params: list[Any]
        if order and all(name in rows[0] for name in order):  # every row holds every name: picked in C
            pick = itemgetter(*order)
            params = list(map(pick, rows)) if len(order) > 1 else [(pick(row),) for row in rows]
        else:
            params = [tuple(row[name] if name in row else fixed[name] for name in order) for row in rows]
    else:
        params = [{**fixed, **{name: row[name] for name in names}} for row in rows]
    conn.exec_driver_sql(sql, params)


def bulk_insert(conn: Connection, table: Table, rows: Sequence[Row]) -> None:
    """INSERT rows that all carry the same keys."""
    if not rows:
        return
    names = list(rows[0])
    stmt = insert(table).values({name: bindparam(name) for name in names})
    _execute(conn, stmt, names, rows, _date_columns(table, names))


def insert_rows(conn: Connection, table: Table, names: Sequence[str], rows: Sequence[Sequence[Any]],
                fixed: Row | None = None, chunk: int = 10_000) -> None:
    """INSERT rows given as tuples in `names` order (no dict per row); `fixed` values are the same on every
    row. Sent `chunk` rows at a time, so the driver's parameter list stays small.

    On SQLite the statement is compiled once per table and column list, and the fixed numbers, dates, times and
    NULLs are written into it as literals that store what the driver would have bound (same values, same types),
    so the rows go to the driver as they are: no tuple made per row. Fixed text stays a parameter (a statement's
    text may reach a log or a message; values never do: hide_parameters)."""
    if not rows:
        return
    fixed = fixed or {}
    if conn.dialect.name == "sqlite":
        sql, order = _sqlite_insert(conn.dialect, table, tuple(names), tuple(fixed))
        written = _with_literals(sql, order, len(names), fixed)
        if written is not None:
            _send(conn, *written, rows, chunk)
            return
    stmt = insert(table).values({**{name: bindparam(name) for name in names},
                                 **{name: bindparam(name, value) for name, value in fixed.items()}})
    compiled = stmt.compile(dialect=conn.dialect)
    sql = str(compiled)
    if conn.dialect.name == "sqlite":
        fixed = {name: _iso_text(value) for name, value in fixed.items()}
    where = {name: i for i, name in enumerate(names)}
    if compiled.positional:
        order = list(compiled.positiontup or [])
        head = [name for name in order if name in where]
        tail = tuple(fixed[name] for name in order if name not in where)
        if head == list(names) and order[:len(head)] == head:
            make: Any = (lambda row: (*row, *tail)) if tail else tuple
        else:
            make = lambda row: tuple(row[where[n]] if n in where else fixed[n] for n in order)  # noqa: E731
    else:
        make = lambda row: {**fixed, **dict(zip(names, row, strict=True))}  # noqa: E731
    for start in range(0, len(rows), chunk):
        conn.exec_driver_sql(sql, [make(row) for row in rows[start:start + chunk]])


@lru_cache(maxsize=32)
def _sqlite_insert(dialect: Dialect, table: Table, names: tuple[str, ...],
                   fixed: tuple[str, ...]) -> tuple[str, list[str]]:
    """The INSERT's text for SQLite and its parameters' names in order (the statement does not depend on the
    fixed values: each is one more `?`)."""
    stmt = insert(table).values({**{name: bindparam(name) for name in names},
                                 **{name: bindparam(name, type_=table.c[name].type) for name in fixed}})
    compiled = stmt.compile(dialect=dialect)
    return str(compiled), list(compiled.positiontup or [])


def _with_literals(sql: str, order: list[str], width: int, fixed: Row) -> tuple[str, tuple[Any, ...]] | None:
    """`sql` with the fixed values that can be literals written in, and those still bound (they follow each row's
    own values); None unless the statement is the plain `... VALUES (?, ...)` with the row's columns first."""
    if len(order) < width or any(name not in fixed for name in order[width:]):
        return None
    marks = " VALUES (" + ", ".join("?" * len(order)) + ")"
    if not sql.endswith(marks):
        return None
    values = ["?"] * width
    tail = []
    for name in order[width:]:
        literal = _sqlite_literal(fixed[name])
        values.append("?" if literal is None else literal)
        if literal is None:
            tail.append(_iso_text(fixed[name]))
    return sql[:-len(marks)] + " VALUES (" + ", ".join(values) + ")", tuple(tail)


def _sqlite_literal(value: object) -> str | None:
    """The SQLite literal that stores what the driver stores for `value` bound; None: bind it (text, floats,
    bytes: a value of the rows' own kind is never written into a statement)."""
    if value is None:
        return "NULL"
    if type(value) is bool:
        return "1" if value else "0"
    if type(value) is int and -(2 ** 63) <= value < 2 ** 63:
        return str(value)
    if isinstance(value, dt.date):  # datetime included: the ISO text the driver is given (_iso_text)
        return "'" + str(_iso_text(value)) + "'"
    return None


def _send(conn: Connection, sql: str, tail: tuple[Any, ...], rows: Sequence[Sequence[Any]], chunk: int) -> None:
    for start in range(0, len(rows), chunk):
        part = rows if start == 0 and len(rows) <= chunk and isinstance(rows, list) else list(rows[start:start + chunk])
        if tail:
            part = [(*row, *tail) for row in part]
        elif type(part[0]) is not tuple:  # SQLAlchemy takes a list of tuples as the parameter sets
            part = [tuple(row) for row in part]
        conn.exec_driver_sql(sql, part)


def bulk_update(conn: Connection, table: Table, key: str, rows: Sequence[Row], extra: Row | None = None) -> None:
    """UPDATE rows by `key` (each row dict holds the key and the new values); `extra` is set on all. Each row's
    parameters are picked from its own dict in C (no renamed copy of it per row: 10,000 changed applicants of a
    re-import took 0.2 s more than their UPDATE)."""
    if not rows:
        return
    names = [n for n in rows[0] if n != key]
    values: dict[str, Any] = {name: bindparam(f"n_{name}") for name in names}
    stmt = update(table).where(table.c[key] == bindparam("k_key")).values({**values, **(extra or {})})
    compiled = stmt.compile(dialect=conn.dialect)
    sqlite = conn.dialect.name == "sqlite"
    column_of = {f"n_{name}": name for name in names}
    column_of["k_key"] = key
    fixed = {p: (_iso_text(v) if sqlite else v) for p, v in compiled.params.items() if p not in column_of}
    dates = _date_columns(table, [*names, key]) if sqlite else []
    if dates:
        rows = [{**row, **{name: _iso_text(row[name]) for name in dates}} for row in rows]
    if compiled.positional:
        order = [column_of.get(p, p) for p in compiled.positiontup or []]
        if any(p in fixed for p in order):
            rows = [{**row, **fixed} for row in rows]
        pick = itemgetter(*order)
        params: list[Any] = list(map(pick, rows)) if len(order) > 1 else [(pick(row),) for row in rows]
    else:
        pairs = list(column_of.items())
        params = [{**fixed, **{p: row[c] for p, c in pairs}} for row in rows]
    conn.exec_driver_sql(str(compiled), params)


def _iso_text(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.isoformat(" ")
    return value.isoformat() if isinstance(value, dt.date) else value



def _date_columns(table: Table, names: Sequence[str]) -> list[str]:
    return [name for name in names if isinstance(table.c[name].type, Date | DateTime)]
