"""A recorded batch always has its file (issue 25 item 4) and the names inside it are safe (item 8)."""

from __future__ import annotations

import hashlib
import multiprocessing
import random
import sqlite3
import zipfile
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import select, update

from confirm_desk.cli import main
from confirm_desk.domain.filenames import safe_stem
from confirm_desk.domain.statuses import Status
from confirm_desk.services.batches.export import batch_files, export_batch
from confirm_desk.services.reports.day_pack import export_day
from confirm_desk.store.models import Applicant, applicant_table
from tests import crash_worker
from tests.accounts_helpers import fast_hasher, login_env  # noqa: F401
from tests.test_batch_export import decide, normalise_photos, pending_numbers
from tests.test_crash_safety import wait_for

KILLS = 14
t = applicant_table


def batch_file_problems(path: Path) -> list[str]:
    """Every recorded export batch has its zip where it was written, with the recorded bytes."""
    with closing(sqlite3.connect(path)) as conn:
        if conn.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
            return ["integrity_check failed"]
        batches = conn.execute("SELECT number, file_name, file_sha256 FROM batch WHERE kind = 'export'").fetchall()
        synced = conn.execute("SELECT count(*) FROM applicant WHERE synced_batch IS NOT NULL").fetchone()[0]
        items = conn.execute("SELECT count(DISTINCT applicant_id) FROM batch_item").fetchone()[0]
    problems = [] if synced == items else [f"{synced} applicants synced, {items} in batches"]
    for number, name, sha in batches:
        zip_path = Path(name)
        if not zip_path.is_file():
            problems.append(f"batch {number}: {name} missing")
        elif hashlib.sha256(zip_path.read_bytes()).hexdigest() != sha:
            problems.append(f"batch {number}: {name} is not the recorded file")
        else:
            with zipfile.ZipFile(zip_path) as z:
                if z.testzip() is not None or "manifest.json" not in z.namelist():
                    problems.append(f"batch {number}: damaged zip")
    return problems


@pytest.mark.slow
def test_sigkill_during_batch_exports(imported_store, tmp_path: Path, tally: dict[str, int]) -> None:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["tests.crash_worker", "confirm_desk.services.batches.export",
                                "confirm_desk.services.confirming.confirmation"])
    path = imported_store.sqlite_path
    with imported_store.session() as session:
        pending = len(session.scalars(select(Applicant.id).where(Applicant.status == Status.PENDING.value)).all())
    assert pending >= 2 * KILLS
    imported_store.dispose()
    out = tmp_path / "out"
    out.mkdir()
    rng = random.Random(25)
    failures: list[str] = []
    exported = 0
    for n in range(KILLS):
        events, done = ctx.Value("i", 0), ctx.Value("i", 0)
        worker = ctx.Process(target=crash_worker.run_exports, args=(imported_store.url, str(out), events, done))
        worker.start()
        # 1 decision + 3 progress reports (汇总, 写入文件, 提交) + done = 5 events per batch.
        target = rng.randrange(1, 11)
        wait_for(worker, lambda t=target, ev=events: ev.value >= t, f"event {target}")
        worker.kill()
        worker.join()
        exported += done.value
        failures += [f"kill {n} at event {target}: {p}" for p in batch_file_problems(path)]
    with closing(sqlite3.connect(path)) as conn:
        recorded = conn.execute("SELECT count(*) FROM batch WHERE kind = 'export'").fetchone()[0]
    tally["SIGKILLs during batch exports"] = KILLS
    tally["batches recorded between the kills"] = recorded
    assert failures == []
    assert recorded >= exported >= 3  # kills fell after some batches, not only before the first


def test_day_pack_failing_after_its_batch_keeps_the_batch_file(imported_store, tmp_path: Path) -> None:
    """`export day` records the batch first; when the pack then fails, the batch's zip still exists."""
    normalise_photos(imported_store)
    for number in pending_numbers(imported_store, 2):
        decide(imported_store, number)
    blocked = tmp_path / "day.zip"
    blocked.mkdir()  # the pack cannot take this name: the last step fails
    (blocked / "x").write_text("x")
    with pytest.raises(OSError):
        export_day(imported_store, blocked, operator="clerk")
    assert batch_file_problems(imported_store.sqlite_path) == []
    with imported_store.session() as session:
        files = batch_files(session)
    assert [(b.number, b.state) for b in files] == [(1, "ok")]
    assert Path(files[0].path).parent == tmp_path


def test_batch_list_shows_a_missing_file_and_again_writes_it(imported_store, tmp_path: Path, monkeypatch,
                                                            capsys) -> None:
    login_env(monkeypatch, imported_store.url)
    for number in pending_numbers(imported_store, 2):
        decide(imported_store, number)
    first = tmp_path / "第1批.zip"
    assert main(["--db", imported_store.url, "export", "batch", str(first)]) == 0
    assert main(["--db", imported_store.url, "export", "batch", "--list"]) == 0
    assert "文件完好" in capsys.readouterr().out
    first.unlink()
    assert main(["--db", imported_store.url, "export", "batch", "--list"]) == 1
    assert "--again 1" in capsys.readouterr().out
    assert main(["--db", imported_store.url, "export", "batch", str(tmp_path / "next.zip")]) == 2
    assert "第 1 批" in capsys.readouterr().err  # "nothing to export" names the batch whose file is gone
    assert main(["--db", imported_store.url, "export", "batch", str(tmp_path / "again.zip"), "--again", "1"]) == 0
    assert main(["--db", imported_store.url, "export", "batch", "--list", "--format", "json"]) == 0
    assert '"state": "ok"' in capsys.readouterr().out


@pytest.mark.parametrize(("text", "expected"), [
    ("../../../../tmp/PWNED", "tmp_PWNED"), ("/etc/passwd", "etc_passwd"), ("C:\\Windows\\x", "C_Windows_x"),
    ("E12345678", "E12345678"), ("..", "_"), ("CON", "_CON"), ("a\x00b", "a_b"), ("张三.jpg", "张三_jpg"),
])
def test_safe_stem(text: str, expected: str) -> None:
    assert safe_stem(text) == expected


def test_batch_zip_member_names_are_safe(imported_store, tmp_path: Path) -> None:
    number = pending_numbers(imported_store, 1)[0]
    with imported_store.session() as session:
        session.execute(update(t).where(t.c.application_no == number)
                        .values(id_type="护照", id_number="../../../../tmp/PWNED"))
    normalise_photos(imported_store, only={number})
    decide(imported_store, number)
    result = export_batch(imported_store, tmp_path / "b.zip", "clerk")
    with zipfile.ZipFile(result.path) as z:
        names = z.namelist()
    assert "photos/tmp_PWNED.jpg" in names
    assert all(".." not in n and not n.startswith("/") and "\\" not in n for n in names), names
    assert all(n in ("results.xlsx", "manifest.json") or (n.startswith("photos/") and n.count("/") == 1)
               for n in names)
