"""“规范照片”: normalise many applicants' photos as a cancellable job, then list what failed."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.services.photos.applicant_photos import NormalizeBatchResult
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.ops import Store
from confirm_desk.ui.ops.photos import normalize_photos_job
from confirm_desk.ui.widgets.rows_model import RowsModel, report_table

HEADERS = ("报名号", "姓名", "结果", "原因")
_open: list[QDialog] = []  # result dialogs without a parent, kept alive until closed


class PhotoBatchResultDialog(QDialog):
    """Counts, then one row per photo that failed or needs a look."""

    def __init__(self, result: NormalizeBatchResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.batch_result = result
        self.setWindowTitle("规范照片 — 结果")
        self.resize(760, 420)
        self.summary = QLabel(result.summary_zh())
        rows = [(f, "失败") for f in result.failures] + [(w, "需留意") for w in result.warnings]
        self.model = RowsModel(HEADERS, self)  # one row per failed photo: as long as the batch
        self.model.set_rows([(item.application_no, item.name, outcome, item.message) for item, outcome in rows])
        self.table = report_table(self.model)
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        if rows:
            hint = "以下照片未能规范或需要留意（可在“裁剪照片”中逐张处理，或重新导入照片）："
            layout.addWidget(QLabel(hint))
            layout.addWidget(self.table, 1)
        else:
            layout.addWidget(QLabel("全部照片已规范为 114×156。"))
        layout.addWidget(buttons)


def normalize_photos(parent: QWidget | None, store: Store, applicant_ids: Sequence[int] | None, operator: str,
                     runner: JobRunner,
                     on_done: Callable[[NormalizeBatchResult], None] | None = None) -> None:
    """Run the batch off the GUI thread (None: every applicant with a photo), then show the result.
    `on_done` (e.g. the main window's reload) runs before the result dialog opens."""
    count = "全部" if applicant_ids is None else f"{len(applicant_ids)} 人的"

    def done(result: NormalizeBatchResult) -> None:
        if on_done is not None:
            on_done(result)
        dialog = PhotoBatchResultDialog(result, parent)
        if parent is None:
            _open.append(dialog)
            dialog.finished.connect(lambda _r: _open.remove(dialog))
        dialog.open()  # not exec(): never blocks, and tests can find it among the parent's children

    runner.run(f"正在规范{count}照片", normalize_photos_job(store, applicant_ids, operator), done)
