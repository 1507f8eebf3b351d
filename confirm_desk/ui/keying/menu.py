"""The main window's entries for the national system: 国家系统录入 (Ctrl+K), 国家系统核对 (Ctrl+Shift+K) and
导出当前列表 (the list as on screen, Ctrl+Shift+X)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog

from confirm_desk.ui.widgets.messages import show_info

if TYPE_CHECKING:
    from confirm_desk.ui.main.window import MainWindow


def install(window: MainWindow) -> None:
    def action(text: str, slot, shortcut: str) -> QAction:
        act = QAction(text, window)
        act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(slot)
        return act

    window.act_keying = action("国家系统录入…", lambda: show_keying(window), "Ctrl+K")
    window.act_national = action("国家系统核对…", lambda: show_national(window), "Ctrl+Shift+K")
    window.act_export_list = action("导出当前列表…", lambda: export_list(window), "Ctrl+Shift+X")
    window.view_menu.insertAction(window.act_full_ids, window.act_keying)
    window.view_menu.insertAction(window.act_full_ids, window.act_national)
    window.view_menu.insertSeparator(window.act_full_ids)
    actions = window.file_menu.actions()  # after the other exports (the 导出 group), before what follows them
    after = actions.index(window.act_export_day) + 1 if window.act_export_day in actions else len(actions)
    if after < len(actions):
        window.file_menu.insertAction(actions[after], window.act_export_list)
    else:
        window.file_menu.addAction(window.act_export_list)
    window.toolbar.addAction(window.act_keying)


def show_keying(window: MainWindow):
    from confirm_desk.ui.keying.view import KeyingView

    view = KeyingView(window.store, window.operator, window.runner, window, national=lambda: show_national(window))
    view.keyed.connect(lambda _id: window.dashboard.refresh())
    window._show_dialog(view)
    return view


def show_national(window: MainWindow):
    from confirm_desk.ui.keying.national_view import NationalView

    view = NationalView(window.store, window.operator, window.runner, window, open_applicant=window.open_applicant)
    window._show_dialog(view)
    return view


def export_list(window: MainWindow, path: str | None = None) -> None:
    """The rows matching the list's criteria, the columns on screen, ID numbers in full."""
    from confirm_desk.ui.main.applicant_model import COLUMN_KEYS
    from confirm_desk.ui.ops.list_export import export_list as job

    if path is None:
        path, _ = QFileDialog.getSaveFileName(window, "导出当前列表", "申请人名单.xlsx", "Excel (*.xlsx)")
        if not path:
            return
    hidden = window.table.horizontalHeader().isSectionHidden
    keys = [k for n, k in enumerate(COLUMN_KEYS) if not hidden(n)]
    window.runner.run("正在导出名单…", job(window.store, window.model.criteria, keys, Path(path)),
                      lambda rows: show_info(window, f"已导出 {rows} 人到 {path}"))
