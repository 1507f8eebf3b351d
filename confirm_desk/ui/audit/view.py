"""The audit trail, for one applicant or the whole store, filterable by action, operator and date."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.domain.errors import KnownError
from confirm_desk.services.audit_trail import ACTION_LABELS, AuditFilter, AuditRow, local_time
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.ops import Store
from confirm_desk.ui.ops import audit as ops
from confirm_desk.ui.widgets import messages
from confirm_desk.ui.widgets.file_dialogs import ask_save
from confirm_desk.ui.widgets.rows_model import RowsModel

VIEW_LIMIT = 5000  # the newest events shown; the export has them all


COL_AT, COL_OPERATOR, COL_ACTION, COL_NO, COL_FIELD, COL_OLD, COL_NEW, COL_DETAIL = range(8)
HEADERS = ("时间", "操作员", "操作", "报名号", "字段", "原值", "新值", "说明")


def audit_cells(row: AuditRow) -> tuple[str, ...]:
    return (f"{local_time(row.at):%Y-%m-%d %H:%M:%S}", *row.cells())


class AuditView(QDialog):
    """`AuditView(store, applicant_id=None)`: None shows the whole store."""

    def __init__(
        self,
        store: Store,
        applicant_id: int | None = None,
        parent: QWidget | None = None,
        title: str = "",
        operator: str = "",
        runner: JobRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.applicant_id, self.operator_name = store, applicant_id, operator
        self.runner = runner or JobRunner(self)
        self.sized = False
        self.setWindowTitle(title or ("审计记录" if applicant_id is None else "该申请人的审计记录"))
        self.resize(1100, 640)
        self.action = QComboBox()
        self.operator = QComboBox()
        today = QDate.currentDate()
        self.since, self.until = QDateEdit(today.addDays(-30)), QDateEdit(today)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.all_dates = QComboBox()
        self.all_dates.addItems(["全部日期", "按日期"])
        self.action.addItem("全部", "")
        self.operator.addItem("全部", "")
        bar = QHBoxLayout()
        for label, widget in (
            ("操作", self.action),
            ("操作员", self.operator),
            ("", self.all_dates),
            ("从", self.since),
            ("到", self.until),
        ):
            if label:
                bar.addWidget(QLabel(label))
            bar.addWidget(widget)
        export = QPushButton("导出 Excel…")
        export.clicked.connect(self.export)
        bar.addStretch(1)
        bar.addWidget(export)
        self.events: list[AuditRow] = []
        self.model = RowsModel(HEADERS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.count = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        for combo in (self.action, self.operator, self.all_dates):
            combo.currentIndexChanged.connect(self.refresh)
        for edit in (self.since, self.until):
            edit.dateChanged.connect(self.refresh)
        self.runner.fetch(lambda: ops.choices(store), self._fill_choices)
        self.refresh()

    def _fill_choices(self, choices: ops.AuditChoices) -> None:
        for combo in (self.action, self.operator):
            combo.blockSignals(True)  # "全部" stays chosen: nothing to reload
        for action in choices.actions:
            self.action.addItem(ACTION_LABELS.get(action, action), action)
        for name in choices.operators:
            self.operator.addItem(name, name)
        for combo in (self.action, self.operator):
            combo.blockSignals(False)

    def criteria(self, limit: int | None = VIEW_LIMIT) -> AuditFilter:
        by_date = self.all_dates.currentIndex() == 1
        return AuditFilter(
            applicant_id=self.applicant_id,
            action=self.action.currentData() or "",
            operator=self.operator.currentData() or "",
            since=_date(self.since.date()) if by_date else None,
            until=_date(self.until.date()) if by_date else None,
            limit=limit,
        )

    def refresh(self) -> None:
        store, criteria = self.store, self.criteria()
        self.runner.fetch(lambda: ops.events(store, criteria), self._show_rows)

    def _show_rows(self, rows: list[AuditRow]) -> None:
        self.events = rows
        self.model.set_rows([audit_cells(r) for r in rows])
        more = f"（只显示最新的 {VIEW_LIMIT} 条，导出可得全部）" if len(rows) >= VIEW_LIMIT else ""
        self.count.setText(f"共 {len(rows)} 条{more}")
        if not self.sized:  # sized once, to the first rows shown: filtering does not make columns jump
            self.sized = True
            self.table.resizeColumnsToContents()
        self.table.scrollToBottom()

    def export(self, path: str | None = None) -> None:
        """Every matching event to an .xlsx, written off the GUI thread; the count is shown after."""
        if not path:
            path, _ = ask_save(self, "导出审计记录", "审计记录.xlsx", "Excel (*.xlsx)")
            if not path:
                return
        store, criteria, operator, out = self.store, self.criteria(limit=None), self.operator_name, path

        def refused(err: BaseException) -> None:
            if isinstance(err, KnownError | OSError):
                messages.show_error(self, getattr(err, "message", str(err)))
            else:
                messages.show_bug(self, err)

        self.runner.run("正在导出审计记录", lambda _progress: ops.export(store, out, criteria, operator),
                        lambda count: messages.show_info(self, f"已导出 {count} 条审计记录"), refused)


def _date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())
