"""`confirm-desk --self-test`: proves an install (or the frozen build) works, without a screen or user data.

Each step uses the real code paths in a throw-away folder: store + migrations, demo import, one receipt
PDF, one normalised photo, one bundled certificate picture read by the OCR, and Qt (offscreen when there is no
display). Exit 0 when all pass.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from confirm_desk.store.db import Store

log = logging.getLogger(__name__)
DEMO_COUNT = 5


@dataclass
class Context:
    folder: Path
    store: Store | None = None  # once step_store opened it
    applicant_id: int = 0
    pdf: Path | None = None
    photo: Path | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def opened(self) -> Store:
        """The store, for the steps after step_store."""
        if self.store is None:
            raise RuntimeError("数据库尚未创建")
        return self.store

    @property
    def photo_file(self) -> Path:
        """The photo, for the steps after step_demo."""
        if self.photo is None:
            raise RuntimeError("演示照片尚未导出")
        return self.photo


def step_store(ctx: Context) -> str:
    from confirm_desk.store.db import SCHEMA_HEAD, current_revision, open_store

    ctx.store = store = open_store(f"sqlite:///{ctx.folder / 'self_test.sqlite3'}")
    revision = current_revision(store.engine)
    if revision != SCHEMA_HEAD:
        raise RuntimeError(f"迁移后版本为 {revision}，应为 {SCHEMA_HEAD}")
    return f"数据库已创建并迁移到 {revision}"


def step_demo(ctx: Context) -> str:
    from sqlalchemy import func, select

    from confirm_desk.services.applicants.demo import fill_demo
    from confirm_desk.store.models import Photo, applicant_table

    fill_demo(ctx.opened, DEMO_COUNT)
    with ctx.opened.session() as session:
        count = session.scalar(select(func.count()).select_from(applicant_table))
        row = session.execute(select(Photo.applicant_id, Photo.original).order_by(Photo.id).limit(1)).first()
    if count != DEMO_COUNT or row is None:
        raise RuntimeError(f"演示数据不完整：{count} 人")
    ctx.applicant_id = row.applicant_id
    ctx.photo = photo = ctx.folder / "photo_in.jpg"
    photo.write_bytes(row.original)
    return f"导入演示申请人 {count} 人（含照片）"


def step_pdf(ctx: Context) -> str:
    out = ctx.folder / "receipt.pdf"
    try:
        from confirm_desk.services.printing import load_print_data, render_pdf
        from confirm_desk.services.printing.layout import load_layout
    except ModuleNotFoundError:  # printing not merged yet: prove reportlab + the embedded font instead
        return _plain_pdf(out, ctx)
    with ctx.opened.session() as session:
        records = load_print_data(session, [ctx.applicant_id])
    pages = render_pdf(load_layout("receipt"), records, out)
    ctx.pdf = out
    return f"受理凭证 PDF {pages} 页，{out.stat().st_size // 1024} KB"


def _plain_pdf(out: Path, ctx: Context) -> str:
    from reportlab.graphics.barcode import createBarcodeDrawing
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    from confirm_desk.paths import font_path

    pdfmetrics.registerFont(TTFont("WQYSelfTest", str(font_path()), subfontIndex=0))
    c = Canvas(str(out), pagesize=A4, initialFontName="WQYSelfTest")
    c.setFont("WQYSelfTest", 16)
    c.drawString(72, 760, "确认台自检：中文字体已嵌入")
    qr: Drawing = createBarcodeDrawing("QR", value="ConfirmDesk self-test", width=80, height=80)
    qr.drawOn(c, 72, 640)
    c.showPage()
    c.save()
    ctx.pdf = out
    return f"PDF 1 页（reportlab + 内嵌字体），{out.stat().st_size // 1024} KB"


def step_photo(ctx: Context) -> str:
    from PIL import Image

    out = ctx.folder / "photo_out.jpg"
    try:
        from confirm_desk.services.photos.applicant_photos import normalize_file
    except ModuleNotFoundError:  # the photo normaliser not merged yet: decode in draft mode and resize
        with Image.open(ctx.photo_file) as image:
            image.draft("RGB", (114, 156))
            image.convert("RGB").resize((114, 156)).save(out, "JPEG", quality=85)
    else:
        normalize_file(ctx.photo_file, out)
    with Image.open(out) as image:
        size = image.size
    if size != (114, 156):
        raise RuntimeError(f"照片尺寸为 {size[0]}×{size[1]}，应为 114×156")
    detail = f"照片规范为 114×156 JPEG，{out.stat().st_size} 字节"
    try:
        from confirm_desk.services.photos.faces import detect_faces
    except ModuleNotFoundError:  # face detection not installed: nothing more to prove
        pass
    else:  # loads OpenCV and the YuNet model: what a frozen build most easily loses
        with Image.open(ctx.photo_file) as image:
            detail += f"；人脸检测可用（演示照片检出 {len(detect_faces(image))} 张）"
    ctx.photo = out
    return detail


# The bundled sample (resources/scanning/sample_certificate.jpg, a generated fictional certificate) and what
# it shows: reading it proves the OCR models and ONNX Runtime made it into the build.
SAMPLE_SCAN = {"cert_number": "20063325231559080", "id_number": "33100919840424939X", "name": "杜力英"}


def step_scan(ctx: Context) -> str:
    from confirm_desk.paths import resources_dir
    from confirm_desk.services.scanning.compare import read_document

    started = time.perf_counter()
    reading = read_document(resources_dir() / "scanning" / "sample_certificate.jpg")
    wrong = [key for key, value in SAMPLE_SCAN.items() if reading.fields[key].value != value]
    if reading.kind.key != "certificate" or wrong:
        raise RuntimeError(f"样例证书读出有误：{reading.kind.label}，{'、'.join(wrong)}")
    read = sum(1 for f in reading.fields.values() if f.read)
    return (f"离线识别样例教师资格证书：{read}/{len(reading.fields)} 项读出，"
            f"{time.perf_counter() - started:.1f} 秒（含加载模型）")


def step_qt(ctx: Context) -> str:
    no_display = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and no_display and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a server or CI box: no screen needed
    from confirm_desk.ui.main.smoke import qt_smoke

    return qt_smoke(ctx.opened, ctx.photo, ctx.pdf)


STEPS: tuple[tuple[str, Callable[[Context], str]], ...] = (
    ("数据库", step_store),
    ("演示数据", step_demo),
    ("打印", step_pdf),
    ("照片", step_photo),
    ("扫描识别", step_scan),
    ("界面", step_qt),
)


def run_self_test(write: Callable[[str], None] | None = None) -> int:
    """Runs every step (later steps are skipped after a failure); returns the exit code."""
    from confirm_desk import __version__

    write = write or _write
    frozen = "（打包版）" if getattr(sys, "frozen", False) else ""
    write(f"ConfirmDesk {__version__} 自检{frozen}  Python {sys.version.split()[0]}  {sys.platform}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="confirm_desk_selftest_") as folder:
        ctx = Context(Path(folder))
        try:
            for label, step in STEPS:
                try:
                    detail = step(ctx)
                except Exception as exc:  # any failure: say which step, keep the details in the log
                    log.exception("self-test step %s failed", label)
                    write(f"[失败] {label}：{exc.__class__.__name__}: {exc}")
                    write("自检未通过。")
                    return 1
                write(f"[通过] {label}：{detail}")
        finally:
            if ctx.store is not None:
                ctx.store.dispose()  # Windows cannot delete an open SQLite file
    write(f"自检通过，用时 {time.perf_counter() - started:.1f} 秒。")
    return 0


def _write(line: str) -> None:
    log.info("self-test: %s", line)
    stream = sys.stdout
    if stream is None:  # a windowed build on Windows has no console: the exit code and the log tell
        return
    try:
        print(line, file=stream, flush=True)
    except UnicodeEncodeError:  # a console that cannot show Chinese
        print(line.encode("ascii", "replace").decode("ascii"), file=stream, flush=True)
