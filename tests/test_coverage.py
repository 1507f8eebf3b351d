"""Staff list import and the coverage report (COV-1…6) against the shared expectations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from confirm_desk.cli import main
from confirm_desk.domain.coverage import CATEGORIES
from confirm_desk.services.coverage.staff import import_staff
from confirm_desk.services.spreadsheets.read import read_rows

AS_OF = ["--as-of", "2026-03-01", "--until", "2026-12-31"]


def coverage_json(db_url: str, capsys: pytest.CaptureFixture[str]) -> dict:
    capsys.readouterr()
    assert main(["--db", db_url, "report", "coverage", *AS_OF, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def assert_expected(report: dict, samples: Path) -> None:
    expected = json.loads((samples / "staff_expected.json").read_text(encoding="utf-8"))
    assert set(report) == set(CATEGORIES)
    for category in CATEGORIES:
        got = [e["id_number"] for e in report[category]]
        assert len(got) == len(set(got)), category
        assert set(got) == set(expected[category]), category
        assert all(e["name"] for e in report[category])


def test_sample_staff_list_gives_the_expected_categories(cli_clerk, imported_store, db_url, samples, tmp_path,
                                                         capsys) -> None:
    assert main(["--db", db_url, "staff", "import", str(samples / "staff_list.xlsx")]) == 0
    assert "imported 82" in capsys.readouterr().out
    assert_expected(coverage_json(db_url, capsys), samples)
    from openpyxl import load_workbook

    out = tmp_path / "coverage.xlsx"
    assert main(["--db", db_url, "report", "coverage", *AS_OF, "--format", "xlsx", "-o", str(out)]) == 0
    book = load_workbook(out)
    assert book["应注册未报名"].max_row == 1 + 14 and book["汇总"]["B3"].value == 82
    # Re-importing the same list changes nothing.
    assert main(["--db", db_url, "staff", "import", str(samples / "staff_list.xlsx")]) == 0
    assert "unchanged 82" in capsys.readouterr().out


def _reworded(samples: Path, out: Path) -> Path:
    """The sample list as another school keeps it: other headers and order, text dates, full-width IDs."""
    from openpyxl import Workbook

    rows = read_rows(samples / "staff_list.xlsx")
    header_at = next(i for i, r in enumerate(rows) if "身份证号码" in r)
    header = rows[header_at]
    col = {name: header.index(name) for name in header}
    wanted = [  # (new header, old header, how the cell is written)
        ("联系方式", "联系电话", str),
        ("教师姓名", "姓名", str),
        ("公民身份号码", "身份证号码", lambda v: " ".join([v[:6], v[6:14], v[14:]]).translate(
            {ord(d): ord(d) + 0xFEE0 for d in "0123456789"}).replace("X", "x")),
        ("单位", "所在学校", str),
        ("是否在岗", "在岗状态", lambda v: "否" if v == "不在岗" else "是"),
        ("注册有效期截止日期", "注册有效期至", lambda v: _chinese(v)),
        ("转正日期", "试用期满日期", lambda v: v.replace("-", "/")),
        ("最近注册日期", "上次注册日期", lambda v: v.replace("-", ".")[:7]),
    ]
    book = Workbook()
    sheet = book.active
    sheet.append(["某某区教职工花名册"])
    sheet.append(["填报单位：（盖章）", None, "填报日期：2026年2月"])
    sheet.append([new for new, _old, _f in wanted])
    for r in rows[header_at + 1:]:
        sheet.append([how(str(r[col[old]])) if r[col[old]] not in ("", None) else ""
                      for _n, old, how in wanted])
    book.save(out)
    return out


def _chinese(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{year}年{int(month)}月{int(day)}日"


def test_another_staff_list_with_other_headers_and_text_dates(cli_clerk, imported_store, db_url, samples, tmp_path,
                                                               capsys) -> None:
    path = _reworded(samples, tmp_path / "花名册.xlsx")
    result = import_staff(imported_store, path)
    assert (result.imported, len(result.errors)) == (82, 0)
    assert_expected(coverage_json(db_url, capsys), samples)


def test_row_errors_and_updates(store, tmp_path) -> None:
    csv_path = tmp_path / "staff.csv"
    csv_path.write_text(
        "教职工名单\n姓名,身份证号码,注册有效期至,在岗状态\n"
        "张三,330902199001011237,2026年6月30日,在岗\n"
        ",330902199001021233,2026-06-30,在岗\n"
        "李四,33090219900102,2026-06-30,在岗\n"
        "王五,330902199001011237,2026-06-30,在岗\n"
        "赵六,330902199001031239,明年,在岗\n",
        encoding="utf-8",
    )
    result = import_staff(store, csv_path)
    assert result.imported == 2
    assert [(e.row, e.column) for e in result.errors] == [(4, "姓名"), (5, "身份证号码"), (6, "身份证号码")]
    assert [(w.row, w.value) for w in result.warnings] == [(7, "明年")]
    csv_path.write_text("姓名,身份证号码,注册有效期至\n张三,330902199001011237,2031-06-30\n",
                        encoding="utf-8")
    again = import_staff(store, csv_path)
    assert (again.imported, again.updated) == (0, 1)
    from confirm_desk.services.coverage.staff import staff_records

    with store.session() as session:
        records = {r.id_number: r for r in staff_records(session)}
    assert str(records["330902199001011237"].valid_until) == "2031-06-30"
    assert records["330902199001011237"].gender == "男"


def test_check_dialog_flags_applicants_past_retirement(imported_store, samples) -> None:
    """CYC-3: the four sample applicants past the statutory age carry a past_retirement finding."""
    from sqlalchemy import select

    from confirm_desk.services.confirming.confirmation import load_check
    from confirm_desk.store.models import applicant_table as t

    expected = json.loads((samples / "staff_expected.json").read_text(encoding="utf-8"))
    expected = set(expected["past_retirement"])
    with imported_store.session() as session:
        rows = session.execute(select(t.c.id, t.c.id_number)).all()
        flagged = {r.id_number for r in rows
                   if any(f.code == "past_retirement" for f in load_check(session, r.id).findings)}
    assert len(flagged) == 4 and flagged <= expected
