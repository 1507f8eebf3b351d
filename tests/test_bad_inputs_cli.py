"""The corpus through the command line, in process and as a real `python -m confirm_desk` subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from confirm_desk.cli import main as cli
from tests.conftest import ROOT, file_digest
from tests.data.make_bad_inputs import CASES, CASES_BY_NAME, BadInput
from tests.test_bad_inputs import CJK, sources

EXIT_CODES = {"accepted": 0, "row_errors": 1, "refused": 2}
BUG_SIGNS = ("Traceback", "程序内部错误", "Error:", "panicked")


def import_args(case: BadInput, corpus: Path, db_url: str) -> list[str]:
    table, photos = sources(case, corpus)
    return ["--db", db_url, "import", str(table), *(["--photos", str(photos)] if photos else [])]


def check_output(case: BadInput, code: int, out: str, err: str) -> None:
    assert code == EXIT_CODES[case.outcome], (case.name, code, out, err)
    assert not any(sign in out + err for sign in BUG_SIGNS), out + err
    if case.outcome == "refused":
        assert err.startswith("错误：") and case.name in err and CJK.search(err), err
    elif case.outcome == "row_errors":
        assert any(word in out for word in case.says), out
        if case.kind == "table":
            assert f"{case.name} 第" in out  # file and row: "x.xlsx 第3行 [证件号码] …"
        else:
            assert "照片 " in out


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_cli(case: BadInput, bad_corpus: Path, cli_clerk: str, db_url: str, capsys, tally: dict[str, int]) -> None:
    db = Path(db_url.removeprefix("sqlite:///"))
    before = file_digest(db)
    code = cli(import_args(case, bad_corpus, db_url))
    out, err = capsys.readouterr()
    tally["bad inputs tried (CLI)"] = tally.get("bad inputs tried (CLI)", 0) + 1
    check_output(case, code, out, err)
    if case.outcome == "refused":
        assert file_digest(db) == before


SUBPROCESS_CASES = ["zero_byte.xlsx", "far_cell.xlsx", "billion_laughs.xlsx", "renamed_docx.xlsx",
                    "cells_100k.xlsx", "zip_slip.zip", "bombs"]


def run_cli(args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "confirm_desk", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name", SUBPROCESS_CASES)
def test_cli_subprocess(name: str, bad_corpus: Path, cli_clerk: str, db_url: str, tally: dict[str, int]) -> None:
    case = CASES_BY_NAME[name]
    db = Path(db_url.removeprefix("sqlite:///"))
    before = file_digest(db)
    proc = run_cli(import_args(case, bad_corpus, db_url))
    tally["bad inputs tried (subprocess)"] = tally.get("bad inputs tried (subprocess)", 0) + 1
    check_output(case, proc.returncode, proc.stdout, proc.stderr)
    if case.outcome == "refused":
        assert file_digest(db) == before


def test_cli_missing_file_and_bad_arguments(cli_clerk: str, db_url: str, tmp_path: Path) -> None:
    proc = run_cli(["--db", db_url, "import", str(tmp_path / "没有这个文件.xlsx")])
    assert proc.returncode == 2 and "没有这个文件.xlsx" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli(["--db", db_url, "import"])
    assert proc.returncode == 2 and "参数错误" in proc.stderr and "Traceback" not in proc.stderr
