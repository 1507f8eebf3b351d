"""The main window's actions, menus and toolbar, built over the two controllers that do the work."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QToolBar

from confirm_desk.ui.main.applicant_list import ApplicantListPanel
from confirm_desk.ui.main.workflow import Workflow


class MainActions(QObject):
    """`MainActions(window, flow, applicants)`: every `act_*` and menu of the window, kept here (the window
    holds this object as `actions`). The window adds its own entries (e.g. the dashboard's toggle) to
    `view_menu`; `act_quit` closes the window."""

    # The national system's entries, added by ui/keying/menu.install.
    act_keying: QAction
    act_national: QAction
    act_export_list: QAction

    def __init__(self, window: QMainWindow, flow: Workflow, applicants: ApplicantListPanel, reload: Callable[[], None],
                 start_real_work: Callable[[], None], is_admin: bool) -> None:
        super().__init__(window)

        def action(text: str, slot: Callable[..., object],
                   shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None) -> QAction:
            act = QAction(text, window)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(slot)
            return act

        f, lists = flow, applicants
        self.act_import = action("导入申请人…", f.import_applicants, "Ctrl+I")
        self.act_refresh = action("刷新", reload, QKeySequence.StandardKey.Refresh)
        self.act_open = action("核对确认", f.open_selected, "Return")
        self.act_detail = action("查看详情（只读）", f.show_detail_of_selected, "Ctrl+D")
        self.act_audit = action("审计记录…", f.show_audit)
        self.act_users = action("操作员管理…", f.manage_users)
        self.act_users.setEnabled(is_admin)
        self.act_open.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        lists.table.addAction(self.act_open)
        self.act_find = action("查找", lists.query.focus_search, QKeySequence.StandardKey.Find)
        self.act_list_all = action("列出全部", lists.query.clear, "Ctrl+L")
        self.act_crop = action("裁剪照片…", f.crop_photo, "Ctrl+E")
        # the import dialog, whose list file may be left empty: photos alone for the applicants already in
        self.act_import_photos = action("导入照片（文件夹或压缩包）…", f.import_applicants)
        self.act_export_batch = action("导出上报批次…", f.export_batch, "Ctrl+Shift+B")
        self.act_conflicts = action("处理导入冲突…", f.review_conflicts)
        self.act_export_roster = action("导出花名册…", lambda: f.export_sheet("roster"))
        self.act_export_stats = action("导出统计表…", lambda: f.export_sheet("stats"))
        self.act_export_summary = action("导出持证情况汇总表（附件1）…", lambda: f.export_county_sheet("summary"))
        self.act_export_county_roster = action("导出初审花名册（附件4）…",
                                               lambda: f.export_county_sheet("county_roster"))
        self.act_import_staff = action("导入教职工名单…", lambda: f.in_real_store(lambda w: w.import_staff()))
        self.act_import_evidence = action("导入证明材料（学时、考核、合同）…",
                                          lambda: f.in_real_store(lambda w: w.import_evidence()))
        self.act_start_real = action("开始正式工作…", lambda: start_real_work())  # not triggered(checked)
        self.act_start_real.setVisible(False)  # shown in demo mode only
        self.act_export_day = action("导出当日工作包…", f.export_day)
        self.act_coverage = action("应注册情况…", f.show_coverage)
        self.act_follow_up = action("补正跟进…", f.show_follow_up)
        self.act_print_notice = action("打印补正通知单…", lambda: f.print_selected("notice"))
        self.act_photo_review = action("照片审核…", f.review_photos, "Ctrl+Shift+E")
        self.act_print_receipt = action("打印受理凭证…", lambda: f.print_selected("receipt"), "Ctrl+P")
        self.act_print_form = action("打印申请表…", lambda: f.print_selected("form"), "Ctrl+Shift+P")
        self.act_batch_receipts = action("所有已确认未打印的受理凭证…", lambda: f.print_unprinted("receipt"))
        self.act_batch_forms = action("所有已确认未打印（或需重打）的申请表…", lambda: f.print_unprinted("form"))
        self.act_normalize_selected = action("规范所选照片（114×156）", lambda: f.normalize(lists.selected_ids()))
        self.act_normalize_all = action("规范全部照片…", lambda: f.normalize(None))
        self.act_photo_readiness = action("网报前照片批处理…", f.prepare_staff_photos)
        self.act_full_ids = action("显示完整证件号码", lists.show_full_ids)
        self.act_full_ids.setCheckable(True)
        self.act_backup = action("备份数据…", lambda: f.backup_data())
        self.act_restore = action("从备份恢复…（管理员）", lambda: f.restore_data())
        self.act_restore.setEnabled(is_admin)
        self.act_quit = action("退出", window.close, QKeySequence.StandardKey.Quit)
        self.act_prefs = action("首选项…", f.edit_preferences, "Ctrl+,")
        self.act_help = action("使用说明", f.show_help, QKeySequence.StandardKey.HelpContents)
        self.act_about = action("关于", f.show_about)

        bar = window.menuBar()
        self.file_menu = bar.addMenu("文件(&F)")
        for act in (self.act_import, self.act_import_staff, self.act_import_evidence, self.act_conflicts,
                    self.act_start_real):
            self.file_menu.addAction(act)
        self.file_menu.addSeparator()
        for act in (self.act_export_batch, self.act_export_roster, self.act_export_stats, self.act_export_summary,
                    self.act_export_county_roster, self.act_export_day):
            self.file_menu.addAction(act)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.act_backup)
        self.file_menu.addAction(self.act_restore)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.act_quit)
        self.edit_menu = bar.addMenu("编辑(&E)")
        self.edit_menu.addAction(self.act_prefs)
        self.view_menu = bar.addMenu("查看(&V)")
        for act in (self.act_find, self.act_list_all, self.act_refresh, self.act_open, self.act_detail,
                    self.act_audit):
            self.view_menu.addAction(act)
        self.view_menu.addSeparator()
        for act in (self.act_coverage, self.act_follow_up):
            self.view_menu.addAction(act)
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.act_full_ids)
        self.print_menu = bar.addMenu("打印(&P)")
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
            papers.addAction(action(f"{label}（所选申请人）…", lambda _checked=False, k=kind: f.print_selected(k)))
        papers.addSeparator()
        self.act_print_publicity = action("公示名单（全部已决定）…", lambda: f.print_list("publicity"))
        self.act_print_handover = action("材料交接清单（全部已决定）…", lambda: f.print_list("handover"))
        papers.addAction(self.act_print_publicity)
        papers.addAction(self.act_print_handover)
        self.act_print_cards = action("网报填写卡（教职工名单）…", f.print_cards)
        self.print_menu.addAction(self.act_print_cards)
        self.photo_menu = bar.addMenu("照片(&O)")
        for act in (self.act_import_photos, self.act_crop, self.act_photo_review, self.act_normalize_selected,
                    self.act_normalize_all):
            self.photo_menu.addAction(act)
        self.photo_menu.addSeparator()
        self.photo_menu.addAction(self.act_photo_readiness)
        self.admin_menu = bar.addMenu("管理(&M)")
        self.admin_menu.addAction(self.act_users)
        self.help_menu = bar.addMenu("帮助(&H)")
        self.help_menu.addAction(self.act_help)
        self.help_menu.addAction(self.act_about)

        self.toolbar = QToolBar("常用")
        self.toolbar.setMovable(False)
        for act in (self.act_import, self.act_refresh, self.act_open, self.act_print_receipt, self.act_print_form,
                    self.act_crop):
            self.toolbar.addAction(act)
        window.addToolBar(self.toolbar)
