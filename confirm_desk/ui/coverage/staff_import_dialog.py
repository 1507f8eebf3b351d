"""Choosing a school's staff list (教职工名单) and importing it as a job; the result as for applicants."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from confirm_desk.services.importing.applicants import ImportResult
from confirm_desk.services.spreadsheets.read import OPEN_PATTERNS
from confirm_desk.ui.importing.file_dialog import ImportFileDialog
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.ops import Store
from confirm_desk.ui.ops import coverage as ops

SHEET_FILTER = f"教职工名单 ({OPEN_PATTERNS});;所有文件 (*)"
HINT = ("需要的列：姓名、身份证号码；用于应注册判断的列：在岗状态、注册有效期至、试用期满日期、"
        "上次注册日期、性别/出生日期（可由身份证号码推出）。列名可不同（如“公民身份号码”“单位”），"
        "日期可写成 2026-06-30、2026/6/30 或 2026年6月30日。再次导入会按身份证号码更新。")


class StaffImportDialog(ImportFileDialog):
    """`StaffImportDialog(store, operator, runner)`; `imported(result)` runs after a successful import."""

    def __init__(self, store: Store, operator: str, runner: JobRunner, parent: QWidget | None = None,
                 imported: Callable[[ImportResult], None] | None = None) -> None:
        super().__init__("导入教职工名单", "名单文件", "学校的教职工名单 .xlsx / .xls / .csv", "选择教职工名单",
                         SHEET_FILTER, HINT, parent)
        self.store, self.operator, self.runner, self.imported = store, operator, runner, imported
        self.resize(640, 180)

    def start(self, manual: dict[str, str] | None = None) -> None:
        path = self.chosen_file("请选择要导入的教职工名单文件。")
        if path is None:
            return
        from confirm_desk.ui.importing.mapping_dialog import ask_mapping

        def failed(exc: BaseException) -> None:  # the mapping step, then the same import again
            if not ask_mapping(self, exc, self.start):
                self.runner.show_failure(exc)

        def done(result: ImportResult) -> None:
            self.show_result(result, f"教职工名单导入结果 — {result.file}", self.imported)

        self.runner.run(f"正在导入 {path.name}", ops.staff_import_job(self.store, path, self.operator, manual), done,
                        failed)
