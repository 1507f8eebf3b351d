"""The main window's entries for the national system: 国家系统录入 (Ctrl+K), 国家系统核对 (Ctrl+Shift+K) and
导出当前列表 (the list as on screen, Ctrl+Shift+X). They join the window's menus (`MainActions`) and open their
views through its workflow."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from confirm_desk.ui.main.actions import MainActions
    from confirm_desk.ui.main.applicant_list import ApplicantListPanel
    from confirm_desk.ui.main.dashboard import DashboardPanel
    from confirm_desk.ui.main.workflow import Workflow


def install(menus: MainActions, flow: Workflow, dashboard: Callable[[], DashboardPanel]) -> None:
    """`dashboard()` gives the window's panel (built after the window's first paint: asked when used)."""

    def action(text: str, slot, shortcut: str) -> QAction:
        act = QAction(text, flow.host)
        act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(slot)
        return act

    menus.act_keying = action("国家系统录入…", lambda: show_keying(flow, dashboard()), "Ctrl+K")
    menus.act_national = action("国家系统核对…", lambda: show_national(flow), "Ctrl+Shift+K")
    menus.act_export_list = action("导出当前列表…", lambda: export_list(flow), "Ctrl+Shift+X")
    menus.view_menu.insertAction(menus.act_full_ids, menus.act_keying)
    menus.view_menu.insertAction(menus.act_full_ids, menus.act_national)
    menus.view_menu.insertSeparator(menus.act_full_ids)
    actions = menus.file_menu.actions()  # after the other exports (the 导出 group), before what follows them
    after = actions.index(menus.act_export_day) + 1 if menus.act_export_day in actions else len(actions)
    if after < len(actions):
        menus.file_menu.insertAction(actions[after], menus.act_export_list)
    else:
        menus.file_menu.addAction(menus.act_export_list)
    menus.toolbar.addAction(menus.act_keying)


def show_keying(flow: Workflow, dashboard: DashboardPanel | None = None):
    from confirm_desk.ui.keying.view import KeyingView

    view = KeyingView(flow.store, flow.operator, flow.runner, flow.host, national=lambda: show_national(flow))
    if dashboard is not None:
        view.keyed.connect(lambda _id: dashboard.refresh())
    flow.show_dialog(view)
    return view


def show_national(flow: Workflow):
    from confirm_desk.ui.keying.national_view import NationalView

    view = NationalView(flow.store, flow.operator, flow.runner, flow.host, open_applicant=flow.open_applicant)
    flow.show_dialog(view)
    return view


def export_list(flow: Workflow, path: str | None = None) -> None:
    """The rows matching the list's criteria, the columns on screen, ID numbers in full."""
    from confirm_desk.ui.main.applicant_model import COLUMN_KEYS
    from confirm_desk.ui.ops.list_export import export_list as job
    from confirm_desk.ui.widgets.file_dialogs import ask_save
    from confirm_desk.ui.widgets.messages import show_info

    applicants: ApplicantListPanel = flow.applicants
    if path is None:
        path, _ = ask_save(flow.host, "导出当前列表", "申请人名单.xlsx", "Excel (*.xlsx)")
        if not path:
            return
    hidden = applicants.table.horizontalHeader().isSectionHidden
    keys = [k for n, k in enumerate(COLUMN_KEYS) if not hidden(n)]
    flow.runner.run("正在导出名单…", job(flow.store, applicants.model.criteria, keys, Path(path)),
                    lambda rows: show_info(flow.host, f"已导出 {rows} 人到 {path}"))
