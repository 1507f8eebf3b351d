"""照片 → 网报前照片批处理 (issue 23): a folder or zip of staff photos -> 114×156 face-centred <身份证号码>.jpg in
an output folder, run as a cancellable job, then one row per file with its result and problems, and the problem
report saved as .xlsx."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.domain.errors import KnownError
from confirm_desk.services.photos.readiness import ReadinessResult
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.ops.papers import prepare_photos_job, save_report_job
from confirm_desk.ui.widgets.file_dialogs import ask_save
from confirm_desk.ui.widgets.messages import show_bug, show_error, show_info
from confirm_desk.ui.widgets.path_picker import ZIP_FILTER, PathPicker
from confirm_desk.ui.widgets.rows_model import RowsModel, report_table

if TYPE_CHECKING:
    from confirm_desk.ui.ops import Store

HEADERS = ("文件", "身份证号码", "姓名", "结果", "问题")


class ReadinessDialog(QDialog):
    """Choose the photos and the output folder, run, read the results, save the problem report."""

    processed = Signal(object)  # the ReadinessResult of a finished run

    def __init__(self, store: Store | None, runner: JobRunner | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.runner = runner or JobRunner(self)
        self.outcome: ReadinessResult | None = None
        self.setWindowTitle("网报前照片批处理")
        self.setMinimumSize(640, 420)
        self.resize(960, 600)

        source_row = PathPicker("学校统一拍摄的照片所在文件夹，或其压缩包（.zip）")
        source_row.add_folder_button("选择文件夹…", "选择照片所在文件夹")
        source_row.add_file_button("选择压缩包…", "选择照片压缩包", ZIP_FILTER)
        source_row.fill_on_pick = False  # set_source also suggests the output folder
        source_row.picked.connect(self.set_source)
        self.source_edit = source_row.edit

        out_row = PathPicker("生成的 114×156 照片（文件名为身份证号码）存放的文件夹")
        out_row.add_folder_button("选择…", "选择输出文件夹")
        self.out_edit = out_row.edit

        self.by_name = QCheckBox("按教职工名单匹配姓名（文件名是教师姓名时，从教职工名单查身份证号码）")
        self.by_name.setChecked(store is not None)
        self.by_name.setEnabled(store is not None)

        form = QFormLayout()
        form.addRow("照片来源：", source_row)
        form.addRow("输出文件夹：", out_row)
        form.addRow("", self.by_name)

        self.start_button = QPushButton("开始处理")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.summary = QLabel("原照片不会被修改。文件名应为身份证号码（或勾选上方选项后用教师姓名）。")
        self.summary.setWordWrap(True)
        self.model = RowsModel(HEADERS, self)
        self.table = report_table(self.model)
        self.save_button = QPushButton("保存问题报告…")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(lambda: self.save_report())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        run_row = QHBoxLayout()
        run_row.addWidget(self.summary, 1)
        run_row.addWidget(self.start_button)
        layout.addLayout(run_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    # --- choosing ----------------------------------------------------------------------------
    def set_source(self, source: Path) -> None:
        self.source_edit.setText(str(source))
        if not self.out_edit.text().strip():
            base = source.parent / (source.stem if source.is_file() else source.name)
            self.out_edit.setText(f"{base}_网报照片")

    # --- running -----------------------------------------------------------------------------
    def start(self) -> None:
        source, out = self.source_edit.text().strip(), self.out_edit.text().strip()
        if not source or not Path(source).exists():
            show_error(self, "请先选择照片所在的文件夹或压缩包。" if not source else f"找不到“{source}”。")
            return
        if not out:
            show_error(self, "请选择输出文件夹。")
            return
        if Path(out).resolve() == Path(source).resolve():
            show_error(self, "输出文件夹不能与照片来源相同：原照片要保持不变。")
            return
        self.start_button.setEnabled(False)
        self.summary.setText("正在处理…")
        work = prepare_photos_job(self.store, Path(source), Path(out), self.by_name.isChecked())
        self.runner.run("正在处理照片", work, self.show_result, self._failed, self._cancelled)

    def _cancelled(self) -> None:
        self.start_button.setEnabled(True)
        self.summary.setText("已取消：输出文件夹中没有留下本次生成的照片。")

    def _failed(self, exc: BaseException) -> None:
        self.start_button.setEnabled(True)
        self.summary.setText("处理未完成。")
        if isinstance(exc, KnownError):
            show_error(self, exc.message)
        else:
            show_bug(self, exc)

    def show_result(self, result: ReadinessResult) -> None:
        self.outcome = result
        self.start_button.setEnabled(True)
        rows = [(i.source, i.id_number, i.name, i.status, "；".join(i.problems)) for i in result.items]
        alerts = [n for n, i in enumerate(result.items) if i.problems]
        self.model.set_rows(rows, alerts=alerts)
        self.table.resizeColumnsToContents()
        self.summary.setText(result.summary_zh() + f"\n输出到：{self.out_edit.text().strip()}")
        self.save_button.setEnabled(True)
        self.processed.emit(result)

    def save_report(self, path: Path | None = None) -> None:
        if self.outcome is None:
            return
        if path is None:
            default = str(Path(self.out_edit.text().strip() or ".") / "照片问题报告.xlsx")
            chosen, _ = ask_save(self, "保存问题报告", default, "Excel (*.xlsx)")
            if not chosen:
                return
            path = Path(chosen)
        self.runner.run("正在保存问题报告", save_report_job(self.outcome, path),
                        lambda saved: show_info(self, f"问题报告已保存到 {saved}"))
