"""The few places where SQLite and PostgreSQL differ, each behind one helper (types, matching, clock)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, String, func, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

if TYPE_CHECKING:  # the tables use this module, and a Core-only process never imports the ORM
    from sqlalchemy.orm import Session


def nocase_string(length: int) -> String:
    """A string compared case-insensitively by search. SQLite: NOCASE collation, so a prefix LIKE
    uses the column's index. PostgreSQL: plain (its LIKE is case-sensitive; `prefix_match` lowers
    both sides and migration 0004 adds lower(column) indexes for it)."""
    return String(length).with_variant(String(length, collation="NOCASE"), "sqlite")


class _CiMatch(ColumnElement[bool]):
    """column LIKE pattern (with `\\` as escape), case-insensitive on every dialect."""

    inherit_cache = True
    type = Boolean()
    # A comparison, not a boolean value: without this SQLAlchemy writes `... LIKE ... = 1` on SQLite (no native
    # boolean), which SQLite cannot serve from an index (every prefix search became a table scan).
    _is_implicitly_boolean = True
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy's cache key protocol)
        ("column", InternalTraversal.dp_clauseelement),
        ("pattern", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: ColumnElement[Any], pattern: ColumnElement[Any]) -> None:
        self.column, self.pattern = column, pattern


@compiles(_CiMatch)
def _ci_match_default(element: _CiMatch, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite: ASCII LIKE is case-insensitive already, and the NOCASE index serves a prefix.
    return str(compiler.process(element.column.like(element.pattern, escape="\\"), **kw))


@compiles(_CiMatch, "postgresql")
def _ci_match_postgresql(element: _CiMatch, compiler: SQLCompiler, **kw: Any) -> str:
    # lower(column) LIKE lower(pattern): served by the lower(column) text_pattern_ops index.
    return str(compiler.process(func.lower(element.column).like(func.lower(element.pattern), escape="\\"), **kw))


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def prefix_pattern(value: str) -> str:
    """The LIKE pattern (escape `\\`) of values starting with `value`."""
    return _escape_like(value) + "%"


def contains_pattern(value: str) -> str:
    """The LIKE pattern (escape `\\`) of values containing `value`."""
    return "%" + _escape_like(value) + "%"


def prefix_match(column: ColumnElement[Any], value: str) -> ColumnElement[bool]:
    """Values starting with `value`, any case; a typed % or _ stays literal."""
    from sqlalchemy import literal

    return _CiMatch(column, literal(prefix_pattern(value), String()))


def contains_match(column: ColumnElement[Any], value: str) -> ColumnElement[bool]:
    from sqlalchemy import literal

    return _CiMatch(column, literal(contains_pattern(value), String()))


class _Unindexed(ColumnElement[Any]):
    """A column that SQLite may not look up through an index (`+column`: same value, same collation)."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]  # noqa: RUF012

    def __init__(self, column: ColumnElement[Any]) -> None:
        self.column = column
        self.type = column.type


@compiles(_Unindexed)
def _unindexed_default(element: _Unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.column, **kw))


@compiles(_Unindexed, "sqlite")
def _unindexed_sqlite(element: _Unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + str(compiler.process(element.column, **kw))


def unindexed(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """`column` in a condition SQLite must not serve from an index, so that the query runs on the index the
    caller chose (or in rowid order). Without statistics SQLite takes any equality for a few rows and would
    walk, say, 96,000 entries of the status index to find 30 names. Other databases plan by their statistics:
    the column as it is."""
    return _Unindexed(column)


def db_utcnow(session: Session) -> dt.datetime:
    """The database server's clock in naive UTC (every seat of a shared store agrees on it);
    SQLite is a file on this PC, so its clock is this PC's."""
    if session.get_bind().dialect.name == "postgresql":
        now: dt.datetime = session.execute(text("SELECT timezone('UTC', statement_timestamp())")).scalar_one()
        return now
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
