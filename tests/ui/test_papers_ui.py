"""Issue 23 in the windows: 网报前照片批处理 (folder -> 114×156 <ID>.jpg, cancel, problem report), 网报填写卡 in the
preview, 附件1 / 附件4 exported from the 文件 menu. Real widgets, the real (threaded) job runner."""

from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook
from PIL import Image
from PySide6.QtWidgets import QPushButton

from confirm_desk.domain.errors import Cancelled
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.photos.readiness_dialog import ReadinessDialog
from confirm_desk.ui.printing.cards_dialog import CardsDialog
from confirm_desk.ui.widgets import messages

ID_A = "110101199003070011"
ID_B = "110101198506150027"


def _folder(samples, tmp_path):
    source = tmp_path / "拍照"
    source.mkdir()
    for number in (ID_A, ID_B):
        shutil.copy(samples / "faces" / "camera_portrait.jpg", source / f"{number}.jpg")
    return source


def _dialog(qtbot, store, source, out):
    dialog = ReadinessDialog(store, parent=None)
    dialog.runner = JobRunner(dialog, synchronous=False)  # the real, threaded runner
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_source(source)
    dialog.out_edit.setText(str(out))
    return dialog


def _threaded_window(make_window, store):
    """The main window (its own list loads inline), with the menus' jobs on the real, threaded runner."""
    window = make_window(store)
    window.flow.runner = JobRunner(window, synchronous=False)
    return window


@pytest.mark.samples
def test_readiness_dialog_writes_114_by_156_photos_and_the_report(qtbot, store, samples, tmp_path) -> None:
    out = tmp_path / "网报照片"
    dialog = _dialog(qtbot, store, _folder(samples, tmp_path), out)
    with qtbot.waitSignal(dialog.processed, timeout=60000) as blocker:
        dialog.start_button.click()
    result = blocker.args[0]
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{ID_A}.jpg", f"{ID_B}.jpg"])
    for path in out.iterdir():
        with Image.open(path) as image:
            assert image.size == (114, 156) and image.format == "JPEG"
    assert dialog.model.rowCount() == 2 and result.written == 2
    assert {dialog.model.rows[r][1] for r in range(2)} == {ID_A, ID_B}
    assert all(dialog.model.rows[r][3] in ("合格", "需人工确认") for r in range(2))
    assert "校验位" not in " ".join(dialog.model.rows[0] + dialog.model.rows[1])
    assert "生成 2 张" in dialog.summary.text() and dialog.save_button.isEnabled()
    report = tmp_path / "问题.xlsx"
    dialog.save_report(report)
    qtbot.waitUntil(lambda: report.exists() and not dialog.runner.busy, timeout=20000)
    sheet = load_workbook(report).active
    assert sheet["A1"].value == "文件" and sheet.max_row == 3
    assert {sheet.cell(r, 2).value for r in (2, 3)} == {ID_A, ID_B}


@pytest.mark.samples
def test_cancelled_run_leaves_no_output_file(qtbot, store, samples, tmp_path) -> None:
    out = tmp_path / "网报照片"
    out.mkdir()
    (out / "早先的.txt").write_text("留着")
    dialog = _dialog(qtbot, store, _folder(samples, tmp_path), out)
    dialog.start_button.click()
    progress = dialog.runner.progress_dialogs()[0]
    progress.findChild(QPushButton).click()  # 取消: the job stops at its next progress report
    qtbot.waitUntil(lambda: not dialog.runner.busy and dialog.start_button.isEnabled(), timeout=30000)
    assert dialog.runner.wait_idle()
    assert dialog.outcome is None and "已取消" in dialog.summary.text()
    assert [p.name for p in out.iterdir()] == ["早先的.txt"]


@pytest.mark.samples
def test_cancel_part_way_removes_the_files_of_the_run(store, samples, tmp_path) -> None:
    """The job runner cancels by raising Cancelled from the progress callback; the run's files go again."""
    from confirm_desk.ui.ops.papers import prepare_photos_job

    out = tmp_path / "网报照片"
    seen: list[int] = []

    def progress(done: int, total: int, _text: str) -> None:
        seen.append(done)
        if done == 1:
            assert len(list(out.glob("*.jpg"))) == 1  # the first photo was written
            raise Cancelled()

    with pytest.raises(Cancelled):
        prepare_photos_job(store, _folder(samples, tmp_path), out, by_name=False)(progress)
    assert seen == [0, 1] and list(out.iterdir()) == []


@pytest.mark.samples
def test_source_that_is_not_there_is_refused_in_chinese(qtbot, store, tmp_path) -> None:
    dialog = _dialog(qtbot, store, tmp_path / "没有这个文件夹", tmp_path / "out")
    dialog.start_button.click()
    assert messages.shown[-1][0] == "error" and "找不到" in messages.shown[-1][1]
    assert not (tmp_path / "out").exists()


@pytest.mark.samples
def test_summary_and_county_roster_exports_reopen(qtbot, imported_store, samples, tmp_path, make_window) -> None:
    from confirm_desk.services.coverage.staff import import_staff

    import_staff(imported_store, samples / "staff_list.xlsx")
    window = _threaded_window(make_window, imported_store)
    assert window.menus.act_export_summary in window.menus.file_menu.actions()
    assert window.menus.act_export_county_roster in window.menus.file_menu.actions()
    summary = tmp_path / "附件1.xlsx"
    window.flow.write_county_sheet("summary", summary)
    qtbot.waitUntil(lambda: any("已导出 82 名教师" in text for _kind, text in messages.shown), timeout=30000)
    sheet = load_workbook(summary).active
    assert sheet["A1"].value == "中小学教师持证情况汇总表" and sheet.max_row >= 4 + 82
    roster = tmp_path / "附件4.xlsx"
    window.flow.write_county_sheet("county_roster", roster)
    qtbot.waitUntil(lambda: any("名申请人" in text for _kind, text in messages.shown), timeout=30000)
    assert load_workbook(roster).active.max_row > 4
    assert window.flow.runner.wait_idle()


@pytest.mark.samples
def test_cards_action_opens_a_preview_with_a_page_per_teacher(qtbot, store, samples, make_window) -> None:
    from confirm_desk.services.coverage.staff import import_staff
    from confirm_desk.ui.printing.preview_dialog import PrintPreviewDialog

    import_staff(store, samples / "staff_list.xlsx")
    window = _threaded_window(make_window, store)
    assert window.menus.act_print_cards in window.menus.print_menu.actions()
    window.menus.act_print_cards.trigger()
    chooser = next(d for d in window.open_dialogs if isinstance(d, CardsDialog))
    qtbot.waitUntil(chooser.ok_button.isEnabled)  # the staff list's schools read off the GUI thread
    assert chooser.school.itemText(0) == "全部学校（9 所，82 人）" and chooser.chosen_school() == ""
    chooser.ok_button.click()
    qtbot.waitUntil(lambda: any(isinstance(d, PrintPreviewDialog) for d in window.open_dialogs), timeout=60000)
    preview = next(d for d in window.open_dialogs if isinstance(d, PrintPreviewDialog))
    assert preview.page_count() == 82 and "网报填写卡（82 人，82 页）" == preview.windowTitle()
    preview.reject()


@pytest.mark.samples
def test_cards_for_one_school_as_the_command_line_prints_them(qtbot, store, samples, make_window, tmp_path) -> None:
    """The GUI's school chooser gives what `print cards --school` gives (write_cards with that school): that
    school's teachers only."""
    from confirm_desk.services.coverage.staff import import_staff
    from confirm_desk.services.printing.cards import write_cards
    from confirm_desk.ui.printing.preview_dialog import PrintPreviewDialog

    import_staff(store, samples / "staff_list.xlsx")
    window = make_window(store)
    window.menus.act_print_cards.trigger()
    chooser = next(d for d in window.open_dialogs if isinstance(d, CardsDialog))
    schools = [chooser.school.itemText(i) for i in range(chooser.school.count())]
    assert schools[1:4] == ["南京市第二十九中学（11 人）", "南京市鼓楼区实验幼儿园（9 人）",
                            "南京市鼓楼区第二实验小学（5 人）"]
    chooser.school.setCurrentIndex(schools.index("舟山市定海区白泉初级中学（6 人）"))
    assert chooser.chosen_school() == "舟山市定海区白泉初级中学"
    chooser.ok_button.click()
    preview = next(d for d in window.open_dialogs if isinstance(d, PrintPreviewDialog))
    assert preview.page_count() == 6 and preview.windowTitle() == "网报填写卡（6 人，6 页）"
    names = _pdf_text(preview.pdf_path)
    preview.reject()
    cli_pdf = tmp_path / "cli.pdf"
    with store.session() as session:
        assert write_cards(session, cli_pdf, school="舟山市定海区白泉初级中学").cards == 6
    assert names == _pdf_text(cli_pdf) and "舟山市定海区白泉初级中学" in names and "南京市第二十九中学" not in names


def _pdf_text(path) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_cards_wait_for_a_staff_list(qtbot, store, make_window) -> None:
    window = make_window(store)
    window.menus.act_print_cards.trigger()
    chooser = next(d for d in window.open_dialogs if isinstance(d, CardsDialog))
    assert not chooser.ok_button.isEnabled() and chooser.note.text().startswith("教职工名单为空")
    chooser.reject()


def test_readiness_action_is_in_the_photo_menu(qtbot, store, make_window) -> None:
    window = make_window(store)
    assert window.menus.act_photo_readiness in window.menus.photo_menu.actions()
    window.menus.act_photo_readiness.trigger()
    assert any(isinstance(d, ReadinessDialog) for d in window.open_dialogs)
