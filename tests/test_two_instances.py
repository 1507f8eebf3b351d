"""Two programs on one store (two app windows, or the app and the CLI): SQLite's locks keep it whole."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests import crash_worker
from tests.conftest import ROOT
from tests.crash_worker import CrashFiles
from tests.test_crash_safety import store_problems

ROUNDS = 2


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> CrashFiles:
    return crash_worker.make_files(tmp_path_factory.mktemp("two"))


def start_import(db_url: str, table: Path, photos: Path | None = None) -> subprocess.Popen[str]:
    args = [sys.executable, "-m", "confirm_desk", "--db", db_url, "import", str(table)]
    return subprocess.Popen([*args, *(["--photos", str(photos)] if photos else [])], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_two_imports_at_once(files: CrashFiles, cli_clerk: str, db_url: str, tally: dict[str, int]) -> None:
    path = Path(db_url.removeprefix("sqlite:///"))
    outcomes = {"ok": 0, "busy": 0}
    for _ in range(ROUNDS):
        procs = [start_import(db_url, files.a, files.photos), start_import(db_url, files.b),
                 start_import(db_url, files.c)]
        for proc in procs:
            _out, err = proc.communicate(timeout=120)
            if proc.returncode == 0:
                outcomes["ok"] += 1
            else:
                assert (proc.returncode, "Traceback" in err) == (2, False), err
                assert err.startswith("错误：数据库忙"), err
                outcomes["busy"] += 1
        assert store_problems(path, files) == []
    tally["concurrent imports: succeeded"] = outcomes["ok"]
    tally["concurrent imports: refused as busy"] = outcomes["busy"]


def test_store_held_by_another_program_gives_a_plain_busy_message(files: CrashFiles, cli_clerk: str,
                                                                  db_url: str) -> None:
    """Another program keeps a write transaction open past the 5-second busy timeout."""
    import sqlite3
    from contextlib import closing

    from tests.conftest import file_digest

    path = Path(db_url.removeprefix("sqlite:///"))
    with closing(sqlite3.connect(path, isolation_level=None)) as holder:
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("INSERT INTO setting (key, value) VALUES ('held', '1')")
        before = file_digest(path)
        proc = start_import(db_url, files.b)
        _out, err = proc.communicate(timeout=60)
        after = file_digest(path)
        holder.execute("ROLLBACK")
    assert proc.returncode == 2 and err.startswith("错误：数据库忙") and "Traceback" not in err, err
    assert after == before
    assert store_problems(path, files) == []
