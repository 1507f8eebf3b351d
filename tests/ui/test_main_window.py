"""pytest-qt: the real main window over the sample store — search, filter, open, import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from confirm_desk.ui.confirming.detail_dialog import DetailDialog
from confirm_desk.ui.importing.import_dialog import ImportDialog
from confirm_desk.ui.importing.result_dialog import ImportResultDialog
from confirm_desk.ui.main.applicant_model import COL_APPLICATION_NO, COL_ID_NUMBER, COL_STATUS, ApplicantListModel
from tests.accounts_helpers import fast_hasher  # noqa: F401
from tests.ui.helpers import type_text


def _column(window, col: int) -> list[str]:
    m = window.model
    return [m.data(m.index(r, col)) for r in range(m.rowCount())]


def test_model_passes_qt_model_tester(imported_store, qtmodeltester) -> None:
    model = ApplicantListModel(imported_store)
    model.refresh()
    qtmodeltester.check(model)


def test_list_shows_all_and_count(imported_store, make_window) -> None:
    window = make_window(imported_store)
    assert window.model.rowCount() == 60
    assert window.count_label.text() == "显示 60 / 共 60 人"


def test_search_as_you_type(imported_store, make_window, qtbot) -> None:
    window = make_window(imported_store)
    type_text(window.query.search, "沈")
    qtbot.waitUntil(lambda: window.model.rowCount() < 60)
    names = [window.model.data(window.model.index(r, 1)) for r in range(window.model.rowCount())]
    assert names and all(n.startswith("沈") for n in names)
    window.query.search.clear()
    qtbot.keyClicks(window.query.search, "716X")  # an ID fragment
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.count_label.text() == "显示 1 / 共 60 人"


def test_an_empty_list_says_why_and_what_to_do(imported_store, make_window, qtbot) -> None:
    """A search nobody matches: the list says so over the empty grid and points at 列出全部; clearing it brings the
    rows back and the words go."""
    window = make_window(imported_store)
    hint = window.applicants.empty_hint
    assert window.model.rowCount() == 60 and hint.isHidden()
    type_text(window.query.search, "没有这个人")
    qtbot.waitUntil(lambda: window.model.rowCount() == 0 and not hint.isHidden())
    assert "没有符合查询条件的申请人（共 60 人）" in hint.text() and "列出全部" in hint.text()
    assert hint.isVisible() and window.applicants.table.viewport().rect().contains(hint.geometry().center())
    window.query.list_all.click()
    qtbot.waitUntil(lambda: window.model.rowCount() == 60)
    assert hint.isHidden()


def test_an_empty_store_says_to_import_first(store, make_window) -> None:
    window = make_window(store)
    hint = window.applicants.empty_hint
    assert window.model.rowCount() == 0 and not hint.isHidden()
    assert "还没有申请人" in hint.text() and "导入申请人" in hint.text()


def test_status_filter_and_list_all(imported_store, make_window) -> None:
    window = make_window(imported_store)
    window.query.set_status_filter("draft")
    assert sorted(_column(window, COL_APPLICATION_NO)) == ["2025320000018", "2025330000016", "2025500000017"]
    assert set(_column(window, COL_STATUS)) == {"网报未完成"}
    window.query.list_all.click()
    assert window.model.rowCount() == 60


def test_double_click_opens_detail_with_flagged_checks(imported_store, make_window, qtbot) -> None:
    window = make_window(imported_store)
    row = _column(window, COL_APPLICATION_NO).index("2025330000004")
    rect = window.table.visualRect(window.model.index(row, 1))
    window.table.scrollTo(window.model.index(row, 1))
    rect = window.table.visualRect(window.model.index(row, 1))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialogs = [d for d in window.open_dialogs if isinstance(d, DetailDialog)]
    assert len(dialogs) == 1
    detail = dialogs[0]
    assert detail.detail.values["application_no"] == "2025330000004"
    assert "id_checksum" in detail.finding_labels
    assert "校验码" in detail.finding_labels["id_checksum"].text()
    assert "#b3261e" in detail.findChild(type(detail.finding_labels["id_checksum"]), "value_id_number").styleSheet()


def test_scanner_input_opens_the_applicant(imported_store, make_window, qtbot) -> None:
    window = make_window(imported_store)
    window.query.search.setFocus()
    qtbot.keyClicks(window.query.search, "2025320000021")
    qtbot.keyClick(window.query.search, Qt.Key.Key_Return)
    opened = [d for d in window.open_dialogs if isinstance(d, DetailDialog)]
    assert [d.detail.values["application_no"] for d in opened] == ["2025320000021"]
    assert "gender_mismatch" in opened[0].finding_labels
    # The scanner can also give the ID number (lower-case x as some scanners send it).
    qtbot.keyClicks(window.query.search, "33090219830517317x")
    window.query.search.setText("33090219830517317x")
    qtbot.keyClick(window.query.search, Qt.Key.Key_Return)
    opened = [d for d in window.open_dialogs if isinstance(d, DetailDialog)]
    assert opened[-1].detail.values["application_no"] == "2025500000008"


def test_import_through_the_dialog(store, samples: Path, make_window) -> None:
    window = make_window(store)
    assert window.model.rowCount() == 0
    window.menus.act_import.trigger()
    dialog = next(d for d in window.open_dialogs if isinstance(d, ImportDialog))
    dialog.file_edit.setText(str(samples / "applicants_export.xlsx"))  # the file dialog bypassed
    dialog.photos_edit.setText(str(samples / "photos"))
    dialog.buttons.accepted.emit()
    assert window.model.rowCount() == 60
    result = next(d for d in window.open_dialogs if isinstance(d, ImportResultDialog))
    assert result.import_result.imported == 60
    assert result.model.rowCount() >= 1  # the corrupt photo is listed
    texts = [result.model.cell(r, 4) for r in range(result.model.rowCount())]
    assert any("损坏" in t for t in texts)


def test_the_first_import_into_an_empty_list_sizes_its_columns_by_the_rows(store, samples: Path, make_window,
                                                                          qtbot) -> None:
    """A new store's list has only headers to size by; when the first import brings rows the columns are sized
    by them (they stayed header-narrow, "202…", and the last column took half the width)."""
    window = make_window(store)
    window.resize(1366, 728)
    assert window.model.rowCount() == 0
    window.flow.run_import(samples / "applicants_export.xlsx")
    assert window.model.rowCount() == 60
    qtbot.waitUntil(lambda: window.model.has_row(0))
    header, metrics = window.table.horizontalHeader(), window.table.fontMetrics()
    numbers = _column(window, COL_APPLICATION_NO)
    assert header.sectionSize(COL_APPLICATION_NO) >= metrics.horizontalAdvance(max(numbers, key=len))
    masked = _column(window, COL_ID_NUMBER)
    assert header.sectionSize(COL_ID_NUMBER) >= metrics.horizontalAdvance(max(masked, key=len))
    last = header.count() - 1
    assert header.sectionSize(last) < window.table.viewport().width() // 3


def test_photos_alone_are_attached_to_the_applicants_already_imported(store, samples: Path, make_window) -> None:
    """Photos often come after the list: the import dialog takes a photo folder without a list file (照片 menu),
    attaches what matches and says what it did, the corrupt photo named."""
    from confirm_desk.ui.widgets import messages

    window = make_window(store)
    window.flow.run_import(samples / "applicants_export.xlsx")
    assert window.model.rowCount() == 60
    for dialog in list(window.open_dialogs):
        dialog.close()
    window.menus.act_import_photos.trigger()
    dialog = next(d for d in window.open_dialogs if isinstance(d, ImportDialog))
    dialog.buttons.accepted.emit()  # nothing chosen: said plainly, the dialog stays
    assert messages.shown[-1][0] == "error" and "只选择照片文件夹" in messages.shown[-1][1]
    dialog.photos_edit.setText(str(samples / "photos"))
    dialog.buttons.accepted.emit()
    kind, text = messages.shown[-1]
    assert kind == "info" and text.startswith("已关联照片 55 张，未变 0 张，无法匹配 0 张，出错 1 张")
    assert "320106198703218941.jpg" in text
    assert window.model.total == 60  # no applicant added or changed by photos alone
    from sqlalchemy import func, select

    from confirm_desk.store.models import Photo

    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(Photo)) == 55


def test_import_of_a_bad_file_shows_a_message(store, make_window, tmp_path: Path) -> None:
    from confirm_desk.ui.widgets import messages

    bad = tmp_path / "bad.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    window = make_window(store)
    window.flow.run_import(bad)
    assert messages.shown and messages.shown[-1][0] == "error"
    assert "表头" in messages.shown[-1][1]
    assert window.model.rowCount() == 0


def test_import_of_a_sheet_reaching_far_shows_a_message(store, make_window, tmp_path: Path) -> None:
    """Cells without references, one row 200 wide and 60,000 rows below: the reader would expand them into 12
    million cells. The import says the sheet is too large, in the clerk's words, and nothing is stored."""
    from confirm_desk.ui.widgets import messages
    from tests.data.make_office_files import _raw_sheet_xlsx

    far = tmp_path / "far.xlsx"
    _raw_sheet_xlsx(far, ("<row>" + "<c><v>1</v></c>" * 200 + "</row>" + "<row></row>" * 60_000
                          + "<row><c><v>2</v></c></row>").encode())
    window = make_window(store)
    window.flow.run_import(far)
    assert messages.shown and messages.shown[-1][0] == "error"
    assert "数据范围过大" in messages.shown[-1][1] and "单元格 GR1" in messages.shown[-1][1]
    assert window.model.rowCount() == 0


def test_import_of_a_file_that_aborts_the_reader_shows_a_message_and_the_window_lives(
        store, make_window, tmp_path: Path, samples: Path) -> None:
    """A file made to get past the scan (a cell with two references: the reader asks for 550 GB). The GUI tries every
    workbook in a child first: the child dies, the clerk reads why, the window and the store are as they were,
    and the next import works."""
    from confirm_desk.services.spreadsheets import probe
    from confirm_desk.ui.widgets import messages
    from tests.data.make_office_files import PAST_THE_SCAN

    hostile = tmp_path / "名单.xlsx"
    PAST_THE_SCAN["two_references"](hostile)
    window = make_window(store)
    probe.isolate()
    try:
        window.flow.run_import(hostile)
        assert messages.shown and messages.shown[-1][0] == "error"
        assert "无法读取“名单.xlsx”" in messages.shown[-1][1] and "数据范围大得异常" in messages.shown[-1][1]
        assert window.model.rowCount() == 0 and window.isVisible()
        window.flow.run_import(samples / "applicants_export.xlsx")
    finally:
        probe.isolate(False)
    assert window.model.rowCount() == 60


def test_the_app_tries_workbooks_in_a_child(tmp_path: Path) -> None:
    """The GUI's start turns the trial on before anything can be imported (here the log-in is cancelled)."""
    import os
    import subprocess
    import sys

    script = ("from PySide6.QtCore import QTimer\n"
              "from PySide6.QtWidgets import QApplication\n"
              "from confirm_desk import app\n"
              "from confirm_desk.services.spreadsheets import probe\n"
              "qt = QApplication([])\n"
              "def cancel():\n"
              "    dialog = QApplication.activeModalWidget()\n"
              "    dialog.reject() if dialog is not None else QTimer.singleShot(20, cancel)\n"
              "QTimer.singleShot(0, cancel)\n"
              "print('isolated before', probe.isolated())\n"
              "print('exit', app.main([]), 'isolated', probe.isolated())\n")
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k != "CONFIRM_DESK_DB"}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(root), CONFIRM_DESK_HOME=str(tmp_path / "data"))
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=root, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-800:]
    assert done.stdout.split() == ["isolated", "before", "False", "exit", "0", "isolated", "True"], done.stdout


def test_ids_masked_by_default(imported_store, make_window) -> None:
    window = make_window(imported_store)
    ids = _column(window, 3)
    assert all("*" in i for i in ids)
    window.menus.act_full_ids.trigger()
    assert not any("*" in i for i in _column(window, 3))


def test_logged_in_scan_opens_the_check_dialog_and_saves_refresh_the_list(imported_store, make_window, qtbot) -> None:
    from confirm_desk.ui.confirming.check_dialog import CheckDialog
    from tests.accounts_helpers import make_operators

    _admin, clerk = make_operators(imported_store)
    window = make_window(imported_store, clerk)
    assert "确认员乙" in window.statusBar().currentMessage()
    assert not window.menus.act_users.isEnabled()  # only administrators manage operators
    window.query.search.setText("2025320000003")
    qtbot.keyClick(window.query.search, Qt.Key.Key_Return)
    dialogs = [d for d in window.open_dialogs if isinstance(d, CheckDialog)]
    assert len(dialogs) == 1 and dialogs[0].applicant_id == window.model.id_at(0)


def test_normalize_all_photos_from_the_menu(imported_store, make_window) -> None:
    from sqlalchemy import func, select

    from confirm_desk.store.models import applicant_table as t

    window = make_window(imported_store)
    window.menus.act_normalize_all.trigger()
    with imported_store.session() as s:
        states = dict(s.execute(select(t.c.photo_state, func.count()).group_by(t.c.photo_state)).all())
    assert states.get("original", 0) == 0 and states["normalized"] >= 54
    photo_column = [window.model.data(window.model.index(r, 8)) for r in range(window.model.rowCount())]
    assert photo_column.count("已规范") == states["normalized"]


def test_print_forms_of_the_selection_opens_a_preview(imported_store, make_window) -> None:
    from confirm_desk.ui.printing.preview_dialog import PrintPreviewDialog

    window = make_window(imported_store)
    window.table.selectRow(0)
    window.menus.act_print_form.trigger()
    previews = [d for d in window.open_dialogs if isinstance(d, PrintPreviewDialog)]
    assert len(previews) == 1
    assert previews[0].document.pageCount() == 2  # one applicant, two signed copies


def test_later_steps_are_reachable_from_the_main_window(imported_store, make_window, tmp_path) -> None:
    from openpyxl import load_workbook

    from confirm_desk.ui.confirming.follow_up_view import FollowUpView
    from confirm_desk.ui.coverage.view import CoverageView

    window = make_window(imported_store)
    assert window.dashboard_dock.widget() is window.dashboard
    window.flow.write_sheet("roster", tmp_path / "roster.xlsx")
    assert len(load_workbook(tmp_path / "roster.xlsx").sheetnames) >= 1
    window.flow.write_sheet("stats", tmp_path / "stats.xlsx")
    assert (tmp_path / "stats.xlsx").stat().st_size > 0
    window.menus.act_coverage.trigger()
    window.menus.act_follow_up.trigger()
    kinds = {type(d) for d in window.open_dialogs}
    assert {CoverageView, FollowUpView} <= kinds


def test_the_title_names_the_desk_once(imported_store, make_window, qtbot) -> None:
    """Qt writes the application's display name (确认台) after every title not ending with it: the titles leave it out
    (it read 确认台 ConfirmDesk — 教师资格定期注册现场确认 — 确认台)."""
    from confirm_desk import APP_NAME_ZH
    from confirm_desk.ui.accounts.login_dialog import LoginDialog
    from confirm_desk.ui.settings.first_run_dialog import FirstRunDialog
    from confirm_desk.ui.settings.help_dialog import AboutDialog, HelpDialog

    window = make_window(imported_store)
    assert APP_NAME_ZH not in window.windowTitle() and "教师资格定期注册现场确认" in window.windowTitle()
    dialogs = [LoginDialog(imported_store), FirstRunDialog(imported_store), HelpDialog()]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
    assert [d.windowTitle() for d in dialogs] == ["首次运行", "确认点信息", "使用说明"]  # "确认台 — 首次运行 — 确认台"
    about = AboutDialog()
    qtbot.addWidget(about)
    assert about.windowTitle().endswith(APP_NAME_ZH)  # ending with it, Qt adds nothing


def test_the_query_bar_shows_its_first_choices_whole_in_the_bundled_chinese_font(qtbot) -> None:
    """Each filter's first choice is read whole in the font the desk draws with (全部上报状态 was cut to 全部上报状…:
    its width was counted in Latin characters)."""
    from PySide6.QtGui import QFont, QFontDatabase
    from PySide6.QtWidgets import QStyle, QStyleOptionComboBox, QWidget

    from confirm_desk.paths import font_path
    from confirm_desk.ui.main.query_bar import QueryBar

    family = QFontDatabase.applicationFontFamilies(QFontDatabase.addApplicationFont(str(font_path())))[0]
    holder = QWidget()
    qtbot.addWidget(holder)
    holder.setFont(QFont(family, 10))
    bar = QueryBar(holder)
    holder.resize(400, 60)  # narrower than the bar wants: each part at its minimum
    holder.show()
    for combo in (bar.point, bar.status, bar.sync):
        option = QStyleOptionComboBox()
        combo.initStyleOption(option)
        field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                             QStyle.SubControl.SC_ComboBoxEditField, combo)
        assert field.width() >= combo.fontMetrics().horizontalAdvance(combo.currentText()), combo.currentText()
