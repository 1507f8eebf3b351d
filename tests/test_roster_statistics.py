"""花名册 and 统计表 reopen with openpyxl: merged header, print set-up, text ID cells, values and formulas."""

from __future__ import annotations

from openpyxl import load_workbook
from sqlalchemy import select, update

from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants.listing import resolve
from confirm_desk.services.reports.roster import write_roster
from confirm_desk.services.reports.statistics import write_statistics
from confirm_desk.store.models import applicant_table
from tests.test_batch_export import decide, pending_numbers

t = applicant_table


def test_roster_one_sheet_per_school_with_the_forms_header(imported_store, tmp_path) -> None:
    first, second = pending_numbers(imported_store, 2)
    decide(imported_store, first)  # all seven conditions recorded as met
    decide(imported_store, second, Status.INCOMPLETE)
    with imported_store.session() as session:
        first_id = resolve(session, first)
        # A value that would run as a formula must come back as text.
        session.execute(update(t).where(t.c.id == first_id).values(teaching_subject="=1+1"))
        result = write_roster(session, tmp_path / "roster.xlsx")
    book = load_workbook(tmp_path / "roster.xlsx")
    assert result.schools == len(book.sheetnames) >= 2 and result.people == 57  # drafts are left out
    with imported_store.session() as session:
        school = session.scalar(select(t.c.school).where(t.c.id == first_id))
    escaped = book[school]
    sheet = next(s for s in book if s is not escaped)
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:Z1", "A2:Z2", "A3:A4", "B3:B4", "H3:L3", "Q3:V3", "W3:W4", "Z3:Z4"} <= merged
    assert sheet["A1"].value == "学校集体办理教师资格定期注册人员花名册"
    assert [sheet.cell(4, c).value for c in range(8, 13)] == ["号码", "类别", "任教学科", "发证日期", "发证机关"]
    assert [sheet.cell(4, c).value for c in range(17, 23)] == ["1", "2", "3", "4", "5", "6"]
    assert sheet["Q3"].value == "定期注册条件具备情况（完成的打√）" and sheet["Z3"].value == "备注"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.print_title_rows == "$3:$4" and int(sheet.page_setup.fitToWidth) == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet["C5"].border.left.style == "thin"

    assert escaped["A2"].value.startswith(f"学校：{school}（盖章）")
    assert escaped["N5"].value == "'=1+1" and escaped["N5"].data_type == "s"
    row = [c.value for c in escaped[5]]
    assert row[0] == 1 and isinstance(row[4], str) and len(row[4]) == 18 and escaped["E5"].number_format == "@"
    assert row[3].count(".") == 1 and row[16:22] == ["√"] * 6 and row[25] is None  # confirmed: no remark
    remarks = [sheet.cell(r, 26).value for r in range(5, sheet.max_row + 1)]
    assert "网报待确认" in remarks


def test_statistics_table_one_formulas_and_counts(imported_store, tmp_path) -> None:
    numbers = pending_numbers(imported_store, 3)
    decide(imported_store, numbers[0])
    decide(imported_store, numbers[1], Status.REJECTED)
    decide(imported_store, numbers[2], Status.INCOMPLETE)
    with imported_store.session() as session:
        stats = write_statistics(session, tmp_path / "stats.xlsx")
    assert (stats.applications, stats.rejected, stats.confirmed, stats.incomplete) == (57, 1, 1, 1)
    sheet = load_workbook(tmp_path / "stats.xlsx")["统计表"]
    assert sheet["A1"].value == "县(区)教师资格定期注册初审数据统计表"
    assert "A1:K1" in {str(r) for r in sheet.merged_cells.ranges}
    assert [c.value for c in sheet[4]] == list("ABCDEFGHIKL")
    assert sheet["E5"].value == "本次网报申请数" and sheet["F5"].value == "现场确认未通过数"
    assert sheet["A6"].value == "=B6+J6" and sheet["B6"].value == "=C6+D6+E6+K6"  # A=B+K, B=C+D+E+L
    assert (sheet["E6"].value, sheet["F6"].value) == (57, 1)
    assert all(sheet.cell(6, c).value is None for c in (3, 4, 10, 11))  # no staff list: the desk cannot know
    assert all(sheet.cell(6, c).value.startswith("=A") for c in (7, 8, 9))  # G, H, I: totals of 表二–表四
    cells = {c.value: c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    total = cells["合计"]
    assert sheet.cell(total.row, 2).value.startswith("=SUM(B") and sheet.cell(total.row, 3).value.startswith("=SUM(C")
    assert cells["总计"].offset(0, 1).value.startswith("=SUM(D")
    assert cells["公办小学"].offset(0, 1).value == 3  # schools of that nature with applicants
