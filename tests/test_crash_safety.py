"""Imports killed with SIGKILL at random points leave an intact store: each file all there or not at all."""

from __future__ import annotations

import multiprocessing
import random
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest

from confirm_desk.domain.errors import KnownError
from confirm_desk.services.importing.applicants import import_applicants
from confirm_desk.store.db import open_store
from tests import crash_worker
from tests.crash_worker import PHONE_C, PHOTOS, ROWS, CrashFiles

KILLS = 40  # half at any moment, half while the import transaction is writing
DECISION_KILLS = 20


def count(conn: sqlite3.Connection, rest: str) -> int:
    return conn.execute(f"SELECT count(*) FROM {rest}").fetchone()[0]


def store_problems(path: Path, files: CrashFiles) -> list[str]:
    """Everything that would show a half-done import or a damaged file."""
    with closing(sqlite3.connect(path)) as conn:
        if conn.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
            return ["integrity_check failed"]
        problems = []
        if conn.execute("PRAGMA foreign_key_check").fetchall():
            problems.append("foreign keys broken")
        numbers = {row[0]: row[1] for row in conn.execute("SELECT application_no, phone FROM applicant")}
        for label, wanted in (("A", files.a_numbers), ("B", files.b_numbers)):
            present = len(wanted & numbers.keys())
            if present not in (0, ROWS):
                problems.append(f"file {label}: {present} of {ROWS} rows")
        c_phones = sum(1 for n in files.a_numbers if numbers.get(n) == PHONE_C)
        if c_phones not in (0, ROWS):
            problems.append(f"file C half applied: {c_phones} rows")
        photos = conn.execute("SELECT count(*) FROM photo").fetchone()[0]
        if photos not in (0, PHOTOS) or (photos and not files.a_numbers & numbers.keys()):
            problems.append(f"{photos} photos")
        batches = conn.execute("SELECT count(*) FROM batch WHERE kind = 'import'").fetchone()[0]
        audits = conn.execute("SELECT count(*) FROM audit_event WHERE action = 'import'").fetchone()[0]
        if batches != audits:
            problems.append(f"{batches} import batches but {audits} import audit events")
        updates = count(conn, "audit_event WHERE action = 'import_update'")
        if updates % ROWS:
            problems.append(f"{updates} update events: not whole files")
        return problems


def forkserver():
    ctx = multiprocessing.get_context("forkserver")  # a clean, pre-loaded parent: each child starts in ms
    ctx.set_forkserver_preload(["tests.crash_worker", "confirm_desk.services.importing.applicants",
                                "confirm_desk.services.confirming.confirmation"])
    return ctx


@pytest.fixture(scope="module")
def crash_files(tmp_path_factory: pytest.TempPathFactory) -> CrashFiles:
    return crash_worker.make_files(tmp_path_factory.mktemp("crash"))


def wait_for(worker, condition, what: str) -> None:
    """Polls the worker's own signals (shared integers it sets) until `condition()`; the clock only
    bounds a worker that hangs or dies, it never decides where a kill lands."""
    deadline = time.monotonic() + 300
    while not condition():
        assert worker.is_alive(), f"worker stopped by itself before {what} (exit {worker.exitcode})"
        assert time.monotonic() < deadline, f"worker never reached {what}"
        time.sleep(0.002)


@pytest.mark.slow
def test_sigkill_during_imports(crash_files: CrashFiles, db_url: str, tally: dict[str, int]) -> None:
    """Each kill lands at a point the worker itself reports: after a given number of progress reports and
    commits (any moment), or a given number of reports into the write transaction (while writing)."""
    ctx = forkserver()
    path = Path(db_url.removeprefix("sqlite:///"))
    rng = random.Random(8)
    started = time.monotonic()
    kills = {"any moment": 0, "while writing": 0}
    failures: list[str] = []
    for n in range(KILLS):
        events, saving, commits = ctx.Value("i", 0), ctx.Value("i", 0), ctx.Value("i", 0)
        worker = ctx.Process(target=crash_worker.run,
                             args=(db_url, crash_files, rng.randrange(3), events, saving, commits))
        worker.start()
        if n % 2:
            extra = rng.choice((0, 0, 1, 1, 2, 5, 40, 200))  # 1: at 正在提交; more: among the photos of A
            wait_for(worker, lambda e=extra, ev=events, sv=saving, cm=commits:
                     (sv.value and ev.value >= sv.value + e) or cm.value, "the write transaction")
            kind = "while writing"
        else:
            target = rng.randrange(1, 14)  # 5 reports per table file, 305 for A with its photos
            wait_for(worker, lambda t=target, ev=events: ev.value >= t, f"progress report {target}")
            kind = "any moment"
        assert worker.is_alive(), f"worker died by itself (exit {worker.exitcode})"
        worker.kill()
        worker.join()
        kills[kind] += 1
        failures += [f"kill {n} ({kind}): {p}" for p in store_problems(path, crash_files)]
    elapsed = time.monotonic() - started
    with closing(sqlite3.connect(path)) as conn:
        committed = conn.execute("SELECT count(*) FROM batch").fetchone()[0]
    tally["imports committed between the kills"] = committed
    for kind, count in kills.items():
        tally[f"SIGKILLs during imports ({kind})"] = count
    tally["integrity or half-import failures after kills"] = len(failures)
    tally["kill test seconds"] = round(elapsed)
    assert failures == []
    assert committed >= 3  # the kills fell between and inside imports, not only before the first
    store = open_store(db_url)  # still usable: import all three files once more
    for table in (crash_files.a, crash_files.b, crash_files.c):
        result = import_applicants(store, table)
        assert result.error_count == 0
    assert store_problems(path, crash_files) == []
    store.dispose()


def decision_problems(path: Path, done: set[int]) -> list[str]:
    """Every decision the worker saw committed is there, whole: decision row, status, audit event."""
    with closing(sqlite3.connect(path)) as conn:
        if conn.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
            return ["integrity_check failed"]
        decided = {r[0] for r in conn.execute("SELECT applicant_id FROM decision")}
        rejected = {r[0] for r in conn.execute("SELECT id FROM applicant WHERE status = 'rejected'")}
        audited = {r[0] for r in conn.execute("SELECT applicant_id FROM audit_event WHERE action='decision'")}
    problems = [f"{len(done - decided)} committed decisions lost"] if done - decided else []
    if not decided == rejected == audited:
        problems.append(f"half: {len(decided)} decisions, {len(rejected)} rejected, {len(audited)} events")
    return problems


@pytest.mark.slow
def test_sigkill_during_decisions(crash_files: CrashFiles, store, tmp_path: Path, tally: dict) -> None:
    import_applicants(store, crash_files.b)
    store.dispose()
    ctx = forkserver()
    path = store.sqlite_path
    done_file = tmp_path / "done.txt"
    rng = random.Random(9)
    failures: list[str] = []
    def decided() -> int:
        return len(done_file.read_text().split()) if done_file.exists() else 0

    for n in range(DECISION_KILLS):
        worker = ctx.Process(target=crash_worker.run_decisions, args=(store.url, str(done_file)))
        worker.start()
        target = decided() + rng.randrange(0, 4)  # killed once it has noted 0-3 more committed decisions
        wait_for(worker, lambda t=target: decided() >= t, f"{target} decisions")
        assert worker.is_alive(), f"worker stopped by itself (exit {worker.exitcode})"
        worker.kill()
        worker.join()
        done = {int(line) for line in done_file.read_text().split()}
        failures += [f"kill {n}: {p}" for p in decision_problems(path, done)]
    tally["SIGKILLs during decisions"] = DECISION_KILLS
    tally["completed decisions checked after the kills"] = len(done)
    tally["decisions lost or half-written after kills"] = len(failures)
    assert failures == [] and len(done) >= 5  # decisions were committed between the kills


def test_full_disk_fails_plainly_writes_nothing(crash_files: CrashFiles, cli_clerk, store, monkeypatch, capsys) -> None:
    """A disk that fills up mid-import (SQLITE_FULL): SQLite's max_page_count makes the store 'full' a few pages
    further on."""
    from confirm_desk.cli import main as cli
    from confirm_desk.store import db as store_db
    from tests.conftest import file_digest

    path = store.sqlite_path
    with closing(sqlite3.connect(path)) as conn:
        limit = conn.execute("PRAGMA page_count").fetchone()[0] + 30
    original = store_db._sqlite_pragmas

    def tiny_disk(dbapi_connection, record) -> None:
        original(dbapi_connection, record)
        dbapi_connection.execute(f"PRAGMA max_page_count={limit}")

    monkeypatch.setattr(store_db, "_sqlite_pragmas", tiny_disk)
    full = store_db.open_store(store.url)
    with pytest.raises(KnownError) as err:
        import_applicants(full, crash_files.a, crash_files.photos)
    assert "磁盘" in err.value.message and "未保存" in err.value.message
    full.dispose()
    store.dispose()
    before = file_digest(path)
    assert cli(["--db", store.url, "import", str(crash_files.b)]) == 2
    errors = capsys.readouterr().err
    assert errors.startswith("错误：") and "磁盘" in errors and "Traceback" not in errors
    assert file_digest(path) == before
    assert store_problems(path, crash_files) == []
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT count(*) FROM applicant").fetchone()[0] == 0


def _file_size_limit(limit: int):
    def apply() -> None:  # in the child: writing past `limit` bytes fails with EFBIG, as on a full disk
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_disk_full_for_real_writes_in_a_subprocess(crash_files: CrashFiles, cli_clerk, store, tmp_path: Path) -> None:
    """The process may not grow any file past 1 MB: the import's WAL and a backup both hit the limit."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    import_applicants(store, crash_files.b)  # a store of a few MB, so that a backup of it is too big
    path = store.sqlite_path
    store.dispose()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for args in (["import", str(crash_files.a), "--photos", str(crash_files.photos)],
                 ["backup", str(tmp_path / "out.sqlite3")]):
        command = [sys.executable, "-m", "confirm_desk", "--db", store.url, *args]
        proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                              preexec_fn=_file_size_limit(1 << 20))
        assert proc.returncode == 2 and proc.stderr.startswith("错误："), proc.stderr
        assert "Traceback" not in proc.stderr and "程序内部错误" not in proc.stderr
        assert "磁盘" in proc.stderr or "备份失败" in proc.stderr
    assert "备份失败" in proc.stderr
    assert list(tmp_path.glob("out.sqlite3*")) == []  # no half backup left behind
    assert store_problems(path, crash_files) == []
    with closing(sqlite3.connect(path)) as conn:
        assert count(conn, "applicant") == ROWS and count(conn, "photo") == 0  # B as it was, nothing of A
