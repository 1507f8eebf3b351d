"""统计表 (form 附件5) as far as the desk's data reaches.

表一: A (在编在岗), D (试用期未满) and K (不在注册范围) from the staff list; B and C by the form's formulas
(A=B+K → B=A−K; B=C+D+E+L → C=B−D−E−L), E and F from the desk; G, H, I the totals of 表二–表四. 表二–表四
count the desk's *suggested* conclusions (the county decides); 表五 every school of the staff list and of the
applications by nature. Without a staff list the form's own formulas stay and A, D, K are left blank."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from confirm_desk.domain.statuses import Status
from confirm_desk.services.codes import choices
from confirm_desk.services.output_files import atomic_output
from confirm_desk.services.spreadsheets.safe import safe_cell
from confirm_desk.store.models import ConfirmationPoint, applicant_table

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

t = applicant_table
TITLE = "县(区)教师资格定期注册初审数据统计表"
# Table one: the form's letter, its heading, and where the value comes from (None: the desk cannot know).
TABLE_ONE = (
    ("A", "在编、在岗教师总数", "=B+K"), ("B", "纳入注册范围数", "=C+D+E+L"), ("C", "已完成注册数", None),
    ("D", "新教师试用期未满人数", None), ("E", "本次网报申请数", "applications"),
    ("F", "现场确认未通过数", "rejected"), ("G", "注册合格数", None), ("H", "注册不合格数", None),
    ("I", "暂缓注册数", None), ("K", "不在注册范围数", None), ("L", "特殊情况(三)中暂不注册数", None),
)
# With a staff list: A, D, K counted, B and C solved from the form's two formulas.
WITH_STAFF = {"A": "on_post", "B": "=A-K", "C": "=B-D-E-L", "D": "probation", "K": "out_of_scope"}
# 表二–表四: (heading, [(column heading, sub-heading or None, category)]) — categories of domain.conditions.
# 表二–表四: the heading, then per column (title, sub-title under a shared title or None, suggestion category).
ConclusionTable = tuple[str, list[tuple[str, str | None, str]]]
TABLE_TWO: ConclusionTable = ("表二  定期注册数据分类情况——注册合格人员（单位：人）（本确认点建议）",
             [("同段聘任", None, "同段"), ("高证低聘", None, "高证低聘")])
TABLE_THREE: ConclusionTable = ("表三  定期注册数据分类情况——注册不合格人员（单位：人）（本确认点建议）",
               [("违法师德影响恶劣", None, "师德影响恶劣"),
                ("连续两年及以上考核不合格", None, "连续两年及以上考核不合格"),
                ("依法撤销或丧失教师资格", None, "撤销或丧失资格")])
TABLE_FOUR: ConclusionTable = ("表四  定期注册数据分类情况——暂缓注册人员（单位：人）（本确认点建议）",
              [("不具备与任教岗位相应的教师资格", "低证高聘", "低证高聘"),
               ("不具备与任教岗位相应的教师资格", "无教师资格证", "无证"),
               ("教师培训学时不足", None, "学时不足"), ("有违反师德行为但未造成严重影响", None, "师德"),
               ("个人原因终止教育教学一学期及以上", None, "中止教学"), ("考核基本合格或不合格", None, "考核不合格"),
               ("健康状况暂不适宜或不胜任教育教学工作", None, "健康"), ("处于党政纪处分期内", None, "处分"),
               ("暂缓注册2年以内", None, "span:2年以内"), ("暂缓注册2年以上", None, "span:2年以上")])
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
NOTE_STAFF = (
    "注：A（在岗）、D（首次注册、试用期满日期晚于 {until}）、K（注册有效期晚于 {until} 或已达法定退休年龄）"
    "按教职工名单统计；B=A−K、C=B−D−E−L 由表格公式算出（L 由县（区）填写）；E、F 为本确认点数据；"
    "G、H、I 为表二至表四的合计，是本确认点按证明材料给出的建议，以注册机构结论为准。"
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
    by_nature: dict[str, Counter[str]] = field(default_factory=dict)  # nature -> Status value -> count
    schools: Counter[str] = field(default_factory=Counter)  # nature -> distinct schools
    staff: int = 0  # rows of the staff list (0: none imported, A/D/K unknown)
    on_post: int = 0  # A
    probation: int = 0  # D
    out_of_scope: int = 0  # K
    suggestions: dict[str, Counter[str]] = field(default_factory=dict)  # conclusion -> category -> count
    undecided: int = 0  # suggestions still 待核 (not counted in 表二–表四)
    until: dt.date | None = None


def gather(session: Session, today: dt.date | None = None) -> Statistics:
    stats = Statistics()
    today = today or dt.date.today()
    rows = session.execute(
        select(t.c.school_nature, t.c.status, func.count()).where(t.c.status != Status.DRAFT.value)
        .group_by(t.c.school_nature, t.c.status)
    )
    for nature, status, count in rows:
        stats.by_nature.setdefault(nature or "（未填）", Counter())[status] += count
        stats.applications += count
    totals: Counter[str] = Counter()
    for counts in stats.by_nature.values():
        totals.update(counts)
    stats.confirmed, stats.rejected = totals[Status.CONFIRMED.value], totals[Status.REJECTED.value]
    stats.incomplete, stats.pending = totals[Status.INCOMPLETE.value], totals[Status.PENDING.value]
    _gather_staff(session, stats, today)
    _gather_suggestions(session, stats, today)
    for nature in _school_natures(session).values():
        stats.schools[nature] += 1
    return stats


def _gather_staff(session: Session, stats: Statistics, today: dt.date) -> None:
    """A, D, K of 表一 from the staff list (campaign end: the coverage_until preference)."""
    from confirm_desk.domain.coverage import retirement_of
    from confirm_desk.services.coverage.report import default_until
    from confirm_desk.services.coverage.staff import staff_records

    records = staff_records(session)
    stats.staff = len(records)
    if not records:
        return
    until = stats.until = default_until(session, today)
    for r in records:
        if not r.on_post:
            continue
        stats.on_post += 1
        retires = retirement_of(r.gender, r.birth_date, r.post_category)
        never = r.last_registered_on is None and r.valid_until is None
        if never and r.probation_end is not None and r.probation_end > until:
            stats.probation += 1
        elif (retires is not None and retires[0] <= today) or (r.valid_until is not None and r.valid_until > until):
            stats.out_of_scope += 1


def _gather_suggestions(session: Session, stats: Statistics, today: dt.date) -> None:
    """表二–表四: the suggested conclusions of the applications not refused at the desk."""
    from confirm_desk.domain.conditions import UNDECIDED
    from confirm_desk.services.evidence.conditions import conditions_for

    ids = list(session.scalars(select(t.c.id).where(
        t.c.status.not_in([Status.DRAFT.value, Status.REJECTED.value])).order_by(t.c.id)))
    for found in conditions_for(session, ids, today).values():
        s = found.suggestion
        if s.conclusion == UNDECIDED:
            stats.undecided += 1
            continue
        counts = stats.suggestions.setdefault(s.conclusion, Counter())
        counts[s.category] += 1
        if s.deferral_span:
            counts[f"span:{s.deferral_span}"] += 1


def _school_natures(session: Session) -> dict[str, str]:
    """Every school of the staff list and of the applications → its nature (the staff list's column, else
    the one its applicants give most often, else （未填））."""
    from confirm_desk.store.models import staff_table

    votes: dict[str, Counter[str]] = {}
    rows = select(t.c.school, t.c.school_nature).where(t.c.status != Status.DRAFT.value, t.c.school != "")
    for school, nature in session.execute(rows):
        votes.setdefault(school, Counter())[nature or ""] += 1
    out = {school: next((n for n, _ in c.most_common() if n), "（未填）") for school, c in votes.items()}
    staff = select(staff_table.c.school, staff_table.c.school_nature).where(staff_table.c.school != "")
    for school, nature in session.execute(staff.distinct()):
        if nature or school not in out:
            out[school] = nature or out.get(school, "（未填）")
    return out


def write_statistics(session: Session, path: Path, today: dt.date | None = None) -> Statistics:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter as letter

    from confirm_desk.services.spreadsheets import style

    stats = gather(session, today)
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
    values: dict[str, object] = {"applications": stats.applications, "rejected": stats.rejected,
                                 "on_post": stats.on_post, "probation": stats.probation,
                                 "out_of_scope": stats.out_of_scope}
    next_row = 9
    tables = []
    for spec, conclusion in ((TABLE_TWO, "合格"), (TABLE_THREE, "不合格"), (TABLE_FOUR, "暂缓")):
        total_cell, next_row = _conclusion_table(ws, next_row, spec, stats.suggestions.get(conclusion, Counter()))
        tables.append(total_cell)
    for form_letter, total_cell in zip("GHI", tables, strict=True):
        values[f"table:{form_letter}"] = f"={total_cell}"
    for col, (form_letter, heading, source) in enumerate(TABLE_ONE, start=1):
        style.boxed(ws, 4, col, form_letter, bold=True)
        style.boxed(ws, 5, col, heading, bold=True)
        if stats.staff and form_letter in WITH_STAFF:
            source = WITH_STAFF[form_letter]
        if form_letter in "GHI":
            source = f"table:{form_letter}"
        if source and source.startswith("="):  # the form's formula, in this sheet's columns
            terms = source[1:].replace("-", "+-").split("+")
            value: object = "=" + "".join(
                ("-" if x.startswith("-") else "+" if i else "") + f"{letter(column_of[x.lstrip('-')])}6"
                for i, x in enumerate(terms))
        else:
            value = values.get(source or "")
        style.boxed(ws, 6, col, value)
    ws.row_dimensions[5].height = 45
    until = stats.until.isoformat() if stats.until else ""
    style.banner(ws, 7, NOTE_STAFF.format(until=until) if stats.staff else NOTE_ONE, width, 9, height=30)
    if stats.undecided:
        style.banner(ws, next_row - 1, f"另有 {stats.undecided} 人注册条件待核（缺少证明材料），未计入表二至表四。",
                     width, 9)
        next_row += 1

    row = _by_nature(ws, next_row, stats)
    _table_five(ws, row + 1, stats)
    # The 学校性质 columns (1, 3, 7) wide enough for one line.
    style.widths(ws, [22, 11, 22, 11, 11, 11, 22, 11, 11, 11, 11])
    style.print_landscape(ws)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path) as temp:
        book.save(temp)
    return stats


def _by_nature(ws: Worksheet, top: int, stats: Statistics) -> int:
    """The desk's own counts (what the form's table one cannot show), one row per school nature."""
    from openpyxl.utils import get_column_letter as letter

    from confirm_desk.services.spreadsheets import style

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


def _table_five(ws: Worksheet, top: int, stats: Statistics) -> None:
    """Schools by nature, in the form's two side-by-side blocks; 16 = 总计."""
    from confirm_desk.services.spreadsheets import style

    heading = "表五  定期注册学校情况（单位：所、个）（教职工名单和申请人中的学校）"
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


def _conclusion_table(ws: Worksheet, top: int, spec: ConclusionTable, counts: Counter[str]) -> tuple[str, int]:
    """One of 表二–表四: 总数 (a SUM of the categories that do not overlap) then a column per category;
    returns the total's cell and the next free row."""
    from openpyxl.utils import get_column_letter as letter

    from confirm_desk.services.spreadsheets import style

    heading, columns = spec
    style.banner(ws, top, heading, len(TABLE_ONE), 11, bold=True)
    style.boxed(ws, top + 1, 1, "总数", bold=True)
    ws.merge_cells(start_row=top + 1, start_column=1, end_row=top + 2, end_column=1)
    col = 2
    while col - 2 < len(columns):
        title, sub, _ = columns[col - 2]
        span = sum(1 for c in columns if c[0] == title and c[1] is not None) if sub else 1
        style.boxed(ws, top + 1, col, title, bold=True)
        if sub:
            ws.merge_cells(start_row=top + 1, start_column=col, end_row=top + 1, end_column=col + span - 1)
            for offset in range(span):
                style.boxed(ws, top + 2, col + offset, columns[col - 2 + offset][1], bold=True)
        else:
            ws.merge_cells(start_row=top + 1, start_column=col, end_row=top + 2, end_column=col)
        col += span
    row = top + 3
    counted = []
    for i, (_title, _sub, category) in enumerate(columns, start=2):
        style.boxed(ws, row, i, counts.get(category, 0))
        if not category.startswith("span:"):
            counted.append(letter(i))
    others = sum(n for c, n in counts.items() if c not in {x[2] for x in columns})
    extra = f"+{others}" if others else ""  # 暂缓 for a reason the form has no column for (e.g. 聘用合同)
    style.boxed(ws, row, 1, f"=SUM({counted[0]}{row}:{counted[-1]}{row}){extra}", bold=True)
    style.box_range(ws, top + 1, 1, row, len(columns) + 1)
    ws.row_dimensions[top + 1].height = 45
    return f"A{row}", row + 2
