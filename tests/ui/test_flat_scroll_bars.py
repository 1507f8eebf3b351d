"""Issue 20: under Fusion the applicant list's scroll bars are drawn flat (Fusion's gradients cost ≈3 ms each time a
search moved the handle): a plain groove, a rounded handle where Fusion puts it, darker under the mouse, none when
there is nothing to scroll; Fusion's geometry and arrows kept."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QScrollBar, QStyle, QStyleFactory, QStyleOptionSlider

from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.main.applicant_list import ApplicantListPanel
from confirm_desk.ui.widgets.flat_scroll_bars import FlatScrollBarStyle, flatten_scroll_bars

SLIDER = QStyle.SubControl.SC_ScrollBarSlider


@pytest.fixture
def fusion(qapp):
    if qapp.style().name().lower() != "fusion":
        pytest.skip("the flat bars replace Fusion's only")
    return qapp


def _bar(qtbot, style, maximum: int) -> QScrollBar:
    bar = QScrollBar(Qt.Orientation.Vertical)
    qtbot.addWidget(bar)
    bar.setStyle(style)
    bar.resize(14, 300)
    bar.setRange(0, maximum)
    bar.setPageStep(10)
    bar.setValue(maximum // 2)
    bar.show()
    qtbot.waitExposed(bar)
    return bar


def _slider(bar: QScrollBar):
    option = QStyleOptionSlider()
    bar.initStyleOption(option)
    return bar.style().subControlRect(QStyle.ComplexControl.CC_ScrollBar, option, SLIDER, bar)


def test_the_applicant_list_has_flat_opaque_bars(imported_store, qtbot, fusion) -> None:
    panel = ApplicantListPanel(imported_store, JobRunner(None, synchronous=True))
    qtbot.addWidget(panel)
    for bar in (panel.table.verticalScrollBar(), panel.table.horizontalScrollBar()):
        assert isinstance(bar.style(), FlatScrollBarStyle)
        assert bar.testAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # the table's frame is not painted under it
    assert isinstance(panel.table.style(), type(fusion.style()))  # the table itself keeps the application's style
    other = ApplicantListPanel(imported_store, JobRunner(None, synchronous=True))
    qtbot.addWidget(other)
    assert other.table.verticalScrollBar().style() is panel.table.verticalScrollBar().style()  # one per application


def test_the_handle_is_where_fusion_puts_it_and_drawn_flat(qtbot, fusion) -> None:
    flat = [s for s in fusion.children() if isinstance(s, FlatScrollBarStyle)]
    style = flat[0] if flat else FlatScrollBarStyle(QStyleFactory.create("Fusion"))
    plain = _bar(qtbot, QStyleFactory.create("Fusion"), 100)
    bar = _bar(qtbot, style, 100)
    handle = _slider(bar)
    assert handle == _slider(plain) and handle.height() > 10  # Fusion's geometry: the same place to grab
    image = bar.grab().toImage()
    palette = bar.palette()
    groove, mid = palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.Mid)
    centre = handle.center()
    assert image.pixelColor(centre).rgb() == mid.rgb()
    assert image.pixelColor(QPoint(0, centre.y())).rgb() == groove.rgb()  # the handle inset, the groove flat around it
    below = handle.bottom() + 3
    assert image.pixelColor(QPoint(centre.x(), below)).rgb() == groove.rgb()

    qtbot.mouseMove(bar, centre)  # under the mouse: darker
    dark = palette.color(QPalette.ColorRole.Dark).rgb()
    qtbot.waitUntil(lambda: bar.grab().toImage().pixelColor(centre).rgb() == dark)

    bar.setRange(0, 0)  # nothing to scroll: the groove alone between the arrows
    image = bar.grab().toImage()
    arrow = plain.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, plain)
    colours = {image.pixelColor(QPoint(x, y)).rgb() for x in range(bar.width())
               for y in range(arrow + 2, bar.height() - arrow - 2)}
    assert colours == {groove.rgb()}


def test_other_styles_keep_their_own_bars(imported_store, qtbot, qapp, monkeypatch) -> None:
    windows = QStyleFactory.create("Windows")
    monkeypatch.setattr(qapp, "style", lambda: windows)
    panel = ApplicantListPanel(imported_store, JobRunner(None, synchronous=True))
    qtbot.addWidget(panel)
    assert not isinstance(panel.table.verticalScrollBar().style(), FlatScrollBarStyle)
    assert not flatten_scroll_bars(panel.table)
