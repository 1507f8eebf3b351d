"""The printable contact sheet: A4 pages of photos with name and 报名号, problems marked in red."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from confirm_desk.domain.errors import FileRefused, KnownError
from confirm_desk.services.output_files import atomic_output
from confirm_desk.services.photos.review import ReviewItem, photo_bytes, review_items
from confirm_desk.services.printing.fonts import FONT_NAME as FONT
from confirm_desk.services.printing.fonts import register_font
from confirm_desk.services.progress import ProgressFn, no_progress
from confirm_desk.store.db import Store

if TYPE_CHECKING:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

COLS, ROWS = 5, 5  # 25 photos a page at 24×33 mm: big enough to judge, small enough to skim
PHOTO_W_MM, PHOTO_H_MM = 24.0, 24.0 * 156 / 114
RED = (0.8, 0.1, 0.1)


@dataclass(frozen=True)
class SheetResult:
    people: int
    flagged: int
    pages: int


def _thumbnail(data: bytes, normalized: bool) -> bytes | None:
    """A normalised photo as it is; an original made small first (camera photos are megabytes)."""
    if normalized:
        return data
    from confirm_desk.services.photos.normalize import upright_preview

    try:
        image, _ = upright_preview(data, 312)
    except KnownError:
        return None
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def write_contact_sheet(store: Store, out: Path | str, only_problems: bool = False,
                        progress: ProgressFn = no_progress) -> SheetResult:
    from reportlab.pdfgen.canvas import Canvas

    register_font()
    with store.session() as session:
        items = [i for i in review_items(session) if i.has_problem or not only_problems]
    out = Path(out)
    try:
        with atomic_output(out) as temp:
            pages = _draw_sheet(Canvas, str(temp), store, items, only_problems, progress)
    except OSError as exc:
        raise FileRefused(f"无法写入 {out}：{exc.strerror or exc}") from exc
    progress(len(items), len(items), "照片核对表已生成")
    return SheetResult(len(items), sum(1 for i in items if i.has_problem), pages)


def _draw_sheet(canvas_class: type[Canvas], temp: str, store: Store, items: list[ReviewItem], only_problems: bool,
                progress: ProgressFn) -> int:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader

    canvas = canvas_class(temp, pagesize=A4)
    canvas.setTitle("照片核对表")
    page_w, page_h = A4
    cell_w, cell_h = (page_w - 30 * mm) / COLS, (page_h - 40 * mm) / ROWS
    per_page = COLS * ROWS
    pages = max(1, -(-len(items) // per_page))
    for page in range(pages):
        chunk = items[page * per_page:(page + 1) * per_page]
        progress(page * per_page, len(items), f"正在生成照片核对表 第 {page + 1} / {pages} 页")
        with store.session() as session:
            photos = photo_bytes(session, [i.applicant_id for i in chunk])
        canvas.setFont(FONT, 12)
        title = "照片核对表" + ("（仅有问题的照片）" if only_problems else "")
        canvas.drawString(15 * mm, page_h - 15 * mm, title)
        canvas.setFont(FONT, 8)
        canvas.drawRightString(page_w - 15 * mm, page_h - 15 * mm,
                               f"第 {page + 1} / {pages} 页　红框：需重新拍摄或处理")
        for index, item in enumerate(chunk):
            x = 15 * mm + (index % COLS) * cell_w
            top = page_h - 22 * mm - (index // COLS) * cell_h
            _draw_cell(canvas, item, photos.get(item.applicant_id), x, top, cell_w, ImageReader, mm)
        canvas.showPage()
    canvas.save()
    return pages


def _draw_cell(canvas: Canvas, item: ReviewItem, photo: tuple[bytes, bool] | None, x: float, top: float,
               cell_w: float, image_reader: type[ImageReader], mm: float) -> None:
    pw, ph = PHOTO_W_MM * mm, PHOTO_H_MM * mm
    px, py = x + (cell_w - pw) / 2, top - ph
    thumb = _thumbnail(*photo) if photo else None
    if thumb:
        canvas.drawImage(image_reader(io.BytesIO(thumb)), px, py, pw, ph, preserveAspectRatio=True)
    else:
        canvas.setFont(FONT, 9)
        canvas.drawCentredString(px + pw / 2, py + ph / 2, "无照片" if not item.has_photo else "无法显示")
    flagged = item.has_problem
    canvas.setStrokeColorRGB(*(RED if flagged else (0.6, 0.6, 0.6)))
    canvas.setLineWidth(1.5 if flagged else 0.4)
    canvas.rect(px, py, pw, ph)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(FONT, 8)
    canvas.drawCentredString(x + cell_w / 2, py - 3.6 * mm, item.name[:10])
    canvas.drawCentredString(x + cell_w / 2, py - 7.0 * mm, item.application_no)
    if item.badges:
        canvas.setFillColorRGB(*RED)
        canvas.setFont(FONT, 7)
        text = "、".join(item.badges)
        canvas.drawCentredString(x + cell_w / 2, py - 10.2 * mm, text[:14])
        if len(text) > 14:
            canvas.drawCentredString(x + cell_w / 2, py - 13.2 * mm, text[14:28])
        canvas.setFillColorRGB(0, 0, 0)
