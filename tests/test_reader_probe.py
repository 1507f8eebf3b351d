"""The workbook reader tried in a child first (services/spreadsheets/probe.py): files that get past the scan and
abort the reader end a child, not the app; every good file reads as before."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from confirm_desk.domain.errors import FileRefused
from confirm_desk.services.spreadsheets import probe
from confirm_desk.services.spreadsheets.read import read_rows, stream_rows, visible_sheet_names
from tests.data.make_office_files import PAST_THE_SCAN, _raw_sheet_xlsx, xls_error_cells
from tests.test_import_guards import _ods, _ods_row, _read_in_child

ROOT = Path(__file__).resolve().parent.parent
# Files of the third round the scan itself now refuses (the CLI reads with the scan alone), and how it words it.
SCAN_NOW_REFUSES = {"attribute_name_with_slash": "数据范围过大", "form_feed_in_a_row_tag": "结构不符合 Excel 格式",
                    "rows_never_closed": "数据范围过大", "wrong_crc": "文件已损坏", "local_name_differs": "文件已损坏",
                    "two_archives": "压缩结构异常", "row_inside_an_inline_string": "结构不符合 Excel 格式",
                    "doctype_with_quoted_bracket": "文档类型声明"}


@pytest.fixture
def isolated() -> Iterator[None]:
    probe.isolate()
    try:
        yield
    finally:
        probe.isolate(False)


@pytest.mark.parametrize("name", sorted(PAST_THE_SCAN))
def test_a_file_that_gets_past_the_scan_ends_the_child_and_is_refused(tmp_path: Path, name: str) -> None:
    """Each of these files was made to get past the scan (a third round of trying): loaded, the reader asks for
    up to 550 GB and aborts its process. Read directly (as the CLI reads) six are now refused by the scan, three
    still abort. Read as the GUI reads, the reader's abort ends the child that tried it, and the file is refused
    in words."""
    path = tmp_path / f"{name}.xlsx"
    PAST_THE_SCAN[name](path)
    assert path.stat().st_size < 200_000
    direct = _read_in_child(path)
    if name in SCAN_NOW_REFUSES:  # the scan learnt these since
        assert direct.returncode == 0 and SCAN_NOW_REFUSES[name] in direct.stdout, (direct.stdout, direct.stderr)
    else:
        assert direct.returncode != 0 and "memory allocation" in direct.stderr, (direct.stdout, direct.stderr[-300:])
    done = _read_in_child(path, isolated=True)
    assert done.returncode == 0, done.stderr[-500:]
    said = SCAN_NOW_REFUSES.get(name, "数据范围大得异常")
    assert f"“{name}.xlsx”" in done.stdout and said in done.stdout, done.stdout


def test_the_child_loads_the_sheet_named_and_says_how_large_it_is(samples: Path) -> None:
    path = samples / "applicants_export.xlsx"
    rows = read_rows(path)
    done = subprocess.run(probe.child_command(path, rows.sheet), capture_output=True, text=True, cwd=ROOT,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["loaded", str(len(rows)), str(max(len(r) for r in rows))]


def test_good_workbooks_read_the_same_when_tried_in_a_child_first(samples: Path, tmp_path: Path,
                                                                   isolated: None) -> None:
    xls = tmp_path / "errors.xls"
    xls_error_cells(xls)
    ods = _ods(tmp_path / "saved.ods", _ods_row("报名号", "姓名") + _ods_row("2025330000001", "张三"))
    for path in (samples / "applicants_export.xlsx", samples / "staff_list.xlsx", xls, ods):
        probe.isolate()
        tried = read_rows(path)
        streamed = stream_rows(path)
        names = visible_sheet_names(path)
        probe.isolate(False)
        assert tried == read_rows(path) and tried.kind == read_rows(path).kind
        assert list(streamed.rows_from(0)) == list(tried) and streamed.height == len(tried)
        assert names == visible_sheet_names(path)
    assert read_rows(ods)[1][:2] == ["2025330000001", "张三"]
    assert "#N/A" in read_rows(xls)[2]


def test_a_damaged_workbook_tried_in_a_child_is_refused_in_the_readers_words(tmp_path: Path,
                                                                              isolated: None) -> None:
    """The child survives a damaged file (the reader raises, no abort): the app's own read then says what is
    wrong, as it always did."""
    path = tmp_path / "damaged.xlsx"
    _raw_sheet_xlsx(path, b'<row r="1"><c r="A1" t="s"><v>5</v></c></row>')  # a shared string that is not there
    said = subprocess.run(probe.child_command(path, "Sheet1"), capture_output=True, text=True, cwd=ROOT,
                          check=False)
    assert said.returncode == 0 and said.stdout.split() == ["failed", "CalamineError"], (said.stdout, said.stderr)
    with pytest.raises(FileRefused, match=r"无法读取“damaged\.xlsx”：文件已损坏") as refused:
        read_rows(path)
    assert "数据范围大得异常" not in refused.value.message


def test_the_child_is_this_program(tmp_path: Path) -> None:
    """`python -m confirm_desk --probe-sheet FILE`: the same entry as the app (the frozen build runs its own
    executable with these arguments), never the CLI's parser."""
    path = tmp_path / "one.xlsx"
    _raw_sheet_xlsx(path, b'<row r="1"><c r="A1"><v>1</v></c><c r="C2"><v>2</v></c></row>')
    command = probe.child_command(path, "Sheet1")
    assert command[:3] == [sys.executable, "-m", "confirm_desk"] and command[3:] == [probe.PROBE_FLAG, str(path),
                                                                                      "Sheet1"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    assert (done.returncode, done.stdout.split()) == (0, ["loaded", "2", "3"]), done.stderr
    wrong = subprocess.run(command[:4], capture_output=True, text=True, cwd=ROOT, check=False)
    assert wrong.returncode == 2 and "usage" in wrong.stderr
