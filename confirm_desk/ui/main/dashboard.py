"""The day at a glance: status counts, today's decisions per operator, papers to print, follow-ups."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpacerItem,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.domain.statuses import Status
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.main.applicant_model import ops
from confirm_desk.ui.widgets.rows_model import RowsModel, report_table

if TYPE_CHECKING:
    from confirm_desk.services.reports.day_summary import DaySummary
    from confirm_desk.ui.ops import Store

QUEUE_SHOWN = 200  # the print queue lists the first ones; the counts are complete
TABLE_HINT_WIDTH = 256  # a table's own size hint (QAbstractScrollArea's default): the panel's two tables' width


class StandIn(QWidget):
    """What the dashboard's dock holds until the panel is built (right after the list's first paint, ui/main/
    window.py): empty, and as wide as the panel before it is filled — its widest parts are the group boxes around
    its two tables — so the list beside it keeps its width when the panel takes its place. Measured on a group
    box with the tables' width in it, never shown (tests/ui/test_dashboard.py compares it with the panel)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QWidget(self)  # a child, as the panel is in its dock (a window's layout has wider margins)
        box = QGroupBox("待打印", outer)
        QVBoxLayout(box).addSpacerItem(QSpacerItem(TABLE_HINT_WIDTH, 0, QSizePolicy.Policy.Fixed))
        QVBoxLayout(outer).addWidget(box)
        self._hint = QSize(outer.sizeHint().width(), 0)
        outer.setParent(None)  # measured, never shown: gone with this call

    def sizeHint(self) -> QSize:
        return self._hint


def _big(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-size: 20px; font-weight: bold;")
    return label


class DashboardPanel(QWidget):
    """`DashboardPanel(store)`: put it in a dock or a tab and call `refresh()` after changes."""

    open_applicant = Signal(int)
    follow_up_requested = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None, load_now: bool = True,
                 runner: JobRunner | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.runner = runner or JobRunner(self)
        self.summary: DaySummary | None = None
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.title.setWordWrap(True)  # the dock stays narrow enough for a 1366 px screen
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.refresh)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(refresh)

        self.status_labels: dict[Status, QLabel] = {}
        counts = QGroupBox("各状态人数")
        grid = QGridLayout(counts)
        for n, status in enumerate(Status):  # three to a row: the dock fits beside the list at 1366 px
            row, column = 2 * (n // 3), n % 3
            self.status_labels[status] = _big()
            grid.addWidget(self.status_labels[status], row, column, Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(QLabel(status.label), row + 1, column, Qt.AlignmentFlag.AlignCenter)

        self.today_model = RowsModel(("操作员", "确认已通过", "确认未通过", "申请材料不全", "合计"), self)
        today = QGroupBox("今日确认（按操作员）")
        box = QVBoxLayout(today)
        self.today_table = report_table(self.today_model)
        box.addWidget(self.today_table)

        self.print_label = QLabel()
        self.print_label.setWordWrap(True)
        self.queue_model = RowsModel(("待打印", "报名号", "姓名", "说明"), self)
        self.queue_table = report_table(self.queue_model)
        self.queue_table.doubleClicked.connect(self._open)
        printing = QGroupBox("待打印（需重打的排在前面）")
        box = QVBoxLayout(printing)
        box.addWidget(self.print_label)
        box.addWidget(self.queue_table)

        self.follow_label = QLabel()
        self.follow_label.setWordWrap(True)
        follow_button = QPushButton("补正跟进…")
        follow_button.clicked.connect(self.follow_up_requested.emit)
        self.batch_label = QLabel()
        self.batch_label.setWordWrap(True)
        follow = QGroupBox("申请材料不全 · 同步批次")
        grid = QGridLayout(follow)
        grid.addWidget(self.follow_label, 0, 0)
        grid.addWidget(follow_button, 0, 1)
        grid.addWidget(self.batch_label, 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(counts)
        layout.addWidget(today, 1)
        layout.addWidget(printing, 2)
        layout.addWidget(follow)
        if load_now:
            self.refresh()

    def refresh(self) -> None:
        """Read the day's summary through the runner; the panel fills when it arrives."""
        store = self.store
        self.runner.fetch(lambda: ops().summary(store), self.show_summary)

    def show_summary(self, s: DaySummary) -> None:
        self.summary = s
        self.title.setText(f"今日概况 {s.day:%Y-%m-%d}：共 {s.total} 人，"
                           f"今日已作出确认 {s.decided_today_total} 人次")
        for status, label in self.status_labels.items():
            label.setText(str(s.by_status.get(status, 0)))
        outcomes = (Status.CONFIRMED, Status.REJECTED, Status.INCOMPLETE)
        self.today_model.set_rows([
            (who, *(n.get(o, 0) for o in outcomes), sum(n.values()))
            for who, n in sorted(s.decided_today.items())
        ])
        self.print_label.setText(
            f"申请表 {len(s.forms_to_print)} 份（其中需重新打印 {s.reprints} 份），"
            f"受理凭证 {len(s.receipts_to_print)} 份"
        )
        queue = [("申请表", r, "信息已修改，需重新打印并签字" if r.reprint else "") for r in s.forms_to_print]
        queue += [("受理凭证", r, "") for r in s.receipts_to_print]
        queue = queue[:QUEUE_SHOWN]
        self.queue_model.set_rows([(kind, r.application_no, r.name, note) for kind, r, note in queue],
                                  [r.applicant_id for _k, r, _n in queue],
                                  [i for i, (_k, r, _n) in enumerate(queue) if r.reprint])
        self.follow_label.setText(f"申请材料不全 {len(s.incomplete)} 人，其中已逾期 {s.overdue} 人。")
        self.batch_label.setText(f"尚未导出批次的确认结果（含修改）{s.not_in_batch} 人"
                                 + (f"，将作为第 {s.next_batch} 批导出。" if s.not_in_batch else "。"))
        self.today_table.resizeColumnsToContents()
        self.queue_table.resizeColumnsToContents()

    def _open(self, index) -> None:
        applicant_id = self.queue_model.id_at(index.row())
        if applicant_id is not None:
            self.open_applicant.emit(applicant_id)
