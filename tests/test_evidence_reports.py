"""统计表 and 花名册 from the staff list and the suggested conclusions, reopened with openpyxl."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants.listing import resolve
from confirm_desk.services.confirming.confirmation import CheckInput, load_check, save_check
from confirm_desk.services.coverage.staff import import_staff
from confirm_desk.services.evidence.importing import import_evidence
from confirm_desk.services.reports.roster import write_roster
from confirm_desk.services.reports.statistics import write_statistics
from confirm_desk.store.models import Operator, applicant_table
from tests.evidence_helpers import applicant_row, id_number, import_applicants_file, write_xlsx

TODAY = dt.date(2026, 11, 20)
A, B, C, D, E, F, G = (id_number(n) for n in range(11, 18))


def build(store, tmp_path: Path) -> None:
    import_applicants_file(store, tmp_path / "applicants.xlsx", [
        applicant_row("2026330000011", "甲", A, cert="高级中学教师资格", stage="初级中学", school="二中",
                      nature="公办初中"),
        applicant_row("2026330000012", "乙", B),
        applicant_row("2026330000013", "丙", C, stage="初级中学"),
        applicant_row("2026330000014", "丁", D),
        applicant_row("2026330000015", "戊", E),
    ])
    staff = [["姓名", "身份证号码", "学校", "学校性质", "在岗状态", "注册有效期至", "试用期满日期", "上次注册日期"],
             ["甲", A, "二中", "公办初中", "在岗", "2026-10-31", "", "2021-11-01"],
             ["乙", B, "定海区第一小学", "公办小学", "在岗", "2026-10-31", "", "2021-11-01"],
             ["丙", C, "定海区第一小学", "公办小学", "在岗", "2026-10-31", "", "2021-11-01"],
             ["丁", D, "定海区第一小学", "公办小学", "在岗", "2026-10-31", "", "2021-11-01"],
             ["戊", E, "定海区第一小学", "公办小学", "不在岗", "2026-10-31", "", "2021-11-01"],
             ["己", F, "城东幼儿园", "公办幼儿园", "在岗", "", "2027-08-31", ""],  # D: probation not over
             ["庚", G, "城东幼儿园", "公办幼儿园", "在岗", "2029-06-30", "", "2024-07-01"]]  # K: not due
    assert not import_staff(store, write_xlsx(tmp_path / "staff.xlsx", staff)).errors
    hours = [["身份证号码", "年度", "学时"], [A, 2023, 360], [B, 2023, 200], [C, 2023, 400], [D, 2024, 400],
             [E, 2024, 400]]
    import_evidence(store, "hours", write_xlsx(tmp_path / "hours.xlsx", hours))
    assess = [["身份证号码", "考核年度", "考核结果"]]
    for person, results in ((A, "合格"), (B, "合格"), (C, "合格"), (E, "合格")):
        assess += [[person, y, results] for y in range(2021, 2026)]
    assess += [[D, y, r] for y, r in zip(range(2021, 2026), ["合格", "不合格", "不合格", "合格", "合格"], strict=True)]
    import_evidence(store, "assessments", write_xlsx(tmp_path / "assess.xlsx", assess))
    contracts = [["身份证号码", "合同起始日期", "合同终止日期"]]
    contracts += [[p, "2020-09-01", "无固定期限"] for p in (A, B, C, D, E)]
    import_evidence(store, "contracts", write_xlsx(tmp_path / "contracts.xlsx", contracts))


def test_statistics_from_staff_list_and_suggestions(store, tmp_path: Path) -> None:
    build(store, tmp_path)
    with store.session() as session:
        stats = write_statistics(session, tmp_path / "stats.xlsx", TODAY)
    assert (stats.on_post, stats.probation, stats.out_of_scope) == (6, 1, 1)
    sheet = load_workbook(tmp_path / "stats.xlsx")["统计表"]
    row6 = {sheet.cell(4, c).value: sheet.cell(6, c).value for c in range(1, 12)}
    assert (row6["A"], row6["D"], row6["K"], row6["E"], row6["F"]) == (6, 1, 1, 5, 0)
    assert row6["B"] == "=A6-J6" and row6["C"] == "=B6-D6-E6-K6" and row6["L"] is None
    cells = {c.value: c for r in sheet.iter_rows() for c in r if isinstance(c.value, str)}

    def table(title: str) -> dict[str, object]:
        top = next(c for v, c in cells.items() if v.startswith(title)).row
        heads = [sheet.cell(top + 2, c).value or sheet.cell(top + 1, c).value for c in range(1, 12)]
        return {h: sheet.cell(top + 3, c).value for c, h in enumerate(heads, start=1) if h}

    two, three, four = table("表二"), table("表三"), table("表四")
    assert (two["同段聘任"], two["高证低聘"]) == (0, 1) and two["总数"] == "=SUM(B{0}:C{0})".format(
        cells[next(v for v in cells if v.startswith("表二"))].row + 3)
    assert three["连续两年及以上考核不合格"] == 1 and three["违法师德影响恶劣"] == 0
    assert (four["低证高聘"], four["教师培训学时不足"], four["个人原因终止教育教学一学期及以上"]) == (1, 1, 1)
    assert four["考核基本合格或不合格"] == 0
    assert row6["G"].startswith("=A") and row6["I"].startswith("=A")
    # 表五: the kindergarten comes only from the staff list.
    assert cells["公办幼儿园"].offset(0, 1).value == 1 and cells["公办小学"].offset(0, 1).value == 1
    assert cells["公办初中"].offset(0, 1).value == 1


def test_roster_opinion_filler_date_and_category(store, tmp_path: Path) -> None:
    build(store, tmp_path)
    with store.session() as session:  # refused at the desk, conditions left as the evidence shows them
        state = load_check(session, resolve(session, "2026330000014"))
        save_check(session, state.applicant_id, CheckInput(outcome=Status.REJECTED, reason="原件不符"), "clerk",
                   state.version)
    with store.session() as session:
        session.add(Operator(username="clerk", display_name="王老师", password_hash="x"))
    with store.session() as session:
        write_roster(session, tmp_path / "roster.xlsx", operator="clerk", today=TODAY)
        names = dict(session.execute(select(applicant_table.c.id_number, applicant_table.c.name)).all())
    book = load_workbook(tmp_path / "roster.xlsx")
    sheet = book["定海区第一小学"]
    subtitle = sheet["A2"].value
    assert "学校类别：普通中小学" in subtitle and "填表人姓名：王老师" in subtitle and "2026 年 11 月 20 日" in subtitle
    assert sheet["W3"].value == "所在单位审核意见"
    by_name = {sheet.cell(r, 2).value: sheet.cell(r, 23).value for r in range(5, sheet.max_row + 1)}
    assert by_name == {names[B]: "暂缓（学时不足）", names[C]: "暂缓（低证高聘）", names[D]: "确认未通过",
                       names[E]: "暂缓（中止教学）"}
    second = book["二中"]
    assert second["W5"].value == "合格" and [second.cell(5, c).value for c in range(17, 23)] == [
        "√", "√", None, "√", "√", "√"]
