"""Message boxes that never block code under test (offscreen): there they are logged and recorded."""

from __future__ import annotations

import logging
import os

from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger(__name__)

# Messages shown while running offscreen (tests read this list instead of clicking boxes).
shown: list[tuple[str, str]] = []


def _offscreen() -> bool:
    return os.environ.get("QT_QPA_PLATFORM") == "offscreen"


def show_error(parent: QWidget | None, text: str, title: str = "出错了") -> None:
    shown.append(("error", text))
    if _offscreen():
        log.info("error box shown (%d characters)", len(text))  # the text may hold personal data
        return
    QMessageBox.warning(parent, title, text)


def show_info(parent: QWidget | None, text: str, title: str = "提示") -> None:
    shown.append(("info", text))
    if _offscreen():
        log.info("info box shown")
        return
    QMessageBox.information(parent, title, text)


# Offscreen answers for ask(): tests push True/False here; default is "yes".
answers: list[bool] = []


def ask(parent: QWidget | None, text: str, title: str = "请确认") -> bool:
    shown.append(("ask", text))
    if _offscreen():
        return answers.pop(0) if answers else True
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    reply = QMessageBox.question(parent, title, text, buttons, QMessageBox.StandardButton.No)
    return reply == QMessageBox.StandardButton.Yes


def show_bug(parent: QWidget | None, exc: BaseException) -> None:
    """An unexpected error: logged in full, shown plainly with the details one click away."""
    import traceback

    from confirm_desk.logs import exception_details

    details = "".join(traceback.format_exception(exc))  # on screen, for the clerk to copy
    log.error("unexpected error:\n%s", exception_details(exc))  # the log never holds the message
    shown.append(("bug", str(exc)))
    if _offscreen():
        return
    box = QMessageBox(QMessageBox.Icon.Critical, "程序内部错误",
                      f"发生了意外错误（{exc.__class__.__name__}），您的数据没有丢失。\n"
                      "详情已写入日志，可点击“显示详细信息”复制后发给技术支持。", parent=parent)
    box.setDetailedText(details)
    box.exec()
