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


def _read_in_child(path: Path, isolated: bool = False):
    """read_rows(path) in a child process held to 1.5 GB of address space: an abort or a failed allocation
    there fails the test instead of ending the test run or filling the machine's memory. `isolated`: as the GUI
    reads (the reader tried in a child of that child first, services/spreadsheets/probe.py)."""
    import subprocess
    import sys

    code = ("import resource, sys\n"
            "resource.setrlimit(resource.RLIMIT_AS, (3 << 29, 3 << 29))\n"
            + ("from confirm_desk.services.spreadsheets.probe import isolate\nisolate()\n" if isolated else "")
            + "from confirm_desk.domain.errors import FileRefused\n"
            "from confirm_desk.services.spreadsheets.read import read_rows\n"
            "try:\n    print(len(read_rows(sys.argv[1])), 'rows')\nexcept FileRefused as exc:\n    print(exc)\n")
    return subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=600,
                          cwd=Path(__file__).resolve().parent.parent)


@pytest.mark.parametrize(("cells", "where"), [
    # cells without references: one row 16,384 cells wide, then 200,001 empty rows, then one cell
    ("<row>" + "<c><v>1</v></c>" * 16_384 + "</row>" + "<row></row>" * 200_001 + "<row><c><v>2</v></c></row>",
     "单元格 XFD1"),
    # a cell whose own reference lies a million rows below the row element it sits in
    ('<row r="1"><c r="A1"><v>1</v></c><c r="CZ1048576"><v>2</v></c></row>', "第 1048576 行"),
])
def test_a_small_sheet_whose_cells_reach_far_is_refused_before_it_is_read(tmp_path: Path, cells: str,
                                                                          where: str) -> None:
    """A few kilobytes of sheet whose cells reach far (rows x columns: billions of cells) would make the reader
    allocate the whole range at once and abort the process (Python cannot catch it) or hold gigabytes. The scan
    finds how far they reach as the reader would place them, and refuses the file."""
    from tests.data.make_office_files import _raw_sheet_xlsx

    path = tmp_path / "far.xlsx"
    _raw_sheet_xlsx(path, cells.encode())
    assert path.stat().st_size < 100_000
    done = _read_in_child(path)
    assert done.returncode == 0, done.stderr[-500:]
    assert "数据范围过大" in done.stdout and where in done.stdout, done.stdout


_ODS_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:'
             'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
             'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
             '<office:spreadsheet><table:table table:name="申请人"><table:table-column table:number-columns-repeated='
             '"1024"/>')


def _ods(path: Path, rows: str) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", _ODS_HEAD + rows + "</table:table></office:spreadsheet></office:body>"
                   "</office:document-content>", zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:'
                   'manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                   '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
                   'opendocument.spreadsheet"/></manifest:manifest>', zipfile.ZIP_DEFLATED)
    return path


def _ods_row(*texts: str, repeated: int = 1, trailing: int = 1014) -> str:
    cells = "".join(f'<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>'
                    for t in texts)
    attribute = f' table:number-rows-repeated="{repeated}"' if repeated > 1 else ""
    return (f"<table:table-row{attribute}>{cells}"
            f'<table:table-cell table:number-columns-repeated="{trailing}"/></table:table-row>')


def test_an_ods_as_libreoffice_saves_it_is_read_and_one_asking_for_a_billion_cells_is_refused(tmp_path: Path) -> None:
    """LibreOffice ends every row with the empty cells up to column AMJ and the table with the empty rows up to
    row 1,048,576, each as one repeated element: read as the rows they hold. A cell with content repeated over
    16,384 columns and 1,000 rows (an .ods of under 1 KB) would be expanded by the reader into 16 million cells
    (it refuses only from 100 million on): refused before it is read, with the sheet's size in the message."""
    saved = _ods(tmp_path / "saved.ods", _ods_row("报名号", "姓名") + _ods_row("2025330000001", "张三")
                 + _ods_row("2025330000002", "李四")
                 + '<table:table-row table:number-rows-repeated="1048573"><table:table-cell '
                 'table:number-columns-repeated="1024"/></table:table-row>')
    assert read_rows(saved) == [["报名号", "姓名"], ["2025330000001", "张三"], ["2025330000002", "李四"]]

    far = _ods(tmp_path / "far.ods", _ods_row("报名号") + '<table:table-row table:number-rows-repeated="1000">'
               '<table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1">'
               "<text:p>1</text:p></table:table-cell></table:table-row>")
    assert far.stat().st_size < 1024
    done = _read_in_child(far)
    assert done.returncode == 0, done.stderr[-500:]
    assert "数据范围过大（1001 行 × 16384 列）" in done.stdout, done.stdout


@pytest.mark.parametrize("row", [
    '<table:table-row x=">" table:number-rows-repeated="9000">{cell}</table:table-row>',  # a '>' in a value
    '<table:table-row table:number-rows-repeated="+9000">{cell}</table:table-row>',  # the reader takes a + sign
    '<table:table-row table:number-rows-repeated="9&#48;00">{cell}</table:table-row>',  # and decodes entities
])
def test_an_ods_repeat_written_as_an_xml_parser_reads_it_is_counted(tmp_path: Path, row: str) -> None:
    """Repeat counts the reader reads although a plain pattern would not (found by trying: each file made the
    reader ask for 90 million cells and abort)."""
    cell = ('<table:table-cell x=">" table:number-columns-repeated="10000" office:value-type="float" '
            'office:value="1"><text:p>1</text:p></table:table-cell>')
    far = _ods(tmp_path / "far.ods", _ods_row("报名号") + row.format(cell=cell))
    done = _read_in_child(far)
    assert done.returncode == 0, done.stderr[-500:]
    assert "数据范围过大（9001 行 × 10000 列）" in done.stdout, done.stdout


def _xls_with(path: Path, patch) -> Path:
    """A small .xls (xlwt) with a number at row 10, column 200 whose record (RK) `patch` rewrites."""
    import struct

    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("申请人")
    sheet.write(0, 0, "报名号")
    sheet.write(1, 0, "2025330000001")
    sheet.write(10, 200, 12345)
    book.save(str(path))
    data = bytearray(path.read_bytes())
    at = bytes(data).find(struct.pack("<HHHH", 0x027E, 10, 10, 200))
    assert at > 0
    patch(data, at)
    path.write_bytes(bytes(data))
    return path


def test_an_xls_whose_cell_or_dimensions_reach_far_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """The reader reads every sheet of an .xls when it opens it: it places a cell by the u16 column its record
    holds (16,383 in a file Excel would never write: 65,536 x 16,384 cells, an abort) and reserves the cells a
    Dimensions record declares, its rows a u32 difference that wraps round (first row 5, last 1: four billion).
    Both are refused before the reader opens the file; the file as written is read."""
    import struct

    plain = _xls_with(tmp_path / "plain.xls", lambda data, at: None)
    assert read_rows(plain)[1][0] == "2025330000001"

    def far_column(data: bytearray, at: int) -> None:
        struct.pack_into("<HH", data, at + 4, 65_535, 16_383)

    done = _read_in_child(_xls_with(tmp_path / "far_column.xls", far_column))
    assert done.returncode == 0, done.stderr[-500:]
    assert "数据范围过大（65536 行 × 16384 列）" in done.stdout, done.stdout

    def rich_string_far(data: bytearray, at: int) -> None:  # an RString record (0x00D6) the reader places too
        struct.pack_into("<HHHH", data, at, 0x00D6, 10, 65_535, 16_383)

    done = _read_in_child(_xls_with(tmp_path / "rich_string.xls", rich_string_far))
    assert done.returncode == 0, done.stderr[-500:]
    assert "数据范围过大（65536 行 × 16384 列）" in done.stdout, done.stdout

    def wrapping_dimensions(data: bytearray, at: int) -> None:
        where = bytes(data).find(struct.pack("<HH", 0x0200, 14))
        assert where > 0
        struct.pack_into("<IIHH", data, where + 4, 5, 1, 0, 256)

    done = _read_in_child(_xls_with(tmp_path / "dimensions.xls", wrapping_dimensions))
    assert done.returncode == 0, done.stderr[-500:]
    assert "数据范围过大（工作表声明" in done.stdout, done.stdout


def test_an_xls_whose_directory_cannot_be_followed_is_refused_unread(tmp_path: Path) -> None:
    """The check above walks the sheets as xlrd's compound-document reader finds them; a file it cannot follow
    (here the directory's first sector points past the end) is refused, not handed to the reader unchecked."""
    import struct

    path = _xls_with(tmp_path / "lost.xls", lambda data, at: None)
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, 0x30, 0x00FF_FFF0)
    path.write_bytes(bytes(data))
    done = _read_in_child(path)
    assert done.returncode == 0, done.stderr[-500:]
    assert "lost.xls" in done.stdout and "内部结构已损坏" in done.stdout, done.stdout
