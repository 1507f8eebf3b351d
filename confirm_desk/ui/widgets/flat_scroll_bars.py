"""Flat scroll bars for the lists a keystroke repaints, where the application style is Fusion.

Fusion paints a scroll bar's groove and handle with gradients, uncached: 1–2 ms for the applicant list's bar, plus
the table's frame beneath it (the bar is not opaque), ≈3 ms in all, each time a search changes how many rows there
are (the handle moves or goes). That was a third of a cheap keystroke (a scanned ID number: ≈1.5 ms otherwise).
Drawn flat — a plain groove, a rounded handle, Fusion's own arrows — the bar costs ≈0.03 ms and looks like the
flat bars of today's systems. Geometry, hit-testing and every other control stay Fusion's (QProxyStyle passes
them on). Other styles (Windows' own) are left alone: they draw their bars from the system's cached theme parts.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOptionComplex,
    QStyleOptionSlider,
    QWidget,
)

_SCROLL_BAR = QStyle.ComplexControl.CC_ScrollBar
_ARROWS = QStyle.SubControl.SC_ScrollBarAddLine | QStyle.SubControl.SC_ScrollBarSubLine
_SLIDER = QStyle.SubControl.SC_ScrollBarSlider


class FlatScrollBarStyle(QProxyStyle):
    """Fusion, but a scroll bar's groove and handle are drawn flat (see the module's note)."""

    def drawComplexControl(self, control: QStyle.ComplexControl, option: QStyleOptionComplex,
                           painter: QPainter, widget: QWidget | None = None) -> None:
        if control != _SCROLL_BAR or not isinstance(option, QStyleOptionSlider):
            super().drawComplexControl(control, option, painter, widget)
            return
        palette = option.palette
        painter.fillRect(option.rect, palette.color(QPalette.ColorRole.Window))
        arrows = QStyleOptionSlider(option)
        arrows.subControls = option.subControls & _ARROWS
        self.baseStyle().drawComplexControl(control, arrows, painter, widget)
        if option.maximum <= option.minimum or not option.subControls & _SLIDER:
            return  # nothing to scroll: the groove alone
        handle = self.subControlRect(control, option, _SLIDER, cast("QWidget", widget))
        inset = max(2, (handle.height() if option.orientation == Qt.Orientation.Horizontal else handle.width()) // 5)
        if option.orientation == Qt.Orientation.Horizontal:
            handle = handle.adjusted(0, inset, 0, -inset)
        else:
            handle = handle.adjusted(inset, 0, -inset, 0)
        active = bool(option.activeSubControls & _SLIDER) and bool(
            option.state & (QStyle.StateFlag.State_Sunken | QStyle.StateFlag.State_MouseOver))
        color = palette.color(QPalette.ColorRole.Dark if active else QPalette.ColorRole.Mid)
        if not option.state & QStyle.StateFlag.State_Enabled:
            color = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Mid)
        radius = min(handle.width(), handle.height()) / 2
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(handle, radius, radius)
        painter.restore()


def _flat_style(app: QApplication) -> FlatScrollBarStyle:
    """The application's one flat style: its child (deleted with it, after its widgets), made the first time."""
    style = app.findChild(FlatScrollBarStyle)
    if style is None:
        style = FlatScrollBarStyle(QStyleFactory.create("Fusion"))
        style.setParent(app)
    return style


def flatten_scroll_bars(area: QAbstractScrollArea) -> bool:
    """Give `area`'s scroll bars the flat look when the application style is Fusion (True when it did)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication) or app.style().name().lower() != "fusion":
        return False
    style = _flat_style(app)
    for bar in (area.verticalScrollBar(), area.horizontalScrollBar()):
        bar.setStyle(style)
        # the groove fills the whole bar: nothing beneath it (the table's frame) is painted again with it
        bar.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
    return True


__all__ = ["FlatScrollBarStyle", "flatten_scroll_bars"]
