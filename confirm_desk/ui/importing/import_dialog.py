"""Choosing an export file (and optionally photos) to import; the workflow runs the import itself as a job."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from confirm_desk.services.spreadsheets.read import OPEN_PATTERNS
from confirm_desk.ui.importing.file_dialog import ImportFileDialog
from confirm_desk.ui.widgets.messages import show_error
from confirm_desk.ui.widgets.path_picker import ZIP_FILTER, PathPicker

SHEET_FILTER = f"申请人名单 ({OPEN_PATTERNS});;所有文件 (*)"


class ImportDialog(ImportFileDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("导入申请人", "名单文件", "从系统导出的 .xlsx / .xls / .csv 文件", "选择申请人名单",
                         SHEET_FILTER, "再次导入同一文件不会重复：未变化的申请人保持不变，已确认的结果不会被覆盖。",
                         parent)
        self.photos_picker = PathPicker("可选：照片文件夹或 .zip（文件名为证件号码或报名号）")
        self.photos_picker.add_folder_button("选择文件夹…", "选择照片文件夹")
        self.photos_picker.add_file_button("选择压缩包…", "选择照片压缩包", ZIP_FILTER)
        self.photos_edit = self.photos_picker.edit
        self.form.addRow("照片", self.photos_picker)
        # Shown when the workbook has several visible sheets: the clerk says which one is the export.
        self.sheet_combo = QComboBox()
        self.sheet_combo.addItem("自动（像导出名单的可见工作表）", None)
        self.sheet_label = QLabel("工作表")
        self.form.addRow(self.sheet_label, self.sheet_combo)
        self.file_edit.editingFinished.connect(self._list_sheets)
        self.file_picker.picked.connect(self._list_sheets)
        self._list_sheets()
        self.resize(640, 160)

    def sheet(self) -> str | None:
        """The worksheet chosen, or None for the automatic choice."""
        return self.sheet_combo.currentData()

    def _list_sheets(self) -> None:
        """The workbook's visible sheets, read from its directory only (no cells, no database)."""
        from confirm_desk.services.spreadsheets.read import visible_sheet_names

        file = self.file_picker.path()
        names = visible_sheet_names(file) if file is not None else []
        while self.sheet_combo.count() > 1:
            self.sheet_combo.removeItem(1)
        for name in names:
            self.sheet_combo.addItem(name, name)
        several = len(names) > 1
        self.sheet_combo.setVisible(several)
        self.sheet_label.setVisible(several)

    def paths(self) -> tuple[Path | None, Path | None]:
        """The list file (None: photos only, for applicants already imported) and the photos."""
        return self.file_picker.path(), self.photos_picker.path()

    def start(self) -> None:
        """开始导入: the workflow reads paths() and sheet() once the dialog is accepted. Photos alone are
        attached to the applicants already in the store (they often come later than the list)."""
        photos = self.photos_picker.path()
        if (photos is None or self.file_picker.path() is not None) and self.chosen_file(
                "请选择要导入的名单文件；只补充照片时，只选择照片文件夹或压缩包。") is None:
            return
        if photos is not None and not photos.exists():
            show_error(self, f"照片文件夹或压缩包不存在：{photos}")
            return
        self.accept()
