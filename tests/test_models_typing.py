"""The type checker's view of each ORM class (declared under TYPE_CHECKING, the columns themselves being in
store/tables.py) matches its real table, column by column."""

from __future__ import annotations

import ast
import inspect

import pytest
from sqlalchemy import Boolean, Column, DateTime, Float, Integer, LargeBinary, String, Table

from confirm_desk.store import models

_PYTHON_TYPE = {Boolean: "bool", DateTime: "dt.datetime", Integer: "int", String: "str", LargeBinary: "bytes",
                Float: "float"}
_TREE = ast.parse(inspect.getsource(models))


def _declared(name: str) -> dict[str, str]:
    """The TYPE_CHECKING attributes of class `name` and of the classes it derives from in the module."""
    cls = next(n for n in _TREE.body if isinstance(n, ast.ClassDef) and n.name == name)
    out: dict[str, str] = {}
    for base in cls.bases:
        if ast.unparse(base) != "Base":
            out.update(_declared(ast.unparse(base)))
    for block in cls.body:
        if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING":
            out.update({ast.unparse(n.target): ast.unparse(n.annotation)
                        for n in block.body if isinstance(n, ast.AnnAssign)})
    return out


def _expected(column: Column[object]) -> str:
    kind = next(name for base, name in _PYTHON_TYPE.items() if isinstance(column.type, base))
    return f"Mapped[{kind} | None]" if column.nullable and not column.primary_key else f"Mapped[{kind}]"


MAPPED = sorted(m.class_.__name__ for m in models.Base.registry.mappers)


@pytest.mark.parametrize("name", MAPPED)
def test_every_column_is_declared_with_its_type(name: str) -> None:
    table = getattr(models, name).__table__
    assert isinstance(table, Table)
    assert _declared(name) == {c.key: _expected(c) for c in table.columns}


def test_every_table_but_the_plain_core_ones_is_mapped() -> None:
    mapped = {getattr(models, name).__table__.name for name in MAPPED}
    core_only = {"staff_member", "training_record", "assessment_record", "contract_record", "archive_bag"}
    assert mapped == set(models.Base.metadata.tables) - core_only
