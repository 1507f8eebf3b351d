"""花名册 (form 附件3): one sheet per school, laid out by forms/print/roster_xlsx.json."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NotRequired, TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from confirm_desk.domain.fields import FIELDS
from confirm_desk.domain.statuses import Status
from confirm_desk.services.output_files import atomic_output
from confirm_desk.services.spreadsheets.safe import safe_cell, strip_illegal
from confirm_desk.store.models import Operator, applicant_table

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

t = applicant_table
HEADER_ROW = 3  # rows 1-2: title and subtitle; 3-4: the two-row header; data from 5
TICK = "√"


@dataclass(frozen=True)
class RosterResult:
    schools: int
    people: int


class SheetColumn(TypedDict):
    """One column of a list layout (forms/print/*_xlsx.json)."""

    header: str
    value: str  # what cell_value() reads: seq, a field key, tick:/date:/month: with a key
    width: float
    group: NotRequired[str]  # a heading spanning this column and the next ones with the same group
    align: NotRequired[str]  # "left"; centred otherwise
    text: NotRequired[bool]  # stored as text (ID numbers)


class SheetLayout(TypedDict):
    """An .xlsx list layout: title, subtitle (filled with the school and the filler values), sizes, columns."""

    title: str
    subtitle: str
    size: int
    title_size: int
    header_height: list[float]
    row_height: float
    columns: list[SheetColumn]
    sheet: NotRequired[str]  # the sheet's name when the entry has none


@lru_cache(maxsize=8)
def layout(name: str = "roster_xlsx") -> SheetLayout:
    """An .xlsx list layout of forms/print: the 花名册 (附件3), the county's 初审花名册 (附件4), the 持证情况汇总表
    (附件1)."""
    from confirm_desk.paths import forms_dir

    spec: SheetLayout = json.loads((forms_dir() / "print" / f"{name}.json").read_text(encoding="utf-8"))
    return spec


# 学校类别 as the forms name them (附件1/4: 按普通中小学、幼儿园、中职学校分类填写).
SCHOOL_CATEGORIES = (("幼儿园", "幼儿园"), ("中职", "中职学校"), ("技校", "中职学校"))
DEFAULT_CATEGORY = "普通中小学"


def school_category(nature: str) -> str:
    return next((category for word, category in SCHOOL_CATEGORIES if word in (nature or "")), DEFAULT_CATEGORY)


def opinion(person: dict[str, object]) -> str:
    """所在单位审核意见: the desk's suggested conclusion (a refusal at the desk says so instead)."""
    status = Status(str(person["status"]))
    if status is Status.REJECTED:
        return "确认未通过"
    conclusion, category = str(person.get("conclusion") or ""), str(person.get("category") or "")
    if conclusion in ("合格", ""):
        return conclusion
    return f"{conclusion}（{category}）" if category else conclusion


def roster_people(
    session: Session, school: str = "", today: dt.date | None = None
) -> dict[str, list[dict[str, object]]]:
    """school -> its applicants (not drafts: they never reached the desk), in store order, each with the
    conditions met (the clerk's marks, else the evidence) and the suggested conclusion."""
    from confirm_desk.services.evidence.conditions import conditions_for

    stmt = select(t.c.id, t.c.status, *[t.c[f.key] for f in FIELDS]).where(t.c.status != Status.DRAFT.value)
    if school:
        stmt = stmt.where(t.c.school == school)
    rows = session.execute(stmt.order_by(t.c.id)).all()
    found = conditions_for(session, [r.id for r in rows], today)
    out: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        record: dict[str, object] = dict(row._mapping)
        conditions = found[row.id]
        record["conditions_met"] = {c.number for c in conditions.conditions if c.met is True}
        record["conclusion"] = conditions.suggestion.conclusion
        record["category"] = conditions.suggestion.category
        out.setdefault(row.school or "（未填学校）", []).append(record)
    return out


def cell_value(source: str, person: dict[str, object], seq: int) -> str | int:
    """A column's value for one person, as the layout's `value` names it."""
    kind, _, key = source.partition(":")
    if source == "seq":
        return seq
    if source == "blank":
        return ""
    if source == "opinion":
        return opinion(person)
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


def operator_name(session: Session, username: str) -> str:
    """填表人: the operator's display name when the account has one."""
    if not username:
        return ""
    name = session.scalar(select(Operator.display_name).where(Operator.username == username))
    return name or username


def write_roster(
    session: Session, path: Path, school: str = "", *, operator: str = "", today: dt.date | None = None
) -> RosterResult:
    today = today or dt.date.today()
    people = roster_people(session, school, today)
    filler = {"operator": operator_name(session, operator), "year": today.year, "month": today.month,
              "day": today.day}
    sheets = {name: people[name] for name in sorted(people)} or {school or "": []}
    write_sheets(path, sheets, layout(), filler)
    return RosterResult(len(people), sum(len(p) for p in people.values()))


def write_sheets(path: Path, sheets: dict[str, list[dict[str, object]]], spec: SheetLayout,
                 filler: dict[str, object]) -> None:
    """One sheet per entry (its name fills `{school}` of the subtitle), laid out by `spec`, written whole or not
    at all."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for name, people in sheets.items():
        _sheet(book.create_sheet(_sheet_title(name or spec.get("sheet", "花名册"), used)), name, people, filler,
               spec)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path) as temp:
        book.save(temp)


def _sheet(ws: Worksheet, school: str, people: list[dict[str, object]], filler: dict[str, object],
           spec: SheetLayout) -> None:
    from confirm_desk.services.spreadsheets import style

    columns = spec["columns"]
    last = len(columns)
    size = spec["size"]
    natures = Counter(str(p.get("school_nature")) for p in people if p.get("school_nature"))
    nature = natures.most_common(1)[0][0] if natures else ""
    style.banner(ws, 1, spec["title"], last, spec["title_size"], bold=True, align=style.CENTER, height=30)
    subtitle = spec["subtitle"].format(school=school, school_nature=nature, school_category=school_category(nature),
                                       **filler)
    style.banner(ws, 2, safe_cell(subtitle), last, size, height=22)
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
    base = re.sub(r"[\[\]:*?/\\]", "_", strip_illegal(name))[:31] or "学校"
    title, n = base, 2
    while title in used:
        suffix = f"({n})"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(title)
    return title
