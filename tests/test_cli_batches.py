"""`export batch / roster / stats` through cli.main: dry run, a logged-in export, the same batch again."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from tests.accounts_helpers import CLERK_PW, fast_hasher, make_operators  # noqa: F401
from tests.test_batch_export import decide, normalise_photos, pending_numbers
from tests.test_cli_confirm import cli  # noqa: F401


def test_export_batch_dry_run_export_and_again(cli, imported_store, tmp_path, capsys) -> None:  # noqa: F811
    make_operators(imported_store)
    normalise_photos(imported_store)
    numbers = pending_numbers(imported_store, 3)
    for number in numbers:
        decide(imported_store, number)
    capsys.readouterr()
    assert cli("export", "batch", "--dry-run", "--format", "json", "--user", "clerk", password=CLERK_PW) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["batch"] == 1 and [r["application_no"] for r in plan["rows"]] == numbers
    assert cli("export", "batch", str(tmp_path / "b1.zip")) == 2  # a new batch needs an operator
    assert cli("export", "batch", str(tmp_path / "b1.zip"), "--user", "clerk", password="wrong") == 2
    assert cli("export", "batch", str(tmp_path / "b1.zip"), "--user", "clerk", password=CLERK_PW) == 0
    assert "第 1 批：3 人，照片 3 张" in capsys.readouterr().out
    assert cli("export", "batch", "--dry-run", "--user", "clerk", password=CLERK_PW) == 0
    assert "第 2 批，0 人" in capsys.readouterr().out
    assert cli("export", "batch", str(tmp_path / "again.zip"), "--again", "1", "--user", "clerk") == 2
    assert cli("export", "batch", str(tmp_path / "again.zip"), "--again", "1", "--user", "clerk",
               password=CLERK_PW) == 0
    assert (tmp_path / "again.zip").read_bytes() == (tmp_path / "b1.zip").read_bytes()
    assert cli("export", "batch", str(tmp_path / "x.zip"), "--again", "7", "--user", "clerk",
               password=CLERK_PW) == 2


def test_export_roster_and_stats(cli, imported_store, tmp_path, capsys, monkeypatch) -> None:  # noqa: F811
    make_operators(imported_store)
    assert cli("export", "roster", str(tmp_path / "roster.xlsx")) == 2  # who is asking?
    monkeypatch.setenv("CONFIRM_DESK_USER", "clerk")
    assert cli("export", "roster", str(tmp_path / "roster.xlsx"), password=CLERK_PW) == 0
    assert "57 人" in capsys.readouterr().out
    assert len(load_workbook(tmp_path / "roster.xlsx").sheetnames) > 1
    assert cli("export", "stats", str(tmp_path / "stats.xlsx"), password=CLERK_PW) == 0
    assert load_workbook(tmp_path / "stats.xlsx")["统计表"]["E6"].value == 57
