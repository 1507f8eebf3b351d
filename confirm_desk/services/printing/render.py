"""Draws a compiled layout for one page's context onto a reportlab canvas; the static part once per PDF."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from confirm_desk.services.printing import barcodes
from confirm_desk.services.printing.fonts import Fitted, fit_text, register_font, string_width
from confirm_desk.services.printing.images import image_reader
from confirm_desk.services.printing.layout import MM, Box, Item, Layout

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
ASCENT = 0.86  # of the font size, for placing a line's baseline inside its leading
TICK_WIDTH = 0.9

_Block = tuple[float, bool, tuple[tuple[float, float, str], ...]]  # size, bold, (x, baseline, line) each


def fill(template: str, ctx: dict[str, Any]) -> str:
    """`{key}` -> ctx[key] as text ('' when absent). Only plain names: a layout cannot reach code."""
    if "{" not in template:
        return template
    return _PLACEHOLDER.sub(lambda m: _as_text(ctx.get(m.group(1))), template)


def filler(template: str) -> Callable[[dict[str, Any]], str]:
    """`fill` for one template, decided once: a constant, a lone `{key}`, or the general case."""
    whole = _PLACEHOLDER.fullmatch(template)
    if whole:
        key = whole.group(1)
        return lambda ctx: _as_text(ctx.get(key))
    if "{" not in template:
        return lambda _ctx: template
    return lambda ctx: fill(template, ctx)


def _as_text(value: Any) -> str:
    return "" if value is None else str(value)


def is_static(item: Item) -> bool:
    return item.kind == "text" and not item.when and not item.unless and "{" not in (
        item.spec.get("text", "") + item.spec.get("footer", ""))


class PageRenderer:
    """One per PDF: static items (grid, labels) go into a form XObject drawn on every page.

    A text item's placement (size, lines, positions) depends only on its text, so it is computed once per
    distinct text and replayed on every page that shows the same value (a school, a subject, a date)."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.font = register_font()
        self.static = [i for i in layout.items if is_static(i)]
        self.dynamic = [i for i in layout.items if not is_static(i)]
        self._text_steps = {id(item): self._text_step(item) for item in layout.items if item.kind == "text"}
        self._steps = [(item, item.when, item.unless, self._text_steps[id(item)] if item.kind == "text"
                        else getattr(self, "_" + item.kind)) for item in self.dynamic]
        self._form = ""

    def draw(self, c: Any, ctx: dict[str, Any]) -> None:
        if not self._form:
            self._form = f"static_{self.layout.name}"
            c.beginForm(self._form)
            self._draw_static(c)
            c.endForm()
        c.doForm(self._form)
        get = ctx.get
        for item, when, unless, step in self._steps:
            if when and not get(when):
                continue
            if unless and get(unless):
                continue
            step(c, item, ctx)

    def _draw_static(self, c: Any) -> None:
        for box, width in self.layout.frames:
            c.setLineWidth(width)
            c.rect(box.x, box.y, box.w, box.h, stroke=1, fill=0)
        for item in self.static:
            self._text(c, item, {})
        for item in self.dynamic:
            if item.kind == "checks":
                self._draw_check_boxes(c, item)

    # ---- element kinds -------------------------------------------------------------------
    def _text(self, c: Any, item: Item, ctx: dict[str, Any]) -> None:
        self._text_steps[id(item)](c, item, ctx)

    def _text_step(self, item: Item) -> Callable[[Any, Item, dict[str, Any]], None]:
        """Draws `item` for a page: its footer and text filled in, placed once per distinct pair."""
        fill_footer, fill_text = filler(item.spec.get("footer", "")), filler(item.spec.get("text", ""))
        placed: dict[tuple[str, str], tuple[_Block, ...]] = {}
        place_text, show, font = self._place_text, self._show, self.font

        def step(c: Any, _item: Item, ctx: dict[str, Any]) -> None:
            key = (fill_footer(ctx), fill_text(ctx))
            blocks = placed.get(key)
            if blocks is None:
                blocks = placed[key] = place_text(item, *key)
            for block in blocks:
                size, bold, lines = block
                if bold:
                    show(c, block)
                    continue
                for x, baseline, line in lines:  # as _show draws it
                    c.setFont(font, size)
                    c.drawString(x, baseline, line)

        return step

    def _place_text(self, item: Item, footer: str, text: str) -> tuple[_Block, ...]:
        st, box = item.style, item.box
        pad = st["pad"] * MM
        footer_h = st["size"] * 1.8 if footer else 0.0
        blocks = []
        if footer:
            fbox = Box(box.x, box.y, box.w, footer_h + pad)
            fitted = fit_text(footer, fbox.w - 2 * pad, footer_h, st["size"])
            blocks.append(self.place(fitted, fbox, pad, item.spec.get("footer_align", "right"), "middle", False))
        if text:
            body = Box(box.x, box.y + footer_h, box.w, box.h - footer_h)
            fitted = fit_text(text, body.w - 2 * pad, body.h - 2 * pad, st["size"], st["min_size"])
            blocks.append(self.place(fitted, body, pad, st["align"], st["valign"], st["bold"]))
        return tuple(blocks)

    def lines(self, c: Any, fitted: Fitted, box: Box, pad: float, align: str, valign: str,
              bold: bool) -> None:
        self._show(c, self.place(fitted, box, pad, align, valign, bold))

    def place(self, fitted: Fitted, box: Box, pad: float, align: str, valign: str, bold: bool) -> _Block:
        """Where each line of `fitted` goes in `box`: (size, bold, ((x, baseline, line), ...))."""
        size, leading = fitted.size, fitted.leading
        total = leading * len(fitted.lines)
        if valign == "top":
            top = box.y + box.h - pad
        elif valign == "bottom":
            top = box.y + pad + total
        else:
            top = box.y + (box.h + total) / 2
        baseline = top - (leading - size) / 2 - size * ASCENT
        placed = []
        for line in fitted.lines:
            if align == "left":
                x = box.x + pad
            else:
                width = string_width(line, size)
                x = box.x + box.w - pad - width if align == "right" else box.x + (box.w - width) / 2
            placed.append((x, baseline, line))
            baseline -= leading
        return size, bold, tuple(placed)

    def _show(self, c: Any, block: _Block) -> None:
        size, bold, placed = block
        font = self.font
        if bold:  # the font has no bold face: fill and stroke the outlines (state restored below)
            c.saveState()
            c.setLineWidth(size * 0.035)
            for x, baseline, line in placed:
                text = c.beginText(x, baseline)
                text.setFont(font, size)
                text.setTextRenderMode(2)
                text.textOut(line)
                c.drawText(text)
            c.restoreState()
            return
        for x, baseline, line in placed:
            c.setFont(font, size)
            c.drawString(x, baseline, line)

    def _checks(self, c: Any, item: Item, ctx: dict[str, Any]) -> None:
        """Tick the recorded choice; the boxes and their words are in the static part of the page."""
        met = ctx.get(f"condition_{item.spec['checks']}_met")
        if met is None:  # nothing recorded: the school ticks by hand
            return
        x, y, square = self._check_boxes(item)[0 if met else 1]
        c.setLineWidth(TICK_WIDTH)
        path = c.beginPath()
        path.moveTo(x + square * 0.18, y + square * 0.52)
        path.lineTo(x + square * 0.42, y + square * 0.22)
        path.lineTo(x + square * 0.85, y + square * 0.85)
        c.drawPath(path, stroke=1, fill=0)

    def _check_boxes(self, item: Item) -> list[tuple[float, float, float]]:
        """(x, y, side) of each option's square: □具备  □不具备, centred in the cell."""
        options = item.spec.get("options", ["具备", "不具备"])
        size, box = item.style["size"], item.box
        square, gap, spacing = size * 0.85, size * 0.3, size * 1.2
        parts = [square + gap + string_width(o, size) for o in options]
        x = box.x + (box.w - sum(parts) - spacing * (len(parts) - 1)) / 2
        y = box.y + (box.h - square) / 2
        out = []
        for width in parts:
            out.append((x, y, square))
            x += width + spacing
        return out

    def _draw_check_boxes(self, c: Any, item: Item) -> None:
        options = item.spec.get("options", ["具备", "不具备"])
        size, box = item.style["size"], item.box
        c.setLineWidth(0.6)
        c.setFont(self.font, size)
        for option, (x, y, square) in zip(options, self._check_boxes(item), strict=True):
            c.rect(x, y, square, square, stroke=1, fill=0)
            c.drawString(x + square + size * 0.3, box.y + (box.h - size) / 2 + size * 0.14, option)

    def _photo(self, c: Any, item: Item, ctx: dict[str, Any]) -> None:
        w_mm, h_mm = item.spec.get("photo") or item.spec.get("photo_size") or (25, 34.2)
        w, h = min(w_mm * MM, item.box.w), min(h_mm * MM, item.box.h)
        x, y = item.box.x + (item.box.w - w) / 2, item.box.y + (item.box.h - h) / 2
        photo = ctx.get("photo")
        if photo:
            c.drawImage(image_reader(photo), x, y, w, h)
            return
        c.setLineWidth(0.4)
        c.setDash(2, 2)
        c.rect(x, y, w, h, stroke=1, fill=0)
        c.setDash()
        hint = item.spec.get("empty_text", "请粘贴照片")
        fitted = fit_text(hint, w - 2 * MM, h, item.style["size"])
        self.lines(c, fitted, Box(x, y, w, h), MM, "center", "middle", False)

    def _qr(self, c: Any, item: Item, ctx: dict[str, Any]) -> None:
        value = fill(item.spec["value"], ctx)
        if value:
            box, pad = item.box, item.style["pad"] * MM
            size = min(box.w, box.h) - 2 * pad
            barcodes.draw_qr(c, value, box.x + (box.w - size) / 2, box.y + (box.h - size) / 2, size)

    def _code128(self, c: Any, item: Item, ctx: dict[str, Any]) -> None:
        value = fill(item.spec["value"], ctx)
        if value:
            box, pad = item.box, item.style["pad"] * MM
            barcodes.draw_code128(c, value, box.x + pad, box.y + pad, box.w - 2 * pad, box.h - 2 * pad,
                                  item.spec.get("bar_width", 0.33) * MM)

    def _line(self, c: Any, item: Item, _ctx: dict[str, Any]) -> None:
        c.setLineWidth(item.spec.get("width", 0.5))
        if item.spec.get("dash"):
            c.setDash(*item.spec["dash"])
        box = item.box
        c.line(box.x, box.y, box.x + box.w, box.y - box.h)
        c.setDash()

    def _rect(self, c: Any, item: Item, _ctx: dict[str, Any]) -> None:
        c.setLineWidth(item.spec.get("width", 0.5))
        c.rect(item.box.x, item.box.y, item.box.w, item.box.h, stroke=1, fill=0)

    def _list(self, c: Any, item: Item, ctx: dict[str, Any]) -> None:
        entries = ctx.get(item.spec["items"]) or []
        text = "\n".join(f"{n}. {entry}" for n, entry in enumerate(entries, start=1))
        if text:
            st, box, pad = item.style, item.box, item.style["pad"] * MM
            fitted = fit_text(text, box.w - 2 * pad, box.h - 2 * pad, st["size"], st["min_size"])
            self.lines(c, fitted, box, pad, "left", "top", False)
