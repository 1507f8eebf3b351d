"""The end-of-day pack: every file listed in the manifest with its true SHA-256; the dashboard numbers."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile

from confirm_desk.cli import main
from confirm_desk.domain.statuses import Status
from confirm_desk.services.reports.day_summary import day_summary
from tests.printing_helpers import decide_all


def test_day_pack_manifest_hashes_match(cli_clerk, imported_store, db_url, samples, tmp_path, capsys) -> None:
    assert main(["--db", db_url, "staff", "import", str(samples / "staff_list.xlsx")]) == 0
    decide_all(imported_store, "confirmed")
    out = tmp_path / "day.zip"
    assert main(["--db", db_url, "export", "day", str(out), "--user", "clerk"]) == 0
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        listed = {f["name"]: f for f in manifest["files"]}
        assert names == {*listed, "manifest.json"}
        assert {"应注册情况.xlsx", "照片问题.xlsx", "补正跟进.xlsx", "当日审计记录.xlsx", "花名册.xlsx",
                "统计表.xlsx", "批次001.zip"} <= names
        with zipfile.ZipFile(io.BytesIO(archive.read("批次001.zip"))) as batch:
            assert "manifest.json" in batch.namelist()
        for name, entry in listed.items():
            data = archive.read(name)
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            assert len(data) == entry["size"]
        from openpyxl import load_workbook

        archive.extract("照片问题.xlsx", tmp_path)
    sheet = load_workbook(tmp_path / "照片问题.xlsx").active
    assert sheet.max_row > 1 and sheet["A1"].value == "报名号"
    assert manifest["day"] == dt.date.today().isoformat() and manifest["left_out"] == []
    # The batch went out with the pack: the next pack has none and says why.
    assert main(["--db", db_url, "export", "day", str(tmp_path / "again.zip"), "--user", "clerk"]) == 0
    with zipfile.ZipFile(tmp_path / "again.zip") as archive:
        again = json.loads(archive.read("manifest.json"))
    assert not any(f["name"].startswith("批次") for f in again["files"])
    assert any("同步批次" in why for why in again["left_out"])


def test_day_summary_counts(imported_store) -> None:
    decide_all(imported_store, "confirmed", photos=False)
    with imported_store.session() as session:
        summary = day_summary(session)
    assert summary.by_status[Status.CONFIRMED] == 57
    assert summary.decided_today == {"王确认": {Status.CONFIRMED: 57}}
    assert len(summary.forms_to_print) == 57 and len(summary.receipts_to_print) == 57
    assert summary.incomplete == [] and summary.overdue == 0
    assert (summary.not_in_batch, summary.next_batch) == (57, 1)
