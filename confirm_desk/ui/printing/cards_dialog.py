"""网报填写卡: for every teacher of the staff list or one school's (as `print cards --school`), then the preview."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.ops import Store
from confirm_desk.ui.ops import papers as ops
from confirm_desk.ui.printing.preview_dialog import PrintPreviewDialog

EMPTY = "教职工名单为空：请先导入教职工名单（文件 → 导入教职工名单）。"


class CardsDialog(QDialog):
    """Choose all schools or one; 生成 makes the PDF off the GUI thread and opens its preview."""

    def __init__(self, store: Store, runner: JobRunner, parent: QWidget | None = None,
                 on_preview: Callable[[PrintPreviewDialog], None] | None = None) -> None:
        super().__init__(parent)
        self.store, self.runner, self.on_preview = store, runner, on_preview
        self.setWindowTitle("网报填写卡")
        self.school = QComboBox()
        self.school.setObjectName("cards_school")
        self.school.setMinimumContentsLength(24)
        self.school.addItem("正在读取教职工名单…", "")
        self.note = QLabel("每位教师一页（注册机构、确认点、学校全称等按教职工名单填好），供网上报名时对照填写。")
        self.note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("学校", self.school)
        ok, cancel = QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Cancel
        self.buttons = QDialogButtonBox(ok | cancel)
        self.ok_button = self.buttons.button(ok)
        self.ok_button.setText("生成")
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self.resize(600, 150)
        runner.fetch(lambda: ops.card_schools(store), self.show_schools)

    def show_schools(self, schools: list[tuple[str, int]]) -> None:
        self.school.clear()
        total = sum(count for _school, count in schools)
        if not total:
            self.school.addItem("（无）", "")
            self.note.setText(EMPTY)
            return
        self.school.addItem(f"全部学校（{len(schools)} 所，{total} 人）", "")
        for school, count in schools:
            if school:
                self.school.addItem(f"{school}（{count} 人）", school)
        self.ok_button.setEnabled(True)

    def chosen_school(self) -> str:
        """The school chosen; "" for all of them."""
        return str(self.school.currentData() or "")

    def accept(self) -> None:
        from confirm_desk.ui.printing import print_ops

        print_ops.print_cards(self.parentWidget(), self.store, self.runner, self.chosen_school(), self.on_preview)
        super().accept()
