"""Where the file dialogs open: never the program's own folder (the working directory of a desk started from its
shortcut), but the clerk's Documents folder, then the folder they last chose a file in."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from confirm_desk.ui.widgets import file_dialogs


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """The start paths the dialogs were given; each answers with the next of `answers` (a path or "")."""
    seen: list[str] = []
    answers: list[str] = []

    def save(_parent, _title, start, _filter):
        seen.append(start)
        return answers.pop(0), _filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", save)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda _p, _t, start: (seen.append(start),
                                                                                     answers.pop(0))[1])
    monkeypatch.setattr(file_dialogs, "_last", {})
    monkeypatch.chdir(tmp_path)  # the "program folder"
    return seen, answers


def test_a_bare_name_opens_in_documents_then_where_the_clerk_last_saved(asked, tmp_path: Path) -> None:
    seen, answers = asked
    (tmp_path / "U盘").mkdir()
    answers.extend(["", str(tmp_path / "U盘" / "花名册.xlsx"), ""])
    assert file_dialogs.ask_save(None, "导出花名册", "花名册.xlsx", "Excel (*.xlsx)") == ("", "Excel (*.xlsx)")
    assert Path(seen[0]) == file_dialogs.documents() / "花名册.xlsx"
    assert not Path(seen[0]).is_relative_to(tmp_path)  # not the working directory
    path, _ = file_dialogs.ask_save(None, "导出花名册", "花名册.xlsx", "Excel (*.xlsx)")
    assert path == str(tmp_path / "U盘" / "花名册.xlsx")
    file_dialogs.ask_open(None, "选择要恢复的备份文件", "", "备份 (*.zip)")
    assert seen[2] == str(tmp_path / "U盘")  # cancelled: nothing remembered from it


def test_a_path_naming_its_folder_is_kept_and_a_folder_chosen_is_remembered(asked, tmp_path: Path) -> None:
    seen, answers = asked
    (tmp_path / "照片").mkdir()
    answers.extend([str(tmp_path / "照片"), ""])
    assert file_dialogs.ask_folder(None, "照片文件夹", str(tmp_path / "旧")) == str(tmp_path / "照片")
    assert seen[0] == str(tmp_path / "旧")
    file_dialogs.ask_save(None, "另存为 PDF", "受理凭证-1人-20261204-0915.pdf", "PDF 文件 (*.pdf)")
    assert seen[1] == str(tmp_path / "照片" / "受理凭证-1人-20261204-0915.pdf")


def test_a_remembered_folder_that_is_gone_gives_way_to_documents(asked, tmp_path: Path) -> None:
    """A U盘 taken out since the last save: Qt would fall back to the working directory."""
    seen, answers = asked
    stick = tmp_path / "U盘"
    stick.mkdir()
    answers.extend([str(stick / "花名册.xlsx"), ""])
    file_dialogs.ask_save(None, "导出花名册", "花名册.xlsx", "Excel (*.xlsx)")
    stick.rmdir()
    file_dialogs.ask_save(None, "导出花名册", "花名册.xlsx", "Excel (*.xlsx)")
    assert Path(seen[1]) == file_dialogs.documents() / "花名册.xlsx"
