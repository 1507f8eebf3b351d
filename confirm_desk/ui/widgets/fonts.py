"""Registers the bundled CJK font so Chinese shows on machines that have none."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from confirm_desk.paths import font_path

log = logging.getLogger(__name__)


def install_cjk_font(app: QApplication) -> str | None:
    font_id = QFontDatabase.addApplicationFont(str(font_path()))
    if font_id < 0:
        log.warning("bundled CJK font could not be loaded from %s", font_path())
        return None
    families = QFontDatabase.applicationFontFamilies(font_id)
    if not families:
        return None
    family = families[0]
    font = QFont(family, app.font().pointSize())
    app.setFont(font)
    return family
