"""QR (segno, drawn as rectangles) and Code 128 (reportlab's widget drawn directly): the fast paths."""

from __future__ import annotations

from functools import cache
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


@cache
def _code128_class() -> type:
    from reportlab.graphics.barcode.code128 import Code128

    class EncodedOnce(Code128):  # type: ignore[misc]  # reportlab has no type information
        """reportlab encodes the value again on every `width` read and on `draw`: once is enough here
        (nothing changes a barcode after it is made)."""

        _encoded = False

        def _calculate(self) -> None:
            if not self._encoded:
                super()._calculate()
                self._encoded = True

        def narrowed(self, bar_width: float) -> EncodedOnce:
            """The same bars, narrower: the encoding is kept, only the size is computed again."""
            other = type(self)(self.value, barWidth=bar_width, barHeight=self.barHeight, humanReadable=False)
            self._calculate()
            other.valid, other.validated = self.valid, self.validated
            other.encoded, other.decomposed = self.encoded, self.decomposed
            other.computeSize()
            other._encoded = True
            return other

    return EncodedOnce


def draw_code128(c: Any, value: str, x: float, y: float, w: float, h: float, bar_width: float) -> None:
    """Code 128 centred in the box; bars narrow down (never below 0.19 mm) when the value is long."""
    code128 = _code128_class()
    barcode = code128(value, barWidth=bar_width, barHeight=h, humanReadable=False)
    width = barcode.width
    if width > w:
        narrower = max(bar_width * w / width, 0.19 * 72 / 25.4)
        barcode = barcode.narrowed(narrower)
        width = barcode.width
    barcode.drawOn(c, x + max(0.0, (w - width) / 2), y)
