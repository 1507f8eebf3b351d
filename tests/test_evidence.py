"""Evidence imports (training hours, assessments, contracts), the conditions and the suggested conclusion."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from confirm_desk.cli import main
from confirm_desk.domain.conditions import Contract, Evidence, Training, evaluate, suggest
from confirm_desk.domain.errors import FileRefused
from confirm_desk.services.evidence.conditions import conditions_for
from confirm_desk.services.evidence.importing import import_evidence
from confirm_desk.services.evidence.rules import active_rules, rule_set_for
from tests.evidence_helpers import applicant_row, id_number, import_applicants_file, write_xlsx

TODAY = dt.date(2026, 11, 20)
ZJ = rule_set_for("浙江省")
A, B, C = id_number(1), id_number(2, female=True), id_number(3)


@pytest.fixture
def people(store, tmp_path: Path):
    import_applicants_file(store, tmp_path / "applicants.xlsx", [
        applicant_row("2026330000001", "张三", A),
        applicant_row("2026330000002", "李四", B, kind="首次注册", hired="2024-09-01"),
        applicant_row("2026330000003", "王五", C, stage="初级中学"),
    ])
    return store


def test_rule_sets_carry_the_seed_numbers() -> None:
    assert (ZJ.hours_periodic, ZJ.hours_first) == (360, 180)
    assert (ZJ.contract_first_years, ZJ.contract_periodic_years) == (1, 3)
    assert ZJ.passing == ("优秀", "合格") and ZJ.deferral_hours_per_year == 72 and ZJ.fail_consecutive == 2
    cq = rule_set_for("重庆市")
    assert cq.hours_periodic == 360 and cq.hours_first is None and cq.contract_periodic_years is None
    assert "借用" in rule_set_for("江苏省").name
    for name in ("zhejiang", "chongqing"):
        data = json.loads((Path(__file__).parent.parent / "resources" / "rules" / f"{name}.json").read_text("utf-8"))
        for section in ("hours", "assessment", "contract", "cycle", "deferral"):
            assert any(k.endswith("source") for k in data[section]), (name, section)


def test_hours_with_different_headers_credits_and_bad_rows(people, tmp_path: Path) -> None:
    hours = write_xlsx(tmp_path / "学时.xlsx", [
        ["序号", "公民身份号码", "教师姓名", "培训年度", "本年度继续教育学时（学时）", "培训项目"],
        [1, A, "张三", 2022, 120, "国培"], [2, A, "张三", "2023年", "100.5", "省培"],
        [3, A, "张三", 2024, 91.5, "校本"],
        [4, B, "李四", 2025, "abc", "新教师"], [5, "3.30902E+17", "某某", 2025, 10, "x"],
        [6, A, "张三", 2022, 5, "国培"], [7, C, "王五", "二〇二三", 20, "y"],
    ], title_rows=2)
    result = import_evidence(people, "hours", hours, operator="clerk")
    assert (result.imported, result.updated, result.unchanged) == (3, 0, 0)
    by_row = {e.row: (e.column, e.value, e.message) for e in result.errors}
    assert set(by_row) == {7, 8, 9, 10}
    assert by_row[7][:2] == ("本年度继续教育学时（学时）", "abc") and "不是数字" in by_row[7][2]
    assert by_row[8][0] == "公民身份号码"
    assert "重复" in by_row[9][2] and "第 4 行" in by_row[9][2]
    assert by_row[10][0] == "培训年度" and "年份" in by_row[10][2]
    # Credits only, in another wording; the store-wide setting converts them.
    credits = write_xlsx(tmp_path / "学分.csv.xlsx", [["身份证件号码", "完成日期", "获得学分"], [C, "2023/5/6", 40]])
    assert import_evidence(people, "hours", credits).imported == 1
    from confirm_desk.services import settings

    with people.session() as session:
        ids = dict(session.execute(__import__("sqlalchemy").text("select id_number, id from applicant")).all())
        got = conditions_for(session, [ids[A], ids[C]], TODAY)
        assert got[ids[A]].evidence[4].reason.startswith("培训学时 312/360，差 48 学时")
        assert got[ids[C]].evidence[4].reason.startswith("培训学时 40/360，差 320 学时")
        settings.save(session, {"training_hours_per_credit": 10}, "admin")
    with people.session() as session:
        assert conditions_for(session, [ids[C]], TODAY)[ids[C]].evidence[4].reason.startswith("培训学时 400/360")
    # Re-import: the same file is unchanged; a corrected hour count updates.
    again = import_evidence(people, "hours", hours)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 3)
    write_xlsx(hours, [["身份证号", "年度", "学时", "培训项目"], [A, 2024, 139.5, "校本"]])
    assert import_evidence(people, "hours", hours).updated == 1
    with people.session() as session:
        assert conditions_for(session, [ids[A]], TODAY)[ids[A]].evidence[4].met is True


def test_assessments_and_contracts_from_their_own_files_and_the_staff_list(people, tmp_path: Path) -> None:
    assess = write_xlsx(tmp_path / "考核.xlsx", [
        ["身份证号", "姓名", "考核年份", "年度考核等次"],
        [A, "张三", 2021, "合格"], [A, "张三", 2022, "优秀"], [A, "张三", 2023, "基本合格"],
        [A, "张三", 2024, "合格"],
        [A, "张三", 2025, "合格"], [B, "李四", 2025, "称职"], [C, "王五", 2024, "良"], [C, "王五", "", "合格"],
    ])
    result = import_evidence(people, "assessments", assess)
    assert result.imported == 6 and [e.row for e in result.errors] == [8, 9]
    assert "无法识别" in result.errors[0].message
    assert "优秀、合格、基本合格、不合格、不定等次" in result.errors[0].message
    contracts = write_xlsx(tmp_path / "合同.xlsx", [
        ["身份证号码", "聘期起讫时间"], [A, "2021.09.01-2026.12.31"], [B, "2025年9月至无固定期限"],
        [C, "2026-01-01"],
    ])
    result = import_evidence(people, "contracts", contracts)
    assert result.imported == 2 and result.errors[0].row == 4 and "终止日期为空" in result.errors[0].message
    # The staff list with contract columns works as a contract file too, and updates by ID number.
    staff = write_xlsx(tmp_path / "教职工名单.xlsx", [
        ["姓名", "身份证号码", "在岗状态", "合同开始日期", "合同到期日期", "学校"],
        ["张三", A, "在岗", "2021-09-01", "2026-12-31", "一小"],
        ["王五", C, "在岗", "2025-09-01", "2026-08-31", "一小"],
    ])
    result = import_evidence(people, "contracts", staff)
    assert (result.imported, result.updated) == (1, 1)  # 张三 gains his name
    with people.session() as session:
        ids = dict(session.execute(__import__("sqlalchemy").text("select id_number, id from applicant")).all())
        got = conditions_for(session, list(ids.values()), TODAY)
    a, b, c = got[ids[A]], got[ids[B]], got[ids[C]]
    assert a.evidence[3].met is False and a.evidence[3].reason == "2023 年度考核 基本合格"
    assert a.evidence[1].reason == "聘用合同 2021-09-01 至 2026-12-31，聘期 5 年（≥3 年）" and a.evidence[1].met
    assert b.evidence[3].met is True and b.evidence[1].reason == "聘用合同 2025-09-01 起，无固定期限"
    assert c.evidence[1].met is False and "聘期 1 年，定期注册需 3 年以上" in c.evidence[1].reason
    assert c.evidence[0].met is False and c.suggestion.category == "低证高聘"
    assert a.suggestion.conclusion == "暂缓" and a.suggestion.category == "考核不合格"


def test_refused_files_name_what_is_missing(people, tmp_path: Path) -> None:
    no_hours = write_xlsx(tmp_path / "x.xlsx", [["身份证号码", "年度", "培训项目"], [A, 2024, "x"]])
    with pytest.raises(FileRefused, match=r"学时.*或.*学分"):
        import_evidence(people, "hours", no_hours)
    no_header = write_xlsx(tmp_path / "y.xlsx", [["甲", "乙"], [1, 2]])
    with pytest.raises(FileRefused, match="没有找到表头"):
        import_evidence(people, "assessments", no_header)


def _evidence(**changes) -> Evidence:
    base = Evidence(
        registration_type="定期注册", cert_type="高级中学教师资格", teaching_stage="初级中学", cert_number="1" * 17,
        last_registered_on=dt.date(2021, 11, 1),
        training=(Training(200, 2022), Training(160, None, dt.date(2025, 3, 1))),
        assessments={y: "合格" for y in range(2021, 2026)}, contract=Contract(dt.date(2021, 9, 1), None, True),
        on_post=True,
    )
    return dataclasses.replace(base, **changes)


def test_conditions_and_suggestions_by_hand() -> None:
    e = _evidence()
    results = evaluate(e, ZJ, TODAY)
    assert [r.met for r in results] == [True, True, None, True, True, True, None]
    assert results[4].reason.startswith("培训学时 360/360") and results[3].reason.startswith("2021–2025 年度考核 合格")
    assert suggest(e, ZJ, results, TODAY).as_dict()["conclusion"] == "合格"
    assert suggest(e, ZJ, results, TODAY).category == "高证低聘"
    # Hours before the cycle do not count; 312 of 360.
    e2 = _evidence(training=(Training(48, 2020), Training(312, 2023)))
    r2 = evaluate(e2, ZJ, TODAY)
    assert r2[4].met is False and r2[4].reason.startswith("培训学时 312/360，差 48 学时")
    assert suggest(e2, ZJ, r2, TODAY).category == "学时不足"
    # Two consecutive 不合格 years in the cycle: 不合格 (Zhoushan 三(六)2); one: 暂缓 考核不合格.
    e3 = _evidence(assessments={2021: "合格", 2022: "不合格", 2023: "不合格", 2024: "合格", 2025: "合格"})
    s3 = suggest(e3, ZJ, evaluate(e3, ZJ, TODAY), TODAY)
    assert (s3.conclusion, s3.category) == ("不合格", "连续两年及以上考核不合格")
    e4 = _evidence(assessments={2021: "合格", 2022: "不合格", 2023: "合格", 2024: "合格", 2025: "不定等次"})
    r4 = evaluate(e4, ZJ, TODAY)
    assert r4[3].reason == "2022 年度考核 不合格"
    assert (suggest(e4, ZJ, r4, TODAY).conclusion, suggest(e4, ZJ, r4, TODAY).category) == ("暂缓", "考核不合格")
    # Missing data: 待核, never 合格.
    e5 = _evidence(training=None, on_post=None)
    s5 = suggest(e5, ZJ, evaluate(e5, ZJ, TODAY), TODAY)
    assert (s5.conclusion, s5.pending) == ("待核", (5, 6))
    # Off post: 暂缓 中止教学; no certificate: 无证.
    e6 = _evidence(on_post=False, off_post_reason="病休")
    r6 = evaluate(e6, ZJ, TODAY)
    assert r6[5].reason == "教职工名单：不在岗（病休）" and suggest(e6, ZJ, r6, TODAY).category == "中止教学"
    e7 = _evidence(cert_number="", cert_type="")
    assert suggest(e7, ZJ, evaluate(e7, ZJ, TODAY), TODAY).category == "无证"


def test_first_registration_and_deferral_rules() -> None:
    first = _evidence(registration_type="首次注册", hired_on=dt.date(2024, 9, 1), last_registered_on=None,
                      training=(Training(150, 2025),), assessments={2025: "合格"},
                      contract=Contract(dt.date(2024, 9, 1), dt.date(2025, 6, 30)))
    r = evaluate(first, ZJ, TODAY)
    assert r[4].reason.startswith("培训学时 150/180，差 30 学时（首次注册，自聘用 2024-09-01）")
    assert r[1].met is False and "首次注册需 1 年以上" in r[1].reason
    assert r[3].met is True
    cq = evaluate(first, rule_set_for("重庆市"), TODAY)
    assert cq[4].met is None and "新任教师培训合格证明" in cq[4].reason
    # After 暂缓 (2024-11-01): at least 72 hours a year on average since (Zhoushan 三(五)2).
    deferred = _evidence(last_registered_on=None, deferred_on=dt.date(2024, 11, 1), valid_until=None,
                         training=(Training(300, 2022), Training(70, None, dt.date(2025, 5, 1))))
    r = evaluate(deferred, ZJ, TODAY)
    assert r[4].met is False and "年均 34.1/72" in r[4].reason
    assert suggest(deferred, ZJ, r, TODAY).deferral_span == "2年以上"  # 2024-11-01 + 2 years < TODAY


def test_preferences_override_the_rule_set_once_saved(store) -> None:
    from confirm_desk.services import settings

    with store.session() as session:
        assert active_rules(session).hours_periodic == 360
        settings.save(session, {"rule_province": "重庆市"}, "admin")
    with store.session() as session:
        assert active_rules(session).hours_first is None
        settings.save(session, {"training_hours_periodic": 300}, "admin")
    with store.session() as session:
        rules = active_rules(session)
        assert rules.province == "重庆市" and rules.hours_periodic == 300 and rules.hours_first is None


def test_cli_import_and_show_json(people, cli_clerk: str, db_url: str, tmp_path: Path, capsys) -> None:
    hours = write_xlsx(tmp_path / "h.xlsx", [["身份证号码", "年度", "学时"], [A, 2023, 312], [B, 2025, "x"]])
    report = tmp_path / "errors.csv"
    assert main(["--db", db_url, "evidence", "import", "hours", str(hours), "--report", str(report),
                 "--format", "json", "--user", "clerk"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["imported"] == 1 and out["errors"][0]["row"] == 3 and out["errors"][0]["column"] == "学时"
    assert "学时" in report.read_text(encoding="utf-8-sig")
    assess = write_xlsx(tmp_path / "k.xlsx", [["身份证号码", "考核年度", "考核结果"], [A, 2023, "基本合格"]])
    assert main(["--db", db_url, "evidence", "import", "assessments", str(assess)]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "show", "2026330000001", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [c["number"] for c in shown["conditions"]] == [1, 2, 3, 4, 5, 6, 7]
    assert set(shown["conditions"][0]) == {"number", "met", "reason"}
    by_number = {c["number"]: c for c in shown["conditions"]}
    assert by_number[5]["met"] is False and by_number[5]["reason"].startswith("培训学时 312/360，差 48 学时")
    assert by_number[4] == {"number": 4, "met": False, "reason": "2023 年度考核 基本合格"}
    assert by_number[2]["met"] is None
    assert shown["suggestion"]["conclusion"] == "暂缓" and shown["suggestion"]["category"] == "学时不足"
    assert main(["--db", db_url, "show", "2026330000001"]) == 0
    assert "建议结论：暂缓（学时不足）" in capsys.readouterr().out
    assert main(["--db", db_url, "evidence", "import", "hours", str(tmp_path / "none.xlsx")]) == 2


def test_printed_form_carries_the_evidence(people, tmp_path: Path) -> None:
    from confirm_desk.services.printing import write_pdf
    from tests.printing_helpers import pdftotext

    write = write_xlsx(tmp_path / "h.xlsx", [["身份证号码", "年度", "学时"], [A, 2023, 312]])
    import_evidence(people, "hours", write)
    with people.session() as session:
        ids = dict(session.execute(__import__("sqlalchemy").text("select id_number, id from applicant")).all())
        write_pdf(session, [ids[A]], "form", tmp_path / "form.pdf")
    text = pdftotext(tmp_path / "form.pdf", "-f", "1", "-l", "1")
    assert "培训学时 312/360" in text and "差 48 学时" in text


def test_wide_layouts_year_spans_and_contract_lengths(people, tmp_path: Path) -> None:
    """Layouts schools keep: one column per year, a five-year total, a contract written as “3年”."""
    assess = write_xlsx(tmp_path / "考核汇总.xlsx", [
        ["序号", "姓名", "身份证号", "2021年度考核", "2022年度考核结果", "2023年", "2024年度", "2025年度等次"],
        [1, "张三", A, "合格", "优秀", "合格", "合格", "称职"],
        [2, "李四", B, "", "", "", "", "合格"],
        [3, "王五", C, "合格", "良", "不合格", "不合格", ""],
    ], title_rows=1)
    result = import_evidence(people, "assessments", assess)
    assert result.imported == 5 + 1 + 3
    assert [(e.row, e.column, e.value) for e in result.errors] == [(5, "2022年度考核结果", "良")]
    hours = write_xlsx(tmp_path / "学分汇总.xlsx", [
        ["身份证号码", "2022年学分", "2023年学分", "2024年学分"], [A, 100, 100, 112], [C, 10, "", "x"]])
    result = import_evidence(people, "hours", hours)
    assert result.imported == 4 and [(e.row, e.column) for e in result.errors] == [(3, "2024年学分")]
    total = write_xlsx(tmp_path / "周期学时.xlsx", [["身份证号码", "周期", "累计学时"], [B, "2021-2025", 200]])
    assert import_evidence(people, "hours", total).imported == 1
    contracts = write_xlsx(tmp_path / "合同.xlsx", [["身份证号码", "聘用起始日期", "合同期限"],
                                                  [A, "2024-09-01", "3年"]])
    assert import_evidence(people, "contracts", contracts).imported == 1
    with people.session() as session:
        ids = dict(session.execute(__import__("sqlalchemy").text("select id_number, id from applicant")).all())
        got = conditions_for(session, [ids[A], ids[B], ids[C]], TODAY)
    a, b, c = got[ids[A]], got[ids[B]], got[ids[C]]
    assert a.evidence[3].met is True and a.evidence[3].reason.startswith("2021–2025 年度考核 合格、优秀")
    assert a.evidence[4].reason.startswith("培训学时 312/360，差 48 学时")
    assert a.evidence[1].reason == "聘用合同 2024-09-01 至 2027-08-31，聘期 3 年（≥3 年）"
    assert b.evidence[4].met is True and b.evidence[4].reason.startswith("培训学时 200/180（首次注册")
    assert c.evidence[3].reason == "2023 年度考核 不合格；2024 年度考核 不合格"
    assert (c.suggestion.conclusion, c.suggestion.category) == ("不合格", "连续两年及以上考核不合格")


def test_two_row_header_with_a_year_group(people, tmp_path: Path) -> None:
    """A title block, then 年度考核 merged over one column per year."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.append(["定海区第一小学教师年度考核汇总表"])
    ws.append(["制表：教务处"])
    ws.append(["序号", "姓名", "身份证号码", "年度考核", None, None])
    ws.append([None, None, None, "2023", "2024", "2025"])
    ws.append([1, "张三", A, "合格", "基本合格", "优秀"])
    ws.merge_cells("D3:F3")
    book.save(tmp_path / "两行表头.xlsx")
    result = import_evidence(people, "assessments", tmp_path / "两行表头.xlsx")
    assert (result.imported, result.errors) == (3, [])
    from sqlalchemy import select

    from confirm_desk.store.models import assessment_table as at
    with people.session() as session:
        assert dict(session.execute(select(at.c.year, at.c.result)).all()) == {2023: "合格", 2024: "基本合格",
                                                                                 2025: "优秀"}


def test_counts_are_records_not_people(people, tmp_path: Path, cli_clerk: str, db_url: str, capsys) -> None:
    hours = write_xlsx(tmp_path / "h.xlsx", [["身份证号码", "年度", "学时"], [A, 2023, 100], [A, 2024, 100]])
    assert main(["--db", db_url, "evidence", "import", "hours", str(hours)]) == 0
    assert "新增 2 条" in capsys.readouterr().out


def test_gbk_csv_with_full_width_numbers(people, tmp_path: Path) -> None:
    path = tmp_path / "学时.csv"
    path.write_bytes(f"身份证号,学年,培训学时,培训项目\n{A},２０２３,１２０学时,国培\n{A},2024年度,48.5,校本\n".encode("gbk"))
    result = import_evidence(people, "hours", path)
    assert (result.imported, result.errors) == (2, [])
    with people.session() as session:
        ids = dict(session.execute(__import__("sqlalchemy").text("select id_number, id from applicant")).all())
        assert conditions_for(session, [ids[A]], TODAY)[ids[A]].evidence[4].reason.startswith("培训学时 168.5/360")


def test_headers_close_to_a_name_use_the_shared_matcher(people, tmp_path: Path) -> None:
    """A typo'd or padded header (身份证号嘛, 考核结杲) is taken by the shared matcher's score when one field wins."""
    from confirm_desk.services.evidence.importing import evidence_lookup

    lookup = evidence_lookup("assessments")
    assert lookup("身份证号码") is not None and lookup("序号") is None
    assess = write_xlsx(tmp_path / "k.xlsx", [["身份证号嘛", "考核年度", "考核结杲"], [A, 2024, "合格"]])
    assert import_evidence(people, "assessments", assess).imported == 1
