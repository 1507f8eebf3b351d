"""The type checker's view of Applicant (declared under TYPE_CHECKING) matches the real table, column by column."""

from __future__ import annotations

import ast
import inspect

from sqlalchemy import Boolean, Column, DateTime, Integer, String

from confirm_desk.store import models

_PYTHON_TYPE = {Boolean: "bool", DateTime: "dt.datetime", Integer: "int", String: "str"}


def _declared() -> dict[str, str]:
    tree = ast.parse(inspect.getsource(models))
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Applicant")
    block = next(
        n for n in cls.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"
    )
    return {
        ast.unparse(n.target): ast.unparse(n.annotation) for n in block.body if isinstance(n, ast.AnnAssign)
    }


def _expected(column: Column[object]) -> str:
    kind = next(name for base, name in _PYTHON_TYPE.items() if isinstance(column.type, base))
    return f"Mapped[{kind} | None]" if column.nullable and not column.primary_key else f"Mapped[{kind}]"


def test_every_applicant_column_is_declared_with_its_type() -> None:
    declared = _declared()
    columns = {c.key: _expected(c) for c in models.applicant_table.columns}
    assert declared == columns
