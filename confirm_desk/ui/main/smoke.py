"""The Qt part of the self-test: the pieces a frozen build can lose (plugins, font, QtPdf, the window)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QLibraryInfo, qInstallMessageHandler
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from confirm_desk.ui.ops import Store

log = logging.getLogger(__name__)


def qt_smoke(store: Store, photo: Path | None, pdf: Path | None) -> str:
    # Qt's notes (e.g. the offscreen plugin's) go to the log: the report stays a few plain lines.
    previous = qInstallMessageHandler(lambda _mode, _context, message: log.info("qt: %s", message))
    try:
        return _smoke(store, photo, pdf)
    finally:
        qInstallMessageHandler(previous)


def _smoke(store: Store, photo: Path | None, pdf: Path | None) -> str:
    from confirm_desk.ui.main.window import MainWindow
    from confirm_desk.ui.widgets.app_policy import apply_policies
    from confirm_desk.ui.widgets.fonts import install_cjk_font

    running = QApplication.instance()  # a widgets application: this process has only ever made one
    app = running if isinstance(running, QApplication) else QApplication(["confirm-desk", "--self-test"])
    family = install_cjk_font(app)
    if not family:
        raise RuntimeError("内置中文字体无法加载")
    if not apply_policies(app):
        raise RuntimeError("Qt 自带的中文翻译（qtbase_zh_CN）未能加载：标准对话框的按钮会是英文")
    if photo is not None:
        image = QImage()
        # JPEG comes from the imageformats plugin: a build without it shows no photos.
        if not image.loadFromData(photo.read_bytes()) or image.width() != 114:
            raise RuntimeError("Qt 无法读取 JPEG 照片（缺少 imageformats 插件？）")
    pages = _pdf_pages(pdf) if pdf is not None else 0
    window = MainWindow(store, None)
    window.show()
    app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 200)
    deadline = time.monotonic() + 20  # the list arrives from the job runner's thread
    while window.runner.busy and time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        window.runner.wait_idle(50)
    rows = window.model.rowCount()
    shot = window.grab()
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, 0)
    if shot.isNull() or rows == 0:
        raise RuntimeError(f"主窗口未能显示（{rows} 行）")
    return (f"Qt {QLibraryInfo.version().toString()}（{app.platformName()}），字体 {family}，"
            f"主窗口 {rows} 行，PDF 预览 {pages} 页，Qt 中文翻译已加载")


def _pdf_pages(pdf: Path) -> int:
    from PySide6.QtPdf import QPdfDocument

    document = QPdfDocument()
    error = document.load(str(pdf))
    if error != QPdfDocument.Error.None_ or document.pageCount() < 1:
        raise RuntimeError(f"QtPdf 无法打开 PDF（{error}）")
    image = document.render(0, document.pagePointSize(0).toSize())
    if image.isNull():
        raise RuntimeError("QtPdf 无法渲染页面")
    return document.pageCount()
