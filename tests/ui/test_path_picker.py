"""The shared file/folder picker of the import dialogs and the photo readiness dialog: what a choice fills in,
what each dialog does with it, and the one message each gives for a missing file. The system's chooser is
replaced by one that answers at once (it would wait for a person)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QPushButton

from confirm_desk.ui.coverage.staff_import_dialog import StaffImportDialog
from confirm_desk.ui.evidence.import_dialog import EvidenceImportDialog
from confirm_desk.ui.importing.import_dialog import ImportDialog
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.photos.readiness_dialog import ReadinessDialog
from confirm_desk.ui.widgets import file_dialogs, messages
from confirm_desk.ui.widgets.path_picker import PathPicker


class Chooser:
    """Stands in for QFileDialog's static choosers: records each call, answers with `answer`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, answer: str) -> None:
        self.answer, self.calls = answer, []
        monkeypatch.setattr(QFileDialog, "getOpenFileName", self.open_file)
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", self.folder)

    def open_file(self, parent, caption, start, file_filter):
        self.calls.append(("file", caption, start, file_filter))
        return self.answer, file_filter

    def folder(self, parent, caption, start):
        self.calls.append(("folder", caption, start))
        return self.answer


def test_a_choice_fills_the_edit_and_says_so(qtbot, monkeypatch, tmp_path) -> None:
    picker = PathPicker("占位")
    qtbot.addWidget(picker)
    file_button = picker.add_file_button("选择文件…", "选择名单", "表格 (*.xlsx)")
    folder_button = picker.add_folder_button("选择文件夹…", "选择照片文件夹")
    assert picker.edit.placeholderText() == "占位" and picker.path() is None
    chooser = Chooser(monkeypatch, str(tmp_path / "名单.xlsx"))
    monkeypatch.setattr(file_dialogs, "_last", {})
    with qtbot.waitSignal(picker.picked) as picked:
        file_button.click()
    assert picker.edit.text() == str(tmp_path / "名单.xlsx") and picked.args == [tmp_path / "名单.xlsx"]
    chooser.answer = str(tmp_path)
    folder_button.click()
    assert picker.path() == tmp_path
    # The first chooser opened in Documents (not the working directory), the second where the first choice was;
    # a cancelled chooser changes nothing.
    assert chooser.calls == [("file", "选择名单", str(file_dialogs.documents()), "表格 (*.xlsx)"),
                             ("folder", "选择照片文件夹", str(tmp_path / "名单.xlsx"))]
    chooser.answer = ""
    with qtbot.assertNotEmitted(picker.picked):
        file_button.click()
    assert picker.path() == tmp_path


def test_choosing_a_workbook_lists_its_sheets(qtbot, monkeypatch, samples: Path, tmp_path: Path) -> None:
    from tests.test_hidden_sheets import workbook

    path = workbook(tmp_path / "list.xlsx", samples, [("名单一", "visible", True), ("名单二", "visible", False)])
    dialog = ImportDialog()
    qtbot.addWidget(dialog)
    Chooser(monkeypatch, str(path))
    buttons = dialog.file_picker.findChildren(QPushButton)
    assert [b.text() for b in buttons] == ["选择文件…"]
    buttons[0].click()
    assert dialog.file_edit.text() == str(path)
    assert [dialog.sheet_combo.itemText(i) for i in range(1, dialog.sheet_combo.count())] == ["名单一", "名单二"]
    photo_buttons = dialog.photos_picker.findChildren(QPushButton)
    assert [b.text() for b in photo_buttons] == ["选择文件夹…", "选择压缩包…"]


def test_each_import_dialog_says_what_file_is_missing(qtbot, store, tmp_path) -> None:
    runner = JobRunner(None, synchronous=True)
    dialogs = [ImportDialog(), StaffImportDialog(store, "clerk", runner), EvidenceImportDialog(store, "clerk", runner)]
    expected = ["请选择要导入的名单文件；只补充照片时，只选择照片文件夹或压缩包。", "请选择要导入的教职工名单文件。",
                "请选择要导入的文件。"]
    for dialog, message in zip(dialogs, expected, strict=True):
        qtbot.addWidget(dialog)
        assert dialog.buttons.button(dialog.buttons.StandardButton.Ok).text() == "开始导入"
        dialog.file_edit.setText(str(tmp_path / "没有这个文件.xlsx"))
        dialog.buttons.accepted.emit()
        assert messages.shown[-1] == ("error", message) and dialog.result() == 0 and dialog.import_result is None
    photos = dialogs[0]
    photos.file_edit.setText(str(tmp_path / "有.xlsx"))
    (tmp_path / "有.xlsx").write_bytes(b"")
    photos.photos_edit.setText(str(tmp_path / "没有的照片"))
    photos.buttons.accepted.emit()
    assert messages.shown[-1] == ("error", f"照片文件夹或压缩包不存在：{tmp_path / '没有的照片'}")


def test_the_evidence_chooser_is_titled_by_the_kind(qtbot, monkeypatch, store) -> None:
    dialog = EvidenceImportDialog(store, "clerk", JobRunner(None, synchronous=True), kind="contracts")
    qtbot.addWidget(dialog)
    assert dialog.form.rowCount() == 2 and dialog.hint.text().startswith("需要的列：身份证号码、合同起始日期")
    chooser = Chooser(monkeypatch, "")
    (button,) = dialog.file_picker.findChildren(QPushButton)
    button.click()
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("hours"))
    button.click()
    assert [c[1] for c in chooser.calls] == ["选择聘用合同文件", "选择培训学时文件"]


def test_choosing_the_photo_source_suggests_the_output_folder(qtbot, monkeypatch, tmp_path) -> None:
    source = tmp_path / "照片"
    source.mkdir()
    dialog = ReadinessDialog(None)
    qtbot.addWidget(dialog)
    chooser = Chooser(monkeypatch, str(source))
    source_picker = dialog.source_edit.parentWidget()
    folder_button, zip_button = source_picker.findChildren(QPushButton)
    folder_button.click()
    assert dialog.source_edit.text() == str(source) and dialog.out_edit.text() == f"{source}_网报照片"
    chooser.answer = str(tmp_path / "另一个.zip")
    zip_button.click()
    assert chooser.calls[-1][1:] == ("选择照片压缩包", str(source), "压缩包 (*.zip)")
    assert dialog.source_edit.text() == str(tmp_path / "另一个.zip")
    assert dialog.out_edit.text() == f"{source}_网报照片"  # a folder already given is kept
