"""The command line behaves (issue 26 item 5): a closed pipe ends quietly, stored control and direction
characters are shown escaped, 报名号 values are checked against the national format, and formula escaping
touches only what a spreadsheet would run."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import update

from confirm_desk.cli import main as cli
from confirm_desk.domain.application_numbers import application_no_problem
from confirm_desk.services.importing.applicants import import_applicants
from confirm_desk.services.spreadsheets.safe import needs_escape, safe_cell
from confirm_desk.store.models import applicant_table
from tests.data.make_office_files import HEADERS, values

ROOT = Path(__file__).resolve().parents[1]


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "CONFIRM_DESK_HOME": str(home), "PYTHONPATH": str(ROOT)}


@pytest.fixture
def filled(store, tmp_path: Path):
    path = tmp_path / "list.csv"
    path.write_text("\n".join(",".join(r) for r in [HEADERS, *values(6)]), encoding="utf-8")
    import_applicants(store, path)
    return store


def test_a_closed_pipe_ends_quietly(filled, cli_clerk: str, db_url: str, isolated_home: Path) -> None:
    """`confirm-desk list | head -1`: the reader is gone before the output is written."""
    with subprocess.Popen([sys.executable, "-m", "confirm_desk", "--db", db_url, "list"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=_env(isolated_home)) as proc:
        proc.stdout.close()  # like `head` after its line: every write now meets a closed pipe
        err = proc.stderr.read().decode()
        code = proc.wait()
    assert err == "" and code == 0


def test_a_pipe_into_head(filled, cli_clerk: str, db_url: str, isolated_home: Path) -> None:
    done = subprocess.run(f'"{sys.executable}" -m confirm_desk --db "{db_url}" list | head -n 1', shell=True,
                          capture_output=True, text=True, env=_env(isolated_home))
    assert done.stderr == ""
    assert len(done.stdout.splitlines()) == 1


HOSTILE = "张\u202e三\x1b[2J\x1b[31m\x07\x08"


def test_control_characters_shown_escaped(filled, cli_clerk: str, db_url: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    number = values(1)[0][0]
    with filled.session() as s:
        s.execute(update(applicant_table).where(applicant_table.c.application_no == number)
                  .values(name=HOSTILE, school="学校\u2066\u2069\x9b"))
    assert cli(["--db", db_url, "list"]) == 0
    out = capsys.readouterr().out
    assert cli(["--db", db_url, "show", number]) == 0
    out += capsys.readouterr().out
    for raw in ("\x1b", "\u202e", "\x07", "\x08", "\u2066", "\x9b"):
        assert raw not in out
    assert "张\\u202e三\\x1b[2J\\x1b[31m\\x07\\x08" in out
    assert "学校\\u2066\\u2069\\x9b" in out


def test_application_numbers_checked(store, tmp_path: Path) -> None:
    rows = values(4)
    rows[1][0] = "202533000001"  # a digit dropped
    rows[2][0] = "2025990000001"  # no province 99
    path = tmp_path / "list.csv"
    path.write_text("\n".join(",".join(r) for r in [HEADERS, *rows]), encoding="utf-8")
    result = import_applicants(store, path)
    assert result.imported == 4  # kept: the key is what the system exported
    flagged = {(w.row, w.column, w.value) for w in result.warnings if "报名号" in w.message}
    assert flagged == {(3, "报名号", "202533000001"), (4, "报名号", "2025990000001")}
    assert application_no_problem("2025330000004") == ""
    assert "年份" in application_no_problem("1999330000004")


@pytest.mark.parametrize("text", ["-缺少学历证书", "- 见备注", "+86 13800000000", "@张老师", "-1", "-学历证书-原件",
                                  "普通文本", "=", "-"])
def test_plain_text_is_not_escaped(text: str) -> None:
    assert not needs_escape(text) and safe_cell(text) == text


@pytest.mark.parametrize("text", ["=1+1", "=HYPERLINK(\"http://x\",\"点我\")", "+cmd|' /C calc'!A0",
                                  "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-A1", "\t=1+1", "+SUM(1)"])
def test_what_would_run_is_escaped(text: str) -> None:
    assert safe_cell(text) == "'" + text


def test_results_xlsx_keeps_a_reason_starting_with_a_dash(tmp_path: Path) -> None:
    """The batch's results sheet: a plain reason is written as typed (no apostrophe for the system to get)."""
    from openpyxl import Workbook, load_workbook

    book = Workbook()
    book.active.append([safe_cell("-缺少学历证书原件"), safe_cell("=1+1")])
    book.save(tmp_path / "r.xlsx")
    a, b = next(load_workbook(tmp_path / "r.xlsx").active.iter_rows(values_only=True))
    assert a == "-缺少学历证书原件" and b == "'=1+1"


def test_import_says_which_column_it_used(cli_clerk: str, db_url: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from tests.data.make_office_files import xlsx_two_id_columns

    path = tmp_path / "two_ids.xlsx"
    xlsx_two_id_columns(path)
    assert cli(["--db", db_url, "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "注意：two_ids.xlsx 第1行 [证件号码] “证件号码”可由多列提供：使用了 D 列“证件号码”" in out
    assert "未使用 C 列“身份证号”" in out


def test_batch_results_keep_a_reason_that_starts_with_a_dash(imported_store, tmp_path: Path) -> None:
    """The national system receives the reason as typed: no apostrophe before “-缺少…”; a formula is escaped."""
    from python_calamine import CalamineWorkbook
    from sqlalchemy import select

    from confirm_desk.domain.decisions import ConditionMark
    from confirm_desk.domain.statuses import Status
    from confirm_desk.services.applicants.listing import resolve
    from confirm_desk.services.batches.export import export_batch
    from confirm_desk.services.confirming.confirmation import CheckInput, load_check, material_labels, save_check

    with imported_store.session() as session:
        numbers = list(session.scalars(select(applicant_table.c.application_no)
                                       .where(applicant_table.c.status == "pending")
                                       .order_by(applicant_table.c.id).limit(2)))
    reasons = {numbers[0]: "-缺少学历证书原件", numbers[1]: "=HYPERLINK(\"http://x\",\"点我\")"}
    for number, reason in reasons.items():
        with imported_store.session() as session:
            state = load_check(session, resolve(session, number))
            data = CheckInput(materials={m: True for m in material_labels()}, conditions=[ConditionMark(True)] * 7,
                              outcome=Status.REJECTED, reason=reason)
            save_check(session, state.applicant_id, data, "clerk", state.version)
    out = tmp_path / "batch.zip"
    export_batch(imported_store, out, "clerk")
    with zipfile.ZipFile(out) as bundle:
        (tmp_path / "results.xlsx").write_bytes(bundle.read("results.xlsx"))
    cells = [str(c) for row in CalamineWorkbook.from_path(str(tmp_path / "results.xlsx"))
             .get_sheet_by_index(0).to_python() for c in row]
    assert "-缺少学历证书原件" in cells and "'-缺少学历证书原件" not in cells
    assert "'=HYPERLINK(\"http://x\",\"点我\")" in cells
