"""统计表 (form 附件5): table one as far as this desk's data can tell, the desk's own counts by school
nature, and table five (schools by nature). Cells the desk cannot know stay blank for the county;
the form's formulas (A=B+K, B=C+D+E+L, totals) are written as formulas."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from confirm_desk.domain.statuses import Status
from confirm_desk.services.codes import choices
from confirm_desk.services.output_files import atomic_output
from confirm_desk.services.spreadsheets.safe import safe_cell
from confirm_desk.store.models import ConfirmationPoint, applicant_table

t = applicant_table
TITLE = "县(区)教师资格定期注册初审数据统计表"
# Table one: the form's letter, its heading, and where the value comes from (None: the desk cannot know).
TABLE_ONE = (
    ("A", "在编、在岗教师总数", "=B+K"), ("B", "纳入注册范围数", "=C+D+E+L"), ("C", "已完成注册数", None),
    ("D", "新教师试用期未满人数", None), ("E", "本次网报申请数", "applications"),
    ("F", "现场确认未通过数", "rejected"), ("G", "注册合格数", None), ("H", "注册不合格数", None),
    ("I", "暂缓注册数", None), ("K", "不在注册范围数", None), ("L", "特殊情况(三)中暂不注册数", None),
)
# Table five as the form lists it: 1-8 public, 9-15 private, 16 the total.
TABLE_FIVE = (
    "公办幼儿园", "公办小学", "公办初中", "公办高中", "公办中职中专（技校）", "公办完全中学",
    "公办九年一贯制学校", "公办十二年一贯制学校", "民办幼儿园", "民办小学", "民办初中", "民办高中",
    "民办中职中专（技校）", "民办完全中学", "民办九年一贯制学校",
)
NOTE_ONE = (
    "注：A=B+K，B=C+D+E+L（公式已写入）。本确认点能统计的只有 E（本次网报申请数，网报已提交的人数）"
    "和 F（现场确认未通过数）；其余各项由县（区）根据教职工名单和初审结论填写。"
)
BY_NATURE_HEADERS = ("学校性质", "网报申请数", "确认已通过", "申请材料不全", "确认未通过", "待确认")
_COUNTED = (Status.CONFIRMED, Status.INCOMPLETE, Status.REJECTED, Status.PENDING)


@dataclass
class Statistics:
    applications: int = 0  # 本次网报申请数: every application that reached the desk (drafts never did)
    rejected: int = 0
    confirmed: int = 0
    incomplete: int = 0
    pending: int = 0
    by_nature: dict[str, Counter] = field(default_factory=dict)  # nature -> Status value -> count
    schools: Counter = field(default_factory=Counter)  # nature -> distinct schools


def gather(session: Session) -> Statistics:
    stats = Statistics()
    rows = session.execute(
        select(t.c.school_nature, t.c.status, func.count()).where(t.c.status != Status.DRAFT.value)
        .group_by(t.c.school_nature, t.c.status)
    )
    for nature, status, count in rows:
        stats.by_nature.setdefault(nature or "（未填）", Counter())[status] += count
        stats.applications += count
    totals = Counter()
    for counts in stats.by_nature.values():
        totals.update(counts)
    stats.confirmed, stats.rejected = totals[Status.CONFIRMED.value], totals[Status.REJECTED.value]
    stats.incomplete, stats.pending = totals[Status.INCOMPLETE.value], totals[Status.PENDING.value]
    schools = select(t.c.school_nature, t.c.school).where(t.c.status != Status.DRAFT.value, t.c.school != "")
    for nature, _school in session.execute(schools.distinct()):
        stats.schools[nature] += 1
    return stats


def write_statistics(session: Session, path: Path, today: dt.date | None = None) -> Statistics:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter as letter

    from confirm_desk.services.spreadsheets import style

    stats = gather(session)
    book = Workbook()
    ws = book.active
    ws.title = "统计表"
    width = len(TABLE_ONE)
    points = "、".join(session.scalars(select(ConfirmationPoint.name).order_by(ConfirmationPoint.name)))
    style.banner(ws, 1, TITLE, width, 16, bold=True, align=style.CENTER, height=30)
    style.banner(ws, 2, safe_cell(f"确认点：{points}    统计日期：{(today or dt.date.today()).isoformat()}"
                                  "    （本确认点的数据；空白处由县（区）填写）"), width)
    style.banner(ws, 3, "表一  定期注册人员总体情况（单位：人）", width, 11, bold=True)
    column_of = {form_letter: i for i, (form_letter, _, _) in enumerate(TABLE_ONE, start=1)}
    values = {"applications": stats.applications, "rejected": stats.rejected}
    for col, (form_letter, heading, source) in enumerate(TABLE_ONE, start=1):
        style.boxed(ws, 4, col, form_letter, bold=True)
        style.boxed(ws, 5, col, heading, bold=True)
        if source and source.startswith("="):  # the form's formula, in this sheet's columns
            terms = source[1:].split("+")
            value: object = "=" + "+".join(f"{letter(column_of[x])}6" for x in terms)
        else:
            value = values.get(source or "")
        style.boxed(ws, 6, col, value)
    ws.row_dimensions[5].height = 45
    style.banner(ws, 7, NOTE_ONE, width, 9, height=30)

    row = _by_nature(ws, 9, stats, style)
    _table_five(ws, row + 1, stats, style)
    # The 学校性质 columns (1, 3, 7) wide enough for one line.
    style.widths(ws, [22, 11, 22, 11, 11, 11, 22, 11, 11, 11, 11])
    style.print_landscape(ws)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path) as temp:
        book.save(temp)
    return stats


def _by_nature(ws, top: int, stats: Statistics, style) -> int:
    """The desk's own counts (what the form's table one cannot show), one row per school nature."""
    from openpyxl.utils import get_column_letter as letter

    style.banner(ws, top, "附：本确认点现场确认情况（按学校性质，单位：人）", len(TABLE_ONE), 11, bold=True)
    for col, heading in enumerate(BY_NATURE_HEADERS, start=1):
        style.boxed(ws, top + 1, col, heading, bold=True)
    order = {n: i for i, n in enumerate(choices("school_nature"))}
    natures = sorted(stats.by_nature, key=lambda n: (order.get(n, len(order)), n))
    first = top + 2
    for i, nature in enumerate(natures):
        row = first + i
        counts = stats.by_nature[nature]
        style.boxed(ws, row, 1, safe_cell(nature))
        style.boxed(ws, row, 2, f"=SUM(C{row}:F{row})")
        for col, status in enumerate(_COUNTED, start=3):
            style.boxed(ws, row, col, counts[status.value])
    total = first + len(natures)
    style.boxed(ws, total, 1, "合计", bold=True)
    for col in range(2, len(BY_NATURE_HEADERS) + 1):
        c = letter(col)
        style.boxed(ws, total, col, f"=SUM({c}{first}:{c}{total - 1})" if natures else 0, bold=True)
    return total + 1


def _table_five(ws, top: int, stats: Statistics, style) -> None:
    """Schools by nature, in the form's two side-by-side blocks; 16 = 总计."""
    heading = "表五  定期注册学校情况（单位：所、个）（有申请人的学校）"
    style.banner(ws, top, heading, len(TABLE_ONE), 11, bold=True)
    for block in (0, 4):
        for col, heading in enumerate(("序号", "学校性质", "数量"), start=2 + block):
            style.boxed(ws, top + 1, col, heading, bold=True)
    first = top + 2
    for i, nature in enumerate(TABLE_FIVE):
        block, row = (0, first + i) if i < 8 else (4, first + i - 8)
        style.boxed(ws, row, 2 + block, i + 1)
        style.boxed(ws, row, 3 + block, nature)
        style.boxed(ws, row, 4 + block, stats.schools.get(nature, 0))
    last = first + 7
    style.boxed(ws, last, 6, 16)
    style.boxed(ws, last, 7, "总计", bold=True)
    style.boxed(ws, last, 8, f"=SUM(D{first}:D{last})+SUM(H{first}:H{last - 1})", bold=True)
    others = {n: c for n, c in stats.schools.items() if n not in TABLE_FIVE}
    if others:
        note = "；".join(f"{n or '（未填）'} {c} 所" for n, c in sorted(others.items()))
        text = safe_cell(f"另有表五未列的学校性质（未计入总计）：{note}")
        style.banner(ws, last + 1, text, len(TABLE_ONE), 9)
