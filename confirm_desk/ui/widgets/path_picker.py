"""A path typed or chosen: a line edit with its browse buttons on one row (files, folders or archives)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget

from confirm_desk.ui.widgets.file_dialogs import ask_folder, ask_open

ZIP_FILTER = "压缩包 (*.zip)"


class PathPicker(QWidget):
    """`PathPicker(placeholder)`, then one `add_file_button` / `add_folder_button` per way of choosing. A choice
    fills the edit and emits `picked(path)`; the chooser opens where the edit's path is."""

    picked = Signal(Path)

    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.addWidget(self.edit, 1)
        self.fill_on_pick = True  # False: the owner fills the edit from `picked` itself

    def text(self) -> str:
        return self.edit.text().strip()

    def path(self) -> Path | None:
        """The path typed or chosen; None when the edit is empty."""
        return Path(self.text()) if self.text() else None

    def add_file_button(self, label: str, caption: str | Callable[[], str], file_filter: str) -> QPushButton:
        """`caption`: the chooser's title, or a function giving it when the button is pressed."""

        def choose() -> None:
            title = caption if isinstance(caption, str) else caption()
            path, _ = ask_open(self, title, self.text(), file_filter)
            self._chosen(path)

        return self._button(label, choose)

    def add_folder_button(self, label: str, caption: str) -> QPushButton:
        def choose() -> None:
            self._chosen(ask_folder(self, caption, self.text()))

        return self._button(label, choose)

    def _button(self, label: str, choose: Callable[[], None]) -> QPushButton:
        button = QPushButton(label)
        button.clicked.connect(choose)
        self.row.addWidget(button)
        return button

    def _chosen(self, path: str) -> None:
        if not path:  # the chooser was cancelled
            return
        if self.fill_on_pick:
            self.edit.setText(path)
        self.picked.emit(Path(path))
