"""The main window: menus, the query bar, the applicant list, counts in the status bar."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from confirm_desk import APP_NAME_ZH
from confirm_desk.services.accounts import Account
from confirm_desk.services.applicants.listing import ListCriteria
from confirm_desk.ui.confirming.detail_dialog import DetailDialog
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.main.actions import build_actions
from confirm_desk.ui.main.applicant_model import ApplicantListModel
from confirm_desk.ui.main.query_bar import QueryBar
from confirm_desk.ui.main.workflow import WorkflowMixin
from confirm_desk.ui.ops import Store
from confirm_desk.ui.ops import applicants as applicant_ops
from confirm_desk.ui.ops import confirming as confirming_ops
from confirm_desk.ui.ops.settings import PreferencesStore
from confirm_desk.ui.widgets.messages import ask


class MainWindow(WorkflowMixin, QMainWindow):
    def __init__(self, store: Store, account: Account | None = None, runner: JobRunner | None = None,
                 idle_minutes: float = 0, home: Store | None = None) -> None:
        """`store` holds the applicants shown; `home` is the real store (accounts, preferences, backups) when
        `store` is the demo store (demo mode until real work starts)."""
        super().__init__()
        self.store = store
        self.home = home or store
        self.in_demo = self.home is not store
        self.successor: MainWindow | None = None  # the real store's window after 开始正式工作
        self.idle_minutes = idle_minutes
        self.account = account
        self.operator = account.username if account else ""
        self.runner = runner or JobRunner(self)
        self.open_dialogs: list[QWidget] = []
        self.preferences = PreferencesStore(self.home, parent=self)
        self.preferences.changed.connect(self._preferences_changed)
        title = f"{APP_NAME_ZH} ConfirmDesk — 教师资格定期注册现场确认"
        self.setWindowTitle(f"【演示数据】{title}" if self.in_demo else title)
        self.resize(1280, 760)

        self.model = ApplicantListModel(store, self, runner=self.runner)
        self.model.loaded.connect(self._list_loaded)
        self._select_after_load: int | None = None
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self._open_index)
        self.table.horizontalHeader().setResizeContentsPrecision(50)  # size columns from the first rows only

        self.query = QueryBar()
        self.query.criteria_changed.connect(self.apply_criteria)
        self.query.scanned.connect(self.open_by_code)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.query)
        layout.addWidget(self.table, 1)
        self.setCentralWidget(central)
        self.count_label = QLabel()
        self.statusBar().addPermanentWidget(self.count_label)
        build_actions(self)
        from confirm_desk.ui.keying.menu import install as install_keying

        install_keying(self)  # 国家系统录入 / 国家系统核对 / 导出当前列表
        if self.in_demo:
            self._mark_demo()
        self.install_dashboard()
        self.reload()
        self.size_columns()
        from confirm_desk.ui.main.list_refresh import ListRefresher

        self.refresher = ListRefresher(self.model, self)  # shows other seats' work (see README, seats)
        self.refresher.refreshed.connect(lambda _n: self._update_count())
        if account is not None:
            who = account.display_name or account.username
            self.statusBar().showMessage(f"当前操作员：{who}（{'管理员' if account.is_admin else '确认员'}）")
            from confirm_desk.ui.main.idle_lock import IdleLock

            self.idle_lock = IdleLock(self, self.home, account, idle_minutes)

    # --- demo data --------------------------------------------------------------------------
    def _mark_demo(self) -> None:
        """Demo mode: marked in the status bar, nothing to hand in (exports off), a way out in the 文件 menu."""
        badge = QLabel("　演示数据：虚构的申请人，仅供练习　")
        badge.setObjectName("demo_badge")
        badge.setStyleSheet("background:#b26a00; color:white; font-weight:bold; border-radius:3px;")
        self.statusBar().addPermanentWidget(badge)
        for act in (self.act_export_batch, self.act_export_roster, self.act_export_stats, self.act_export_day):
            act.setEnabled(False)
            act.setStatusTip("演示数据不能导出上报材料；请先点“文件 → 开始正式工作”或导入正式名单")
        self.act_start_real.setVisible(True)

    def in_real_store(self, work) -> None:
        """Real data (an import, a staff list) goes into the real store: from the demo, switch first."""
        if self.in_demo:
            self.start_real_work(then=work)
        else:
            work(self)

    def start_real_work(self, then=None) -> None:
        """Leave the demo: mark the real store as in use and open its window in place of this one."""
        if not self.in_demo or self.successor is not None:
            return
        if then is None and not ask(self, "开始正式工作后不再显示演示数据（演示中的操作不会带入正式数据）。继续吗？"):
            return
        from confirm_desk.ui.ops import demo as demo_ops

        def opened(_none: object) -> None:
            runner = JobRunner(None, synchronous=True) if self.runner.synchronous else None
            successor = MainWindow(self.home, self.account, runner=runner, idle_minutes=self.idle_minutes)
            successor.setGeometry(self.geometry())
            successor.show()
            self.successor = successor
            self.refresher.timer.stop()
            if hasattr(self, "idle_lock"):
                self.idle_lock.stop()
            self.hide()
            if then is not None:
                then(successor)

        self.runner.run("正在切换到正式数据", lambda progress: demo_ops.start_real_work(self.home, self.operator,
                                                                                    progress), opened)

    # --- list ----------------------------------------------------------------------------
    def reload(self) -> None:
        store = self.store
        self.runner.fetch(lambda: applicant_ops.choices(store), self._reload_list)

    def _reload_list(self, choices: applicant_ops.Choices) -> None:
        self.query.set_choices(choices.schools, choices.points)
        self.model.criteria = self.query.criteria()
        self.model.refresh()  # the count follows when it is loaded
        if hasattr(self, "dashboard"):
            QTimer.singleShot(0, self.dashboard.refresh)  # the list first: the day's counts follow a moment later

    def size_columns(self) -> None:
        """Columns sized from the first rows, then: the status column always shows the longest decision
        (申请材料不全), and long school / point names are cut so the status column is on a 1366 px screen."""
        from confirm_desk.domain.statuses import Status
        from confirm_desk.ui.main.applicant_model import COL_FLAGS, COL_POINT, COL_SCHOOL, COL_STATUS

        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        longest = max(metrics.horizontalAdvance(s.label) for s in Status)
        header.resizeSection(COL_STATUS, max(header.sectionSize(COL_STATUS), longest + 24))
        for column, most in ((COL_SCHOOL, 12), (COL_POINT, 8), (COL_FLAGS, 10)):
            cap = metrics.horizontalAdvance("中" * most) + 16
            if header.sectionSize(column) > cap:
                header.resizeSection(column, cap)

    def apply_criteria(self, criteria: ListCriteria) -> None:
        self.model.set_criteria(criteria)  # the count follows when it is loaded

    def _list_loaded(self) -> None:
        self._update_count()
        if self._select_after_load is not None:
            applicant_id, self._select_after_load = self._select_after_load, None
            self.select_id(applicant_id)

    def _update_count(self) -> None:
        shown, total = self.model.matching, self.model.total
        self.count_label.setText(f"显示 {shown} / 共 {total} 人")

    def _toggle_full_ids(self, checked: bool) -> None:
        self.model.mask_ids = not checked
        self.model.layoutChanged.emit()

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [i for i in (self.model.id_at(r) for r in rows) if i is not None]

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def select_id(self, applicant_id: int) -> bool:
        row = self.model.row_of(applicant_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    # --- opening applicants --------------------------------------------------------------
    def open_by_code(self, code: str) -> None:
        """Scanner input: an exact 报名号 or ID number jumps to the applicant and opens it."""
        store = self.store
        self.runner.fetch(lambda: applicant_ops.find_exact(store, code), lambda found: self._open_found(code, found))

    def _open_found(self, code: str, applicant_id: int | None) -> None:
        if applicant_id is None:
            if self.model.rowCount() == 1:
                applicant_id = self.model.id_at(0)
            else:
                self.statusBar().showMessage(f"没有报名号或证件号码为“{code}”的申请人，已按关键字筛选", 5000)
                return
        if not self.select_id(applicant_id):
            self._select_after_load = applicant_id  # selected once the whole list is back
            self.query.clear()
        self.open_applicant(applicant_id)

    def _open_index(self, index: QModelIndex) -> None:
        applicant_id = self.model.id_at(index.row())
        if applicant_id is not None:
            self.open_applicant(applicant_id)

    def open_selected(self) -> None:
        applicant_id = self.current_id()
        if applicant_id is not None:
            self.open_applicant(applicant_id)

    def open_applicant(self, applicant_id: int) -> None:
        """The confirmer's work: the check dialog (read-only detail when nobody is logged in)."""
        if self.account is None:
            self.show_detail(applicant_id)
            return
        from confirm_desk.ui.confirming.check_dialog import CheckDialog

        store, account = self.store, self.account

        def loaded(state) -> None:  # read before the dialog opens, off the GUI thread
            dialog = CheckDialog(store, applicant_id, account, self, runner=self.runner, loaded=state)
            dialog.saved.connect(self.applicant_changed)
            self._show_dialog(dialog)

        self.runner.fetch(lambda: confirming_ops.load_for_check(store, applicant_id), loaded)

    def show_detail(self, applicant_id: int) -> None:
        store = self.store
        self.runner.fetch(lambda: confirming_ops.load_detail(store, applicant_id),
                          lambda detail: self._show_dialog(DetailDialog(detail, self)))

    def show_detail_of_selected(self) -> None:
        applicant_id = self.current_id()
        if applicant_id is not None:
            self.show_detail(applicant_id)

    def applicant_changed(self, applicant_id: int) -> None:
        self.model.invalidate(applicant_id)
        self.dashboard.refresh()
        self.statusBar().showMessage("已保存", 3000)

    def show_audit(self) -> None:
        from confirm_desk.ui.audit.view import AuditView

        self._show_dialog(AuditView(self.store, self.current_id(), self, operator=self.operator, runner=self.runner))

    def manage_users(self) -> None:
        if not (self.account and self.account.is_admin):
            return
        from confirm_desk.ui.accounts.user_admin_dialog import UserAdminDialog

        self._show_dialog(UserAdminDialog(self.home, self.account, self, runner=self.runner))

    def _show_dialog(self, dialog: QWidget) -> None:
        """Open without blocking (tests drive open dialogs); keep a reference until it closes."""
        self.open_dialogs.append(dialog)
        dialog.finished.connect(lambda _r, d=dialog: self.open_dialogs.remove(d) if d in self.open_dialogs else None)
        dialog.open()

    # --- printing ------------------------------------------------------------------------
    def print_selected(self, kind: str) -> None:
        ids = self.selected_ids()
        if not ids:
            self.statusBar().showMessage("请先在列表中选择申请人（可多选）", 3000)
            return
        from confirm_desk.ui.printing import print_ops

        print_ops.print_applicants(self, self.store, ids, kind, self.operator, self.runner,
                                   on_recorded=lambda _n: self.model.refresh(), on_preview=self.open_dialogs.append)

    def print_unprinted(self, kind: str) -> None:
        from confirm_desk.ui.printing import print_ops

        print_ops.print_all_unprinted(self, self.store, kind, self.operator, self.runner,
                                      on_recorded=lambda _n: self.model.refresh(), on_preview=self.open_dialogs.append)

    def print_list(self, kind: str) -> None:
        from confirm_desk.ui.printing import print_ops

        print_ops.print_list(self, self.store, kind, self.operator, self.runner, on_preview=self.open_dialogs.append)

    # --- photos ----------------------------------------------------------------------------
    def crop_photo(self) -> None:
        applicant_id = self.current_id()
        if applicant_id is None:
            self.statusBar().showMessage("请先在列表中选择申请人", 3000)
            return
        from confirm_desk.ui.photos.crop_dialog import PhotoCropDialog

        dialog = PhotoCropDialog(self.store, applicant_id, self.operator, self)
        dialog.accepted.connect(lambda: self.model.invalidate(applicant_id))
        self._show_dialog(dialog)

    def review_photos(self) -> None:
        from confirm_desk.ui.photos.review import PhotoReviewDialog

        dialog = PhotoReviewDialog(self.store, operator=self.operator, parent=self, runner=self.runner)
        dialog.finished.connect(lambda _r: self.model.refresh())
        self._show_dialog(dialog)

    def normalize(self, applicant_ids: list[int] | None) -> None:
        if applicant_ids is not None and not applicant_ids:
            self.statusBar().showMessage("请先在列表中选择申请人", 3000)
            return
        question = "把所有尚未规范的照片按默认裁剪方式规范为 114×156？\n已规范（含手工裁剪）的照片保持不变。"
        if applicant_ids is None and not ask(self, question):
            return
        from confirm_desk.ui.photos.batch import normalize_photos

        normalize_photos(self, self.store, applicant_ids, self.operator, self.runner,
                         on_done=lambda _r: self.model.refresh())

    # --- import --------------------------------------------------------------------------
    def import_applicants(self) -> None:
        from confirm_desk.ui.importing.import_dialog import ImportDialog

        dialog = ImportDialog(self)
        dialog.accepted.connect(lambda: self.run_import(*dialog.paths()))
        self._show_dialog(dialog)

    def run_import(self, file, photos=None) -> None:
        if self.in_demo:  # the first real import leaves the demo: it goes into the real store
            self.start_real_work(then=lambda window: window.run_import(file, photos))
            return
        from confirm_desk.ui.importing.result_dialog import ImportResultDialog
        from confirm_desk.ui.ops import importing as import_ops

        def done(result) -> None:
            self.reload()
            self.statusBar().showMessage(result.summary_zh(), 10000)
            self._show_dialog(ImportResultDialog(result, self))
            if result.conflicts and self.account is not None:
                self.review_conflicts()  # local work kept: the clerk decides field by field
            if any(result.national.values()):
                from confirm_desk.ui.keying.menu import show_national

                show_national(self)  # the newer export disagrees with the desk: never silently

        self.runner.run(f"正在导入 {file.name}", import_ops.import_job(self.store, file, photos, self.operator), done)

    # --- backup and restore --------------------------------------------------------------
    def backup_data(self, out=None) -> None:
        from confirm_desk.ui.backup.actions import backup_now

        backup_now(self, self.home, self.account, self.runner, self.preferences.value("backup_folder"), out)

    def restore_data(self, path=None) -> None:
        from confirm_desk.ui.backup.actions import restore_from

        restore_from(self, self.home, self.account, self.runner, path, on_restored=self.reload)

    # --- preferences and help ------------------------------------------------------------
    def edit_preferences(self) -> None:
        from confirm_desk.ui.settings.preferences_dialog import PreferencesDialog

        self._show_dialog(PreferencesDialog(self.preferences, self.account, self))

    def _preferences_changed(self, keys: list[str]) -> None:
        if "idle_lock_minutes" in keys and hasattr(self, "idle_lock"):
            self.idle_lock.set_minutes(self.preferences.value("idle_lock_minutes"))

    def show_help(self) -> None:
        from confirm_desk.ui.settings.help_dialog import HelpDialog

        self._show_dialog(HelpDialog(self))

    def _about(self) -> None:
        from confirm_desk.ui.settings.help_dialog import AboutDialog

        self._show_dialog(AboutDialog(self))
