"""The mapping step: each column of the file (header and a preview of its values) → a field, or unused.

Shown when a needed column is missing or two columns could be it (ColumnsUnclear). What the clerk chooses is
passed back to the import as `manual` and remembered for files with the same headers."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.ui.ops.importing import ColumnsUnclear
from confirm_desk.ui.widgets.messages import show_error

UNUSED = "（不使用）"
PREVIEW_VALUES = 3


class MappingDialog(QDialog):
    """`MappingDialog(unclear)`; after accept, `manual()` is header -> field key ("-": not used)."""

    def __init__(self, unclear: ColumnsUnclear, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.unclear = unclear
        self.specs = unclear.specs
        mapping = unclear.mapping
        self.headers = mapping.headers
        self.setWindowTitle(f"指定列的对应 — {unclear.file_name}")
        self.resize(820, 520)
        note = QLabel(unclear.problem + "\n请为每一列选择它对应的内容（不需要的列选“不使用”）。"
                      "选择会被记住，以后导入表头相同的文件时自动沿用。")
        note.setWordWrap(True)
        self.table = QTableWidget(len(self.headers), 3)
        self.table.setObjectName("mapping_table")
        self.table.setHorizontalHeaderLabels(["文件中的列", "前几行的内容", "对应到"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.combos: list[QComboBox] = []
        guess = {c: m.key for c, m in mapping.matches.items()}
        for col, header in enumerate(self.headers):
            self.table.setItem(col, 0, QTableWidgetItem(f"{col + 1}. {header}"))
            values = [row[col] for row in unclear.preview if col < len(row) and row[col]][:PREVIEW_VALUES]
            self.table.setItem(col, 1, QTableWidgetItem("；".join(values)))
            combo = QComboBox()
            combo.setObjectName(f"map_{col}")
            combo.addItem(UNUSED, "-")
            for spec in self.specs:
                mark = "（必需）" if spec.required else "（建议）" if spec.needed else ""
                combo.addItem(spec.label + mark, spec.key)
            if col in guess:
                combo.setCurrentIndex(combo.findData(guess[col]))
            self.table.setCellWidget(col, 2, combo)
            self.combos.append(combo)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("按此对应导入")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def choose(self, column: int, key: str) -> None:
        """Select a field for a column (tests and keyboard users alike)."""
        combo = self.combos[column]
        combo.setCurrentIndex(combo.findData(key))

    def manual(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for col, combo in enumerate(self.combos):
            header = self.headers[col]
            # a blank or repeated header is named by its column number
            name = header if header and self.headers.count(header) == 1 else str(col + 1)
            out[name] = combo.currentData()
        return out

    def problem(self) -> str:
        chosen = [c.currentData() for c in self.combos if c.currentData() != "-"]
        labels = {s.key: s.label for s in self.specs}
        twice = sorted({k for k in chosen if chosen.count(k) > 1})
        if twice:
            return "以下内容被选给了多列：" + "、".join(labels[k] for k in twice)
        missing = [s.label for s in self.specs if s.required and s.key not in chosen]
        if missing:
            return "必需的列还没有对应：" + "、".join(missing)
        return ""

    def _accept(self) -> None:
        problem = self.problem()
        if problem:
            show_error(self, problem)
            return
        self.accept()


last_dialog: list[MappingDialog] = []  # the dialog on screen (tests drive it)


def ask_mapping(parent: QWidget, exc: BaseException, again: Callable[[dict[str, str]], None]) -> bool:
    """When `exc` is ColumnsUnclear: show the mapping step and run `again(manual)` once it is accepted.
    False for any other failure (the caller shows it as usual)."""
    if not isinstance(exc, ColumnsUnclear):
        return False
    dialog = MappingDialog(exc, parent)
    last_dialog[:] = [dialog]
    dialog.accepted.connect(lambda: again(dialog.manual()))
    dialog.open()
    return True
