"""Preview of a generated PDF with page navigation, the system print dialog and "save as PDF"."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.services.output_files import atomic_output
from confirm_desk.ui.widgets.file_dialogs import ask_save
from confirm_desk.ui.widgets.messages import show_error, show_info

log = logging.getLogger(__name__)
PRINT_DPI = 300


class PrintPreviewDialog(QDialog):
    """Shows `pdf_path`; `on_printed()` runs after the pages went to a printer (to record the print). `save_name`:
    the name 另存为 PDF suggests (the generated file's own name, a time stamp, says nothing to a clerk)."""

    def __init__(self, pdf_path: Path, title: str = "打印预览", on_printed: Callable[[], None] | None = None,
                 delete_on_close: bool = False, parent: QWidget | None = None, save_name: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.pdf_path = Path(pdf_path)
        self.save_name = save_name or self.pdf_path.name
        self.on_printed = on_printed
        self.delete_on_close = delete_on_close
        self.document = QPdfDocument(self)
        error = self.document.load(str(self.pdf_path))
        if error != QPdfDocument.Error.None_:
            log.error("cannot load %s: %s", self.pdf_path, error)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.SinglePage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self.view.pageNavigator().currentPageChanged.connect(self._update_page_label)

        self.prev_button = QPushButton("上一页")
        self.next_button = QPushButton("下一页")
        self.page_label = QLabel()
        self.save_button = QPushButton("另存为 PDF…")
        self.print_button = QPushButton("打印…")
        self.print_button.setDefault(True)
        close_button = QPushButton("关闭")
        self.prev_button.clicked.connect(lambda: self.go_to(self.current_page() - 1))
        self.next_button.clicked.connect(lambda: self.go_to(self.current_page() + 1))
        self.save_button.clicked.connect(lambda: self.save_as())
        self.print_button.clicked.connect(self.print_with_dialog)
        close_button.clicked.connect(self.reject)

        bar = QHBoxLayout()
        for widget in (self.prev_button, self.page_label, self.next_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        for widget in (self.save_button, self.print_button, close_button):
            bar.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)
        self.resize(760, 960)
        self._update_page_label()

    # --- pages ----------------------------------------------------------------------------
    def page_count(self) -> int:
        return self.document.pageCount()

    def current_page(self) -> int:
        return self.view.pageNavigator().currentPage()

    def go_to(self, page: int) -> None:
        if 0 <= page < self.page_count():
            self.view.pageNavigator().jump(page, QPointF(), self.view.pageNavigator().currentZoom())
        self._update_page_label()

    def _update_page_label(self, *_args: object) -> None:
        page, count = self.current_page(), self.page_count()
        self.page_label.setText(f"第 {page + 1} / {count} 页" if count else "（无内容）")
        self.prev_button.setEnabled(page > 0)
        self.next_button.setEnabled(page + 1 < count)

    # --- output ---------------------------------------------------------------------------
    def save_as(self, target: Path | None = None) -> Path | None:
        """A copy of the PDF where the clerk chooses (asked when `target` is None), said when it is there. Saving
        is not printing: the print is recorded only when the pages go to a printer."""
        asked = target is None
        if target is None:
            name, _ = ask_save(self, "另存为 PDF", self.save_name, "PDF 文件 (*.pdf)")
            if not name:
                return None
            target = Path(name)
        try:
            with atomic_output(target) as temp:
                shutil.copyfile(self.pdf_path, temp)
        except OSError as exc:
            show_error(self, f"无法保存到 {target}：{exc.strerror or exc}")
            return None
        if asked:  # for papers whose print is recorded, saying that a saved copy is not a print
            show_info(self, f"已保存到 {target}" + (
                "\n（另存的 PDF 不算已打印：打印后，“待打印”才会减少）" if self.on_printed is not None else ""))
        return target

    def print_with_dialog(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.windowTitle())
        if self.page_count():  # start from the PDF's own paper (A4), not the locale's default
            size = self.document.pagePointSize(0)
            printer.setPageSize(QPageSize(size, QPageSize.Unit.Point))
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, max(1, self.page_count()))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Each page rendered at 300 dpi onto the printer at its true size; returns pages sent."""
        count = self.page_count()
        first, last = 0, count - 1
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            first, last = printer.fromPage() - 1, min(printer.toPage() - 1, count - 1)
        printer.setFullPage(True)  # the layout has its own margins: keep the page 1:1
        progress = QProgressDialog("正在发送到打印机…", "取消", first, last + 1, self)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(500)
        painter = QPainter()
        if not painter.begin(printer):
            show_error(self, "无法开始打印：打印机不可用。")
            return 0
        sent = 0
        try:
            for page in range(first, last + 1):
                if progress.wasCanceled():
                    break
                if page > first:
                    printer.newPage()
                points = self.document.pagePointSize(page)
                image = self.document.render(page, QSize(round(points.width() * PRINT_DPI / 72),
                                                         round(points.height() * PRINT_DPI / 72)))
                painter.drawImage(self._target(printer, points.width(), points.height()), image)
                sent += 1
                progress.setValue(page + 1)
        finally:
            painter.end()
            progress.close()
        if sent and self.on_printed is not None:
            self.on_printed()
        return sent

    @staticmethod
    def _target(printer: QPrinter, width_pt: float, height_pt: float) -> QRectF:
        """True size on the paper (the photo box stays 1:1); shrunk evenly only if the paper is smaller."""
        dpi = printer.resolution()
        width, height = width_pt * dpi / 72, height_pt * dpi / 72
        paper = printer.paperRect(QPrinter.Unit.DevicePixel)
        scale = min(1.0, paper.width() / width, paper.height() / height)
        return QRectF(0, 0, width * scale, height * scale)

    def done(self, result: int) -> None:
        self.document.close()
        if self.delete_on_close:
            self.pdf_path.unlink(missing_ok=True)
        super().done(result)
