"""What the import dialogs share: the file picked on the first form row, a hint under the form, 开始导入 / 取消,
and, for the dialogs that run their import as a job, the result dialog afterwards."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from confirm_desk.services.importing.applicants import ImportResult
from confirm_desk.ui.importing.result_dialog import ImportResultDialog
from confirm_desk.ui.widgets.messages import show_error
from confirm_desk.ui.widgets.path_picker import PathPicker


class ImportFileDialog(QDialog):
    """A subclass adds its own rows to `form` and implements `start()`, which 开始导入 calls."""

    def __init__(self, title: str, file_label: str, placeholder: str, caption: str | Callable[[], str],
                 file_filter: str, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.import_result: ImportResult | None = None
        self.result_dialog: ImportResultDialog | None = None
        self.file_picker = PathPicker(placeholder)
        self.file_picker.add_file_button("选择文件…", caption, file_filter)
        self.file_edit = self.file_picker.edit
        self.form = QFormLayout()
        self.form.addRow(file_label, self.file_picker)
        self.hint = QLabel(hint)
        self.hint.setWordWrap(True)
        ok, cancel = QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Cancel
        self.buttons = QDialogButtonBox(ok | cancel)
        self.buttons.button(ok).setText("开始导入")
        self.buttons.accepted.connect(lambda: self.start())
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)

    def start(self) -> None:
        raise NotImplementedError

    def chosen_file(self, missing: str) -> Path | None:
        """The file to import; None (after saying `missing`) when none is given or it is not a file."""
        path = self.file_picker.path()
        if path is None or not path.is_file():
            show_error(self, missing)
            return None
        return path

    def show_result(self, result: ImportResult, title: str,
                    imported: Callable[[ImportResult], None] | None = None) -> None:
        """After the import job: close, show what the import did (beside the window), tell `imported`."""
        self.import_result = result
        self.accept()
        self.result_dialog = ImportResultDialog(result, self.parentWidget())
        self.result_dialog.setWindowTitle(title)
        self.result_dialog.open()
        if imported is not None:
            imported(result)
