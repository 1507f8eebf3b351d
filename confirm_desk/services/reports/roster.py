"""花名册 (form 附件3): one sheet per school, laid out by forms/print/roster_xlsx.json."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from confirm_desk.domain.fields import FIELDS
from confirm_desk.domain.statuses import Status
from confirm_desk.services.output_files import atomic_output
from confirm_desk.services.spreadsheets.safe import safe_cell
from confirm_desk.store.models import ConditionCheck, applicant_table

t = applicant_table
HEADER_ROW = 3  # rows 1-2: title and subtitle; 3-4: the two-row header; data from 5
TICK = "√"


@dataclass(frozen=True)
class RosterResult:
    schools: int
    people: int


@lru_cache(maxsize=1)
def layout() -> dict:
    from confirm_desk.paths import forms_dir

    return json.loads((forms_dir() / "print" / "roster_xlsx.json").read_text(encoding="utf-8"))


def roster_people(session: Session, school: str = "") -> dict[str, list[dict[str, object]]]:
    """school -> its applicants (not drafts: they never reached the desk), in store order."""
    stmt = select(t.c.id, t.c.status, *[t.c[f.key] for f in FIELDS]).where(t.c.status != Status.DRAFT.value)
    if school:
        stmt = stmt.where(t.c.school == school)
    met: dict[int, set[int]] = {}
    for applicant_id, number in session.execute(
        select(ConditionCheck.applicant_id, ConditionCheck.number).where(ConditionCheck.met.is_(True))
    ):
        met.setdefault(applicant_id, set()).add(number)
    out: dict[str, list[dict[str, object]]] = {}
    for row in session.execute(stmt.order_by(t.c.id)):
        record: dict[str, object] = dict(row._mapping)
        record["conditions_met"] = met.get(row.id, set())
        out.setdefault(row.school or "（未填学校）", []).append(record)
    return out


def cell_value(source: str, person: dict[str, object], seq: int) -> str | int:
    """A column's value for one person, as the layout's `value` names it."""
    kind, _, key = source.partition(":")
    if source == "seq":
        return seq
    if source == "blank":
        return ""
    if source == "remark":
        status = Status(str(person["status"]))
        return "" if status is Status.CONFIRMED else status.label
    if kind == "condition":
        return TICK if int(key) in person["conditions_met"] else ""  # type: ignore[operator]
    if kind in ("month", "date"):
        text = str(person.get(key) or "")
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):  # ISO dates as the form writes them: 1985.03
            return text[:7].replace("-", ".") if kind == "month" else text.replace("-", ".")
        return text
    return str(person.get(source) or "")


def write_roster(session: Session, path: Path, school: str = "") -> RosterResult:
    from openpyxl import Workbook

    people = roster_people(session, school)
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for name in sorted(people):
        _sheet(book.create_sheet(_sheet_title(name, used)), name, people[name])
    if not people:
        _sheet(book.create_sheet("花名册"), school or "", [])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path) as temp:
        book.save(temp)
    return RosterResult(len(people), sum(len(p) for p in people.values()))


def _sheet(ws, school: str, people: list[dict[str, object]]) -> None:
    from confirm_desk.services.spreadsheets import style

    spec = layout()
    columns = spec["columns"]
    last = len(columns)
    size = spec["size"]
    nature = str(people[0]["school_nature"]) if people else ""
    style.banner(ws, 1, spec["title"], last, spec["title_size"], bold=True, align=style.CENTER, height=30)
    style.banner(ws, 2, spec["subtitle"].format(school=school, school_nature=nature), last, size, height=22)
    top, sub = HEADER_ROW, HEADER_ROW + 1
    col = 1
    while col <= last:
        spec_col = columns[col - 1]
        group = spec_col.get("group")
        if group is None:  # one header over both rows
            style.boxed(ws, top, col, spec_col["header"], bold=True, size=size)
            ws.merge_cells(start_row=top, start_column=col, end_row=sub, end_column=col)
            col += 1
            continue
        span = 1
        while col + span <= last and columns[col + span - 1].get("group") == group:
            span += 1
        style.boxed(ws, top, col, group, bold=True, size=size)
        ws.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + span - 1)
        for offset in range(span):
            style.boxed(ws, sub, col + offset, columns[col + offset - 1]["header"], bold=True, size=size)
        col += span
    style.box_range(ws, top, 1, sub, last)
    for height, row in zip(spec["header_height"], (top, sub), strict=True):
        ws.row_dimensions[row].height = height
    for seq, person in enumerate(people, start=1):
        row = sub + seq
        for col, spec_col in enumerate(columns, start=1):
            value = cell_value(spec_col["value"], person, seq)
            align = style.LEFT if spec_col.get("align") == "left" else style.CENTER
            style.boxed(ws, row, col, safe_cell(value), size=size, align=align,
                        text=spec_col.get("text", False))
        ws.row_dimensions[row].height = spec["row_height"]
    style.widths(ws, [c["width"] for c in columns])
    ws.freeze_panes = ws.cell(sub + 1, 1)
    style.print_landscape(ws, f"{top}:{sub}")


def _sheet_title(name: str, used: set[str]) -> str:
    """Excel's rules for sheet names: at most 31 characters, none of []:*?/\\, unique."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "学校"
    title, n = base, 2
    while title in used:
        suffix = f"({n})"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(title)
    return title
