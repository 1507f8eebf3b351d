"""The embedded CJK font (wqy-microhei, subset on embedding) and text that always fits its box."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reportlab.pdfbase.ttfonts import TTFontFace

FONT_NAME = "WQYMicroHei"
MIN_SIZE = 4.0  # points; below this nothing printed is readable, so we clip instead
LEADING = 1.2


@cache
def register_font() -> str:
    """Register the TrueType font once per process; reportlab embeds only the glyphs used."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from confirm_desk.paths import font_path

    pdfmetrics.registerFont(TTFont(FONT_NAME, str(font_path()), subfontIndex=0))
    return FONT_NAME


class _CharWidths(dict[str, float]):
    """Advance width at 1 pt of each character seen, read from the font on first use."""

    def __init__(self) -> None:
        super().__init__()
        self.face: TTFontFace | None = None

    def __missing__(self, ch: str) -> float:
        if self.face is None:
            from reportlab.pdfbase import pdfmetrics

            self.face = pdfmetrics.getFont(register_font()).face
        width: float = self.face.getCharWidth(ord(ch)) / 1000.0
        self[ch] = width
        return width


class _Widths:
    """Advance widths at 1 pt per character, cached: the width at size s is the sum times s."""

    def __init__(self) -> None:
        self._cache = _CharWidths()

    def char(self, ch: str) -> float:
        return self._cache[ch]

    def text(self, text: str) -> float:
        return sum(map(self._cache.__getitem__, text))  # the same additions, in the same order, as a loop


widths = _Widths()


def string_width(text: str, size: float) -> float:
    return widths.text(text) * size


@dataclass(frozen=True)
class Fitted:
    lines: tuple[str, ...]
    size: float

    @property
    def leading(self) -> float:
        return self.size * LEADING


def wrap(text: str, max_width_at_1pt: float) -> list[str]:
    """Break at any character (Chinese has no spaces); explicit newlines always break."""
    lines: list[str] = []
    for para in text.split("\n"):
        line, used = "", 0.0
        for ch in para:
            w = widths.char(ch)
            if line and used + w > max_width_at_1pt:
                lines.append(line)
                line, used = "", 0.0
                if ch == " ":
                    continue
            line += ch
            used += w
        lines.append(line)
    return lines


def fit_text(text: str, width: float, height: float, size: float, min_size: float | None = None) -> Fitted:
    """Shrink a value until it fits on its lines, then wrap it; clip only when even 4 pt cannot hold it.

    `min_size` is how far a single line may shrink before we prefer wrapping (default 75% of size).
    """
    if width <= 0 or height <= 0:
        return Fitted((), size)
    paragraphs = text.split("\n")
    natural = max(widths.text(p) for p in paragraphs)
    fixed_lines = len(paragraphs)
    # 1. as written (explicit lines), shrinking down to the single-line floor
    floor = max(min_size if min_size is not None else size * 0.75, MIN_SIZE)
    fit = min(size, width / natural if natural else size, height / (fixed_lines * LEADING))
    if fit >= floor:
        return Fitted(tuple(paragraphs), fit)
    # 2. wrap, from the nominal size down to the minimum, a quarter point at a time
    s = size
    while s >= MIN_SIZE:
        lines = wrap(text, width / s)
        if len(lines) * s * LEADING <= height:
            return Fitted(tuple(lines), s)
        s -= 0.25
    # 3. nothing fits: keep the lines that do at the minimum size, mark the cut
    lines = wrap(text, width / MIN_SIZE)
    keep = max(1, int(height // (MIN_SIZE * LEADING)))
    if len(lines) > keep:
        lines = lines[:keep]
        lines[-1] = lines[-1][:-1] + "…" if len(lines[-1]) > 1 else "…"
    return Fitted(tuple(lines), MIN_SIZE)
