"""国家系统核对: the newest national export against the desk, four lists; a status conflict is settled by the
clerk (保留本机结论 puts it back in the keying queue, 采用国家系统结论 records the national status), audited."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.services.keying.verify import (
    CATEGORIES,
    CATEGORY_HINTS,
    CATEGORY_LABELS,
    XLSX_HEADERS,
    Finding,
    NationalReport,
    Settle,
)
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.ops import Store
from confirm_desk.ui.ops import keying as ops
from confirm_desk.ui.widgets.file_dialogs import ask_save
from confirm_desk.ui.widgets.messages import ask, show_info
from confirm_desk.ui.widgets.rows_model import RowsModel, report_table

CONFLICT = CATEGORIES.index("status_conflict")


class NationalView(QDialog):
    """`NationalView(store, operator, runner, open_applicant=callback)`."""

    def __init__(self, store: Store, operator: str, runner: JobRunner, parent: QWidget | None = None,
                 open_applicant: Callable[[int], None] | None = None) -> None:
        super().__init__(parent)
        self.store, self.operator, self.runner, self.open_applicant = store, operator, runner, open_applicant
        self.report: NationalReport | None = None
        self.setWindowTitle("国家系统核对")
        self.resize(1150, 600)
        self.summary = QLabel()
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.tabs = QTabWidget()
        self.models: dict[str, RowsModel] = {}
        self.views: dict[str, QTableView] = {}
        for category in CATEGORIES:
            model = RowsModel(XLSX_HEADERS, self)
            view = report_table(model)
            view.doubleClicked.connect(lambda index, m=model: self._open(m.id_at(index.row())))
            self.models[category], self.views[category] = model, view
            self.tabs.addTab(view, CATEGORY_LABELS[category])
        self.tabs.currentChanged.connect(self._tab_changed)
        self.keep_button = QPushButton(Settle.KEEP.label)
        self.take_button = QPushButton(Settle.TAKE.label)
        self.keep_button.clicked.connect(lambda: self.settle(Settle.KEEP))
        self.take_button.clicked.connect(lambda: self.settle(Settle.TAKE))
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.refresh)
        self.export_button = QPushButton("导出 Excel…")
        self.export_button.clicked.connect(self._export)
        bar = QHBoxLayout()
        bar.addWidget(self.keep_button)
        bar.addWidget(self.take_button)
        bar.addStretch(1)
        bar.addWidget(refresh)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.hint)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bar)
        self.refresh()

    def refresh(self) -> None:
        self.runner.run("正在核对…", ops.load_national(self.store), self._fill)

    def _fill(self, report: NationalReport) -> None:
        self.report = report
        for index, category in enumerate(CATEGORIES):
            entries = report.entries[category]
            self.models[category].set_rows(
                [(f.application_no, f.id_number, f.name, f.desk, f.national, f.detail) for f in entries],
                [f.applicant_id for f in entries],
                [n for n, f in enumerate(entries) if category == "status_conflict" and not f.settled],
            )
            self.tabs.setTabText(index, f"{CATEGORY_LABELS[category]}（{len(entries)}）")
            self.views[category].resizeColumnsToContents()
        text = report.summary_zh()
        if not report.imported:
            text += "。尚未导入国家系统的导出名单。"
        self.summary.setText(text)
        self._tab_changed(self.tabs.currentIndex())

    def count(self, category: str) -> int:
        return self.models[category].rowCount()

    def _tab_changed(self, index: int) -> None:
        self.hint.setText(CATEGORY_HINTS[CATEGORIES[index]])
        on_conflicts = index == CONFLICT and bool(self.operator)
        self.keep_button.setVisible(index == CONFLICT)
        self.take_button.setVisible(index == CONFLICT)
        self.keep_button.setEnabled(on_conflicts)
        self.take_button.setEnabled(on_conflicts)

    def selected_finding(self, category: str = "status_conflict") -> Finding | None:
        index = self.views[category].currentIndex()
        if self.report is None or not index.isValid():
            return None
        return self.report.entries[category][index.row()]

    def settle(self, choice: Settle) -> None:
        finding = self.selected_finding()
        if finding is None:
            show_info(self, "请先在“结论不一致”中选择一位申请人。")
            return
        question = (f"{finding.application_no} {finding.name}：本机“{finding.desk}”，国家系统“{finding.national}”。\n"
                    f"{choice.label}？")
        if not ask(self, question):
            return
        self.runner.run("正在处理…", ops.settle(self.store, finding.applicant_id, choice, self.operator),
                        lambda _r: self.refresh())

    def _open(self, applicant_id: int | None) -> None:
        if applicant_id is not None and self.open_applicant is not None:
            self.open_applicant(applicant_id)

    def export_to(self, path: str) -> None:
        assert self.report is not None
        self.runner.run("正在导出…", ops.write_national_xlsx(self.report, path),
                        lambda rows: show_info(self, f"已导出 {rows} 行到 {path}"))

    def _export(self) -> None:
        if self.report is None:
            return
        path, _ = ask_save(self, "导出国家系统核对", "国家系统核对.xlsx", "Excel (*.xlsx)")
        if path:
            self.export_to(path)
