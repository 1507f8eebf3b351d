"""Helpers for driving real widgets in tests."""

from __future__ import annotations


def type_text(widget, text: str) -> None:
    """Type any text, Chinese included (QTest.keyClicks asserts on non-ASCII keys)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))
