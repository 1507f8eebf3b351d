"""Header rows as offices make them: a title block on top (the header may start well below row 10), and
two-row headers (报名号/姓名 merged down over two rows, a group cell such as 证件信息 over 证件类型/证件号码).

`header_labels(rows, top, bottom)` gives, per column, the texts to try against a registry in order: the
lower cell first, then the group and the lower cell together ("证件" over "号码" reads "证件号码")."""

from __future__ import annotations

from collections.abc import Sequence

from confirm_desk.domain.text import clean_text

HEADER_SCAN_ROWS = 50  # deep enough for a long title block, bounded so a headerless file fails fast


def _cell(rows: Sequence[Sequence[object]], r: int, c: int) -> str:
    row = rows[r]
    return clean_text(row[c]) if c < len(row) else ""


def header_labels(rows: Sequence[Sequence[object]], top: int, bottom: int | None = None) -> list[list[str]]:
    """Candidate labels per column for a header in rows[top] (and rows[bottom] below it)."""
    merged = getattr(rows, "merged", {})
    if bottom is None:
        return [[clean_text(cell)] for cell in rows[top]]
    width = max(len(rows[top]), len(rows[bottom]))
    out: list[list[str]] = []
    for c in range(width):
        upper = _cell(rows, top, c)
        if not upper and (top, c) in merged:
            ar, ac = merged[(top, c)]
            upper = _cell(rows, ar, ac)
        lower = _cell(rows, bottom, c)
        if not lower or lower == upper:
            out.append([upper])
        elif not upper:
            out.append([lower])
        else:
            out.append([lower, upper + lower, upper])
    return out


def column_letter(index: int) -> str:
    """0 -> A, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def filled(rows: Sequence[Sequence[object]], start: int, col: int, limit: int = 200) -> int:
    """How many of the (up to `limit`) rows from `start` have something in column `col`."""
    return sum(1 for row in rows[start:start + limit] if col < len(row) and clean_text(row[col]))
