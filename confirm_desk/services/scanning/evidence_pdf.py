"""The per-teacher evidence PDF (核验留证) for the city's random 复核: every scanned original of one applicant,
each on its own A4 page with when and by whom it was captured and what the scan read and concluded."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from confirm_desk.domain.errors import KnownError, NotFound
from confirm_desk.domain.fields import FIELDS_BY_KEY
from confirm_desk.domain.idnumbers import mask_id
from confirm_desk.services.scanning.compare import RESULT_LABELS
from confirm_desk.services.scanning.images import ScannedField, list_scans, scan_image_bytes
from confirm_desk.store.models import applicant_table

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas


def write_evidence_pdf(session: Session, applicant_id: int, out: Path | str, who: str = "") -> Path:
    """All of one applicant's scanned originals as one PDF; KnownError when there are none."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    from confirm_desk.services import audit
    from confirm_desk.services.printing.fonts import register_font

    row = session.execute(
        select(applicant_table.c.application_no, applicant_table.c.name, applicant_table.c.id_number)
        .where(applicant_table.c.id == applicant_id)
    ).one_or_none()
    if row is None:
        raise NotFound(f"申请人（编号 {applicant_id}）不存在")
    scans = list_scans(session, applicant_id)
    if not scans:
        raise KnownError(f"{row.application_no} {row.name} 没有保存的证件图像，无法生成核验留证。")
    out = Path(out)
    font = register_font()
    width, height = A4
    margin = 40
    try:
        canvas = Canvas(str(out), pagesize=A4, pageCompression=1)
    except OSError as exc:
        raise KnownError(f"无法写入文件：{out}（{exc.strerror or exc}）") from exc
    canvas.setTitle(f"核验留证 {row.application_no} {row.name}")
    printed_at = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    for number, scan in enumerate(scans, start=1):
        canvas.setFont(font, 15)
        canvas.drawString(margin, height - margin - 10, f"证件原件核验留证　{row.name}　报名号 {row.application_no}")
        canvas.setFont(font, 9.5)
        canvas.drawString(margin, height - margin - 28,
                          f"证件号码 {mask_id(row.id_number)}　第 {number}/{len(scans)} 张：{scan.kind_label}"
                          f"　拍摄 {scan.captured_at:%Y-%m-%d %H:%M}　操作员 {scan.operator or '—'}"
                          f"　{scan.source_name}")
        table_top = _fields_table(canvas, font, scan.fields, margin, height - margin - 48, width - 2 * margin)
        image = ImageReader(io.BytesIO(scan_image_bytes(session, scan.id)))
        box_w, box_h = width - 2 * margin, table_top - margin - 24
        scale = min(box_w / scan.width, box_h / scan.height) if scan.width and scan.height else 1
        draw_w, draw_h = scan.width * scale, scan.height * scale
        canvas.drawImage(image, margin + (box_w - draw_w) / 2, margin + 18 + (box_h - draw_h), draw_w, draw_h)
        canvas.setFont(font, 8)
        canvas.drawString(margin, margin,
                          f"确认台 ConfirmDesk 打印于 {printed_at}；比对结果仅供核对，以工作人员确认为准。")
        canvas.showPage()
    try:
        canvas.save()
    except OSError as exc:
        raise KnownError(f"无法写入文件：{out}（{exc.strerror or exc}）") from exc
    audit.record(session, "scan_evidence_pdf", who, applicant_id=applicant_id, application_no=row.application_no,
                 new=str(out.name), detail=f"核验留证 PDF，{len(scans)} 张证件图像")
    return out


def _fields_table(
    canvas: Canvas, font: str, fields: dict[str, ScannedField], x: float, top: float, width: float
) -> float:
    """What the scan read, two fields a row; returns the y under the table."""
    if not fields:
        canvas.setFont(font, 9)
        canvas.drawString(x, top - 12, "（未识别出栏目）")
        return top - 20
    entries = list(fields.items())
    half = width / 2
    line = 13
    canvas.setFont(font, 9)
    for index, (key, entry) in enumerate(entries):
        col, row = index % 2, index // 2
        result = RESULT_LABELS.get(entry.get("result", ""), "")
        label = entry.get("label") or (FIELDS_BY_KEY[key].label if key in FIELDS_BY_KEY else key)
        text = f"{label}：{entry.get('value') or '—'}（{entry.get('confidence', 0):.2f}）"
        if result:
            text += f" {result}"
        while len(text) > 4 and canvas.stringWidth(text, font, 9) > half - 8:
            text = text[:-2] + "…"
        canvas.drawString(x + col * half, top - 12 - row * line, text)
    return top - 12 - ((len(entries) + 1) // 2) * line - 4
