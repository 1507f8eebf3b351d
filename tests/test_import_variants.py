"""Other real-world exports: aliases, title rows, GBK CSV, legacy .xls, broken rows, no header."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from confirm_desk.cli import main as cli
from confirm_desk.domain.errors import FileRefused
from confirm_desk.services.applicants.demo import generate
from confirm_desk.services.importing.applicants import import_applicants
from confirm_desk.store.models import AuditEvent, Batch, applicant_table
from tests.conftest import file_digest

ALIAS_HEADERS = ["申请号", "申请人姓名", "性别", "身份证号码", "资格证书号码", "教师资格种类", "任教学校",
                 "任教学段", "职称", "联系电话", "状态", "发证机关", "证书签发日期"]
KEYS = ["application_no", "name", "gender", "id_number", "cert_number", "cert_type", "school",
        "teaching_stage", "title", "phone", "online_status", "cert_issuer", "cert_issue_date"]


def _rows(n: int = 5) -> list[list[str]]:
    return [[r[k] for k in KEYS] for r in generate(n, seed=7)]


def _count(store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(applicant_table))


def test_alias_headers_with_title_rows_xlsx(store, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["某某确认点定期注册申请人名单（2026年）"])
    ws.append([])
    ws.append(ALIAS_HEADERS)
    for row in _rows():
        ws.append(row)
    path = tmp_path / "aliases.xlsx"
    wb.save(path)
    result = import_applicants(store, path)
    assert (result.imported, len(result.errors)) == (5, 0)
    assert _count(store) == 5


def test_gbk_csv_with_fullwidth_and_odd_dates(store, tmp_path: Path) -> None:
    rows = _rows(3)
    rows[0][3] = " " + rows[0][3].replace("1", "１") + " "  # full-width digits, spaces
    rows[1][-1] = "2015年8月1日"
    rows[2][-1] = "20150801"
    text = "\n".join(",".join(r) for r in [ALIAS_HEADERS, *rows])
    path = tmp_path / "gbk.csv"
    path.write_bytes(text.encode("gbk"))
    result = import_applicants(store, path)
    assert (result.imported, len(result.errors)) == (3, 0)
    with store.session() as s:
        dates = set(s.scalars(select(applicant_table.c.cert_issue_date)))
        ids = set(s.scalars(select(applicant_table.c.id_number)))
    assert "2015-08-01" in dates
    assert rows[0][3].strip().replace("１", "1") in ids


def test_legacy_xls(store, tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("申请人")
    sheet.write(0, 0, "申请人名单")
    for c, h in enumerate(ALIAS_HEADERS):
        sheet.write(1, c, h)
    for r, row in enumerate(_rows(4), start=2):
        for c, v in enumerate(row):
            sheet.write(r, c, v)
    path = tmp_path / "legacy.xls"
    book.save(str(path))
    result = import_applicants(store, path)
    assert (result.imported, len(result.errors)) == (4, 0)


def test_broken_rows_are_reported_and_the_rest_imports(store, tmp_path: Path) -> None:
    from openpyxl import Workbook

    rows = _rows(6)
    wb = Workbook()
    ws = wb.active
    ws.append(ALIAS_HEADERS)
    rows[1][1] = ""  # no name
    rows[2][3] = "3309021978"  # too short
    rows[4][0] = rows[0][0]  # duplicate 报名号
    rows[5][12] = "去年夏天"  # unparseable date: kept with a warning
    for row in rows:
        ws.append(row)
    ws.append([rows[3][0] + "9", "张三", "", 3.30902197803277e17])  # ID number Excel turned into a float
    ws.append(["2025999999999", "李四", "女", "33090219780327716X", "=HYPERLINK(\"x\")"] + [""] * 8)
    ws.cell(ws.max_row, 5).data_type = "s"  # text that looks like a formula, as an export carries it
    ws.append([""] * 13)  # blank row between blocks
    path = tmp_path / "broken.xlsx"
    wb.save(path)
    result = import_applicants(store, path)
    by_row = {e.row: e for e in result.errors}
    assert set(by_row) == {3, 4, 6, 8}
    assert by_row[3].column == "申请人姓名" and "不能为空" in by_row[3].message
    assert by_row[4].column == "身份证号码" and "18位" in by_row[4].message
    assert "重复" in by_row[6].message and "第 2 行" in by_row[6].message
    assert "科学计数法" in by_row[8].message
    assert [w.row for w in result.warnings if "报名号" not in w.message] == [7]
    # 14 digits, and a province 99: not the national 报名号 format (a warning; issue 26)
    assert [w.row for w in result.warnings if "报名号" in w.message] == [8, 9]
    assert result.imported == 4  # rows 2, 5, 7 and the formula one (stored as text)
    with store.session() as s:
        stored = s.scalar(select(applicant_table.c.cert_number).where(
            applicant_table.c.application_no == "2025999999999"))
    assert stored.startswith("=HYPERLINK")  # kept as text; exports escape it


def _db_fingerprint(store) -> tuple:
    with store.session() as s:
        return (
            s.scalar(select(func.count()).select_from(applicant_table)),
            s.scalar(select(func.count()).select_from(Batch)),
            s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.not_like("login%"))),
        )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("noheader.csv", b"a,b,c\n1,2,3\n"),
        ("empty.xlsx", b""),
        ("junk.xlsx", b"PK\x03\x04 this is not really a zip"),
        ("header_only.csv", "报名号,姓名,证件号码\n".encode()),
        ("notes.pdf", b"%PDF-1.4"),
    ],
)
def test_refused_files_change_nothing(store, cli_clerk: str, db_url: str, tmp_path: Path, name: str, content: bytes,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = _db_fingerprint(store)
    with pytest.raises(FileRefused):
        import_applicants(store, path)
    assert cli(["--db", db_url, "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "错误：" in err and "Traceback" not in err
    assert _db_fingerprint(store) == before


def test_refused_file_leaves_database_file_identical(cli_clerk: str, db_url: str, tmp_path: Path) -> None:
    db_file = Path(db_url.removeprefix("sqlite:///"))
    digest = file_digest(db_file)
    bad = tmp_path / "noheader.csv"
    bad.write_text("x,y\n1,2\n", encoding="utf-8")
    assert cli(["--db", db_url, "import", str(bad)]) == 2
    assert file_digest(db_file) == digest


def test_renamed_docx_is_named(store, tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(FileRefused, match="Word"):
        import_applicants(store, path)


def test_photo_zip_refuses_escaping_members(store, tmp_path: Path) -> None:
    from confirm_desk.services.applicants.demo import draw_photo

    rows = generate(2, seed=3)
    sheet = tmp_path / "list.csv"
    sheet.write_text("报名号,姓名,证件号码\n" + "\n".join(f"{r['application_no']},{r['name']},{r['id_number']}"
                                                    for r in rows), encoding="utf-8")
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(f"{rows[0]['id_number']}.jpg", draw_photo(1))
        z.writestr(f"../{rows[1]['id_number']}.jpg", draw_photo(2))
        z.writestr(f"/abs/{rows[1]['application_no']}.JPG", draw_photo(3))
    result = import_applicants(store, sheet, archive)
    assert result.photos.attached == 1
    assert len(result.photos.errors) == 2
    assert all("拒绝" in e.message for e in result.photos.errors)
    assert not (tmp_path.parent / f"{rows[1]['id_number']}.jpg").exists()


def test_cli_import_list_show(cli_clerk: str, db_url: str, samples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    code = cli(["--db", db_url, "import", str(samples / "applicants_export.xlsx"), "--photos",
                str(samples / "photos")])
    out = capsys.readouterr().out
    assert code == 1  # the corrupt photo is a reported row-level problem
    assert "imported 60, updated 0, unchanged 0, errors 0" in out
    assert cli(["--db", db_url, "import", str(samples / "applicants_export.xlsx")]) == 0
    assert "imported 0, updated 0, unchanged 60" in capsys.readouterr().out
    assert cli(["--db", db_url, "list", "--format", "json", "--status", "draft"]) == 0
    drafts = json.loads(capsys.readouterr().out)
    assert sorted(d["application_no"] for d in drafts) == ["2025320000018", "2025330000016", "2025500000017"]
    assert {d["status_label"] for d in drafts} == {"网报未完成"}
    assert cli(["--db", db_url, "show", "2025330000004", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["status"] == "pending"
    assert [c["code"] for c in shown["checks"]] == ["id_checksum"]
    assert cli(["--db", db_url, "show", "1234"]) == 2
    assert "找不到" in capsys.readouterr().err


def test_report_file(cli_clerk: str, db_url: str, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    bad = tmp_path / "bad.csv"
    bad.write_text("报名号,姓名,证件号码\n2025330000001,,33090219780327716X\n2025330000002,王五,123\n",
                   encoding="utf-8")
    report = tmp_path / "report.xlsx"
    assert cli(["--db", db_url, "import", str(bad), "--report", str(report)]) == 1
    rows = list(load_workbook(report).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("文件", "行号", "列", "值", "说明")
    assert [r[1] for r in rows[1:]] == [2, 3]


def test_changed_export_updates_rows(store, tmp_path: Path) -> None:
    rows = _rows(4)
    for name, phone in (("first.csv", None), ("second.csv", "13900000000")):
        changed = [[phone if (phone and k == "phone") else v for k, v in zip(KEYS, r, strict=True)] for r in rows]
        (tmp_path / name).write_text("\n".join(",".join(r) for r in [ALIAS_HEADERS, *changed]), encoding="utf-8")
    import_applicants(store, tmp_path / "first.csv")
    result = import_applicants(store, tmp_path / "second.csv")
    assert (result.imported, result.updated, result.unchanged) == (0, 4, 0)
    with store.session() as s:
        assert set(s.scalars(select(applicant_table.c.phone))) == {"13900000000"}
        assert set(s.scalars(select(applicant_table.c.version))) == {2}
