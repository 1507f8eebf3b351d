"""The main window: it owns and wires three parts — the applicant list (ui/main/applicant_list.py), what the
menus do (ui/main/workflow.py) and the menus themselves (ui/main/actions.py) — plus the dashboard dock, the
status bar, the idle lock and the way out of the demo data.

Cold start (issue 20): given the list's first screen (ui/ops/first_screen.py, read without SQLAlchemy) the
window paints those rows first, the dashboard dock beside them holding an empty stand-in of the panel's width.
Right after that first paint the query bar's choices, the change mark and the day's summary are read, from the
store the first of those jobs opens off the GUI thread; the panel is built on the event loop's next turn and
fills once the list is in. Nothing on that path imports SQLAlchemy or the services (they load with the first job
that needs them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow

from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.main.actions import MainActions
from confirm_desk.ui.main.applicant_list import ApplicantListPanel
from confirm_desk.ui.main.workflow import RealWork, Workflow
from confirm_desk.ui.ops.settings import PreferencesStore

if TYPE_CHECKING:
    from confirm_desk.services.accounts import Account
    from confirm_desk.ui.main.dashboard import DashboardPanel
    from confirm_desk.ui.main.idle_lock import IdleLock
    from confirm_desk.ui.ops import Store
    from confirm_desk.ui.ops.first_screen import FirstScreen

REST_AFTER_MS = 1000  # a window given a first screen but not painted by then (hidden) reads the rest anyway


class _FirstPaint(QObject):
    """Calls `then` once, on the event loop's next turn after the watched widget's first paint."""

    def __init__(self, watched: QObject, then: Callable[[], None]) -> None:
        super().__init__(watched)
        self.then = then
        watched.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self.then)  # not once the window is gone
        return False


class MainWindow(QMainWindow):
    def __init__(self, store: Store, account: Account | None = None, runner: JobRunner | None = None,
                 idle_minutes: float = 0, home: Store | None = None, first_screen: FirstScreen | None = None) -> None:
        """`store` holds the applicants shown; `home` is the real store (accounts, preferences, backups) when
        `store` is the demo store (demo mode until real work starts). `first_screen`: the unfiltered list's first
        rows, painted before anything else is read (the store may then be one that opens on first use)."""
        super().__init__()
        self.store, self.account = store, account
        self.home = home or store
        self.in_demo = self.home is not store
        self.successor: MainWindow | None = None  # the real store's window after 开始正式工作
        self.idle_minutes = idle_minutes
        self.operator = account.username if account else ""
        self.runner = runner or JobRunner(self)
        self.preferences = PreferencesStore(self.home, parent=self)
        self.preferences.changed.connect(self._preferences_changed)
        # Qt adds the application's display name (确认台) after every window's title: not written here again
        title = "教师资格定期注册现场确认 · ConfirmDesk"
        self.setWindowTitle(f"【演示数据】{title}" if self.in_demo else title)
        self.resize(1280, 760)

        self.applicants = ApplicantListPanel(store, self.runner, self, margin=4, first_screen=first_screen)
        self.setCentralWidget(self.applicants)
        self.model, self.table, self.query = self.applicants.model, self.applicants.table, self.applicants.query
        self.count_label = self.applicants.count_label
        self.statusBar().addPermanentWidget(self.count_label)

        self.flow = Workflow(store, account, self.runner, self, self.applicants, self.preferences,
                             home=self.home, in_real_store=self.in_real_store)
        self.open_dialogs = self.flow.open_dialogs
        self.menus = MainActions(self, self.flow, self.applicants, self.reload, self.start_real_work,
                                   bool(account and account.is_admin))
        if self.in_demo:
            self._mark_demo()

        self.applicants.open_requested.connect(self.flow.open_applicant)
        self.applicants.message.connect(self.statusBar().showMessage)
        self.flow.saved.connect(self.applicant_changed)
        self.flow.printed.connect(lambda _count: self.dashboard.refresh())
        self.flow.message.connect(self.statusBar().showMessage)
        self._start_done = first_screen is None
        self._list_reloaded = False  # the list's reload (or its start's reads) came back: the dashboard follows it
        self.applicants.reloaded.connect(self._note_reloaded)
        self._painted = False
        self._after_paint: list[Callable[[], None]] = []
        self._first_paint = _FirstPaint(self.table.viewport(), self._first_painted)
        # The dock is in the first paint (empty until the list is in): the list never jumps aside. After a first
        # screen the panel itself is built once that screen is painted (see `dashboard`).
        self._dashboard: DashboardPanel | None = None
        self.dashboard_dock = self._build_dock()
        if first_screen is None:
            self._build_dashboard()
            self.reload()
        else:  # its rows are in the model: painted first, the rest read right after
            QTimer.singleShot(REST_AFTER_MS, self, self._finish_start)

        self.idle_lock: IdleLock | None = None
        if account is not None:
            from confirm_desk.ui.main.idle_lock import IdleLock

            who = account.display_name or account.username
            self.statusBar().showMessage(f"当前操作员：{who}（{'管理员' if account.is_admin else '确认员'}）")
            self.idle_lock = IdleLock(self, self.home, account, idle_minutes)

    # --- start-up ----------------------------------------------------------------------------
    @property
    def started(self) -> bool:
        """Everything is asked for (after a first screen: once it was painted)."""
        return self._start_done

    def _build_dock(self) -> QDockWidget:
        """The dashboard's dock (a stand-in of the panel's width in it) and the national system's entries."""
        from confirm_desk.ui.keying.menu import install as install_keying
        from confirm_desk.ui.main.dashboard import StandIn

        dock = QDockWidget("今日概况", self)  # filled after the list
        dock.setObjectName("dashboard_dock")
        dock.setWidget(StandIn())
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.menus.view_menu.addAction(dock.toggleViewAction())
        install_keying(self.menus, self.flow, lambda: self.dashboard)  # 国家系统录入 / 国家系统核对 / 导出当前列表
        return dock

    @property
    def dashboard(self) -> DashboardPanel:
        """The day's panel in the dock: built with the window when it reads its list the usual way, else right
        after the first screen's paint (or when first asked for)."""
        return self._build_dashboard() if self._dashboard is None else self._dashboard

    def _build_dashboard(self) -> DashboardPanel:
        from confirm_desk.ui.main.dashboard import DashboardPanel

        dashboard = self._dashboard = DashboardPanel(self.store, load_now=False, runner=self.runner)
        stand_in = self.dashboard_dock.widget()
        self.dashboard_dock.setWidget(dashboard)
        if stand_in is not None:
            stand_in.deleteLater()
        # the list first: the day's counts follow a moment later
        self.applicants.reloaded.connect(lambda: QTimer.singleShot(0, dashboard.refresh))
        dashboard.open_applicant.connect(self.flow.open_applicant)
        dashboard.follow_up_requested.connect(self.flow.show_follow_up)
        return dashboard

    def after_first_paint(self, work: Callable[[], None]) -> None:
        """`work` once the list has been painted the first time (at once if it was), e.g. the daily backup:
        nothing started here competes with the first window."""
        if self._painted:
            work()
        else:
            self._after_paint.append(work)

    def _first_painted(self) -> None:
        self._painted = True
        self._finish_start()
        waiting, self._after_paint = self._after_paint, []
        for work in waiting:
            work()

    def _finish_start(self) -> None:
        """After the first screen's paint: the choices, the change mark and the summary from the store. Their
        reads start first (off the GUI thread, the store opening with the first); the dashboard's panel is built
        on the event loop's next turn, and fills once the list is in."""
        if self._start_done:
            return
        self._start_done = True
        self.applicants.finish_start()
        if self._dashboard is None:
            QTimer.singleShot(0, self, self._dashboard_after_start)

    def _dashboard_after_start(self) -> None:
        if self._dashboard is None:
            dashboard = self._build_dashboard()
            if self._list_reloaded:  # the list was in before its panel: the panel reads the day now
                dashboard.refresh()

    def _note_reloaded(self) -> None:
        self._list_reloaded = True

    def reload(self) -> None:
        """The whole list again (choices, ids, counts), then the dashboard."""
        self.applicants.reload()

    def applicant_changed(self, applicant_id: int) -> None:
        self.model.invalidate(applicant_id)
        self.dashboard.refresh()
        self.statusBar().showMessage("已保存", 3000)

    def _preferences_changed(self, keys: list[str]) -> None:
        if "idle_lock_minutes" in keys and self.idle_lock is not None:
            self.idle_lock.set_minutes(self.preferences.number("idle_lock_minutes"))

    # --- demo data --------------------------------------------------------------------------
    def _mark_demo(self) -> None:
        """Demo mode: marked in the status bar, nothing to hand in (exports off), a way out in the 文件 menu."""
        badge = QLabel("　演示数据：虚构的申请人，仅供练习　")
        badge.setObjectName("demo_badge")
        badge.setStyleSheet("background:#b26a00; color:white; font-weight:bold; border-radius:3px;")
        self.statusBar().addPermanentWidget(badge)
        acts = self.menus
        for act in (acts.act_export_batch, acts.act_export_roster, acts.act_export_stats, acts.act_export_day):
            act.setEnabled(False)
            act.setStatusTip("演示数据不能导出上报材料；请先点“文件 → 开始正式工作”或导入正式名单")
        acts.act_start_real.setVisible(True)

    def in_real_store(self, work: RealWork) -> None:
        """Real data (an import, a staff list) goes into the real store: from the demo, switch first."""
        if self.in_demo:
            self.start_real_work(then=lambda window: work(window.flow))
        else:
            work(self.flow)

    def start_real_work(self, then: Callable[[MainWindow], None] | None = None) -> None:
        """Leave the demo: mark the real store as in use and open its window in place of this one."""
        if self.successor is not None and then is not None:  # switched already: the work goes on there
            then(self.successor)
            return
        if not self.in_demo or self.successor is not None:
            return
        from confirm_desk.ui.widgets.messages import ask

        if then is None and not ask(self, "开始正式工作后不再显示演示数据（演示中的操作不会带入正式数据）。继续吗？"):
            return
        from confirm_desk.ui.ops import demo as demo_ops

        def opened(_none: object) -> None:
            runner = JobRunner(None, synchronous=True) if self.runner.synchronous else None
            successor = MainWindow(self.home, self.account, runner=runner, idle_minutes=self.idle_minutes)
            successor.setGeometry(self.geometry())
            successor.show()
            self.successor = successor
            self.applicants.refresher.timer.stop()
            if self.idle_lock is not None:
                self.idle_lock.stop()
            self.hide()
            if then is not None:
                then(successor)

        home, operator = self.home, self.operator
        self.runner.run("正在切换到正式数据", lambda progress: demo_ops.start_real_work(home, operator, progress),
                        opened)
