"""What an import did: counts, then every row error and photo problem in a table."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.services.importing.applicants import ImportResult
from confirm_desk.services.importing.error_report import REPORT_HEADERS, report_rows, write_row_errors
from confirm_desk.ui.widgets.file_dialogs import ask_save
from confirm_desk.ui.widgets.messages import show_error, show_info
from confirm_desk.ui.widgets.rows_model import RowsModel, report_table


class ImportResultDialog(QDialog):
    def __init__(self, result: ImportResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.import_result = result
        self.setWindowTitle(f"导入结果 — {result.file}")
        self.resize(900, 480)
        self.summary = QLabel(result.summary_zh())
        self.summary.setWordWrap(True)
        rows = report_rows(result)
        self.model = RowsModel(REPORT_HEADERS, self)  # one row per row error: as long as the file is bad
        self.model.set_rows(rows)
        self.table = report_table(self.model)
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        save = QPushButton("导出错误报告…")
        save.setEnabled(bool(rows))
        save.clicked.connect(self._save)
        buttons.addButton(save, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        if rows:
            layout.addWidget(QLabel("以下行未导入或需要注意："))
            layout.addWidget(self.table, 1)
        else:
            layout.addWidget(QLabel("全部导入成功，没有错误。"))
        layout.addWidget(buttons)

    def _save(self) -> None:
        path, _ = ask_save(self, "导出错误报告", "导入错误.xlsx", "Excel (*.xlsx);;CSV (*.csv)")
        if not path:
            return
        try:
            write_row_errors(self.import_result, Path(path))
        except OSError as exc:
            show_error(self, f"无法保存错误报告：{exc}")
            return
        show_info(self, f"错误报告已保存到 {path}")
