"""Print jobs: which applicants may get which paper, one PDF for many applicants, and the print record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from confirm_desk.domain.errors import KnownError, RuleViolation
from confirm_desk.domain.statuses import Status
from confirm_desk.services import audit
from confirm_desk.services.gc_pause import paused_gc
from confirm_desk.services.output_files import atomic_output
from confirm_desk.services.printing.context import page_context
from confirm_desk.services.printing.layout import Layout, load_layout
from confirm_desk.services.printing.print_data import PrintData, load_print_data
from confirm_desk.services.printing.render import PageRenderer
from confirm_desk.services.progress import ProgressFn, no_progress
from confirm_desk.store.models import AuditEvent, applicant_table, with_new_version

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

t = applicant_table


@dataclass(frozen=True)
class PaperKind:
    key: str  # receipt / form: the CLI word and the layout file's name
    layout: str
    label: str
    action: str  # the audit action written when it is printed
    default_copies: int


KINDS = {
    "receipt": PaperKind("receipt", "receipt", "受理凭证", "print_receipt", 1),
    # The rule (Zhoushan 六(一)2) asks for the form 一式2份, both signed: two copies by default.
    "form": PaperKind("form", "application_form", "申请表", "print_form", 2),
    "notice": PaperKind("notice", "notice", "补正通知单", "print_notice", 1),
    # The school's papers (Qianjiang materials 5–7, Zhoushan 四(一)(4)): printed with the teacher's data for
    # the school to judge, sign and seal; teachers need them before they come, so drafts get them too.
    "ethics": PaperKind("ethics", "ethics", "师德表现证明", "print_ethics", 1),
    "assessment": PaperKind("assessment", "assessment", "年度考核证明", "print_assessment", 1),
    "health": PaperKind("health", "health", "身心健康证明", "print_health", 1),
    "bag": PaperKind("bag", "bag", "档案袋封面", "print_bag", 1),
}
SCHOOL_PAPERS = frozenset({"ethics", "assessment", "health"})


def paper_kind(key: str) -> PaperKind:
    try:
        return KINDS[key]
    except KeyError:
        raise KnownError(f"未知的打印类型“{key}”（可用：{'、'.join(KINDS)}）") from None


def refusal(kind: PaperKind, status: Status) -> str:
    """Why this applicant cannot get this paper now ('' when they can)."""
    if kind.key in SCHOOL_PAPERS:
        return ""
    if kind.key == "bag" and status is not Status.CONFIRMED:
        return f"当前为“{status.label}”，只有“确认已通过”的申请人才建档案袋"
    if not status.operable:
        return "网报未完成，不能打印"
    if kind.key == "receipt" and not status.decided:
        return f"尚未作出确认决定（{status.label}），不能打印受理凭证"
    if kind.key == "notice" and status is not Status.INCOMPLETE:
        return f"当前为“{status.label}”，只有“申请材料不全”的申请人才有补正通知单"
    return ""


@dataclass
class PdfResult:
    path: Path
    kind: str
    pages: int = 0
    printed_ids: list[int] = field(default_factory=list)
    versions: dict[int, int] = field(default_factory=dict)  # applicant id -> row version on the paper
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (报名号, reason)

    def summary_zh(self) -> str:
        text = f"已生成 {len(self.printed_ids)} 人、{self.pages} 页"
        return text + (f"，跳过 {len(self.skipped)} 人" if self.skipped else "")


def render_pdf(
    layout: Layout,
    records: Sequence[PrintData],
    out: Path,
    copies: int = 1,
    progress: ProgressFn = no_progress,
    now: dt.datetime | None = None,
) -> int:
    """All records into one PDF (one font subset, one static form); returns the page count.

    Written to a temporary name first: a cancelled or failed job leaves no half-written file behind.
    """
    from reportlab.pdfgen.canvas import Canvas

    now = now or dt.datetime.now()
    out = Path(out)
    with atomic_output(out) as tmp, paused_gc():
        pages = _draw_pdf(Canvas, str(tmp), layout, records, now, copies, progress)
    return pages


def _draw_pdf(canvas_class: type[Canvas], tmp: str, layout: Layout, records: Sequence[PrintData], now: dt.datetime,
              copies: int, progress: ProgressFn) -> int:
    from confirm_desk.services.printing.fonts import register_font

    # The initial font is ours too, so the PDF names no unembedded Helvetica.
    c = canvas_class(tmp, pagesize=(layout.width, layout.height), initialFontName=register_font())
    c.setTitle(layout.title)
    c.setCreator("ConfirmDesk 确认台")
    renderer = PageRenderer(layout)
    total, pages = len(records), 0
    for index, data in enumerate(records):
        if index % 20 == 0:
            progress(index, total, f"正在生成第 {index + 1} / {total} 人")
        for copy in range(1, copies + 1):
            renderer.draw(c, page_context(data, now, copy, copies))
            c.showPage()
            pages += 1
    progress(total, total, "正在写入 PDF 文件")
    c.save()
    return pages


def write_pdf(
    session: Session,
    ids: Sequence[int],
    kind_key: str,
    out: Path,
    copies: int | None = None,
    progress: ProgressFn = no_progress,
    operator: str = "",
) -> PdfResult:
    """The applicants that may get this paper, into one PDF; the others are listed as skipped."""
    from confirm_desk.services.printing.school_papers import add_context

    kind = paper_kind(kind_key)
    result = PdfResult(Path(out), kind.key)
    records = []
    for data in load_print_data(session, ids):
        reason = refusal(kind, data.status)
        if reason:
            result.skipped.append((data.application_no, reason))
        else:
            records.append(data)
    if not records:
        reasons = "；".join(f"{no} {why}" for no, why in result.skipped[:5])
        raise RuleViolation(f"没有可打印的申请人：{reasons}")
    add_context(session, kind.key, records, operator)
    layout = load_layout(kind.layout)
    result.pages = render_pdf(layout, records, result.path, copies or kind.default_copies, progress)
    result.printed_ids = [r.applicant_id for r in records]
    result.versions = {r.applicant_id: r.version for r in records}
    return result


def record_printed(session: Session, applicant_ids: Sequence[int], kind: str, operator: str,
                   versions: dict[int, int] | None = None) -> int:
    """Audit every print; a printed application form clears the reprint flag (CONF-3).

    With `versions` (from PdfResult), an applicant edited after the PDF was made keeps the flag: the
    paper that went to the printer shows the old values.
    """
    paper = paper_kind(kind)
    ids = list(applicant_ids)
    rows = {r.id: r for r in session.execute(
        select(t.c.id, t.c.application_no, t.c.version).where(t.c.id.in_(ids)))}
    if paper.key == "form":
        current = [i for i in rows if versions is None or versions.get(i) == rows[i].version]
        if current:
            session.execute(update(t).where(t.c.id.in_(current), t.c.reprint_needed.is_(True))
                            .values(with_new_version(reprint_needed=False)))
    audit.record_many(session, [
        {"action": paper.action, "operator": operator, "applicant_id": i,
         "application_no": rows[i].application_no, "field": "", "old_value": "", "new_value": "",
         "detail": paper.label}
        for i in ids if i in rows
    ])
    return len(rows)


def confirmed_ids(session: Session, kind: str | None = None) -> list[int]:
    """Confirmed applicants by 报名号; with `kind`, only those still waiting for that paper.

    A form is waiting when it was never printed or must be printed again after an edit (CONF-3).
    """
    stmt = select(t.c.id).where(t.c.status == Status.CONFIRMED.value).order_by(t.c.application_no)
    if kind is not None:
        paper = paper_kind(kind)
        printed = select(AuditEvent.applicant_id).where(
            AuditEvent.action == paper.action, AuditEvent.applicant_id.is_not(None))  # NOT IN meets no NULL
        waiting: ColumnElement[bool] = t.c.id.not_in(printed)
        if paper.key == "form":
            waiting = waiting | t.c.reprint_needed.is_(True)
        stmt = stmt.where(waiting)
    return list(session.scalars(stmt))
