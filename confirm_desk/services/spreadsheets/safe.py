"""Cells written by the app can never run as formulas (OWASP CSV-injection guidance), and text that could not
run is left exactly as it is: the national system receives what the confirmer typed.

A spreadsheet executes a cell that starts with `=`; with `+`, `-` or `@` only when what follows reads as a
formula (a function call `SUM(`, a DDE link `cmd|`, a sheet reference `Sheet1!A1`, an operator after a term
`-2+3`, a cell reference `@A1`). "-缺少学历证书", "- 见备注", "+86 138…", "@张老师" and "-1" are plain text or
numbers and stay untouched; "=1+1", "+cmd|' /C calc'!A0", "-2+3+cmd|…", "@SUM(A1)" get a leading apostrophe.
A leading tab or carriage return is looked through (Excel trims it before deciding).

Characters XML 1.0 cannot hold (a BEL or backspace pasted into a name) are removed from every cell: openpyxl
would otherwise refuse the whole workbook."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import overload

_SIGNS = ("+", "-", "@")
# What makes the text after a sign a formula: a call, a DDE link, a sheet reference, an operator or
# comparison after a term, or a bare cell reference (A1, $B$2, AB12:AC14).
_FORMULA_LIKE = re.compile(
    r"[A-Za-z_][\w.]*\s*\("  # SUM(  cmd (
    r"|\|"  # cmd|' /C calc'  (DDE)
    r"|![$A-Za-z]"  # Sheet1!A1
    r"|[0-9A-Za-z_.)%\"']\s*[-+*/^&=<>]"  # 2+3, A1*2, "a"&"b" (ASCII terms: 学历-原件 is text)
    r"|^\s*\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?\s*$"  # A1, $B$2, A1:B3
)


def needs_escape(text: str) -> bool:
    """Whether a spreadsheet would run `text` as a formula."""
    body = text.lstrip("\t\r\n")
    if not body:
        return False
    first, rest = body[0], body[1:]
    if first == "=":
        return bool(rest.strip())
    if first not in _SIGNS or not rest or rest[0].isspace():
        return False
    return _FORMULA_LIKE.search(rest) is not None


# Not allowed in XML 1.0 (and so in .xlsx): C0 controls but tab/newline/CR, lone surrogates, U+FFFE/FFFF.
# DEL is legal XML but removed too: it prints as nothing and only hides text.
_ILLEGAL_BUT_NUL_CHARS = "\x01-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff"
_ILLEGAL = re.compile(f"[\x00{_ILLEGAL_BUT_NUL_CHARS}]")


def strip_illegal(text: str) -> str:
    """Text without the characters an .xlsx (XML) cannot hold."""
    return text if _ILLEGAL.search(text) is None else _ILLEGAL.sub("", text)


@overload
def safe_cell(value: str) -> str: ...
@overload
def safe_cell(value: object) -> object: ...
def safe_cell(value: object) -> object:
    """Text as a cell: characters XML cannot hold removed; text a spreadsheet would run as a formula gets a
    leading apostrophe; everything else is unchanged. Every xlsx and CSV writer passes its values through this."""
    if isinstance(value, str):
        value = strip_illegal(value)
        if value[:1] in _STARTS and needs_escape(value):
            return "'" + value
    return value


_STARTS = frozenset("=+-@\t\r\n")


def safe_row(values: Sequence[object]) -> list[object]:
    """`safe_cell` of each value; a row of plain text (the usual one) is scanned for illegal characters once."""
    texts = [v for v in values if isinstance(v, str)]
    if len(texts) == len(values) and _ILLEGAL.search("".join(texts)) is None:
        return [("'" + v if v[:1] in _STARTS and needs_escape(v) else v) for v in texts]
    return [safe_cell(v) for v in values]


# _ILLEGAL without NUL (the separator below), and a cell that starts like a formula after that separator.
_ILLEGAL_BUT_NUL = re.compile(f"[{_ILLEGAL_BUT_NUL_CHARS}]")
_CELL_STARTS = re.compile("\x00[=+\\-@\t\r\n]")


def safe_rows(rows: Sequence[Sequence[object]]) -> Sequence[Sequence[object]]:
    """`safe_row` of every row. The usual sheet (text only, nothing XML cannot hold, no cell starting with a
    formula sign) comes back as it is after two scans of its text joined with NULs; any other goes row by row."""
    sizes = [len(row) for row in rows]
    if 0 not in sizes:
        try:
            text = "\x00" + "\x00".join(["\x00".join(row) for row in rows])  # type: ignore[arg-type]
        except TypeError:  # a value that is not text
            text = ""
        if (text and text.count("\x00") == sum(sizes) and _ILLEGAL_BUT_NUL.search(text) is None
                and _CELL_STARTS.search(text) is None):
            return rows
    return [safe_row(row) for row in rows]
