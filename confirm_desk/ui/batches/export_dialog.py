"""Exporting a synced batch: what the next batch would hold, then the export itself as a job; earlier
batches can be written again exactly as they were."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.domain.actors import ActorLike, actor_name
from confirm_desk.services.audit_trail import local_time
from confirm_desk.services.batches.export import BatchResult
from confirm_desk.services.batches.rows import BatchPlan
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.ops import Store
from confirm_desk.ui.ops import batches as ops
from confirm_desk.ui.widgets.file_dialogs import ask_save
from confirm_desk.ui.widgets.messages import show_error, show_info
from confirm_desk.ui.widgets.rows_model import RowsModel

ZIP_FILTER = "批次压缩包 (*.zip)"


PLAN_HEADERS = ("报名号", "姓名", "确认结果", "修改字段", "上次导出", "确认人", "确认时间")


def plan_rows(plan: BatchPlan) -> list[tuple[object, ...]]:
    """The next batch's rows (up to tens of thousands: a model, not a QTableWidget)."""
    return [
        (r["application_no"], r["name"], r["result"], "、".join(_label(c[0]) for c in r["changes"]),
         f"第{item.previous_batch}批" if item.previous_batch else "", r["operator"], r["at"])
        for item in plan.items for r in (item.row,)
    ]


def _label(key: str) -> str:
    from confirm_desk.domain.fields import FIELDS_BY_KEY

    return FIELDS_BY_KEY[key].label if key in FIELDS_BY_KEY else key


class BatchExportDialog(QDialog):
    exported = Signal(int)  # batch number: the list's 上报 column changed

    def __init__(self, store: Store, account: ActorLike | None, runner: JobRunner | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.operator = store, actor_name(account)
        self.runner = runner or JobRunner(self)
        self.setWindowTitle("导出批次（上报确认结果）")
        self.resize(900, 560)
        self.summary = QLabel("正在汇总…")
        self.summary.setWordWrap(True)
        self.model = RowsModel(PLAN_HEADERS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.path_edit = QLineEdit(placeholderText="保存为 .zip 文件")
        browse = QPushButton("选择…")
        browse.clicked.connect(self._choose_path)
        self.export_button = QPushButton("导出本批")
        self.export_button.clicked.connect(self.export)
        self.previous = QComboBox()
        self.again_button = QPushButton("重新导出所选批次…")
        self.again_button.clicked.connect(self._export_again)

        row = QHBoxLayout()
        row.addWidget(QLabel("保存到"))
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        row.addWidget(self.export_button)
        again = QHBoxLayout()
        again.addWidget(QLabel("已导出的批次"))
        again.addWidget(self.previous, 1)
        again.addWidget(self.again_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addLayout(again)
        layout.addWidget(buttons)
        self.plan: BatchPlan | None = None
        self.refresh()

    def refresh(self) -> None:
        store = self.store
        self.runner.fetch(lambda: ops.next_batch(store), self._show)

    def _show(self, loaded: ops.NextBatch) -> None:
        plan, conflicts, batches = loaded.plan, loaded.conflicts, loaded.batches
        self.plan = plan
        self.model.set_rows(plan_rows(plan))
        text = (f"下一批：第 {plan.number} 批，{len(plan.items)} 人"
                "（自上一批以来新确认、修改或重新打开的申请人）。")
        if not plan.items:
            text = "自上一批以来没有新的确认结果或修改，暂无需要导出的申请人。"
        if conflicts:
            text += f"\n注意：还有 {conflicts} 处导入冲突未处理，本批将按当前（本地）值导出。"
        self.summary.setText(text)
        self.export_button.setEnabled(bool(plan.items))
        if not self.path_edit.text().strip() and plan.items:
            self.path_edit.setText(str(Path.home() / f"确认结果_第{plan.number}批.zip"))
        self.previous.clear()
        for b in batches:
            when = f"{local_time(b.created_at):%Y-%m-%d %H:%M}"
            missing = "，文件缺失：请重新导出" if b.state == "missing" else ""
            self.previous.addItem(f"第 {b.number} 批（{when}，{b.rows} 人{missing}）", b.number)
        self.again_button.setEnabled(bool(batches))

    def export(self) -> None:
        path = Path(self.path_edit.text().strip())
        if not self.path_edit.text().strip():
            show_error(self, "请选择保存批次的 .zip 文件。")
            return
        self.runner.run("导出批次", ops.export_job(self.store, path, self.operator), self._exported)

    def _exported(self, result: BatchResult) -> None:
        show_info(self, f"已导出{result.summary_zh()}\n文件：{result.path}")
        self.path_edit.clear()
        self.exported.emit(result.number)
        self.refresh()

    def _export_again(self) -> None:
        number = self.previous.currentData()
        if number is None:
            return
        path, _ = ask_save(self, "重新导出批次", f"确认结果_第{number}批.zip", ZIP_FILTER)
        if path:
            self.export_again(int(number), Path(path))

    def export_again(self, number: int, path: Path) -> None:
        self.runner.run("重新导出批次", ops.export_again_job(self.store, number, path, self.operator),
                        self._exported_again)

    def _exported_again(self, result: BatchResult) -> None:
        if result.mismatched:
            show_error(self, f"第 {result.number} 批已重新写出，但以下文件与当初的记录不一致：\n"
                             + "\n".join(result.mismatched))
            return
        show_info(self, f"已重新导出{result.summary_zh()}，与原批次一致。\n文件：{result.path}")

    def _choose_path(self) -> None:
        path, _ = ask_save(self, "保存批次", self.path_edit.text(), ZIP_FILTER)
        if path:
            self.path_edit.setText(path)
