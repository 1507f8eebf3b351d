"""Coverage (who should register and has not): counts per category, school filter, xlsx export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, QModelIndex
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.domain.coverage import CATEGORIES, CATEGORY_LABELS, CoverageReport
from confirm_desk.services.confirming.calendar import AbandonedReport
from confirm_desk.services.coverage.report import schools_of
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.ops import Store
from confirm_desk.ui.ops import coverage as ops
from confirm_desk.ui.widgets.file_dialogs import ask_save
from confirm_desk.ui.widgets.messages import show_bug, show_error, show_info
from confirm_desk.ui.widgets.rows_model import RowsModel, report_table

HEADERS = ("姓名", "身份证号码", "学校", "联系电话", "已报名", "说明")
ABANDONED_HEADERS = ("报名号", "姓名", "证件号码", "学校", "联系电话", "确认点")
ALL_SCHOOLS = "全部学校"


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())



def _date_edit() -> QDateEdit:
    """Today, with the calendar pop-up, as yyyy-MM-dd."""
    edit = QDateEdit(QDate.currentDate())
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit

class CoverageView(QDialog):
    """`CoverageView(store, open_applicant=callback)`: double-click calls back with the applicant id."""

    def __init__(self, store: Store, parent: QWidget | None = None,
                 open_applicant: Callable[[int], None] | None = None, operator: str = "",
                 runner: JobRunner | None = None) -> None:
        super().__init__(parent)
        self.store, self.open_applicant, self.operator = store, open_applicant, operator
        self.runner = runner or JobRunner(self)
        self.report: CoverageReport | None = None
        self.setWindowTitle("应注册情况（教职工名单对照）")
        self.resize(1100, 640)
        self.as_of, self.until = _date_edit(), _date_edit()
        self.school = QComboBox()
        self.school.addItem(ALL_SCHOOLS)
        self.school.setMinimumContentsLength(16)
        refresh = QPushButton("刷新")
        self.export_button = QPushButton("导出 Excel…")
        refresh.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self._export)
        self.school.currentIndexChanged.connect(self._fill)
        bar = QHBoxLayout()
        for label, widget in (("基准日", self.as_of), ("本期注册截止", self.until), ("学校", self.school)):
            bar.addWidget(QLabel(label))
            bar.addWidget(widget)
        bar.addWidget(refresh)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        self.summary = QLabel()
        self.tabs = QTabWidget()
        self.models: dict[str, RowsModel] = {}
        self.views: dict[str, QTableView] = {}
        for category in CATEGORIES:
            model = RowsModel(HEADERS, self)
            view = report_table(model)
            view.doubleClicked.connect(lambda index, m=model: self._open(m, index))
            self.models[category], self.views[category] = model, view
            self.tabs.addTab(view, CATEGORY_LABELS[category])
        # CAL-1: applicants still 网报待确认 who never came; at the window's end 视为自动放弃.
        self.abandoned_model = RowsModel(ABANDONED_HEADERS, self)
        self.abandoned_view = report_table(self.abandoned_model)
        self.abandoned_view.doubleClicked.connect(lambda index: self._open(self.abandoned_model, index))
        self.abandoned_note = QLabel()
        self.abandoned_note.setWordWrap(True)
        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.addWidget(self.abandoned_note)
        page_layout.addWidget(self.abandoned_view, 1)
        self.abandoned_tab = self.tabs.addTab(page, "未到现场确认")
        hint = QLabel("双击已报名的人员打开其申请；基准日用于判断是否已达法定退休年龄，"
                      "截止日用于判断本期是否应注册。")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(hint)
        self.summary.setText("正在汇总…")
        today = dt.date.today()
        self.runner.fetch(lambda: ops.until_for(store, today), self._start)

    def _start(self, until: dt.date) -> None:
        """The stored end of the period is in: show it, then the report."""
        self.until.setDate(_qdate(until))
        self.refresh()

    def refresh(self) -> None:
        """The report for the dates shown (a changed end date is saved for every seat first)."""
        as_of, until = _pydate(self.as_of.date()), _pydate(self.until.date())
        store, operator = self.store, self.operator
        self.runner.fetch(lambda: ops.report(store, as_of, until, operator), self._show_report)

    def _show_report(self, report: CoverageReport | None) -> None:
        self.report = report
        as_of, store = _pydate(self.as_of.date()), self.store
        self.runner.fetch(lambda: ops.abandoned_report(store, as_of), self._fill_abandoned)
        chosen = self.school.currentText()
        self.school.blockSignals(True)
        self.school.clear()
        self.school.addItems([ALL_SCHOOLS, *(schools_of(self.report) if self.report else [])])
        self.school.setCurrentText(chosen)
        self.school.blockSignals(False)
        self._fill()

    def _fill_abandoned(self, report: AbandonedReport) -> None:
        self.abandoned_model.set_rows(
            [(r.application_no, r.name, r.id_number, r.school, r.phone, r.confirmation_point) for r in report.rows],
            [r.applicant_id for r in report.rows])
        self.abandoned_view.resizeColumnsToContents()
        self.abandoned_note.setText(report.heading())
        label = "视为自动放弃" if report.final else "未到现场确认"
        self.tabs.setTabText(self.abandoned_tab, f"{label}（{len(report.rows)}）")

    def school_filter(self) -> str:
        text = self.school.currentText()
        return "" if text == ALL_SCHOOLS else text

    def _fill(self) -> None:
        report, school = self.report, self.school_filter()
        if report is None:
            self.summary.setText("尚未导入教职工名单：请先从“文件 → 导入教职工名单…”导入学校的名单。")
        for index, category in enumerate(CATEGORIES):
            entries = report.entries[category] if report else []
            entries = [e for e in entries if not school or e.school == school]
            self.models[category].set_rows(
                [(e.name, e.id_number, e.school, e.phone, "是" if e.applicant_id else "否", e.reason)
                 for e in entries],
                [e.applicant_id for e in entries],
            )
            self.tabs.setTabText(index, f"{CATEGORY_LABELS[category]}（{len(entries)}）")
            self.views[category].resizeColumnsToContents()
        if report is not None:
            self.summary.setText(f"教职工名单 {report.staff} 人；基准日 {report.as_of}，"
                                 f"本期注册截止 {report.until}"
                                 + (f"；只看 {school}" if school else ""))
        self.export_button.setEnabled(report is not None)

    def count(self, category: str) -> int:
        return self.models[category].rowCount()

    def _open(self, model: RowsModel, index: QModelIndex) -> None:
        applicant_id = model.id_at(index.row())
        if applicant_id is None:
            show_info(self, "此人没有报名记录（不在申请人名单中）。")
        elif self.open_applicant is not None:
            self.open_applicant(applicant_id)

    def export_to(self, path: str) -> None:
        """The report as shown (school filter too) to an .xlsx, written off the GUI thread."""
        assert self.report is not None

        def refused(err: BaseException) -> None:
            if isinstance(err, OSError):
                show_error(self, f"无法保存：{err}")
            else:
                show_bug(self, err)

        self.runner.run("正在导出应注册情况", ops.export_job(self.report, path, self.school_filter()),
                        lambda rows: show_info(self, f"已导出 {rows} 行到 {path}"), refused)

    def _export(self) -> None:
        if self.report is None:
            return
        name = f"应注册情况-{self.report.as_of}.xlsx"
        path, _ = ask_save(self, "导出应注册情况", name, "Excel (*.xlsx)")
        if path:
            self.export_to(path)
