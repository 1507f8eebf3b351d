"""The mapping step in the GUI: an unclear staff list opens the mapping dialog (headers, a preview of the
values, a field per column); the import runs with the choice, and files with the same headers reuse it."""

from __future__ import annotations

from openpyxl import Workbook

from confirm_desk.services.coverage.staff import staff_records
from confirm_desk.ui.coverage.staff_import_dialog import StaffImportDialog
from confirm_desk.ui.importing import mapping_dialog
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.widgets import messages


def _file(path, headers, rows):
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_unclear_staff_list_is_mapped_once(qtbot, store, tmp_path) -> None:
    # No on-post column the matcher recognises: the GUI asks (the CLI would read the file and warn).
    path = _file(tmp_path / "staff.xlsx", ["姓名", "身份证号码", "所在学校", "注册有效期至", "情况"],
                 [["张三", "330902198303036006", "第一小学", "2026-06-30", "离岗"],
                  ["李四", "330902199211017312", "第一小学", "2026-08-31", "在岗"]])
    runner = JobRunner(None, synchronous=True)
    dialog = StaffImportDialog(store, "clerk", runner)
    qtbot.addWidget(dialog)
    dialog.file_edit.setText(str(path))
    dialog.start()
    mapping = mapping_dialog.last_dialog[0]
    qtbot.addWidget(mapping)
    assert mapping.isVisible() and mapping.headers == ["姓名", "身份证号码", "所在学校", "注册有效期至", "情况"]
    assert mapping.table.item(4, 1).text() == "离岗；在岗"  # the preview of the values
    assert mapping.combos[2].currentData() == "school" and mapping.combos[4].currentData() == "-"
    mapping.choose(4, "school")
    mapping._accept()
    assert mapping.isVisible() and any("多列" in str(m) for m in messages.shown)  # refused: chosen twice
    mapping.choose(2, "school")
    mapping.choose(4, "on_post")
    mapping._accept()
    assert dialog.import_result is not None and dialog.import_result.imported == 2
    with store.session() as session:
        records = {r.id_number: r for r in staff_records(session)}
    assert records["330902198303036006"].on_post is False and records["330902199211017312"].on_post is True

    # The same headers again: no mapping step, the remembered choice applies.
    mapping_dialog.last_dialog.clear()
    again = StaffImportDialog(store, "clerk", runner)
    qtbot.addWidget(again)
    again.file_edit.setText(str(path))
    again.start()
    assert mapping_dialog.last_dialog == [] and again.import_result is not None
    assert {c["header"]: c["how"] for c in again.import_result.columns}["情况"] == "remembered"


def test_applicant_import_asks_for_a_missing_required_column(qtbot, store, tmp_path, make_window) -> None:
    from confirm_desk.services.applicants.listing import ListCriteria, list_records

    # "号码" could be anything: the ID number column is not recognised, so the main window asks.
    path = _file(tmp_path / "export.xlsx", ["报名号", "姓名", "号码", "现任教学校"],
                 [["2025330000301", "王五", "330902199207212617", "第一小学"]])
    window = make_window(store)
    mapping_dialog.last_dialog.clear()
    window.flow.run_import(path)
    mapping = mapping_dialog.last_dialog[0]
    assert "证件号码" in mapping.unclear.problem and "--map" not in mapping.unclear.problem
    assert mapping.combos[2].currentData() == "-"
    mapping.choose(2, "id_number")
    mapping._accept()
    with store.session() as session:
        records = list_records(session, ListCriteria())
    assert [(r["application_no"], r["id_number"]) for r in records] == [("2025330000301", "330902199207212617")]
