"""The safety scan places a sheet's cells where the reader (python-calamine) places them, when it has to place
them one by one (services/spreadsheets/read.py, _place_cells): a cell's reference taken as the reader takes it
from repeated or oddly written attributes, a row's number, cells without a reference after the cell before.
Each small sheet is read by python-calamine itself and the scan's reach compared with the reader's range. Rows or
cells written inside a cell (the reader passes over them, or fails) make the scan refuse the sheet."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from confirm_desk.domain.errors import FileRefused
from confirm_desk.services.spreadsheets import read
from confirm_desk.services.spreadsheets.xlsx_parts import sheet_members
from tests.data.make_office_files import _raw_sheet_xlsx, raw_xlsx_members, write_members

# Every sheet reaches beyond column CZ (the scan notes a reach there) and holds a cell without a reference, which
# is what makes the scan place cells one by one in a real file.
PLACED: dict[str, bytes] = {
    "second_reference_wins": b'<row r="1"><c><v>1</v></c><c r="B1" r="DF7"><v>2</v></c></row>',
    "third_of_r_s_t_stops_the_reading": b'<row r="1"><c><v>1</v></c><c r="DE1" s="0" s="0" r="DF7"><v>2</v></c></row>',
    "three_references_the_third_wins": b'<row r="1"><c><v>1</v></c><c r="A1" r="B2" r="DF7" r="DG9"><v>2</v></c></row>',
    "reference_after_a_value_without_space": b'<row r="1"><c><v>1</v></c><c r="DE1"r="DF7"><v>2</v></c></row>',
    "reference_with_space_before_equals": b'<row r="1"><c><v>1</v></c><c r="DE1" r ="DF7"><v>2</v></c></row>',
    "prefixed_reference_is_another_attribute": b'<row r="1"><c><v>1</v></c><c r="DE3" x:r="DF7"><v>2</v></c></row>',
    "form_feed_separates_attributes": b'<row r="1"><c><v>1</v></c><c r="DE1"\x0cr="DF7"><v>2</v></c></row>',
    "vertical_tab_is_part_of_the_name": b'<row r="1"><c><v>1</v></c><c r="DE4"\x0br="DF7"><v>2</v></c></row>',
    "row_takes_its_first_number": b'<row r="3" r="9"><c><v>1</v></c><c r="DF2"><v>1</v></c><c><v>2</v></c></row>',
    "cell_without_reference_follows": b'<row r="4"><c r="DE4"><v>1</v></c><c><v>2</v></c></row>',
    "empty_cell_moves_the_column": b'<row r="2"><c r="DD2"/><c><v>1</v></c></row>',
    "next_row_without_number": b'<row r="5"><c r="DE5"><v>1</v></c></row><row><c><v>1</v></c><c><v>2</v></c></row>',
    "row_start_keeps_the_column": b'<row r="2"><c r="DE2"><v>1</v></c><row r="6"><c><v>2</v></c></row></row>',
}


def reader_reach(path: Path) -> tuple[int, int]:
    """(rows, columns) of the range python-calamine reads, counted from A1."""
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    assert sheet.end is not None
    return sheet.end[0] + 1, sheet.end[1] + 1


def scan_reach(rows: bytes) -> tuple[int, int]:
    xml = raw_xlsx_members(rows)["xl/worksheets/sheet1.xml"]
    assert isinstance(xml, bytes)
    extent = read._place_every_cell(iter([[xml]]), [])
    assert not extent.broken and not extent.malformed
    return extent.max_row, extent.max_col


@pytest.mark.parametrize("name", sorted(PLACED))
def test_each_cell_is_placed_where_the_reader_places_it(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.xlsx"
    _raw_sheet_xlsx(path, PLACED[name])
    rows, columns = reader_reach(path)
    assert columns > read.NARROW_COLUMNS, "the case must reach beyond column CZ"
    assert scan_reach(PLACED[name]) == (rows, columns)


# Written inside a cell: the reader passes over a row in a value, a formula or an inline string (and fails on one
# right in the cell); a cell's end inside its formula leaves the scan's reading and the reader's apart. Such a sheet
# is never a writer's: refused, whatever the reader would make of it.
INSIDE_A_CELL: dict[str, bytes] = {
    "row_inside_a_value": b'<row r="5"><c r="A5"><v>1<row r="1"></row></v></c><c><v>2</v></c></row>',
    "row_inside_a_formula": b'<row r="5"><c r="A5"><f>1<row r="1"></row></f><v>1</v></c><c><v>2</v></c></row>',
    "row_inside_an_inline_string": b'<row r="5"><c r="A5" t="inlineStr"><is><t>x</t><row r="1"/></is></c><c><v>2'
                                   b"</v></c></row>",
    "row_after_the_value": b'<row r="5"><c r="A5"><v>1</v><row r="1"></row></c><c><v>2</v></c></row>',
    "cell_inside_a_cell": b'<row r="5"><c r="A5"><c r="C9"><v>3</v></c><v>1</v></c><c><v>2</v></c></row>',
    "cell_end_inside_a_formula": b'<row r="5"><c r="A5"><f></c><row r="1"></row></f><v>1</v></c><c><v>2</v></c>'
                                 b"</row>",
    "attribute_without_value": b'<row r="5"><c r="A5" s><v>1</v></c><c><v>2</v></c></row>',
    "unquoted_value": b'<row r="5"><c t=s r="A5"><v>1</v></c><c><v>2</v></c></row>',
}


def refused_as_malformed(tmp_path: Path, name: str, rows: bytes) -> Path:
    """The sheet of these rows, written to `name`.xlsx, which the scan refuses as not Excel's structure."""
    path = tmp_path / f"{name}.xlsx"
    _raw_sheet_xlsx(path, rows)
    with pytest.raises(FileRefused, match="结构不符合 Excel 格式"):
        read._scan_first_sheet(path)
    return path


@pytest.mark.parametrize("name", sorted(INSIDE_A_CELL))
def test_rows_and_cells_inside_a_cell_are_refused(name: str, tmp_path: Path) -> None:
    refused_as_malformed(tmp_path, name, INSIDE_A_CELL[name])
    # far from it, the rows inside would have moved the cells after them back: the reader ranges from row 5
    rows_then_far = INSIDE_A_CELL[name].replace(b'r="5"', b'r="300000"').replace(b'r="A5"', b'r="A300000"')
    far = tmp_path / f"{name}_far.xlsx"
    _raw_sheet_xlsx(far, rows_then_far)
    with pytest.raises(FileRefused, match=r"结构不符合 Excel 格式|数据范围"):
        read._scan_first_sheet(far)


def test_a_writers_cells_without_references_are_read(tmp_path: Path) -> None:
    """Cells without references, empty cells, formulas and inline strings as writers write them: not refused,
    and placed as the reader places them."""
    rows = b"".join(b'<row r="%d"><c t="inlineStr"><is><t>x</t></is></c><c/><c><f>1+1</f><v>2</v></c>'
                    b'<c r="DF%d" s="1"><v>3</v></c></row>' % (r, r) for r in range(1, 40))
    path = tmp_path / "writer.xlsx"
    _raw_sheet_xlsx(path, rows)
    assert read._scan_first_sheet(path) == []
    assert scan_reach(rows) == reader_reach(path) == (39, 110)


def test_a_document_type_declaration_is_refused_where_cells_are_placed_one_by_one(tmp_path: Path) -> None:
    """The reader's parser finds a declaration's end by its own rules (a quoted "[" in it): a sheet whose cells
    are placed one by one is refused when it holds one; a workbook part holding one leaves every member to be
    scanned. A sheet with a declaration whose cells all carry near references is read (no tokenizer needed)."""
    declared = b'<!DOCTYPE x "["><row r="1"><c><v>1</v></c></row><!-- ] -->'
    path = tmp_path / "declared.xlsx"
    _raw_sheet_xlsx(path, declared)
    with pytest.raises(FileRefused, match="文档类型声明"):
        read._scan_first_sheet(path)
    plain = tmp_path / "declared_plain.xlsx"
    _raw_sheet_xlsx(plain, b'<!DOCTYPE x><row r="1"><c r="A1"><v>1</v></c></row>')
    assert read._scan_first_sheet(plain) == []
    members = raw_xlsx_members(b'<row r="1"><c r="A1"><v>1</v></c></row>')
    workbook = members["xl/workbook.xml"]
    assert isinstance(workbook, str)
    members["xl/workbook.xml"] = workbook.replace("<workbook ", '<!DOCTYPE w [ <!ENTITY a "b"> ]><workbook ', 1)
    both = tmp_path / "declared_workbook.xlsx"
    write_members(both, list(members.items()))
    with zipfile.ZipFile(both) as archive:
        assert sheet_members(archive) is None
    assert read._scan_first_sheet(both) == []


# A fourth round of trying to get past the scan (each aborted the reader, through the scan as it was): a `</c>`
# inside a value, formula or inline string (the reader reads on to their own end), tag names the reader reads
# otherwise (a prefix with '!', '?' or '/', a quote in a name, a '/' right after a name: `c/` is no cell to it).
_A1 = b'<row r="1"><c r="A1"><v>1</v></c>'
_FAR_ROW = b'<row r="199999"><c r="A199999"><v>1</v></c></row>'


def _rounds(one: bytes) -> bytes:
    return _A1 + one * 16382 + b"<c><v>1</v></c></row>" + _FAR_ROW


PAST_THE_SCAN: dict[str, bytes] = {
    "cell_end_inside_a_value": _rounds(b'<c><v></c><c r="A1"></v></c>'),
    "cell_end_inside_a_formula": _rounds(b'<c><f></c><c r="A1"></f></c>'),
    "cell_end_inside_an_inline_string": _rounds(b'<c t="inlineStr"><is></c><c r="A1"></is></c>'),
    "prefix_with_bang": _A1 + b'<x!:c r="XFD1048576"><v>1</v></x!:c></row>',
    "prefix_with_question_mark": _A1 + b'<x?:c r="XFD1048576"><v>1</v></x?:c></row>',
    "prefix_with_slash": _A1 + b'<x/:c r="XFD1048576"><v>1</v></x/:c></row>',
    "row_prefix_with_bang": _A1 + b'</row><x!:row r="1048576"><c><v>1</v></c><c r="XFD1"><v>1</v></c></x!:row>',
    "single_quote_in_a_prefix": _A1 + b"<'x:c a='></c><c r=\"XFD1048576\"><v>1</v></c><z b='></c><z y='>'></row>",
    "double_quote_in_a_prefix": _A1 + b'<"x:c a="></c><c r="XFD1048576"><v>1</v></c><z b="></c><z y=">"></row>',
    "quote_in_a_name": _A1 + b"<z' a='><c r=\"XFD1048576\"><v>1</v></c><y b='>'></row>",
    "slash_after_a_cells_name": _A1 + b'<c><v>1</v></c><c/ x="" r="A1"/>' * 16382 + b"<c><v>1</v></c></row>"
                                + _FAR_ROW,
    "slash_after_a_rows_name": _A1 + b'<c><v>1</v></c><row/ a=""/>' * 16382 + b"<c><v>1</v></c></row>" + _FAR_ROW,
}

# A fifth round: end tags the reader names otherwise (`</row x="">` is no row end to it, `</a b:row>` is one).
PAST_THE_SCAN["row_end_with_an_attribute"] = (b'<row r="1"><c r="A1"><v>1</v></c><c r="XFC1"/></row x="">'
                                           b'<row r="199999"><c><v>1</v></c></row>')
PAST_THE_SCAN["end_name_with_white_space_and_a_prefix"] = (
    b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>1</v></c></row>' + b"<x>" * 5000 + b"</a b:row>" * 5000
    + b"<row><c><v>1</v></c></row>")

_READER_IN_A_SMALL_CHILD = ("import resource, sys\nresource.setrlimit(resource.RLIMIT_AS, (1500 << 20, 1500 << 20))\n"
                            "from python_calamine import CalamineWorkbook\n"
                            "sheet = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_name(sys.argv[2])\n"
                            "print(sheet.height, sheet.width)\n")


def _reader_aborts(path: Path, sheet: str = "Sheet1") -> bool:
    done = subprocess.run([sys.executable, "-c", _READER_IN_A_SMALL_CHILD, str(path), sheet], capture_output=True,
                          text=True, check=False)
    return done.returncode != 0 and "memory allocation" in done.stderr


@pytest.mark.parametrize("name", sorted(PAST_THE_SCAN))
def test_files_that_got_past_the_scan_are_refused(name: str, tmp_path: Path) -> None:
    path = refused_as_malformed(tmp_path, name, PAST_THE_SCAN[name])
    assert _reader_aborts(path), "the file must be one the reader cannot take"


def test_a_quote_in_a_workbook_tag_name_leaves_every_member_to_be_scanned(tmp_path: Path) -> None:
    """`<z' a='>` in workbook.xml is a whole tag to the reader, which then sees the sheet the scan would have
    missed (the reader takes the first of two sheets named alike, here the far one)."""
    members = raw_xlsx_members(b'<row r="1"><c r="A1"><v>1</v></c></row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    members["xl/workbook.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
        "<z' a='><sheet name=\"S\" sheetId=\"1\" r:id=\"rId3\"/><y b='>'>"
        '<sheet name="S" sheetId="2" r:id="rId1"/></sheets></workbook>')
    members["xl/_rels/workbook.xml.rels"] = str(members["xl/_rels/workbook.xml.rels"]).replace(
        "</Relationships>", f'<Relationship Id="rId3" Type="{rel}/worksheet" Target="worksheets/sheet2.xml"/>'
        "</Relationships>")
    sheet = members["xl/worksheets/sheet1.xml"]
    assert isinstance(sheet, bytes)
    members["xl/worksheets/sheet2.xml"] = sheet.replace(b"</row>", b'<c r="XFD1048576"><v>1</v></c></row>')
    path = tmp_path / "hidden_sheet.xlsx"
    write_members(path, list(members.items()))
    assert _reader_aborts(path, "S")
    with zipfile.ZipFile(path) as archive:
        assert sheet_members(archive, "S") is None
    with pytest.raises(FileRefused, match="数据范围"):
        read._scan_first_sheet(path, "S")
