"""What an import did: counts, then every row error and photo problem in a table."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.services.importing.applicants import ImportResult
from confirm_desk.services.importing.error_report import REPORT_HEADERS, report_rows, write_row_errors
from confirm_desk.ui.widgets.messages import show_error, show_info


class ImportResultDialog(QDialog):
    def __init__(self, result: ImportResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result = result
        self.setWindowTitle(f"导入结果 — {result.file}")
        self.resize(900, 480)
        self.summary = QLabel(result.summary_zh())
        self.summary.setWordWrap(True)
        rows = report_rows(result)
        # A small fixed report: a QTableWidget is the right tool here (the big list uses a model).
        self.table = QTableWidget(len(rows), len(REPORT_HEADERS))
        self.table.setHorizontalHeaderLabels(REPORT_HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(str(value)))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
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
        path, _ = QFileDialog.getSaveFileName(self, "导出错误报告", "导入错误.xlsx", "Excel (*.xlsx);;CSV (*.csv)")
        if not path:
            return
        try:
            write_row_errors(self.result, path)
        except OSError as exc:
            show_error(self, f"无法保存错误报告：{exc}")
            return
        show_info(self, f"错误报告已保存到 {path}")
