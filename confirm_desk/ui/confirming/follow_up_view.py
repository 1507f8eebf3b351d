"""Following up 申请材料不全: what each applicant still owes, overdue first; notices; materials arriving."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.preferences import preference
from confirm_desk.services.accounts import Account
from confirm_desk.services.confirming.follow_up import DEADLINE_DAYS, FollowUpRow
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.ops import Store
from confirm_desk.ui.ops import confirming as ops
from confirm_desk.ui.widgets.checklist import ChecklistBox
from confirm_desk.ui.widgets.messages import ask
from confirm_desk.ui.widgets.rows_model import RowsModel, report_table

HEADERS = ("报名号", "姓名", "联系电话", "现任教学校", "仍缺材料", "确认日期", "补交期限", "情况")


def state_of(row: FollowUpRow) -> str:
    if row.complete:
        return "已补齐，待重新确认"
    return "已逾期" if row.overdue else "未到期"


class MaterialsDialog(QDialog):
    """Ticks for the materials an applicant still owes; the ticked ones are what arrived now."""

    def __init__(self, row: FollowUpRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"补交材料 — {row.name}（{row.application_no}）")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("勾选申请人本次交来的材料："))
        self.boxes = [ChecklistBox(m) for m in row.missing]
        for box in self.boxes:
            layout.addWidget(box)
        ok, cancel = QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Cancel
        buttons = QDialogButtonBox(ok | cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def ticked(self) -> list[str]:
        return [b.text() for b in self.boxes if b.isChecked()]


class FollowUpView(QDialog):
    """`FollowUpView(store, account, runner, open_applicant=callback)`."""

    def __init__(self, store: Store, account: Account | None, runner: JobRunner,
                 parent: QWidget | None = None, open_applicant: Callable[[int], None] | None = None) -> None:
        super().__init__(parent)
        self.store, self.account, self.runner, self.open_applicant = store, account, runner, open_applicant
        self.rows: list[FollowUpRow] = []
        self.setWindowTitle("申请材料不全 — 补正跟进")
        self.resize(1100, 560)
        self.model = RowsModel(HEADERS, self)
        self.table = report_table(self.model)
        self.table.doubleClicked.connect(lambda index: self._open(index.row()))
        pref = preference(DEADLINE_DAYS)
        self.days = QSpinBox(minimum=pref.minimum, maximum=pref.maximum, suffix=pref.suffix)
        self.days.setEnabled(False)  # until the stored value is here
        self.runner.fetch(lambda: ops.follow_up_days(store), self._show_days)
        self.days.editingFinished.connect(self._save_days)
        self.summary = QLabel()
        notice = QPushButton("打印补正通知单…")
        arrived = QPushButton("材料已补交…")
        decide = QPushButton("核对确认")
        notice.clicked.connect(self.print_notices)
        arrived.clicked.connect(self.materials_arrived)
        decide.clicked.connect(lambda: self._open(self._current_row()))
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(QLabel("补交期限：确认后"))
        bar.addWidget(self.days)
        for button in (notice, arrived, decide):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.refresh()

    def _show_days(self, days: int) -> None:
        self.days.setValue(days)
        self.days.setEnabled(True)

    def refresh(self) -> None:
        store = self.store
        self.runner.fetch(lambda: ops.follow_up_rows(store), self._show_rows)

    def _show_rows(self, rows: list[FollowUpRow]) -> None:
        self.rows = rows
        self.model.set_rows(
            [(r.application_no, r.name, r.phone, r.school, "、".join(r.missing) or "—", r.since, r.deadline,
              state_of(r)) for r in self.rows],
            [r.applicant_id for r in self.rows],
            [i for i, r in enumerate(self.rows) if r.overdue and not r.complete],
        )
        overdue = sum(1 for r in self.rows if r.overdue and not r.complete)
        self.summary.setText(f"申请材料不全 {len(self.rows)} 人，其中已逾期 {overdue} 人")
        self.table.resizeColumnsToContents()

    def _save_days(self) -> None:
        store, days = self.store, self.days.value()
        operator = self.account.username if self.account else ""
        self.runner.fetch(lambda: ops.save_follow_up_days(store, days, operator), lambda _r: self.refresh())

    def _current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def selected(self) -> list[FollowUpRow]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.rows[r] for r in rows]

    def _open(self, row: int) -> None:
        if 0 <= row < len(self.rows) and self.open_applicant is not None:
            self.open_applicant(self.rows[row].applicant_id)

    def print_notices(self) -> None:
        chosen = self.selected() or [r for r in self.rows if not r.complete]
        if not chosen:
            return
        from confirm_desk.ui.printing import print_ops

        operator = self.account.username if self.account else ""
        print_ops.print_applicants(self, self.store, [r.applicant_id for r in chosen], "notice", operator,
                                   self.runner)

    def materials_arrived(self, ticked: list[str] | None = None) -> None:
        """Tick what arrived (through the confirmation service, audited); when nothing is missing any more,
        offer the check dialog for the new decision. `ticked` is for tests (no dialog)."""
        row_index = self._current_row()
        if not 0 <= row_index < len(self.rows) or self.account is None:
            return
        row = self.rows[row_index]
        if ticked is None:
            dialog = MaterialsDialog(row, self)
            if not dialog.exec():
                return
            ticked = dialog.ticked()
        if not ticked:
            return
        store, account, chosen = self.store, self.account, list(ticked)

        def recorded(_result: None) -> None:
            self.refresh()
            question = f"{row.name} 的材料已补齐。现在打开核对确认，作出确认结论？"
            if set(chosen) >= set(row.missing) and ask(self, question):
                self._open_id(row.applicant_id)

        # A refusal (e.g. another seat saved first) is shown by the runner as its plain message.
        self.runner.fetch(lambda: ops.record_materials(store, row.applicant_id, chosen, account, row.version),
                          recorded)

    def _open_id(self, applicant_id: int) -> None:
        if self.open_applicant is not None:
            self.open_applicant(applicant_id)
