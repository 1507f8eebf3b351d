"""A text prompt that does not block code under test (offscreen answers come from a list)."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from confirm_desk.ui.widgets import messages

# Offscreen answers for ask_text(): tests push strings (or None for Cancel); default is Cancel.
text_answers: list[str | None] = []


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    """The typed text (stripped), or None when cancelled or left empty."""
    messages.shown.append(("prompt", label))
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        answer = text_answers.pop(0) if text_answers else None
    else:
        answer, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
        answer = answer if ok else None
    answer = (answer or "").strip()
    return answer or None
