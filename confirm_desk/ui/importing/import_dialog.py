"""Choosing an export file (and optionally photos) to import; the import itself runs as a job."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.services.spreadsheets.read import OPEN_PATTERNS
from confirm_desk.ui.widgets.messages import show_error

SHEET_FILTER = f"申请人名单 ({OPEN_PATTERNS});;所有文件 (*)"


class ImportDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("导入申请人")
        self.file_edit = QLineEdit(placeholderText="从系统导出的 .xlsx / .xls / .csv 文件")
        self.photos_edit = QLineEdit(placeholderText="可选：照片文件夹或 .zip（文件名为证件号码或报名号）")
        browse_file = QPushButton("选择文件…")
        browse_folder = QPushButton("选择文件夹…")
        browse_zip = QPushButton("选择压缩包…")
        browse_file.clicked.connect(self._choose_file)
        browse_folder.clicked.connect(self._choose_folder)
        browse_zip.clicked.connect(self._choose_zip)

        form = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.file_edit, 1)
        row.addWidget(browse_file)
        form.addRow("名单文件", row)
        row = QHBoxLayout()
        row.addWidget(self.photos_edit, 1)
        row.addWidget(browse_folder)
        row.addWidget(browse_zip)
        form.addRow("照片", row)
        # Shown when the workbook has several visible sheets: the clerk says which one is the export.
        self.sheet_combo = QComboBox()
        self.sheet_combo.addItem("自动（像导出名单的可见工作表）", None)
        self.sheet_label = QLabel("工作表")
        form.addRow(self.sheet_label, self.sheet_combo)
        self.file_edit.editingFinished.connect(self._list_sheets)
        self._list_sheets()
        hint = QLabel("再次导入同一文件不会重复：未变化的申请人保持不变，已确认的结果不会被覆盖。")
        hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("开始导入")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self.resize(640, 160)

    def sheet(self) -> str | None:
        """The worksheet chosen, or None for the automatic choice."""
        return self.sheet_combo.currentData()

    def _list_sheets(self) -> None:
        """The workbook's visible sheets, read from its directory only (no cells, no database)."""
        from confirm_desk.services.spreadsheets.read import visible_sheet_names

        names = visible_sheet_names(Path(self.file_edit.text().strip())) if self.file_edit.text().strip() else []
        while self.sheet_combo.count() > 1:
            self.sheet_combo.removeItem(1)
        for name in names:
            self.sheet_combo.addItem(name, name)
        several = len(names) > 1
        self.sheet_combo.setVisible(several)
        self.sheet_label.setVisible(several)

    def paths(self) -> tuple[Path, Path | None]:
        photos = self.photos_edit.text().strip()
        return Path(self.file_edit.text().strip()), Path(photos) if photos else None

    def _accept(self) -> None:
        file, photos = self.paths()
        if not self.file_edit.text().strip() or not file.is_file():
            show_error(self, "请选择要导入的名单文件。")
            return
        if photos is not None and not photos.exists():
            show_error(self, f"照片文件夹或压缩包不存在：{photos}")
            return
        self.accept()

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择申请人名单", "", SHEET_FILTER)
        if path:
            self.file_edit.setText(path)
            self._list_sheets()

    def _choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "选择照片文件夹")
        if path:
            self.photos_edit.setText(path)

    def _choose_zip(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择照片压缩包", "", "压缩包 (*.zip)")
        if path:
            self.photos_edit.setText(path)
