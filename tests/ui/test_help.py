"""帮助 menu: the usage page (five steps, shortcuts) and the About box (version, licences)."""

from __future__ import annotations

from confirm_desk import __version__
from confirm_desk.ui.settings.help_dialog import AboutDialog, HelpDialog


def test_usage_page_has_the_five_steps_and_the_shortcuts(qtbot, store, make_window) -> None:
    window = make_window(store)
    assert [a.text() for a in window.menus.help_menu.actions()] == ["使用说明", "关于"]
    assert window.menus.act_help.shortcut().toString() == "F1"
    window.menus.act_help.trigger()
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, HelpDialog)
    text = dialog.browser.toPlainText()
    positions = [text.index(f"{n}\n{step}") if f"{n}\n{step}" in text else text.index(f"{n} {step}")
                 for n, step in enumerate(("导入", "核对", "确认", "打印", "导出"), 1)]
    assert positions == sorted(positions)
    for keys in ("Ctrl+I", "Ctrl+F", "F9", "Ctrl+S", "F1", "Ctrl+,"):
        assert keys in text
    # Every shortcut of the main window is on the page.
    for action in window.findChildren(type(window.menus.act_help)):
        if not action.shortcut().isEmpty():
            assert action.shortcut().toString().replace("Return", "Enter") in text, action.text()


def test_about_box_names_version_and_licences(qtbot, store, make_window) -> None:
    window = make_window(store)
    window.menus.act_about.trigger()
    dialog = window.open_dialogs[-1]
    assert isinstance(dialog, AboutDialog)
    text = dialog.text.text()
    assert f"版本 {__version__}" in text
    for part in ("文泉驿微米黑", "GPL-3（附字体例外）", "PySide6", "LGPL-3", "ReportLab", "Pillow", "HPND",
                 "Alembic", "openpyxl", "argon2-cffi", "segno", "python-calamine"):
        assert part in text
    dialog.show_font_licence()
    assert "Apache" in dialog.licence_dialog.browser.toPlainText()
