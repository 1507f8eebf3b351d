"""国家系统录入: the keying queue beside the national page. One key (F8) copies the next value to type into the
browser; Ctrl+Enter records the applicant as keyed (operator and time, audited)."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.services.keying.queue import FIELD, MISSING, REASON, KeyingItem, KeyingProgress
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.ops import Store
from confirm_desk.ui.ops import keying as ops
from confirm_desk.ui.widgets.rows_model import RowsModel, report_table

QUEUE_HEADERS = ("报名号", "姓名", "确认结论", "修改字段", "说明")
STEP_HEADERS = ("步骤", "国家系统现值", "应录入（复制）")
COPY_KEYS = ("F8",)
DONE_KEYS = ("Ctrl+Return", "Ctrl+Enter")


class KeyingView(QDialog):
    """`KeyingView(store, operator, runner)`; `keyed` carries the applicant id after each mark."""

    keyed = Signal(int)

    def __init__(self, store: Store, operator: str, runner: JobRunner, parent: QWidget | None = None,
                 national: object = None) -> None:
        super().__init__(parent)
        self.store, self.operator, self.runner = store, operator, runner
        self.queue: list[KeyingItem] = []
        self.progress: KeyingProgress | None = None
        self.step_index = 0
        self.setWindowTitle("国家系统录入")
        self.resize(1200, 640)

        self.progress_label = QLabel()
        bold = QFont(self.progress_label.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.15)
        self.progress_label.setFont(bold)
        hint = QLabel("左侧为待录入的申请人（按确认先后）。在国家系统“确认”页面中：按 F8 复制下一项，"
                      "切换到浏览器粘贴；全部录入并提交后，按 Ctrl+Enter 标记“已录入国家系统”。")
        hint.setWordWrap(True)

        self.queue_model = RowsModel(QUEUE_HEADERS, self)
        self.queue_view = report_table(self.queue_model)
        self.queue_view.setSelectionMode(self.queue_view.SelectionMode.SingleSelection)
        self.queue_view.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show_item(cur.row()))

        self.step_model = RowsModel(STEP_HEADERS, self)
        self.step_view = report_table(self.step_model)
        self.step_view.setSelectionMode(self.step_view.SelectionMode.SingleSelection)
        self.step_view.clicked.connect(lambda index: self.copy_step(index.row()))
        self.title = QLabel()
        self.title.setFont(bold)
        self.next_label = QLabel()
        self.next_label.setWordWrap(True)
        self.copied_label = QLabel()
        self.copied_label.setWordWrap(True)
        self.copied_label.setStyleSheet("color: #1b5e20;")
        self.copy_button = QPushButton("复制下一项（F8）")
        self.done_button = QPushButton("已录入国家系统（Ctrl+Enter）")
        self.done_button.setStyleSheet("font-weight: bold;")
        self.copy_button.clicked.connect(self.copy_next)
        self.done_button.clicked.connect(self.mark_done)
        steps_box = QGroupBox("录入步骤（国家系统页面顺序）")
        steps_layout = QVBoxLayout(steps_box)
        steps_layout.addWidget(self.title)
        steps_layout.addWidget(self.step_view, 1)
        steps_layout.addWidget(self.next_label)
        steps_layout.addWidget(self.copied_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(self.done_button)
        steps_layout.addLayout(buttons)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.queue_view)
        splitter.addWidget(steps_box)
        splitter.setSizes([520, 680])

        refresh = QPushButton("刷新（F5）")
        refresh.clicked.connect(self.refresh)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(refresh)
        if callable(national):
            check = QPushButton("国家系统核对…")
            check.clicked.connect(national)
            bottom.addWidget(check)
        bottom.addStretch(1)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.progress_label)
        layout.addWidget(hint)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        for keys, slot in ((COPY_KEYS, self.copy_next), (DONE_KEYS, self.mark_done), (("F5",), self.refresh)):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
                shortcut.activated.connect(slot)
        self.done_button.setEnabled(False)
        self.copy_button.setEnabled(False)
        self.refresh()

    # --- loading ---------------------------------------------------------------------------
    def refresh(self, keep_row: int | None = None) -> None:
        current = self.current_item()
        wanted = current.applicant_id if current is not None and keep_row is None else None

        def done(snapshot: ops.KeyingSnapshot) -> None:
            self.queue, self.progress = snapshot.queue, snapshot.progress
            self.progress_label.setText(snapshot.progress.text())
            self.queue_model.set_rows([_queue_row(i) for i in self.queue], [i.applicant_id for i in self.queue],
                                      [n for n, i in enumerate(self.queue) if i.keyed_before])
            self.queue_view.resizeColumnsToContents()
            row = next((n for n, i in enumerate(self.queue) if i.applicant_id == wanted), None)
            if row is None:
                row = min(keep_row or 0, len(self.queue) - 1)
            self.select_row(row)

        self.runner.run("正在读取待录入名单…", ops.load_keying(self.store), done)

    def select_row(self, row: int) -> None:
        if 0 <= row < len(self.queue):
            index = self.queue_model.index(row, 0)
            self.queue_view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self._show_item(row)
        else:
            self._show_item(-1)

    def current_item(self) -> KeyingItem | None:
        index = self.queue_view.currentIndex()
        return self.queue[index.row()] if index.isValid() and index.row() < len(self.queue) else None

    def _show_item(self, row: int) -> None:
        item = self.queue[row] if 0 <= row < len(self.queue) else None
        self.step_index = 0
        if item is None:
            self.title.setText("没有待录入的申请人" if not self.queue else "请在左侧选择申请人")
            self.step_model.set_rows([])
        else:
            again = "（录入后又有改动，请重新录入）" if item.keyed_before else ""
            self.title.setText(f"{item.application_no}  {item.name}{again}")
            self.step_model.set_rows([(s.label, s.national if s.kind == FIELD else "", s.value) for s in item.steps])
            self.step_view.resizeColumnsToContents()
        self.copied_label.clear()
        self.copy_button.setEnabled(item is not None)
        self.done_button.setEnabled(item is not None and bool(self.operator))
        self._point_at_step()

    def _point_at_step(self) -> None:
        item = self.current_item()
        if item is None:
            self.next_label.clear()
            return
        if self.step_index < len(item.steps):
            step = item.steps[self.step_index]
            self.next_label.setText(f"下一项（F8 复制）：{step.label} — {step.value or '（空）'}")
            self.step_view.selectRow(self.step_index)
        else:
            self.next_label.setText("全部步骤已复制。在国家系统提交后，按 Ctrl+Enter 标记“已录入国家系统”。")
            self.step_view.clearSelection()

    # --- actions ---------------------------------------------------------------------------
    def copy_step(self, row: int) -> None:
        self.step_index = row
        self.copy_next()

    def copy_next(self) -> str | None:
        """Copies the next step's value to the clipboard and moves on; returns what was copied."""
        item = self.current_item()
        if item is None or not item.steps:
            return None
        if self.step_index >= len(item.steps):
            self.step_index = 0  # round again
        step = item.steps[self.step_index]
        QGuiApplication.clipboard().setText(step.value)
        self.copied_label.setText(f"已复制：{step.label} “{step.value}”")
        self.step_index += 1
        self._point_at_step()
        return step.value

    def mark_done(self) -> None:
        item = self.current_item()
        if item is None or not self.operator:
            return
        row = self.queue_view.currentIndex().row()

        def done(result) -> None:
            self.copied_label.setText(result.summary_zh())
            if item.application_no in result.marked:
                self.keyed.emit(item.applicant_id)
            self.refresh(keep_row=row)  # the next applicant moves up into this row

        self.runner.run("正在记录…", ops.mark_keyed(self.store, item, self.operator), done,
                        on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        from confirm_desk.domain.errors import KnownError
        from confirm_desk.ui.widgets.messages import show_bug, show_error

        if isinstance(exc, KnownError):
            show_error(self, exc.message)
            self.refresh()
        else:
            show_bug(self, exc)


def _queue_row(item: KeyingItem) -> tuple[str, ...]:
    fields = "、".join(s.label for s in item.steps if s.kind == FIELD)
    conclusion = item.status.label if item.decided_here else "—"
    notes = [f"{s.label}：{s.value}" for s in item.steps if s.kind in (REASON, MISSING)]
    if item.keyed_before:
        notes.insert(0, "录入后又有改动")
    return (item.application_no, item.name, conclusion, fields or "—", "；".join(notes))
