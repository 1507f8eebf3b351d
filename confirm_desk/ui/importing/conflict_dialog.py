"""Reviewing import conflicts: per field, keep the value set here or take the newer export's value."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.domain.actors import ActorLike
from confirm_desk.services.importing.conflicts import Choice
from confirm_desk.services.importing.reconcile import PendingConflict
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.ops import Store
from confirm_desk.ui.ops import importing as ops
from confirm_desk.ui.widgets.messages import show_info

HEADERS = ("报名号", "姓名", "字段", "本地值（确认点修改）", "导入值（新名单）", "处理")
COL_CHOICE = len(HEADERS) - 1


class ConflictReviewDialog(QDialog):
    resolved = Signal(list)  # applicant ids whose values or sync state changed

    def __init__(self, store: Store, account: ActorLike | None, parent: QWidget | None = None,
                 runner: JobRunner | None = None) -> None:
        super().__init__(parent)
        self.store, self.account = store, account
        self.runner = runner or JobRunner(self)
        self.setWindowTitle("导入冲突处理")
        self.resize(960, 480)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        # Conflicts are few (fields edited here that a newer export also changed): a widget table is right.
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        keep_all = QPushButton("全部保留本地值")
        take_all = QPushButton("全部采用导入值")
        keep_all.clicked.connect(lambda: self.choose_all(Choice.KEEP))
        take_all.clicked.connect(lambda: self.choose_all(Choice.TAKE))
        self.apply_button = QPushButton("应用所选处理")
        self.apply_button.clicked.connect(self.apply)
        row = QHBoxLayout()
        row.addWidget(keep_all)
        row.addWidget(take_all)
        row.addStretch(1)
        row.addWidget(self.apply_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.pending: list[PendingConflict] = []
        self.reload()

    def reload(self) -> None:
        store = self.store
        self.runner.fetch(lambda: ops.pending_conflicts(store), self._show)

    def _show(self, pending: list[PendingConflict]) -> None:
        self.pending = pending
        self.table.setRowCount(len(self.pending))
        for r, c in enumerate(self.pending):
            for col, value in enumerate((c.application_no, c.name, c.label, c.local, c.incoming)):
                self.table.setItem(r, col, QTableWidgetItem(value))
            combo = QComboBox()
            for choice in Choice:
                combo.addItem(choice.label, choice.value)
            self.table.setCellWidget(r, COL_CHOICE, combo)
        self.table.resizeColumnsToContents()
        self.apply_button.setEnabled(bool(self.pending))
        self.summary.setText(
            f"新导入的名单与确认点的修改有 {len(self.pending)} 处不一致。导入时已保留本地值；"
            "请逐项选择保留本地值或采用导入值（每项处理都记入审计）。"
            if self.pending else "没有待处理的导入冲突。"
        )

    def _combo(self, row: int) -> QComboBox:
        combo = self.table.cellWidget(row, COL_CHOICE)
        assert isinstance(combo, QComboBox)  # every row gets one in load()
        return combo

    def choice_at(self, row: int) -> Choice:
        return Choice(self._combo(row).currentData())

    def set_choice(self, row: int, choice: Choice) -> None:
        combo = self._combo(row)
        combo.setCurrentIndex(combo.findData(choice.value))

    def choose_all(self, choice: Choice) -> None:
        for r in range(self.table.rowCount()):
            self.set_choice(r, choice)

    def apply(self) -> None:
        picks = {c.id: self.choice_at(r) for r, c in enumerate(self.pending)}
        ids = sorted({c.applicant_id for c in self.pending})
        store, account = self.store, self.account

        def done(count: int) -> None:
            show_info(self, f"已处理 {count} 处冲突。")
            self.resolved.emit(ids)
            self.reload()

        # A refusal is shown by the runner as its plain message; nothing was settled.
        self.runner.fetch(lambda: ops.resolve_conflicts(store, picks, account), done)
