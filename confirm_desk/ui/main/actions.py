"""The main window's actions, menus and toolbar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar

if TYPE_CHECKING:
    from confirm_desk.ui.main.window import MainWindow


def build_actions(self: MainWindow) -> None:
    """Actions, menus and the toolbar of the main window (kept apart: the window keeps the behaviour)."""
    def action(text: str, slot, shortcut: QKeySequence | str | None = None) -> QAction:
        act = QAction(text, self)
        if shortcut:
            act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(slot)
        return act

    self.act_import = action("导入申请人…", self.import_applicants, "Ctrl+I")
    self.act_refresh = action("刷新", self.reload, QKeySequence.StandardKey.Refresh)
    self.act_open = action("核对确认", self.open_selected, "Return")
    self.act_detail = action("查看详情（只读）", self.show_detail_of_selected, "Ctrl+D")
    self.act_audit = action("审计记录…", self.show_audit)
    self.act_users = action("操作员管理…", self.manage_users)
    self.act_users.setEnabled(bool(self.account and self.account.is_admin))
    self.act_open.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    self.table.addAction(self.act_open)
    self.act_find = action("查找", self.query.focus_search, QKeySequence.StandardKey.Find)
    self.act_list_all = action("列出全部", self.query.clear, "Ctrl+L")
    self.act_crop = action("裁剪照片…", self.crop_photo, "Ctrl+E")
    self.act_export_batch = action("导出上报批次…", self.export_batch, "Ctrl+Shift+B")
    self.act_conflicts = action("处理导入冲突…", self.review_conflicts)
    self.act_export_roster = action("导出花名册…", lambda: self.export_sheet("roster"))
    self.act_export_stats = action("导出统计表…", lambda: self.export_sheet("stats"))
    self.act_import_staff = action("导入教职工名单…", lambda: self.in_real_store(lambda w: w.import_staff()))
    self.act_import_evidence = action("导入证明材料（学时、考核、合同）…",
                                      lambda: self.in_real_store(lambda w: w.import_evidence()))
    self.act_start_real = action("开始正式工作…", lambda: self.start_real_work())
    self.act_start_real.setVisible(False)  # shown in demo mode only
    self.act_export_day = action("导出当日工作包…", self.export_day)
    self.act_coverage = action("应注册情况…", self.show_coverage)
    self.act_follow_up = action("补正跟进…", self.show_follow_up)
    self.act_print_notice = action("打印补正通知单…", lambda: self.print_selected("notice"))
    self.act_photo_review = action("照片审核…", self.review_photos, "Ctrl+Shift+E")
    self.act_print_receipt = action("打印受理凭证…", lambda: self.print_selected("receipt"), "Ctrl+P")
    self.act_print_form = action("打印申请表…", lambda: self.print_selected("form"), "Ctrl+Shift+P")
    self.act_batch_receipts = action("所有已确认未打印的受理凭证…", lambda: self.print_unprinted("receipt"))
    self.act_batch_forms = action("所有已确认未打印（或需重打）的申请表…", lambda: self.print_unprinted("form"))
    self.act_normalize_selected = action("规范所选照片（114×156）", lambda: self.normalize(self.selected_ids()))
    self.act_normalize_all = action("规范全部照片…", lambda: self.normalize(None))
    self.act_full_ids = action("显示完整证件号码", self._toggle_full_ids)
    self.act_full_ids.setCheckable(True)
    self.act_backup = action("备份数据…", lambda: self.backup_data())
    self.act_restore = action("从备份恢复…（管理员）", lambda: self.restore_data())
    self.act_restore.setEnabled(bool(self.account and self.account.is_admin))
    self.act_quit = action("退出", self.close, QKeySequence.StandardKey.Quit)
    self.act_prefs = action("首选项…", self.edit_preferences, "Ctrl+,")
    self.act_help = action("使用说明", self.show_help, QKeySequence.StandardKey.HelpContents)
    self.act_about = action("关于", self._about)

    menu = self.menuBar().addMenu("文件(&F)")
    for act in (self.act_import, self.act_import_staff, self.act_import_evidence, self.act_conflicts,
                self.act_start_real):
        menu.addAction(act)
    menu.addSeparator()
    for act in (self.act_export_batch, self.act_export_roster, self.act_export_stats, self.act_export_day):
        menu.addAction(act)
    self.file_menu = menu
    menu.addSeparator()
    menu.addAction(self.act_backup)
    menu.addAction(self.act_restore)
    menu.addSeparator()
    menu.addAction(self.act_quit)
    self.edit_menu = self.menuBar().addMenu("编辑(&E)")
    self.edit_menu.addAction(self.act_prefs)
    menu = self.menuBar().addMenu("查看(&V)")
    for act in (self.act_find, self.act_list_all, self.act_refresh, self.act_open, self.act_detail,
                self.act_audit):
        menu.addAction(act)
    menu.addSeparator()
    for act in (self.act_coverage, self.act_follow_up):
        menu.addAction(act)
    menu.addSeparator()
    menu.addAction(self.act_full_ids)
    self.view_menu = menu
    self.print_menu = self.menuBar().addMenu("打印(&P)")
    self.print_menu.addAction(self.act_print_receipt)
    self.print_menu.addAction(self.act_print_form)
    self.print_menu.addAction(self.act_print_notice)
    batch = self.print_menu.addMenu("批量打印")
    batch.addAction(self.act_batch_receipts)
    batch.addAction(self.act_batch_forms)
    # The point's other papers (issue 23): the school's certificates and bag covers for the selection, the lists
    # for the county for everyone decided.
    papers = self.print_menu.addMenu("学校证明、档案袋与名单")
    for kind, label in (("ethics", "师德表现证明"), ("assessment", "年度考核证明"), ("health", "身心健康证明"),
                        ("bag", "档案袋封面")):
        papers.addAction(action(f"{label}（所选申请人）…", lambda _checked=False, k=kind: self.print_selected(k)))
    papers.addSeparator()
    self.act_print_publicity = action("公示名单（全部已决定）…", lambda: self.print_list("publicity"))
    self.act_print_handover = action("材料交接清单（全部已决定）…", lambda: self.print_list("handover"))
    papers.addAction(self.act_print_publicity)
    papers.addAction(self.act_print_handover)
    self.photo_menu = self.menuBar().addMenu("照片(&O)")
    for act in (self.act_crop, self.act_photo_review, self.act_normalize_selected, self.act_normalize_all):
        self.photo_menu.addAction(act)
    self.admin_menu = self.menuBar().addMenu("管理(&M)")
    self.admin_menu.addAction(self.act_users)
    self.help_menu = self.menuBar().addMenu("帮助(&H)")
    self.help_menu.addAction(self.act_help)
    self.help_menu.addAction(self.act_about)

    toolbar = QToolBar("常用")
    toolbar.setMovable(False)
    for act in (self.act_import, self.act_refresh, self.act_open, self.act_print_receipt, self.act_print_form,
                self.act_crop):
        toolbar.addAction(act)
    self.addToolBar(toolbar)
    self.toolbar = toolbar
