"""Import edges (issue 25 item 10): a report that cannot be written does not hide a done import; a small
.xlsx that would inflate to gigabytes is refused from the zip directory, before anything is inflated."""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from confirm_desk.cli import main
from confirm_desk.domain.errors import FileRefused
from confirm_desk.services.spreadsheets.read import read_rows
from confirm_desk.store.models import applicant_table


def test_unwritable_report_still_reports_the_import_done(cli_clerk: str, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("报名号,姓名,证件号码\n1,,33090219780327716X\n2,王五,330902197803277165\n", encoding="utf-8")
    report = tmp_path / "no such folder" / "report.xlsx"
    assert main(["--db", cli_clerk, "import", str(bad), "--report", str(report)]) == 1
    out, err = capsys.readouterr()
    assert "imported 1" in out and "导入已完成并已保存" in err and "程序内部错误" not in err
    from confirm_desk.store.db import open_store

    store = open_store(cli_clerk)
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(applicant_table)) == 1
    store.dispose()


def inflating_xlsx(path: Path, megabytes: int) -> Path:
    """A valid-looking workbook whose shared strings inflate to `megabytes` MB from a few hundred KB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
                   'spreadsheetml/2006/main"><sheets><sheet name="A" sheetId="1" r:id="rId1" xmlns:r="http://'
                   'schemas.openxmlformats.org/officeDocument/2006/relationships"/></sheets></workbook>')
        z.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            chunk = b"<si><t>" + b"A" * (1 << 20) + b"</t></si>"
            for _ in range(megabytes):
                fh.write(chunk)
    return path


def test_an_inflating_xlsx_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    bomb = inflating_xlsx(tmp_path / "名单.xlsx", 40)
    assert bomb.stat().st_size < 1 << 20
    tracemalloc.start()
    try:
        with pytest.raises(FileRefused, match=r"名单\.xlsx.*解压后过大"):
            read_rows(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 << 20  # the directory was read, nothing inflated
