"""帮助 → 使用说明 (resources/help/usage_zh.html in a QTextBrowser) and 帮助 → 关于 (version, licences)."""

from __future__ import annotations

import html
import sys

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

from confirm_desk import APP_NAME_ZH, __version__
from confirm_desk.paths import help_path, icon_path, resources_dir

# What the installed folder carries besides our own code, and under which licence.
BUNDLED = (
    ("文泉驿微米黑 WenQuanYi Micro Hei（界面与打印字体）", "Apache-2.0 或 GPL-3（附字体例外）"),
    ("Qt 6 / PySide6", "LGPL-3"),
    ("ReportLab", "BSD"),
    ("Pillow", "HPND"),
    ("SQLAlchemy、Alembic", "MIT"),
    ("openpyxl", "MIT"),
    ("python-calamine", "MIT"),
    ("argon2-cffi", "MIT"),
    ("segno", "BSD"),
    ("Python", "PSF-2.0"),
)
FONT_COPYRIGHT = "fonts/wqy-microhei-COPYRIGHT.txt"


def _close_button(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
    buttons.rejected.connect(dialog.reject)
    return buttons


class TextDialog(QDialog):
    """A read-only text page with a close button."""

    def __init__(self, title: str, size: tuple[int, int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(*size)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("help_browser")
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(_close_button(self))


class HelpDialog(TextDialog):
    """`HelpDialog(parent)`: the five-step workflow and the shortcuts, from resources/help/usage_zh.html."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("使用说明", (760, 720), parent)  # Qt adds " — 确认台" (the application's display name)
        path = help_path()
        self.browser.setSearchPaths([str(path.parent)])
        self.browser.setHtml(path.read_text(encoding="utf-8"))


class AboutDialog(QDialog):
    """`AboutDialog(parent)`: version, what it is, and the licences of the bundled parts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"关于{APP_NAME_ZH}")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        rows = "".join(f"<tr><td>{html.escape(part)}</td><td>{html.escape(licence)}</td></tr>"
                       for part, licence in BUNDLED)
        python = sys.version.split()[0]
        self.text = QLabel(
            f"<table><tr><td><img src='{icon_path().as_uri()}' width='64' height='64'></td>"
            f"<td style='padding-left:12px'><h2>{APP_NAME_ZH} ConfirmDesk</h2>"
            f"<p>版本 {__version__}（Python {python}）<br>"
            "教师资格定期注册现场确认工具（离线版）</p></td></tr></table>"
            f"<p><b>随附的组件及其许可证：</b></p><table cellspacing='0' cellpadding='2'>{rows}</table>"
            f"<p><a href='font'>查看字体版权与许可全文</a></p>"
        )
        self.text.setObjectName("about_text")
        self.text.setWordWrap(True)
        self.text.linkActivated.connect(self.show_font_licence)
        layout.addWidget(self.text)
        layout.addWidget(_close_button(self))
        self.licence_dialog: TextDialog | None = None

    def show_font_licence(self, _link: str = "") -> None:
        dialog = TextDialog("字体版权与许可", (640, 560), self)
        text = (resources_dir() / FONT_COPYRIGHT).read_text(encoding="utf-8", errors="replace")
        dialog.browser.setPlainText(text)
        self.licence_dialog = dialog
        dialog.open()
