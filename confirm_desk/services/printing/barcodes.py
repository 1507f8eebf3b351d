"""QR (segno, drawn as rectangles) and Code 128 (reportlab's widget drawn directly): the fast paths."""

from __future__ import annotations

from typing import Any


def draw_qr(c: Any, value: str, x: float, y: float, size: float) -> None:
    """A QR code filling a size×size square at (x, y) (bottom-left), quiet zone included."""
    import segno

    qr = segno.make(value, error="m", micro=False)
    matrix = qr.matrix
    border = 2  # modules; the box's own margin adds to it on paper
    n = len(matrix) + 2 * border
    module = size / n
    path = c.beginPath()
    top = y + size
    for r, row in enumerate(matrix):
        yy = top - (r + border + 1) * module
        start = -1
        for col, dark in enumerate(row):  # one rectangle per horizontal run of dark modules
            if dark and start < 0:
                start = col
            elif not dark and start >= 0:
                path.rect(x + (start + border) * module, yy, (col - start) * module, module)
                start = -1
        if start >= 0:
            path.rect(x + (start + border) * module, yy, (len(row) - start) * module, module)
    c.drawPath(path, stroke=0, fill=1)


def draw_code128(c: Any, value: str, x: float, y: float, w: float, h: float, bar_width: float) -> None:
    """Code 128 centred in the box; bars narrow down (never below 0.19 mm) when the value is long."""
    from reportlab.graphics.barcode.code128 import Code128

    barcode = Code128(value, barWidth=bar_width, barHeight=h, humanReadable=False)
    if barcode.width > w:
        narrower = max(bar_width * w / barcode.width, 0.19 * 72 / 25.4)
        barcode = Code128(value, barWidth=narrower, barHeight=h, humanReadable=False)
    barcode.drawOn(c, x + max(0.0, (w - barcode.width) / 2), y)
