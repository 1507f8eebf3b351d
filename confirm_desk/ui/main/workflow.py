"""The main window's hand-offs to the later steps of the day: batches, conflicts, roster and statistics,
staff list and coverage, follow-up of missing materials, the day pack (a mixin: the window keeps the list)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QFileDialog

from confirm_desk.ui.widgets.messages import show_info

if TYPE_CHECKING:
    from confirm_desk.ui.main.window import MainWindow


class WorkflowMixin:
    """Menu handlers of MainWindow for the steps after checking; each opens a dialog or starts a job."""

    def install_dashboard(self: MainWindow) -> None:
        from confirm_desk.ui.main.dashboard import DashboardPanel

        # filled after the list is shown (reload)
        self.dashboard = DashboardPanel(self.store, load_now=False, runner=self.runner)
        self.dashboard.open_applicant.connect(self.open_applicant)
        self.dashboard.follow_up_requested.connect(self.show_follow_up)
        dock = QDockWidget("今日概况", self)
        dock.setObjectName("dashboard_dock")
        dock.setWidget(self.dashboard)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.dashboard_dock = dock
        self.view_menu.addAction(dock.toggleViewAction())

    def export_batch(self: MainWindow) -> None:
        from confirm_desk.ui.batches.export_dialog import BatchExportDialog

        dialog = BatchExportDialog(self.store, self.account, runner=self.runner, parent=self)
        dialog.exported.connect(lambda _n: self.reload())
        self._show_dialog(dialog)

    def review_conflicts(self: MainWindow) -> None:
        from confirm_desk.ui.importing.conflict_dialog import ConflictReviewDialog

        dialog = ConflictReviewDialog(self.store, self.account, parent=self, runner=self.runner)
        dialog.resolved.connect(lambda ids: [self.model.invalidate(i) for i in ids])
        self._show_dialog(dialog)

    def export_sheet(self: MainWindow, kind: str) -> None:
        """花名册 (roster) or 统计表 (stats) to an .xlsx the clerk chooses, written off the GUI thread."""
        title, default = {"roster": ("导出花名册", "花名册.xlsx"), "stats": ("导出统计表", "统计表.xlsx")}[kind]
        path, _ = QFileDialog.getSaveFileName(self, title, default, "Excel (*.xlsx)")
        if path:
            self.write_sheet(kind, Path(path))

    def write_sheet(self: MainWindow, kind: str, path: Path) -> None:
        from confirm_desk.ui.ops import batches as ops

        self.runner.run("正在导出…", ops.sheet_job(self.store, kind, path, self.operator),
                        lambda _r: show_info(self, f"已导出到 {path}"))

    def import_staff(self: MainWindow) -> None:
        from confirm_desk.ui.coverage.staff_import_dialog import StaffImportDialog

        self._show_dialog(StaffImportDialog(self.store, self.operator, self.runner, self))

    def import_evidence(self: MainWindow) -> None:
        from confirm_desk.ui.evidence.import_dialog import EvidenceImportDialog

        self._show_dialog(EvidenceImportDialog(self.store, self.operator, self.runner, self,
                                               imported=lambda _r: self.reload()))

    def show_coverage(self: MainWindow) -> None:
        from confirm_desk.ui.coverage.view import CoverageView

        self._show_dialog(CoverageView(self.store, self, open_applicant=self.open_applicant, operator=self.operator,
                                       runner=self.runner))

    def show_follow_up(self: MainWindow) -> None:
        from confirm_desk.ui.confirming.follow_up_view import FollowUpView

        self._show_dialog(FollowUpView(self.store, self.account, self.runner, self, open_applicant=self.open_applicant))

    def export_day(self: MainWindow) -> None:
        from confirm_desk.ui.batches.day_pack import export_day_pack

        export_day_pack(self, self.store, self.operator, self.runner)
