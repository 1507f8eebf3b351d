"""The workbook's safety scan (services/spreadsheets/read.py, _scan_first_sheet) passes over pieces of sheet XML
with nothing unusual in them and inflates the sheet with a faster inflater; its verdict (refused with which
message, or the error cells found, or what it lets through) must be exactly the one of the scan as it was: every
piece judged, zipfile inflating (`quick=False, fast=False`). Hostile sheets made here, at many chunk sizes,
every workbook of the test corpora and damaged copies of the sample are compared every way."""

from __future__ import annotations

import random
import zipfile
import zlib
from pathlib import Path

import pytest

from confirm_desk.domain.errors import FileRefused
from confirm_desk.services.spreadsheets import read
from confirm_desk.services.spreadsheets.xlsx_parts import sheet_members
from tests.data.make_office_files import _raw_sheet_xlsx


def outcome(path: Path, quick: bool, fast: bool) -> tuple:
    try:
        return ("read", read._scan_first_sheet(path, quick=quick, fast=fast))
    except FileRefused as exc:
        return ("refused", str(exc))
    except Exception as exc:  # whatever the scan lets through must be the same every way too
        return ("raised", type(exc).__name__, str(exc))


def same_both_ways(path: Path, monkeypatch: pytest.MonkeyPatch, sizes=(64, 333, 4096, 1 << 20)) -> tuple:
    """The outcome of the scan as it was (every piece judged, zipfile inflating), which the quick scan and the
    fast inflater (ISA-L's where installed, zlib's otherwise) must give too, at each chunk size; the last size's
    outcome is returned."""
    for size in sizes:
        monkeypatch.setattr(read, "SCAN_CHUNK", size)
        was = outcome(path, False, False)
        assert outcome(path, True, True) == was, (path.name, size)
        assert outcome(path, False, True) == was, (path.name, size)
        with monkeypatch.context() as m:
            m.setattr(read, "_inflater", lambda: zlib)
            assert outcome(path, True, True) == was, (path.name, size)
    return was


def cell(ref: str, text: str = "x", quote: str = '"') -> str:
    return f'<c r={quote}{ref}{quote} t="inlineStr"><is><t>{text}</t></is></c>'


def plain_rows(first: int, last: int, columns: int = 8) -> str:
    return "".join(f'<row r="{r}">' + "".join(cell(f"{chr(65 + c)}{r}", f"值{r}-{c}") for c in range(columns))
                   + "</row>" for r in range(first, last + 1))


read_col = read._column_letters  # 1 -> A, 105 -> DA


HOSTILE: dict[str, str] = {
    "plain": plain_rows(1, 400),
    # content beyond column CZ after plain pieces: the rows before it count in the cells' total
    "wide_late_small": plain_rows(1, 300) + '<row r="301">' + cell("DA301") + "</row>",
    "wide_late_refused": plain_rows(1, 300) + '<row r="100000">' + cell("A100000") + "</row>"
    + '<row r="100001">' + cell("XFD100001") + "</row>",
    "wide_first_then_far_rows": '<row r="1">' + cell("XFD1") + "</row>" + plain_rows(2, 300)
    + '<row r="99999">' + cell("B99999") + "</row>",
    "far_row_before_wide": '<row r="150000">' + cell("A150000") + "</row>" + plain_rows(1, 300)
    + '<row r="301">' + cell("ZZ301") + "</row>",
    "wide_but_empty": plain_rows(1, 300) + '<row r="301"><c r="ZZ301" s="1"/><c r="XFD301" s="1"/></row>',
    "three_letters_in_narrow_range": plain_rows(1, 200) + '<row r="201">' + cell("AAA201") + "</row>",
    "row_199999": plain_rows(1, 200) + '<row r="199999">' + cell("A199999") + "</row>",
    "row_200000": plain_rows(1, 200) + '<row r="200000">' + cell("A200000") + "</row>",
    "row_200001": plain_rows(1, 200) + '<row r="200001">' + cell("A200001") + "</row>",
    "row_far_empty": plain_rows(1, 200) + "".join(f'<row r="{r}" s="1"><c r="A{r}" s="1"/></row>'
                                                  for r in range(250_000, 250_400)),
    "row_far_in_the_middle": plain_rows(1, 150) + '<row r="300000">' + cell("C300000") + "</row>"
    + plain_rows(151, 300),
    "row_leading_zeros": plain_rows(1, 100) + '<row r="0000123">' + cell("A123") + "</row>",
    "row_seven_digits": plain_rows(1, 100) + '<row r="1048576">' + cell("A1048576") + "</row>",
    "single_quoted_wide": plain_rows(1, 300) + "<row r='301'>" + cell("DA301", quote="'") + "</row>"
    + '<row r="120000">' + cell("A120000") + "</row>",
    "single_quoted_far_row": plain_rows(1, 300) + "<row r='250000'>" + cell("A250000", quote="'") + "</row>",
    "apostrophes_in_text": plain_rows(1, 100) + '<row r="101">' + cell("A101", "Xi'an") + "</row>"
    + plain_rows(102, 200),
    "error_cells": plain_rows(1, 100) + '<row r="101"><c r="B101" t="e"><v>#N/A</v></c>'
    "<c r='C101' t='e'><v>#REF!</v></c><c r=\"D101\" t=\"e\"><v>#DIV/0!</v></c></row>" + plain_rows(102, 300),
    "error_cell_self_closing": plain_rows(1, 50) + '<row r="51"><c r="A51" t="e"/>' + cell("B51", "下一格")
    + '<c r="C51" t="e"><v></v></c></row>' + plain_rows(52, 300),
    "error_then_wide": plain_rows(1, 200) + '<row r="201"><c r="A201" t="e"><v>#NAME?</v></c></row>'
    + plain_rows(202, 300) + '<row r="90000">' + cell("DZ90000") + "</row>",
    "rows_without_numbers": "".join(f"<row>{cell('A1')}</row>" for _ in range(300)),
    "one_enormous_row": '<row r="1">' + "".join(cell(f"{read_col(c)}1") for c in range(1, 3000)) + "</row>",
    # error cells all over: at every chunk size some of them straddle the pieces' boundaries
    "error_cells_everywhere": "".join(f'<row r="{r}">' + cell(f"A{r}") + f'<c r="B{r}" t="e"><v>#N/A</v></c>'
                                      + (f'<c r="C{r}" s="1" t="e"/>' if r % 7 == 0 else "") + "</row>"
                                      for r in range(1, 400)),
    "error_cell_attribute_orders": plain_rows(1, 80) + '<row r="81" spans="1:4" x14ac:dyDescent="0.25">'
    '<c r="A81" s="3" t="e"><v>#REF!</v></c><c t="e" r="B81"><v>#NAME?</v></c><c s="2" t="e" r="C81">'
    '<v>#NUM!</v></c><c t="e"><v>#NULL!</v></c></row>' + plain_rows(82, 300),
    "shared_string_cells": "".join(f'<row r="{r}" spans="1:3"><c r="A{r}" s="1" t="s"><v>{r}</v></c>'
                                   f'<c r="B{r}"><v>{r * 3}</v></c><c r="C{r}" t="b"><v>1</v></c></row>'
                                   for r in range(1, 500)) + '<row r="500"><c r="D500" s="1" t="e"><v>#DIV/0!</v>'
    "</c></row>",
    # what looks like a reference or an error cell inside a cell's text is text (raw quotes are legal there)
    "refs_inside_text": plain_rows(1, 100) + '<row r="101">' + cell("A101", 'r="ZZ9" t="e" r="250000"')
    + cell("B101", "&quot;e&quot; r=&quot;XFD1&quot;") + "</row>" + plain_rows(102, 300),
    "refs_inside_text_then_wide": plain_rows(1, 100) + '<row r="101">' + cell("A101", '<v>r="1048576"</v>')
    + "</row>" + plain_rows(102, 300) + '<row r="150000">' + cell("DA150000") + "</row>",
    "rows_out_of_order": "".join(f'<row r="{r}">' + cell(f"A{r}") + "</row>" for r in range(300, 0, -1))
    + '<row r="7">' + cell("B7") + "</row>",
    "rows_out_of_order_far_in_front": '<row r="260000">' + cell("A260000") + "</row>"
    + "".join(f'<row r="{r}">' + cell(f"A{r}") + "</row>" for r in range(300, 0, -1)),
    "rows_150000_to_150300": plain_rows(150_000, 150_300, 3),
    "row_leading_zero_far": plain_rows(1, 100) + '<row r="0200001">' + cell("A200001") + "</row>",
    "row_leading_zeros_near": plain_rows(1, 100) + '<row r="0000199999">' + cell("A199999") + "</row>",
    "row_tag_with_two_r": plain_rows(1, 100) + '<row r="101" x="a/b" r="300000">' + cell("A101") + "</row>",
    "row_number_after_other_attributes": plain_rows(1, 100) + '<row spans="1:8" r="250001" ht="15">'
    + cell("A250001") + "</row>",
    "wide_ref_without_digits": plain_rows(1, 100) + '<row r="101"><c r="DA" t="inlineStr"><is><t>x</t></is></c>'
    "</row>" + plain_rows(102, 300),
    # a cell's own reference places it, whatever row element it is in
    "cell_row_beyond_its_row": plain_rows(1, 200) + '<row r="201">' + cell("A1048576") + "</row>",
    "cell_rows_far_below_a_wide_cell": '<row r="1">' + cell("XFD1") + '</row><row r="2">' + cell("A150000")
    + "</row>" + plain_rows(3, 100),
    "cell_ref_attribute_not_first": plain_rows(1, 100) + '<row r="101"><c s="1" r="A250000"><v>1</v></c></row>',
    "prefixed_cells_wide_and_far": plain_rows(1, 100) + '<x:row r="101"><x:c r="XFD101" t="inlineStr"><x:is><x:t>x'
    '</x:t></x:is></x:c></x:row><x:row r="102"><x:c r="A99999"><x:v>1</x:v></x:c></x:row>',
    # cells without references: each right after the one before, rows counted by their row elements
    "cells_without_refs_wide_then_tall": "<row>" + "<c><v>1</v></c>" * 200 + "</row>" + "<row></row>" * 60_000
    + "<row><c><v>2</v></c></row>",
    "cells_without_refs_in_numbered_rows": '<row r="1"><c><v>1</v></c></row><row r="199999"><c t="n"><v>2</v></c>'
    '</row><row><c><v>3</v></c></row><row><c><v>4</v></c></row>',
    "cells_without_refs_small": "<row>" + "<c><v>1</v></c>" * 200 + "</row>" + "<row></row>" * 40_000
    + "<row><c><v>2</v></c></row>",
    # written as an XML parser reads them, not as a pattern would (found by trying: each made the reader abort)
    "quoted_gt_in_attribute": plain_rows(1, 100) + '<row r="1048576"><c r="XFD1048576" s="/>"><v>1</v></c></row>',
    "quoted_gt_before_ref": plain_rows(1, 100) + '<row r="101"><c s=">" r="XFD1048576"><v>1</v></c></row>',
    "row_attribute_without_space": plain_rows(1, 100) + '<row spans="1:1"r="300000"><c><v>1</v></c></row>',
    "four_letter_column": plain_rows(1, 100) + '<row r="199999"><c r="AAAA199999"><v>1</v></c></row>',
    "lower_case_reference": plain_rows(1, 100) + '<row r="101"><c r="xfd1048576"><v>1</v></c></row>',
    # what an XML parser passes over: a `<c` there is no cell, and its open quote must not swallow the real ones
    "comment_hides_a_cell": plain_rows(1, 100) + '<row r="101"><!-- <c r="A101" a=\' --><c r="XFD1048576"><v>1'
    "</v></c><!-- ' --></row>",
    "cdata_hides_a_cell": plain_rows(1, 100) + '<row r="101"><c r="A101" t="inlineStr"><is><t><![CDATA[<c r="B1" '
    "a=']]></t></is></c><c r=\"XFD1048576\"><v>1</v></c><c r=\"C101\" t=\"inlineStr\"><is><t><![CDATA[']]></t>"
    "</is></c></row>",
    "instruction_hides_a_cell": plain_rows(1, 100) + '<row r="101"><?x <c r="A1" a=\'?><c r="XFD1048576"><v>1</v>'
    "</c><?y '?></row>",
    "attribute_value_hides_a_cell": plain_rows(1, 100) + '<row r="101"><x:f a="<c b=\'"/><c r="XFD1048576"><v>1'
    "</v></c><x:g b=\"'\"/></row>",
    "row_inside_a_comment": plain_rows(1, 100) + '<row r="250000"><!-- <row r="5"> --><c><v>1</v></c></row>',
    "comment_across_pieces_then_wide": plain_rows(1, 50) + "<!--" + plain_rows(51, 300) + "-->"
    + '<row r="1000"><c r="XFD1000"><v>1</v></c></row>',
    "comment_across_pieces": plain_rows(1, 50) + "<!--" + plain_rows(51, 300) + '<c r="XFD1"> -->'
    + plain_rows(301, 400),
    # a quote that never closes: the reader fails on it, in its own words (the scan judges cells by pattern here)
    "quote_never_closed": plain_rows(1, 100) + '<row r="101"><c r="D101" t="e\'><v>#DIV/0!</v></c></row>'
    + plain_rows(102, 300),
    # the same where a cell without reference has every cell placed: the tag runs to the end of the sheet
    "quote_never_closed_in_a_sheet_placed_cell_by_cell": "<row><c><v>1</v></c></row>" + plain_rows(2, 100)
    + '<row r="101"><c r="D101" t="e\'><v>#DIV/0!</v></c></row>' + plain_rows(102, 300),
    "cells_without_refs": "".join(f'<row r="{r}"><c t="inlineStr"><is><t>{r}</t></is></c><c t="e"><v>#N/A</v></c>'
                                  "</row>" for r in range(1, 300)),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_sheets_get_the_same_verdict(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / f"{name}.xlsx"
    _raw_sheet_xlsx(path, HOSTILE[name].encode())
    result = same_both_ways(path, monkeypatch)
    expected_refusals = {"wide_late_refused": "单元格 XFD100001", "wide_first_then_far_rows": "单元格 XFD1",
                         "far_row_before_wide": "单元格 ZZ301", "row_200001": "第 200001 行",
                         "row_far_in_the_middle": "第 300000 行", "row_seven_digits": "第 1048576 行",
                         "single_quoted_wide": "单元格 DA301", "single_quoted_far_row": "第 250000 行",
                         "error_then_wide": "单元格 DZ90000", "rows_out_of_order_far_in_front": "第 260000 行",
                         "row_leading_zero_far": "第 200001 行",
                         "row_number_after_other_attributes": "第 250001 行",
                         "refs_inside_text_then_wide": "结构不符合 Excel 格式",  # a tag inside a cell's text
                         "cell_row_beyond_its_row": "第 1048576 行", "cell_rows_far_below_a_wide_cell": "单元格 XFD1",
                         "cell_ref_attribute_not_first": "第 250000 行", "prefixed_cells_wide_and_far": "单元格 XFD101",
                         "cells_without_refs_wide_then_tall": "单元格 GR1",
                         "cells_without_refs_in_numbered_rows": "第 200001 行",
                         "quoted_gt_in_attribute": "单元格 XFD1048576", "quoted_gt_before_ref": "单元格 XFD1048576",
                         "row_attribute_without_space": "第 300000 行", "four_letter_column": "单元格 AAAA199999",
                         "lower_case_reference": "单元格 XFD1048576",
                         "comment_hides_a_cell": "单元格 XFD1048576", "cdata_hides_a_cell": "单元格 XFD1048576",
                         "instruction_hides_a_cell": "单元格 XFD1048576",
                         "attribute_value_hides_a_cell": "单元格 XFD1048576", "row_inside_a_comment": "第 250000 行",
                         "comment_across_pieces_then_wide": "单元格 XFD1000",
                         "quote_never_closed_in_a_sheet_placed_cell_by_cell": "未结束的标记"}
    if name in expected_refusals:
        assert result[0] == "refused" and expected_refusals[name] in result[1], result
    else:
        assert result[0] == "read", result
    if name == "error_cells":
        assert result[1] == [(100, 1, "#N/A"), (100, 2, "#REF!"), (100, 3, "#DIV/0!")]
    if name == "error_cell_attribute_orders":
        assert result[1] == [(80, 0, "#REF!"), (80, 1, "#NAME?"), (80, 2, "#NUM!")]
    if name == "error_cells_everywhere":
        assert [e for e in result[1] if e[1] == 1] == [(r, 1, "#N/A") for r in range(399)]
    if name in ("refs_inside_text", "rows_out_of_order", "rows_150000_to_150300", "wide_ref_without_digits",
                "comment_across_pieces"):
        assert result == ("read", [])


def test_random_sheets_get_the_same_verdict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Plain rows with unusual things dropped in at random places; every verdict both ways at random chunk
    sizes (the pieces that get passed over move with the chunk size)."""
    rng = random.Random(20)
    unusual = [
        lambda r: f'<row r="{r}">' + cell(f"{rng.choice(['DA', 'ZZ', 'XFD', 'CZ', 'AAA'])}{r}") + "</row>",
        lambda r: f'<row r="{rng.choice([150_000, 199_999, 200_000, 200_001, 654_321, 1_048_576])}">'
                  + cell("A9") + "</row>",
        lambda r: f'<row r="{r}"><c r="B{r}" t="e"><v>{rng.choice(read.ERROR_VALUES)}</v></c></row>',
        lambda r: f"<row r='{r}'>" + cell(f"DB{r}", quote="'") + "</row>",
        lambda r: f'<row r="{r}" s="1"><c r="XFD{r}" s="1"/></row>',
        lambda r: f'<row r="{r}">' + cell(f"A{r}", "O'Neil") + "</row>",
    ]
    verdicts = set()
    for case in range(60):
        parts = [plain_rows(1, rng.randint(20, 400), rng.randint(1, 12))]
        for _ in range(rng.randint(0, 3)):
            parts.insert(rng.randint(0, len(parts)), rng.choice(unusual)(rng.randint(1, 120_000)))
            parts.append(plain_rows(1, rng.randint(0, 150)))
        path = tmp_path / f"random{case}.xlsx"
        _raw_sheet_xlsx(path, "".join(parts).encode())
        verdicts.add(same_both_ways(path, monkeypatch, sizes=(rng.choice([50, 97, 512, 2048, 8192]), 4 << 20))[0])
    assert verdicts == {"read", "refused"}


def workbooks(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and zipfile.is_zipfile(p)
                  and _has_sheet(p))


def _has_sheet(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except Exception:
        return False


def test_corpus_workbooks_get_the_same_verdict(bad_corpus: Path, samples: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.data.make_office_files import build_corpus

    office = build_corpus(tmp_path / "office")
    paths = workbooks(bad_corpus) + workbooks(office) + workbooks(samples)
    assert len(paths) >= 20
    kinds = {same_both_ways(p, monkeypatch, sizes=(4096, 4 << 20))[0] for p in paths}
    assert "refused" in kinds and "read" in kinds


def test_byte_flipped_workbooks_get_the_same_verdict(samples: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.data.make_byte_flips import build

    cases = [path for flip, path in build(samples, tmp_path / "flips") if flip.kind == "xlsx"]
    assert len(cases) >= 100
    for path in cases:
        same_both_ways(path, monkeypatch, sizes=(4 << 20,))


def test_the_fast_inflater_gives_zipfiles_bytes_or_gives_up(samples: Path, tmp_path: Path) -> None:
    """On a sound member the fast inflater is really used (same bytes, same chunks); on a damaged one it gives
    up (then zipfile reads it), and never lets through bytes zipfile would refuse."""
    from tests.data.make_byte_flips import build

    export = samples / "applicants_export.xlsx"
    with zipfile.ZipFile(export) as archive:
        members = sheet_members(archive)
        assert members is not None and len(members) == 1
        info = members[0]
        whole = archive.read(info)
    with export.open("rb") as raw:
        chunks = [b"".join(parts) for parts in read._inflated_chunks(raw, info)]
    assert b"".join(chunks) == whole and {len(c) for c in chunks[:-1]} <= {read.SCAN_CHUNK} and all(chunks)
    gave_up = 0
    for flip, path in build(samples, tmp_path / "flips"):
        if flip.kind != "xlsx":
            continue
        try:
            with zipfile.ZipFile(path) as archive:
                found = sheet_members(archive)
                if found is None:
                    continue
                info = found[0]
                try:
                    expected: bytes | None = archive.read(info)
                except Exception:
                    expected = None
        except zipfile.BadZipFile:
            continue
        with path.open("rb") as raw:
            try:
                got = b"".join(part for parts in read._inflated_chunks(raw, info) for part in parts)
            except read._NotAsZipfileReads:
                gave_up += 1
                continue
        assert got == expected, flip.name
    assert gave_up >= 10


def test_a_highly_compressed_member_is_inflated_to_its_end(tmp_path: Path) -> None:
    """ISA-L's inflater can still hold output once every input byte is in (a long run of one byte): the fast
    inflater asks it for the rest rather than giving up (which would read the whole sheet a second time)."""
    whole = b"a" * 12_582_917
    path = tmp_path / "run.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", whole)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    with path.open("rb") as raw:
        got = [b"".join(parts) for parts in read._inflated_chunks(raw, info)]
    assert b"".join(got) == whole and {len(c) for c in got[:-1]} <= {read.SCAN_CHUNK}
    truncated = tmp_path / "truncated.zip"  # a member whose stream stops short is still given up
    data = path.read_bytes()
    start = info.header_offset + 30 + len(info.filename)
    truncated.write_bytes(data[:start + info.compress_size // 2] + bytes(info.compress_size - info.compress_size // 2)
                          + data[start + info.compress_size:])
    with truncated.open("rb") as raw, pytest.raises(read._NotAsZipfileReads):
        for _parts in read._inflated_chunks(raw, info):
            pass


def _reference_plain(buf: bytes, end: int) -> bool:
    """_plain_bytes's checks over the joined piece."""
    return (buf.find(b"'", 0, end) < 0 and buf.find(b't="e"', 0, end) < 0
            and read._UNUSUAL_REF.search(buf, 0, end) is None)


def test_the_quick_patterns_find_what_the_plain_ones_find() -> None:
    """Wherever a pattern the full judgement acts on matches (a cell written otherwise, a cell beyond column CZ or
    row 199,999), _UNUSUAL_REF matches at the same place; and _plain (rfind for the error cell, the parts of a piece
    judged without joining them, look-aheads cut short at a part's end) gives the answer of the same checks over the
    joined piece up to any end. Strings made of the characters that matter, many of them near-misses, cut into
    parts anywhere."""
    rng = random.Random(2026)
    alphabet = b'r="ABCDXZaxz0123456789e\'t <>/c:\t'
    seeds = [b'c r="', b'<c r="DA1"', b'<c r="CZ9"', b'<c r="AAA1"', b'<c r="A199999"', b'<c r="B200000"',
             b'<c r="0200001"', b't="e"', b"t='e'", b'<c r="AB1048576"', b'<c r="123456"', b'<c r="A123456"', b"<c>",
             b'<c t="s">', b"<c/>", b'<x:c r="XFD1">', b"<c\tr=", b"<c r", b"<c r=", b"<col ", b'<c r="A1"',
             b'<c r="CZ199999"/>', b'<row r="250000">', b'abc r="XFD1"', b'<c r="xfd1"', b'<c r="AAAA1"',
             b'<c t="n"r="XFD1"']
    for _ in range(40_000):
        parts = [rng.choice(seeds) if rng.random() < 0.5 else bytes(rng.choice(alphabet) for _ in range(3))
                 for _ in range(rng.randint(0, 6))]
        text = b"".join(parts)
        for pos in range(len(text)):
            if read._ODD_CELL.match(text, pos) or read._FAR_CELL.match(text, pos):
                assert read._UNUSUAL_REF.match(text, pos), (text, pos)
        end = rng.randint(0, len(text))
        cuts = sorted(rng.randint(0, len(text)) for _ in range(rng.randint(0, 5)))
        parts = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
        assert read._plain(parts, end) == _reference_plain(text, end), (parts, end)
    for _ in range(5_000):  # longer pieces: parts longer and shorter than a joint's reach, in any order
        text = b"".join(rng.choice(seeds) if rng.random() < 0.7 else bytes(rng.choice(alphabet) for _ in range(5))
                        for _ in range(rng.randint(10, 40)))
        end = rng.randint(0, len(text))
        cuts = sorted(rng.randint(0, len(text)) for _ in range(rng.randint(0, 12)))
        parts = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
        assert read._plain(parts, end) == _reference_plain(text, end), (parts, end)


def test_a_stored_sheet_gets_the_same_verdict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sheet stored without compression is read through zipfile every way (the fast inflater is for deflated
    members); the quick scan still passes over its plain pieces with the same verdict."""
    for name in ("plain", "error_cells_everywhere", "wide_late_refused", "row_far_in_the_middle"):
        (tmp_path / "stored").mkdir(exist_ok=True)
        deflated, stored = tmp_path / f"{name}.xlsx", tmp_path / "stored" / f"{name}.xlsx"
        _raw_sheet_xlsx(deflated, HOSTILE[name].encode())
        with zipfile.ZipFile(deflated) as source, zipfile.ZipFile(stored, "w") as target:
            for info in source.infolist():
                kind = zipfile.ZIP_STORED if info.filename.endswith("sheet1.xml") else zipfile.ZIP_DEFLATED
                target.writestr(info.filename, source.read(info.filename), compress_type=kind)
        assert same_both_ways(stored, monkeypatch) == same_both_ways(deflated, monkeypatch), name


def _reference_pieces(chunks: list[list[bytes]], chunk: int) -> list[tuple[bytes, int]]:
    """The pieces as the scan cut them when it joined each chunk to the tail before it."""
    pieces, tail = [], b""
    for parts in chunks:
        buf = b"".join([tail, *parts])
        cut = buf.rfind(b"<row")
        if cut <= 0 or len(buf) - cut > 16 * chunk:
            cut = buf.rfind(b"<")
        end = cut if cut >= 0 else len(buf) + cut
        tail = buf[end:]
        pieces.append((buf, end))
    return [*pieces, (tail, len(tail))]


def test_pieces_are_cut_where_the_joined_stream_is(monkeypatch: pytest.MonkeyPatch) -> None:
    """_sheet_pieces finds the cut in the last part instead of joining each chunk: the pieces (what a judged
    piece holds, where the next begins) are the ones of the joined stream, however the chunks come in parts."""
    rng = random.Random(7)
    words = [b"<row", b'<row r="1">', b"<c/>", b"<", b"</row>", b"<ro", b"w", b"x" * 40, b"<rowx", b"o"]
    for case in range(3000):
        chunk = rng.choice([8, 13, 64, 333])
        monkeypatch.setattr(read, "SCAN_CHUNK", chunk)
        stream = b"".join(rng.choice(words) for _ in range(rng.randint(0, 60)))
        if rng.random() < 0.1:  # one enormous row: longer than 16 chunks
            stream = b'<row r="1">' + b"<c/>" * (5 * chunk) + stream
        chunks = []
        for at in range(0, len(stream), chunk):
            data = stream[at:at + chunk]
            cuts = sorted(rng.randint(0, len(data)) for _ in range(rng.randint(0, 3)))
            chunks.append([p for p in (data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)) if p])
        got = [(b"".join(parts)[:end], b"".join(parts)[end:])
               for parts, end in read._sheet_pieces(iter(chunks))]
        expected = [(buf[:end], buf[end:]) for buf, end in _reference_pieces(chunks, chunk)]
        assert got == expected, (case, stream, chunk)
