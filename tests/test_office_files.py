"""Spreadsheets as offices make them (issue 26 item 1): HTML saved as .xls, SpreadsheetML 2003, text whatever
its name, two-row and deep headers, two columns for one field, Excel error values, styled empty rows far
below. The corpus is made by tests/data/make_office_files.py."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from confirm_desk.domain.errors import FileRefused
from confirm_desk.domain.text import parse_date
from confirm_desk.services.importing.applicants import import_applicants
from confirm_desk.services.spreadsheets import read
from confirm_desk.services.spreadsheets.read import detect_format, read_rows
from confirm_desk.store.models import applicant_table
from tests.data.make_office_files import CASES, REFUSED, OfficeFile, build_corpus, people


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_corpus(tmp_path_factory.mktemp("office"))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_office_file_imports(case: OfficeFile, corpus: Path, store) -> None:
    result = import_applicants(store, corpus / case.name)
    assert result.imported == case.stored, [e.message for e in result.errors]
    assert len(result.errors) == case.errors, [e.message for e in result.errors]
    problems = result.errors + result.warnings
    for text in case.says:
        hits = [p for p in problems if text in p.message or text in p.value]
        assert hits, f"{case.name}: nothing says {text!r}: {[p.message for p in problems]}"
        assert all(p.file == case.name and p.row >= 1 and p.column for p in hits)
    assert not [e for e in result.errors if "不能为空" in e.message]
    with store.session() as s:
        stored = {r.application_no: r for r in s.execute(select(applicant_table))}
    expected = people()[0]
    if case.checks:
        row = stored[expected["application_no"]]
        for key, value in case.checks.items():
            assert getattr(row, key) == value, (key, getattr(row, key), value)
    for r in stored.values():  # names arrive as written (no mojibake, no stray spaces)
        assert r.name in {p["name"] for p in people()}


def test_formats_are_told_by_content(corpus: Path) -> None:
    assert detect_format(corpus / "html_excel_gb2312.xls") == "html"
    assert detect_format(corpus / "ssml_2003.xls") == "spreadsheetml"
    assert detect_format(corpus / "csv_gbk_named.xls") == "text"
    assert detect_format(corpus / "xlsx_named.xls") == "xlsx"
    rows = read_rows(corpus / "html_excel_gb2312.xls")
    assert (rows.kind, rows.encoding) == ("html", "GBK")
    assert read_rows(corpus / "html_excel_gbk_undeclared.xls").encoding == "GBK"
    assert read_rows(corpus / "tsv_named.csv").kind == "tsv"


def test_ssml_reads_the_visible_sheet_and_gaps(corpus: Path) -> None:
    rows = read_rows(corpus / "ssml_2003.xls")
    assert rows[0][0].startswith("2026年")
    assert rows[1][0] == "报名号"
    assert rows[4] == []  # ss:Index="6" skipped row 5
    assert len(rows) == 7


def test_two_row_header_spans(corpus: Path) -> None:
    rows = read_rows(corpus / "html_two_row_header.xls")
    assert rows[1][:3] == ["报名号", "姓名", "性别"] and rows[2][:3] == ["报名号", "姓名", "性别"]
    assert rows[2][3:7] == ["证件类型", "证件号码", "资格证书号码", "资格种类"]
    assert rows.merged[(1, 4)] == (1, 3)


@pytest.mark.parametrize("name,build,says", REFUSED, ids=lambda v: v if isinstance(v, str) else "")
def test_refused_office_files(name: str, build, says: str, corpus: Path, store) -> None:
    with pytest.raises(FileRefused, match=says):
        import_applicants(store, corpus / name)


def test_deep_header_is_bounded(tmp_path: Path, store) -> None:
    path = tmp_path / "no_header.csv"
    path.write_text("\n".join(f"说明{i}" for i in range(5000)), encoding="utf-8")
    with pytest.raises(FileRefused, match="前 50 行中没有找到表头"):
        import_applicants(store, path)


def test_styled_far_rows_cross_the_scan_chunks(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the chunk size, a row of empty styled cells is never taken for content."""
    for size in (4096, 65_536, 1 << 20, 4 << 20):
        monkeypatch.setattr(read, "SCAN_CHUNK", size)
        assert len(read_rows(corpus / "xlsx_styled_far_rows.xlsx")) >= 5


def test_a_far_row_with_content_is_still_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.data.make_office_files import _raw_sheet_xlsx

    rows = b"".join(f'<row r="{r}"><c r="A{r}" s="1"/></row>'.encode() for r in range(1, 60_000))
    rows += b'<row r="250000"><c r="B250000" t="inlineStr"><is><t>x</t></is></c></row>'
    path = tmp_path / "far.xlsx"
    _raw_sheet_xlsx(path, rows)
    for size in (4096, 1 << 20):
        monkeypatch.setattr(read, "SCAN_CHUNK", size)
        with pytest.raises(FileRefused, match="第 250000 行仍有内容"):
            read_rows(path)


def test_error_cells_in_xlsx_are_seen(corpus: Path) -> None:
    rows = read_rows(corpus / "xlsx_error_cells.xlsx")
    assert rows[2][4] == "#N/A" and rows[3][8] == "#DIV/0!" and rows[4][7] == "#REF!"
    with zipfile.ZipFile(corpus / "xlsx_error_cells.xlsx") as z:
        assert b't="e"' in z.read("xl/worksheets/sheet1.xml")


@pytest.mark.parametrize("text", ["2010-06-25 00:00:00", "2010/6/25 0:00", "2010-06-25T00:00:00.000",
                                  "2010年6月25日 08:30", "2010-06-25 12:00 PM"])
def test_dates_with_a_time(text: str) -> None:
    assert parse_date(text).isoformat() == "2010-06-25"
