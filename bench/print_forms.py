"""1,000 application forms and 1,000 receipts into one PDF each, against a floor of bare reportlab.

The floor draws the very same strings, lines, photos, QR codes (segno) and Code 128 barcodes at the
very same positions, recorded from one run of the renderer, with no layout logic at all (no
templates, no fitting, no measuring): each QR one rectangle per run of dark modules, each photo's JPEG
embedded as it is (named by its bytes, never decoded), each Code 128 encoded once. Ours and the floor
run alternated (A B A B), CPU seconds of this process; prints the medians and the ratio (goal <= 1.5x).
Run: python -m bench.print_forms [--count N]
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select, update


class _Recorder:
    """Stands in for a reportlab canvas and notes every drawing call the renderer makes."""

    def __init__(self) -> None:
        self.pages: list[list[tuple]] = [[]]
        self.form: list[tuple] = []
        self._target = self.pages[-1]

    def _op(self, *op: Any) -> None:
        self._target.append(op)

    def beginForm(self, name: str) -> None:
        self.form_name, self._target = name, self.form

    def endForm(self) -> None:
        self._target = self.pages[-1]

    def doForm(self, name: str) -> None:
        self._op("form", name)

    def showPage(self) -> None:
        self.pages.append([])
        self._target = self.pages[-1]

    def beginText(self, x: float, y: float) -> _Text:
        return _Text(x, y)

    def drawText(self, t: _Text) -> None:
        self._op("text", t.x, t.y, t.font, t.size, t.mode, t.out)

    def beginPath(self) -> _Path:
        return _Path()

    def drawPath(self, p: _Path, stroke: int = 1, fill: int = 0) -> None:
        self._op("path", tuple(p.ops), stroke, fill)

    def drawImage(self, image: Any, x: float, y: float, w: float, h: float) -> None:
        self._op("image", image.fp.getvalue() if hasattr(image, "fp") else image, x, y, w, h)

    def __getattr__(self, name: str) -> Any:  # setFont, setLineWidth, rect, line, setDash, save/restoreState
        return lambda *args, **kwargs: self._op("call", name, args, kwargs)


class _Text:
    def __init__(self, x: float, y: float) -> None:
        self.x, self.y, self.font, self.size, self.mode, self.out = x, y, "", 0.0, 0, ""

    def setFont(self, font: str, size: float) -> None:
        self.font, self.size = font, size

    def setTextRenderMode(self, mode: int) -> None:
        self.mode = mode

    def textOut(self, text: str) -> None:
        self.out += text


class _Path:
    def __init__(self) -> None:
        self.ops: list[tuple] = []

    def __getattr__(self, name: str) -> Any:  # moveTo, lineTo, rect
        return lambda *args: self.ops.append((name, args))


def _code128_at(value: str, x: float, y: float, w: float, h: float, bar: float) -> tuple:
    """Where and how wide the renderer draws this barcode (its fitting, done here while recording)."""
    from reportlab.graphics.barcode.code128 import Code128

    width = Code128(value, barWidth=bar, barHeight=h, humanReadable=False).width
    if width > w:
        bar = max(bar * w / width, 0.19 * 72 / 25.4)
        width = Code128(value, barWidth=bar, barHeight=h, humanReadable=False).width
    return value, x + max(0.0, (w - width) / 2), y, h, bar


def record(layout: Any, records: list, copies: int) -> tuple[list[tuple], list[list[tuple]]]:
    import datetime as dt

    from confirm_desk.services.printing import render
    from confirm_desk.services.printing.context import page_context

    rec = _Recorder()
    saved = render.barcodes.draw_qr, render.barcodes.draw_code128
    render.barcodes.draw_qr = lambda c, v, x, y, s: c._op("qr", v, x, y, s)
    render.barcodes.draw_code128 = lambda c, v, x, y, w, h, bw: c._op("code128", *_code128_at(v, x, y, w, h, bw))
    try:
        renderer = render.PageRenderer(layout)
        now = dt.datetime.now()
        for data in records:
            for copy in range(1, copies + 1):
                renderer.draw(rec, page_context(data, now, copy, copies))
                rec.showPage()
    finally:
        render.barcodes.draw_qr, render.barcodes.draw_code128 = saved
    return rec.form, rec.pages[:-1]


def floor(layout: Any, form: list[tuple], pages: list[list[tuple]], out: Path) -> None:
    """Bare reportlab replay: the same calls at the same places, nothing computed."""
    import segno
    from reportlab.graphics.barcode.code128 import Code128
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase.pdfutils import readJPEGInfo
    from reportlab.pdfgen.canvas import Canvas

    from confirm_desk.services.printing.fonts import register_font

    class Jpeg(ImageReader):
        """The JPEG embedded as it is (DCTDecode) and named by its bytes: reportlab's own reader would
        decode it only to name it."""

        def __init__(self, data: bytes) -> None:
            self.fileName, self._ident, self._image, self._transparent, self.mode = "<jpeg>", None, None, None, "RGB"
            self._data, self._dataA, self.fp = data, None, io.BytesIO(data)
            self._width, self._height = readJPEGInfo(io.BytesIO(data))[:2]

        def jpeg_fh(self) -> io.BytesIO:
            self.fp.seek(0)
            return self.fp

        def getRGBData(self) -> bytes:
            return self._data

    c = Canvas(str(out), pagesize=(layout.width, layout.height), initialFontName=register_font())

    def replay(ops: list[tuple]) -> None:
        for op in ops:
            kind = op[0]
            if kind == "text":
                _, x, y, font, size, mode, text = op
                if mode:
                    t = c.beginText(x, y)
                    t.setFont(font, size)
                    t.setTextRenderMode(mode)
                    t.textOut(text)
                    c.drawText(t)
                else:
                    c.setFont(font, size)
                    c.drawString(x, y, text)
            elif kind == "call":
                getattr(c, op[1])(*op[2], **op[3])
            elif kind == "path":
                p = c.beginPath()
                for name, args in op[1]:
                    getattr(p, name)(*args)
                c.drawPath(p, stroke=op[2], fill=op[3])
            elif kind == "image":
                c.drawImage(Jpeg(op[1]), *op[2:])
            elif kind == "qr":  # one rectangle per run of dark modules
                _, value, x, y, size = op
                matrix = segno.make(value, error="m", micro=False).matrix
                module = size / (len(matrix) + 4)
                p = c.beginPath()
                for r, row in enumerate(matrix):
                    yy = y + size - (r + 3) * module
                    start = -1
                    for col, dark in enumerate(row):
                        if dark and start < 0:
                            start = col
                        elif not dark and start >= 0:
                            p.rect(x + (start + 2) * module, yy, (col - start) * module, module)
                            start = -1
                    if start >= 0:
                        p.rect(x + (start + 2) * module, yy, (len(row) - start) * module, module)
                c.drawPath(p, stroke=0, fill=1)
            elif kind == "code128":  # the place and bar width the renderer chose: encoded once here
                _, value, x, y, h, bar = op
                Code128(value, barWidth=bar, barHeight=h, humanReadable=False).drawOn(c, x, y)
            elif kind == "form":
                c.doForm(op[1])

    c.beginForm(next(op[1] for op in pages[0] if op[0] == "form"))
    replay(form)
    c.endForm()
    gc.disable()  # as the renderer does (services/gc_pause.py): no cyclic collection during the job
    try:
        for ops in pages:
            replay(ops)
            c.showPage()
        c.save()
    finally:
        gc.enable()


def make_records(count: int, folder: Path) -> list:
    from confirm_desk.services.applicants.demo import fill_demo
    from confirm_desk.services.printing import load_print_data
    from confirm_desk.store.db import open_store
    from confirm_desk.store.models import Photo
    from confirm_desk.store.models import applicant_table as t

    store = open_store(f"sqlite:///{folder / 'bench.sqlite3'}")
    fill_demo(store, count=count)  # every applicant is printed below, drafts included: exactly `count`
    with store.session() as session:
        from PIL import Image

        for photo in session.scalars(select(Photo)):
            image = Image.open(io.BytesIO(photo.original))
            image.draft("RGB", (228, 312))
            buf = io.BytesIO()
            image.convert("RGB").resize((114, 156)).save(buf, "JPEG", quality=90)
            photo.normalized = buf.getvalue()
        session.execute(update(t).values(status="confirmed"))  # every demo applicant decided, drafts too
        ids = list(session.scalars(select(t.c.id).order_by(t.c.application_no)))
    started = time.perf_counter()
    with store.session() as session:
        records = load_print_data(session, ids)
    print(f"loading {len(records)} applicants' print data: {time.perf_counter() - started:.2f} s")
    store.dispose()
    return records


def _cpu(fn: Any) -> float:
    """CPU seconds of `fn`; the garbage of the run before is collected first, untimed."""
    gc.collect()
    start = time.process_time()
    fn()
    return time.process_time() - start


def measure(count: int, runs: int = 3) -> list[dict[str, Any]]:
    """Median CPU seconds of the renderer and of the floor, alternated, for `count` forms and receipts."""
    from confirm_desk.services.printing import render_pdf
    from confirm_desk.services.printing.layout import load_layout

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ.setdefault("CONFIRM_DESK_HOME", str(folder / "home"))
        records = make_records(count, folder)
        for layout_name, label in (("application_form", "forms"), ("receipt", "receipts")):
            layout = load_layout(layout_name)
            ours_pdf, floor_pdf = folder / f"{layout_name}.pdf", folder / f"{layout_name}-floor.pdf"
            form, pages = record(layout, records, 1)
            mine, bare = [], []
            for _ in range(runs):
                mine.append(_cpu(lambda lay=layout, out=ours_pdf: render_pdf(lay, records, out, copies=1)))
                bare.append(_cpu(lambda lay=layout, f=form, p=pages, out=floor_pdf: floor(lay, f, p, out)))
            ours, bare_s = statistics.median(mine), statistics.median(bare)
            results.append({"label": label, "count": len(records), "ours": ours, "floor": bare_s,
                            "mb": ours_pdf.stat().st_size / 1e6, "floor_mb": floor_pdf.stat().st_size / 1e6,
                            "pages": len(pages)})
    return results


def bench_rows(quick: bool) -> list[dict]:
    """Rows for `python -m bench` (bench/__main__.py)."""
    from bench.__main__ import row

    return [row(f"print {r['count']:,} {r['label']} into one PDF (CPU s)", r["ours"], r["floor"], 1.5,
                note=f"{r['mb']:.1f} MB; load {os.getloadavg()[0]:.1f}")
            for r in measure(200 if quick else 1000, 3 if quick else 5)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"load {os.getloadavg()[0]:.2f}")
    for r in measure(args.count, args.runs):
        print(f"{r['count']:,} {r['label']:<8} renderer {r['ours']:5.2f} s  floor {r['floor']:5.2f} s  "
              f"ratio {r['ours'] / r['floor']:4.2f}x  ({r['mb']:.1f} MB vs {r['floor_mb']:.1f} MB, "
              f"{r['pages']} pages), CPU s, load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
