"""Paper layouts from forms/print/*.json, compiled once into absolute boxes (points, origin bottom-left).

A layout lists elements in millimetres from the page's top-left corner. Tables are rows of cells with
widths in mm (a cell without `w` takes an equal share of what is left; `rowspan` reserves the space
below it). Cell and text content is one of: `text` (a template: `{key}` is replaced by the value of
that key in the page's context), `label` (a field key: its label from the field registry, unless
`text` overrides it), `field` (a field key: its value), `checks` (a condition number: 具备/不具备
boxes), `photo` (the applicant's photo at the given size in mm). See forms/print/README.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from confirm_desk.domain.errors import FileRefused
from confirm_desk.domain.fields import FIELDS_BY_KEY

MM = 72.0 / 25.4
PAGE_SIZES = {"A4": (210.0, 297.0), "A5": (148.0, 210.0)}
STYLE_KEYS = ("size", "min_size", "align", "valign", "pad", "bold")
DEFAULT_STYLE: dict[str, Any] = {"size": 10.5, "min_size": None, "align": "center", "valign": "middle",
                                 "pad": 1.2, "bold": False}


@dataclass(frozen=True)
class Box:
    """A rectangle in points, origin at the page's bottom-left (reportlab's convention)."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Item:
    kind: str  # text, checks, photo, qr, code128, line, rect, list
    box: Box
    spec: dict[str, Any]
    style: dict[str, Any]
    when: str = ""
    unless: str = ""


@dataclass
class Layout:
    name: str
    title: str
    width: float  # points
    height: float
    copies: int
    items: list[Item] = field(default_factory=list)
    frames: list[tuple[Box, float]] = field(default_factory=list)  # table outlines, line width


class _Compiler:
    def __init__(self, data: dict[str, Any], source: str) -> None:
        self.data, self.source = data, source
        size = data.get("page", {}).get("size", "A4")
        w_mm, h_mm = PAGE_SIZES[size] if isinstance(size, str) else size
        self.page_h_mm = float(h_mm)
        self.layout = Layout(
            name=data.get("name", Path(source).stem), title=data.get("title", ""),
            width=w_mm * MM, height=h_mm * MM, copies=int(data.get("copies", 1)),
        )
        self.defaults = {**DEFAULT_STYLE, **data.get("defaults", {})}

    def box(self, x: float, y: float, w: float, h: float) -> Box:
        return Box(x * MM, (self.page_h_mm - y - h) * MM, w * MM, h * MM)

    def style(self, *sources: dict[str, Any]) -> dict[str, Any]:
        style = dict(self.defaults)
        for src in sources:
            style.update({k: src[k] for k in STYLE_KEYS if k in src})
        return style

    def content(self, spec: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """(kind, spec) with a field's label resolved now, so pages only fill in values."""
        for key in ("label", "field"):
            if key in spec and spec[key] not in FIELDS_BY_KEY:
                raise FileRefused(f"版式文件 {self.source} 引用了不存在的字段“{spec[key]}”")
        for kind in ("checks", "photo", "qr", "code128"):
            if kind in spec:
                return kind, {**spec, "value": spec[kind]} if kind in ("qr", "code128") else spec
        if "label" in spec and "text" not in spec:
            return "text", {**spec, "text": FIELDS_BY_KEY[spec["label"]].label}
        if "field" in spec:
            return "text", {**spec, "text": "{" + spec["field"] + "}"}
        return "text", spec

    def add(self, kind: str, box: Box, spec: dict[str, Any], style: dict[str, Any]) -> None:
        self.layout.items.append(Item(kind, box, spec, style, spec.get("when", ""), spec.get("unless", "")))

    def element(self, el: dict[str, Any]) -> None:
        kind = el.get("type", "text")
        if kind == "table":
            self.table(el)
        elif kind in ("line",):
            self.add("line", Box(el["x1"] * MM, (self.page_h_mm - el["y1"]) * MM,
                                 (el["x2"] - el["x1"]) * MM, (el["y1"] - el["y2"]) * MM), el, {})
        elif kind in ("qr", "code128", "rect", "list", "photo", "checks"):
            h = el.get("h", el.get("size", el.get("w", 0)))
            self.add(kind, self.box(el["x"], el["y"], el.get("w", h), h), el, self.style(el))
        elif kind == "text":
            content_kind, spec = self.content(el)
            self.add(content_kind, self.box(el["x"], el["y"], el["w"], el["h"]), spec, self.style(el))
        else:
            raise FileRefused(f"版式文件 {self.source} 含有未知元素类型“{kind}”")

    def table(self, el: dict[str, Any]) -> None:
        x0, y, width = el["x"], el["y"], el["w"]
        table_style = self.style(el)
        occupied: list[tuple[float, float, float]] = []  # (x from, x to, y until) reserved by rowspans
        top = y
        for ri, row in enumerate(el["rows"]):
            h = row["h"]
            taken = sorted((a, b) for a, b, until in occupied if until > y + 1e-6)
            free = width - sum(b - a for a, b in taken)
            cells = row.get("cells", [])
            fixed = sum(c.get("w", 0) for c in cells)
            flexible = [c for c in cells if "w" not in c]
            share = (free - fixed) / len(flexible) if flexible else 0.0
            cx = x0
            for cell in cells:
                for a, b in taken:  # skip over space held by a cell above
                    if abs(cx - a) < 1e-6:
                        cx = b
                w = cell.get("w", share)
                ch = sum(r["h"] for r in el["rows"][ri: ri + cell.get("rowspan", 1)])
                if cell.get("rowspan", 1) > 1:
                    occupied.append((cx, cx + w, y + ch))
                box = self.box(cx, y, w, ch)
                self.layout.frames.append((box, el.get("line_width", 0.5)))
                content_kind, spec = self.content(cell)
                is_label = cell.get("is_label", "label" in cell or "{" not in cell.get("text", "{"))
                role = el.get("label_style" if is_label else "value_style", {})
                style = self.style(table_style, role, row, cell)
                self.add(content_kind, box, spec, style)
                cx += w
            y += h
        self.layout.frames.append((self.box(x0, top, width, y - top), el.get("outline_width", 1.0)))


def compile_layout(data: dict[str, Any], source: str = "<layout>") -> Layout:
    compiler = _Compiler(data, source)
    for el in data.get("elements", []):
        compiler.element(el)
    return compiler.layout


@cache
def load_layout(name: str) -> Layout:
    """forms/print/<name>.json, compiled; a province edits that file, never the code."""
    from confirm_desk.paths import forms_dir

    path = forms_dir() / "print" / f"{name}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise FileRefused(f"找不到打印版式文件 {path}") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise FileRefused(f"打印版式文件 {path} 不是有效的 JSON：{exc}") from exc
    try:
        return compile_layout(data, str(path))
    except (KeyError, TypeError, ValueError) as exc:
        raise FileRefused(f"打印版式文件 {path} 有误：缺少或错误的项目 {exc}") from exc
