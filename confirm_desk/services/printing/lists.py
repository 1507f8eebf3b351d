"""Lists for the county, one row per applicant: 公示名单 and 材料交接清单. Layouts are data
(forms/print/publicity.json, handover.json: title, intro, footer, columns with header, value and width in mm),
drawn with reportlab's table flowable so long lists break over pages with the header repeated."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from confirm_desk.domain.errors import KnownError, RuleViolation
from confirm_desk.domain.statuses import Status
from confirm_desk.domain.text import chinese_date
from confirm_desk.services.codes import choices
from confirm_desk.services.output_files import atomic_output
from confirm_desk.services.printing.context import page_context
from confirm_desk.services.printing.print_data import load_print_data
from confirm_desk.services.progress import ProgressFn, no_progress

LIST_KINDS = {"publicity": "公示名单", "handover": "材料交接清单"}
PUBLICITY_DAYS = 7  # Zhoushan 五(二): 公示7天
TICK = "√"
MM = 72 / 25.4


@dataclass
class ListResult:
    path: Path
    kind: str
    rows: int
    pages: int
    skipped: list[tuple[str, str]]


def list_layout(kind: str) -> dict[str, Any]:
    from confirm_desk.paths import forms_dir

    if kind not in LIST_KINDS:
        raise KnownError(f"未知的名单类型“{kind}”（可用：{'、'.join(LIST_KINDS)}）")
    layout: dict[str, Any] = json.loads((forms_dir() / "print" / f"{kind}.json").read_text(encoding="utf-8"))
    return layout


def _fill(template: str, values: dict[str, Any]) -> str:
    """`{key}` -> value; plain names only, so a layout cannot reach code."""
    import re

    return re.sub(r"\{([a-z_0-9]+)\}", lambda m: str(values.get(m.group(1), "")), template)


def _suggestions(session: Session, ids: Sequence[int], today: dt.date) -> dict[int, str]:
    """初审意见 as the desk suggests it (the county decides): 合格, or 暂缓/不合格 with the category."""
    from confirm_desk.services.evidence.conditions import conditions_for

    out = {}
    for applicant_id, found in conditions_for(session, list(ids), today).items():
        conclusion, category = found.suggestion.conclusion, found.suggestion.category
        out[applicant_id] = f"{conclusion}（{category}）" if conclusion != "合格" and category else conclusion
    return out


def list_rows(session: Session, kind: str, ids: Sequence[int],
              today: dt.date) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """The rows of the list (context values per applicant) and the applicants left out with the reason."""
    from confirm_desk.services.printing.school_papers import materials_present

    rows: list[dict[str, Any]] = []
    skipped: list[tuple[str, str]] = []
    records = load_print_data(session, ids)
    now = dt.datetime.combine(today, dt.time())
    for data in records:
        if not data.status.decided:
            skipped.append((data.application_no, f"尚未作出确认决定（{data.status.label}）"))
            continue
        rows.append(page_context(data, now) | {"applicant_id": data.applicant_id})
    ids_in = [r["applicant_id"] for r in rows]
    if kind == "publicity":
        opinions = _suggestions(session, ids_in, today)
        for r in rows:
            r["opinion"] = "确认未通过" if r["is_rejected"] else opinions.get(r["applicant_id"], "")
    else:
        present = materials_present(session, ids_in)
        checklist = choices("materials")
        for r in rows:
            have = set(present.get(r["applicant_id"], []))
            for n, name in enumerate(checklist, 1):
                r[f"material:{n}"] = TICK if name in have else ""
            r["material_count"] = len(have)
    for seq, r in enumerate(rows, 1):
        r["seq"] = seq
    return rows, skipped


def write_list_pdf(session: Session, kind: str, ids: Sequence[int], out: Path, *, today: dt.date | None = None,
                   start: dt.date | None = None, progress: ProgressFn = no_progress) -> ListResult:
    """One list for the given applicants (decided ones; the others are reported as skipped)."""
    from confirm_desk.services.printing.print_data import _setting

    today = today or dt.date.today()
    layout = list_layout(kind)
    rows, skipped = list_rows(session, kind, ids, today)
    if not rows:
        reasons = "；".join(f"{no} {why}" for no, why in skipped[:5])
        raise RuleViolation(f"没有可列入{LIST_KINDS[kind]}的申请人：{reasons}")
    first = start or today
    point = rows[0].get("confirmation_point") or ""
    page_values = {
        "confirmation_point": point, "point_address": _setting(session, "point_address") or point,
        "start": chinese_date(first), "end": chinese_date(first + dt.timedelta(days=PUBLICITY_DAYS - 1)),
        "days": PUBLICITY_DAYS, "count": len(rows), "printed_on": chinese_date(today),
    }
    progress(0, len(rows), f"正在生成{LIST_KINDS[kind]}")
    pages = _draw(layout, rows, page_values, Path(out), totals=bool(layout.get("totals")))
    progress(len(rows), len(rows), "完成")
    return ListResult(Path(out), kind, len(rows), pages, skipped)


def _draw(layout: dict[str, Any], rows: list[dict[str, Any]], values: dict[str, Any], out: Path, totals: bool) -> int:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from confirm_desk.services.printing.fonts import register_font

    font = register_font()
    size = float(layout.get("size", 10))
    page = landscape(A4) if layout.get("page", {}).get("landscape") else A4

    def style(name: str, points: float, align: int = 0, leading: float = 1.25) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=points, leading=points * leading, alignment=align,
                              wordWrap="CJK")

    title = style("title", float(layout.get("title_size", 17)), align=1)
    text = style("text", size + 1)
    cell_left, cell_centre = style("cl", size), style("cc", size, align=1)
    head = style("head", float(layout.get("header_size", size)), align=1)

    def para(value: object, st: ParagraphStyle) -> Paragraph:
        from xml.sax.saxutils import escape

        return Paragraph(escape(str(value)).replace("\n", "<br/>"), st)

    columns = layout["columns"]
    data = [[para(c["header"], head) for c in columns]]
    for r in rows:
        data.append([para(r.get(c["value"], ""), cell_left if c.get("align") == "left" else cell_centre)
                     for c in columns])
    if totals:
        sums = []
        for c in columns:
            key = c["value"]
            if key == "seq":
                sums.append(para("合计", cell_centre))
            elif key.startswith("material:"):
                sums.append(para(sum(1 for r in rows if r.get(key) == TICK), cell_centre))
            elif key == "material_count":
                sums.append(para(sum(int(r.get(key) or 0) for r in rows), cell_centre))
            else:
                sums.append(para("", cell_centre))
        data.append(sums)
    table = Table(data, colWidths=[c["width"] * MM for c in columns], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
    ]))
    story = [para(layout["title"], title), Spacer(1, 4 * MM), para(_fill(layout.get("intro", ""), values), text),
             Spacer(1, 3 * MM), table, Spacer(1, 6 * MM), para(_fill(layout.get("footer", ""), values), text)]
    pages = [0]

    def count(canvas: Any, _doc: Any) -> None:
        pages[0] += 1
        canvas.setFont(font, 8)
        canvas.drawRightString(page[0] - 12 * MM, 8 * MM, f"第 {pages[0]} 页")

    with atomic_output(out) as tmp:
        doc = SimpleDocTemplate(str(tmp), pagesize=page, leftMargin=12 * MM, rightMargin=12 * MM,
                                topMargin=12 * MM, bottomMargin=14 * MM, title=layout["title"],
                                creator="ConfirmDesk 确认台", initialFontName=font)
        doc.build(story, onFirstPage=count, onLaterPages=count)
    return pages[0]


def decided_ids(session: Session) -> list[int]:
    """Every applicant decided at the desk, by 报名号."""
    from sqlalchemy import select

    from confirm_desk.store.models import applicant_table as t

    decided = [s.value for s in Status if s.decided]
    return list(session.scalars(select(t.c.id).where(t.c.status.in_(decided)).order_by(t.c.application_no)))
