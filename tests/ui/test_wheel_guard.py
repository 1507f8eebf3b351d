"""Issue 18 item 2: the mouse wheel never changes data — a drop-down, spin box or date edit reacts to the wheel
only when it has keyboard focus (one application-wide filter, installed by app start-up and the UI fixtures)."""

from __future__ import annotations

from PySide6.QtCore import QDate, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QDateEdit, QSpinBox, QVBoxLayout, QWidget

from tests.accounts_helpers import fast_hasher  # noqa: F401
from tests.ui.test_check_dialog import CERT_EDITABLE, open_dialog, state_of


def wheel(widget: QWidget, notches: int = -3) -> None:
    """Turn the wheel over the middle of `widget` (one notch = 120; negative = towards the user)."""
    centre = QPointF(widget.rect().center())
    for _ in range(abs(notches)):
        event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                            QPoint(0, 120 if notches > 0 else -120), Qt.MouseButton.NoButton,
                            Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(widget, event)


def test_wheel_over_unfocused_editors_in_the_check_dialog_changes_nothing(qtbot, imported_store,
                                                                          logged_in_clerk) -> None:
    dialog = open_dialog(qtbot, imported_store, CERT_EDITABLE, logged_in_clerk)
    combos = [c for c in dialog.findChildren(QComboBox) if c.isEnabled() and c.isVisible()]
    assert len(combos) >= 3, [c.objectName() for c in combos]  # 学校性质, 任教学段, 证书种类 … are drop-downs
    before = {c.objectName(): c.currentText() for c in combos}
    dialog.fields.rows["name"].cell.setFocus()
    for combo in combos:
        assert combo.focusPolicy() == Qt.FocusPolicy.StrongFocus  # the wheel never gives focus either
        wheel(combo, -3)
        wheel(combo, 2)
    assert {c.objectName(): c.currentText() for c in combos} == before
    assert not dialog.is_dirty() and dialog.collect().edits == {}
    assert dialog.save()
    assert state_of(imported_store, dialog).values["school_nature"] == before["edit_school_nature"]


def test_spin_and_date_edits_follow_the_wheel_only_with_focus(qtbot) -> None:
    page = QWidget()
    layout = QVBoxLayout(page)
    spin, date, combo = QSpinBox(), QDateEdit(QDate(2025, 5, 1)), QComboBox()
    spin.setValue(5)
    combo.addItems(["公办", "民办", "其他"])
    for widget in (spin, date, combo):
        layout.addWidget(widget)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    for widget in (spin, date, combo):
        wheel(widget, -2)
    assert (spin.value(), date.date(), combo.currentIndex()) == (5, QDate(2025, 5, 1), 0)
    # Clicked into (keyboard focus): the wheel works as usual — the guard only stops accidents.
    page.activateWindow()
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    wheel(spin, 2)
    assert spin.value() == 7
