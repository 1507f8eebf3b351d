"""Choosing an evidence file (培训学时 / 年度考核 / 聘用合同) and importing it as a job."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QWidget

from confirm_desk.domain.evidence_fields import KIND_LABELS
from confirm_desk.services.importing.applicants import ImportResult
from confirm_desk.services.spreadsheets.read import OPEN_PATTERNS
from confirm_desk.ui.importing.file_dialog import ImportFileDialog
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.ops.evidence import import_evidence_job

if TYPE_CHECKING:  # widgets never reach the store themselves: the job from ui/ops does
    from confirm_desk.ui.ops import Store

SHEET_FILTER = f"表格 ({OPEN_PATTERNS});;所有文件 (*)"
HINTS = {
    "hours": "需要的列：身份证号码；年度或培训日期；学时或学分（学分按“首选项 → 规则”中的折算换成学时）；"
             "可有姓名、培训项目。同一人同一年度/日期和项目再次导入会更新。",
    "assessments": "需要的列：身份证号码、考核年度、考核结果（优秀、合格、基本合格、不合格、不定等次；"
                   "“称职”等按合格等次认）。同一人同一年度再次导入会更新。",
    "contracts": "需要的列：身份证号码、合同起始日期、合同终止日期（或一列“聘期”：2021.09.01-2026.08.31；"
                 "无固定期限写“无固定期限”）。带合同列的教职工名单也可以直接导入。",
}


class EvidenceImportDialog(ImportFileDialog):
    """`EvidenceImportDialog(store, operator, runner)`; `imported(result)` runs after a successful import."""

    def __init__(self, store: Store, operator: str, runner: JobRunner, parent: QWidget | None = None,
                 imported: Callable[[ImportResult], None] | None = None, kind: str = "hours") -> None:
        super().__init__("导入注册条件证明材料", "文件", ".xlsx / .xls / .csv",
                         lambda: f"选择{KIND_LABELS[self.kind()]}文件", SHEET_FILTER, parent=parent)
        self.store, self.operator, self.runner, self.imported = store, operator, runner, imported
        self.kind_box = QComboBox()
        self.kind_box.setObjectName("evidence_kind")
        for key, label in KIND_LABELS.items():
            self.kind_box.addItem(label, key)
        self.kind_box.setCurrentIndex(max(self.kind_box.findData(kind), 0))
        self.form.insertRow(0, "材料类型", self.kind_box)
        self.kind_box.currentIndexChanged.connect(lambda _i: self.hint.setText(HINTS[self.kind()]))
        self.hint.setText(HINTS[self.kind()])
        self.resize(640, 200)

    def kind(self) -> str:
        return str(self.kind_box.currentData())

    def start(self) -> None:
        path = self.chosen_file("请选择要导入的文件。")
        if path is None:
            return
        kind = self.kind()

        def done(result: ImportResult) -> None:
            self.show_result(result, f"{KIND_LABELS[kind]}导入结果 — {result.file}", self.imported)

        self.runner.run(f"正在导入 {path.name}", import_evidence_job(self.store, kind, path, self.operator), done)
