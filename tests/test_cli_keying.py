"""CLI: `keying list/done`, `report national`, `list --format csv` (Chinese headers, re-importable; --keys)."""

from __future__ import annotations

import csv
import io
import json

from openpyxl import load_workbook

from confirm_desk.cli import main
from tests.accounts_helpers import fast_hasher, login_env  # noqa: F401
from tests.test_cli_confirm import BOSS_PW, LI_PW, cli, confirm  # noqa: F401
from tests.test_reconcile import changed_export

KEYED, WAITING = "2025500000002", "2025320000003"


def _json(capsys) -> object:
    return json.loads(capsys.readouterr().out)


def test_keying_list_done_and_report_national(cli, imported_store, samples, tmp_path, capsys,  # noqa: F811
                                              monkeypatch) -> None:
    assert cli("user", "add", "boss", password=BOSS_PW) == 0
    assert cli("user", "add", "li", "--admin", "boss", password=LI_PW, admin=BOSS_PW) == 0
    monkeypatch.setenv("CONFIRM_DESK_USER", "li")  # every command below runs as li
    assert confirm(cli, KEYED, "confirmed", "--override-reason", "原件已当面核对") == 0
    assert confirm(cli, WAITING, "rejected", "--reason", "未满学时") == 0
    capsys.readouterr()

    assert cli("keying", "list", "--format", "json", password=LI_PW) == 0
    items = _json(capsys)
    assert [i["application_no"] for i in items] == [KEYED, WAITING]
    assert all({"application_no", "name", "steps"} <= set(i) for i in items)
    assert [(s["kind"], s["value"]) for s in items[1]["steps"]] == [
        ("find", WAITING), ("conclusion", "确认未通过"), ("reason", "未满学时")]

    assert cli("keying", "done", KEYED, "--user", "li", password="wrong") == 2
    assert cli("keying", "done", KEYED, "--user", "li", password=LI_PW) == 0
    assert "已录入国家系统 1 人" in capsys.readouterr().out
    assert cli("keying", "list", password=LI_PW) == 0
    table = capsys.readouterr().out
    assert "已决定 2 · 已录入 1 · 已核实 0" in table and WAITING in table and KEYED not in table
    assert cli("keying", "done", "nobody", "--user", "li", password=LI_PW) == 2
    assert "找不到 nobody" in capsys.readouterr().out

    newer = changed_export(samples, tmp_path / "newer.xlsx", {"2025330000004": {"网报状态": "确认已通过"},
                                                               WAITING: {"网报状态": "确认已通过"}})
    assert cli("import", str(newer), "--format", "json", password=LI_PW) == 0
    assert _json(capsys)["national"] == {"not_effective": 1, "status_conflict": 1, "edit_not_keyed": 0,
                                         "decided_elsewhere": 1}
    assert cli("report", "national", "--format", "json", password=LI_PW) == 0
    report = _json(capsys)
    assert list(report) == ["not_effective", "status_conflict", "edit_not_keyed", "decided_elsewhere"]
    [effective] = report["not_effective"]
    assert {k: effective[k] for k in ("application_no", "desk", "national")} == {
        "application_no": KEYED, "desk": "确认已通过", "national": "网报待确认"}
    assert len(effective["id_number"]) == 18
    assert [(e["application_no"], e["desk"], e["national"]) for e in report["status_conflict"]] == [
        (WAITING, "确认未通过", "确认已通过")]
    assert [e["application_no"] for e in report["decided_elsewhere"]] == ["2025330000004"]
    out = tmp_path / "national.xlsx"
    assert cli("report", "national", "--format", "xlsx", "-o", str(out), password=LI_PW) == 0
    assert load_workbook(out)["结论不一致"]["A2"].value == WAITING
    assert cli("report", "national", password=LI_PW) == 0
    assert "【结论不一致】1 人" in capsys.readouterr().out
    assert cli("keying", "settle", KEYED, "--choice", "take", "--user", "li", password=LI_PW) == 2  # no conflict
    assert cli("keying", "settle", WAITING, "--choice", "take", "--user", "li", password=LI_PW) == 0
    assert "采用国家系统结论" in capsys.readouterr().out
    assert cli("report", "national", "--format", "json", password=LI_PW) == 0
    assert _json(capsys)["status_conflict"] == []
    assert cli("show", WAITING, "--format", "json", password=LI_PW) == 0
    assert _json(capsys)["status"] == "confirmed"


def test_list_csv_has_chinese_headers_that_import_back(imported_store, tmp_path, capsys, monkeypatch) -> None:
    login_env(monkeypatch, imported_store.url)
    assert main(["--db", imported_store.url, "list", "--format", "csv"]) == 0
    text = capsys.readouterr().out
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["报名号", "姓名", "性别"] and rows[0][-1] == "确认状态" and len(rows) == 61
    assert main(["--db", imported_store.url, "list", "--format", "csv", "--keys"]) == 0
    assert next(csv.reader(io.StringIO(capsys.readouterr().out)))[:2] == ["application_no", "name"]
    # Into a fresh store: the same applicants, statuses included.
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    login_env(monkeypatch, fresh)
    assert main(["--db", fresh, "import", str(path), "--format", "json"]) in (0, 1)
    result = _json(capsys)
    assert result["imported"] + len(result["errors"]) == 60
    assert main(["--db", fresh, "list", "--format", "csv"]) == 0
    again = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert [r[0] for r in again[1:]] == [r[0] for r in rows[1:] if r[0] in {a[0] for a in again[1:]}]
