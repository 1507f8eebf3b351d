"""The safety scan reads the sheet the reader will read (services/spreadsheets/xlsx_parts.py): workbooks whose
parts are named, cased, namespaced or repeated otherwise than Excel writes them. Each was found by trying to get
a far-reaching sheet past the scan (the reader then aborts the process): the far one is refused in a child process
held to 1.5 GB, and its twin with a cell at DA5 is read with that cell, which shows the reader really reads the
part the scan now judges."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from confirm_desk.domain.errors import FileRefused
from confirm_desk.services.spreadsheets.read import read_rows
from tests.data.make_office_files import raw_xlsx_members, write_members
from tests.test_import_guards import _read_in_child

Members = list[tuple[str, "str | bytes"]]
SHEET = "xl/worksheets/sheet1.xml"
RELS = "xl/_rels/workbook.xml.rels"
WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
FAR = b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
NEAR = b'<row r="1"><c r="A1"><v>1</v></c></row><row r="5"><c r="DA5"><v>2</v></c></row>'
BENIGN = raw_xlsx_members(b'<row r="1"><c r="A1"><v>1</v></c></row>')[SHEET]


def _replace(members: Members, name: str, old: str, new: str) -> Members:
    out = []
    for n, data in members:
        if n == name:
            text = data.decode() if isinstance(data, bytes) else data
            assert old in text, (name, old)
            data = text.replace(old, new)
        out.append((n, data))
    return out


def _rename(members: Members, name: str, new: str) -> Members:
    return [(new if n == name else n, data) for n, data in members]


def _with(members: Members, *extra: tuple[str, str | bytes]) -> Members:
    return [*members, *extra]


def _workbook_elsewhere(members: Members) -> Members:
    """The package relationship names book/workbook.xml: the reader takes its sheets from there; an innocent
    xl/workbook.xml and sheet stay where the format is usually recognised."""
    moved = [(n.replace("xl/", "book/", 1), d) for n, d in members if n.startswith("xl/")]
    kept = [(n, d) for n, d in members if n.startswith("xl/") and n != SHEET] + [(SHEET, BENIGN)]
    package = _replace([(n, d) for n, d in members if not n.startswith("xl/")], "_rels/.rels",
                       'Target="xl/workbook.xml"', 'Target="book/workbook.xml"')
    return package + kept + moved


def _sheet_in_a_defined_name(members: Members) -> Members:
    """A <sheet> inside a defined name's text is no sheet to the reader, which reads that text to its end tag."""
    members = _replace(members, "xl/workbook.xml", "<sheets>", '<definedNames><definedName name="x"><sheet '
                       'name="Sheet1" sheetId="9" r:id="rId9"/></definedName></definedNames><sheets>')
    members = _replace(members, RELS, '<Relationship Id="rId2"',
                       f'<Relationship Id="rId9" Type="{WORKSHEET}" Target="worksheets/benign.xml"/>'
                       '<Relationship Id="rId2"')
    return _with(members, ("xl/worksheets/benign.xml", BENIGN))


STRUCTURES: dict[str, Callable[[Members], Members]] = {
    "target_in_other_case": lambda m: _replace(m, RELS, 'Target="worksheets/sheet1.xml"',
                                               'Target="Worksheets/SHEET1.xml"'),
    "absolute_target": lambda m: _replace(m, RELS, 'Target="worksheets/sheet1.xml"',
                                          'Target="/xl/worksheets/sheet1.xml"'),
    "backslash_member_name": lambda m: _rename(m, SHEET, "xl\\worksheets\\sheet1.xml"),
    "relationships_part_in_other_case": lambda m: _rename(m, RELS, "xl/_rels/Workbook.xml.rels"),
    "workbook_without_namespace_declarations": lambda m: _replace(
        _replace(m, "xl/workbook.xml", ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                 'relationships"', ""), "xl/workbook.xml", ' xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"', ""),
    "sheet_id_without_prefix": lambda m: _replace(m, "xl/workbook.xml", 'r:id="rId1"', 'id="rId1"'),
    "relationship_id_twice": lambda m: _with(
        _replace(m, RELS, '<Relationship Id="rId1"', f'<Relationship Id="rId1" Type="{WORKSHEET}" '
                 'Target="worksheets/benign.xml"/><Relationship Id="rId1"'), ("xl/worksheets/benign.xml", BENIGN)),
    "workbook_in_another_folder": _workbook_elsewhere,
    # the reader looks names up ignoring case: of two such members, the later one
    "two_members_one_name_but_case": lambda m: [*[(n, d) for n, d in m if n != SHEET], (SHEET, BENIGN),
                                                ("xl/worksheets/Sheet1.xml", dict(m)[SHEET])],
    "sheet_inside_a_defined_name": _sheet_in_a_defined_name,
    "relationships_hidden_in_a_comment": lambda m: _replace(
        m, RELS, '<Relationship Id="rId1"', f'<!-- <Relationship Id="rId1" Type="{WORKSHEET}" '
        'Target="worksheets/benign.xml"/> --><Relationship Id="rId1"'),
}


def _built(path: Path, structure: str, rows: bytes) -> Path:
    members = STRUCTURES[structure](list(raw_xlsx_members(rows).items()))
    if not any(n == "xl/worksheets/benign.xml" for n, _ in members):
        members = _with(members, ("xl/worksheets/benign.xml", BENIGN))  # an innocent part beside, always
    write_members(path, members)
    return path


@pytest.mark.parametrize("structure", sorted(STRUCTURES))
def test_the_sheet_the_reader_reads_is_the_one_judged(tmp_path: Path, structure: str) -> None:
    twin = read_rows(_built(tmp_path / "near.xlsx", structure, NEAR))
    assert len(twin) == 5 and len(twin[4]) == 105 and twin[4][104] in (2, 2.0), structure
    far = _built(tmp_path / "far.xlsx", structure, FAR)
    assert far.stat().st_size < 10_000
    done = _read_in_child(far)
    assert done.returncode == 0, done.stderr[-500:]
    assert "数据范围过大" in done.stdout and "XFD1048576" in done.stdout, done.stdout


def test_a_workbook_with_a_binary_workbook_inside_is_refused(tmp_path: Path) -> None:
    """The reader opens a zip as .xlsb when it cannot open it as .xlsx: such a part is refused at once."""
    path = tmp_path / "both.xlsx"
    write_members(path, [*raw_xlsx_members(NEAR).items(), ("xl/Workbook.bin", b"\x83\x01\x00")])
    with pytest.raises(FileRefused, match="xlsb"):
        read_rows(path)


def test_an_xls_that_is_also_a_zip_is_refused(tmp_path: Path) -> None:
    """An OLE2 header in front of a zip: the reader would try the zip when the .xls fails."""
    from tests.data.make_office_files import _raw_sheet_xlsx

    zipped = tmp_path / "inner.xlsx"
    _raw_sheet_xlsx(zipped, FAR)
    path = tmp_path / "both.xls"
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504 + zipped.read_bytes())
    done = _read_in_child(path)
    assert done.returncode == 0, done.stderr[-500:]
    assert "结构异常" in done.stdout, done.stdout
