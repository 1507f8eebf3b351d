"""Backup → restore is identical row for row; a damaged backup is refused before anything is touched."""

from __future__ import annotations

import datetime as dt
import sqlite3
import stat
import threading
from contextlib import closing
from pathlib import Path

import pytest

from confirm_desk.cli import main as cli
from confirm_desk.domain.errors import FileRefused
from confirm_desk.services.backup import auto_backup, backup, inspect_backup, restore
from confirm_desk.store.db import open_store
from tests.accounts_helpers import ADMIN_PW, fast_hasher, login_env  # noqa: F401
from tests.conftest import file_digest


def snapshot(path: Path) -> dict[str, list[tuple]]:
    """Every table, every row, in rowid order (a table without rowids, e.g. a full-text index's, by its key)."""
    with closing(sqlite3.connect(path)) as conn:
        query = "SELECT name, sql FROM sqlite_master WHERE type='table' ORDER BY name"
        tables = [(name, "WITHOUT ROWID" in (sql or "").upper()) for name, sql in conn.execute(query)]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY {"1" if no_rowid else "rowid"}').fetchall()
                for t, no_rowid in tables}


def db_file(store) -> Path:
    return store.sqlite_path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def add_event(session, action: str) -> None:
    session.connection().exec_driver_sql(
        "INSERT INTO audit_event (at, operator, action) VALUES ('2026-01-01', 'w', ?)", (action,)
    )


def scribble(store) -> None:
    """Changes after the backup, which the restore must undo."""
    with store.session() as s:
        s.connection().exec_driver_sql("DELETE FROM photo WHERE id % 2 = 0")
        s.connection().exec_driver_sql("UPDATE applicant SET name = '改过的名字' WHERE id < 5")
        add_event(s, "edit")


def test_round_trip_identical_with_photos(imported_store, tmp_path: Path) -> None:
    original = snapshot(db_file(imported_store))
    info = backup(imported_store, tmp_path / "b.sqlite3")
    assert (info.applicants, info.photos) == (60, 55)
    assert snapshot(info.path) == original
    photo_bytes = sum(len(row[2]) for row in original["photo"])  # the original JPEG blobs are inside
    assert photo_bytes > 100_000 and info.size > photo_bytes
    scribble(imported_store)
    scribbled = snapshot(db_file(imported_store))
    assert scribbled != original
    result = restore(imported_store.url, info.path)
    assert snapshot(db_file(imported_store)) == original
    assert snapshot(result.safety_copy) == scribbled
    assert mode(info.path) == mode(result.safety_copy) == 0o600
    with imported_store.session() as s:  # the running store sees the restored data and stays usable
        assert s.connection().exec_driver_sql("SELECT count(*) FROM photo").scalar() == 55
        add_event(s, "after")


def test_backup_is_consistent_while_another_connection_writes(imported_store, tmp_path: Path) -> None:
    stop = threading.Event()
    written = []

    def writer() -> None:
        other = open_store(imported_store.url)
        while not stop.is_set():
            with other.session() as s:  # each event is one transaction: a backup holds all or none of it
                add_event(s, "a")
                add_event(s, "b")
            written.append(1)
        other.dispose()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        infos = [backup(imported_store, tmp_path / f"b{i}.sqlite3") for i in range(5)]
    finally:
        stop.set()
        thread.join()
    assert written
    for info in infos:
        rows = snapshot(info.path)["audit_event"]
        actions = [r for r in rows if r[2] == "w" and r[3] in "ab"]
        assert len(actions) % 2 == 0  # never half a transaction
    assert inspect_backup(infos[-1].path).applicants == 60


def _damaged(kind: str, good: Path, tmp_path: Path) -> Path:
    bad = tmp_path / f"{kind}.sqlite3"
    data = bytearray(good.read_bytes())
    if kind == "text":
        bad.write_text("这不是备份", encoding="utf-8")
    elif kind == "empty":
        bad.write_bytes(b"")
    elif kind == "truncated":
        bad.write_bytes(data[: len(data) // 3])
    elif kind == "pages_overwritten":
        for page in range(2, len(data) // 4096, 3):
            data[page * 4096 + 100 : page * 4096 + 400] = bytes(range(256)) + bytes(44)
        bad.write_bytes(data)
    elif kind == "foreign_sqlite":
        with closing(sqlite3.connect(bad)) as conn:
            conn.execute("CREATE TABLE notes (x)")
            conn.commit()
    elif kind == "newer_version":
        bad.write_bytes(data)
        with closing(sqlite3.connect(bad)) as conn:
            conn.execute("UPDATE alembic_version SET version_num = '9999'")
            conn.commit()
    return bad


@pytest.mark.parametrize(
    "kind", ["text", "empty", "truncated", "pages_overwritten", "foreign_sqlite", "newer_version", "missing"]
)
def test_damaged_backup_refused_before_anything_is_touched(imported_store, tmp_path: Path, kind: str) -> None:
    good = backup(imported_store, tmp_path / "good.sqlite3").path
    bad = tmp_path / "nowhere.sqlite3" if kind == "missing" else _damaged(kind, good, tmp_path)
    store_file = db_file(imported_store)
    imported_store.dispose()
    before = file_digest(store_file)
    with pytest.raises(FileRefused) as err:
        restore(imported_store.url, bad)
    assert bad.name in err.value.message or str(bad) in err.value.message
    assert file_digest(store_file) == before
    assert not (store_file.parent / "backups").exists()  # not even a safety copy was made


def test_cli_backup_restore_and_refusal(imported_store, tmp_path: Path, capsys, monkeypatch) -> None:
    url = imported_store.url
    login_env(monkeypatch, url)
    assert cli(["--db", url, "backup", str(tmp_path)]) == 0
    original = snapshot(db_file(imported_store))  # with the backup's own log-in
    out = capsys.readouterr().out
    made = next(tmp_path.glob("confirm_desk-*.sqlite3"))
    assert "已备份" in out and "60 位申请人" in out and "55 张照片" in out
    scribble(imported_store)
    assert cli(["--db", url, "restore", str(made)]) == 2  # a confirmer may not restore
    assert "只有管理员" in capsys.readouterr().err
    login_env(monkeypatch, url, "admin", ADMIN_PW)
    assert cli(["--db", url, "restore", str(made)]) == 0
    assert "恢复前的数据库已另存为" in capsys.readouterr().out
    assert snapshot(db_file(imported_store)) == original
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"SQLite format 3\x00" + bytes(5000))
    assert cli(["--db", url, "restore", str(junk)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "junk.sqlite3" in err and "Traceback" not in err


def test_store_and_backups_are_user_only(store, tmp_path: Path) -> None:
    fresh = open_store(f"sqlite:///{tmp_path / 'new' / 'store.sqlite3'}")
    with fresh.session() as s:
        add_event(s, "write")  # SQLite gives its -wal and -shm files the store's own permissions
        wal = fresh.sqlite_path.with_name("store.sqlite3-wal")
        assert mode(fresh.sqlite_path) == mode(wal) == 0o600
    assert mode(backup(fresh, tmp_path / "b.sqlite3").path) == 0o600
    folder = tmp_path / "auto"
    made = auto_backup(fresh, folder, keep=3)
    assert made is not None and mode(made) == 0o600 and mode(folder) == 0o700
    fresh.dispose()


def test_auto_backup_once_a_day_keeps_n(store, tmp_path: Path) -> None:
    folder = tmp_path / "auto"
    start = dt.date(2026, 11, 1)
    for day in range(10):
        assert auto_backup(store, folder, keep=3, today=start + dt.timedelta(days=day)) is not None
        assert auto_backup(store, folder, keep=3, today=start + dt.timedelta(days=day)) is None
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"confirm_desk-2026-11-{d:02d}.sqlite3" for d in (8, 9, 10)]


def test_restore_into_a_missing_store_creates_it(imported_store, tmp_path: Path) -> None:
    info = backup(imported_store, tmp_path / "b.sqlite3")
    target = tmp_path / "elsewhere" / "store.sqlite3"
    result = restore(f"sqlite:///{target}", info.path)
    assert result.safety_copy is None and mode(target) == 0o600
    assert snapshot(target) == snapshot(info.path)


def test_daily_backup_at_start_runs_once_a_day_and_never_blocks(store, tmp_path) -> None:
    from confirm_desk.app import daily_backup

    folder = tmp_path / "daily"
    first = daily_backup(store, str(folder), 3)
    assert first is not None and first.exists()
    assert daily_backup(store, str(folder), 3) is None  # today's exists already
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    assert daily_backup(store, str(blocked / "sub"), 3) is None  # cannot create: logged, no exception


def test_daily_backup_runs_after_the_window_on_its_own_thread(store, tmp_path) -> None:
    """It never delays the first window: a thread of its own, not a daemon (quitting waits for the copy)."""
    from confirm_desk.app import start_daily_backup

    folder = tmp_path / "daily"
    thread = start_daily_backup(store, str(folder), 3)
    assert thread.name == "daily-backup" and not thread.daemon
    thread.join()
    assert len(list(folder.glob("confirm_desk-*.sqlite3"))) == 1


def test_backup_check_and_store_opening_migrate_side_by_side(tmp_path: Path) -> None:
    """The daily backup checks its copy against a reference schema that Alembic builds, on its own thread,
    while the window may be opening (and migrating) a store: Alembic's module-level state is shared, so
    the two runs take turns (without that: "table photo already exists", KeyError 'config')."""
    from confirm_desk.services import backup as backups
    from confirm_desk.store.db import SCHEMA_HEAD

    errors: list[BaseException] = []

    def opening(n: int) -> None:
        try:
            for i in range(3):
                open_store(f"sqlite:///{tmp_path / f'store{n}_{i}.sqlite3'}").dispose()
        except BaseException as exc:
            errors.append(exc)

    def checking() -> None:
        try:
            for _ in range(3):
                backups._reference_schema.__wrapped__(SCHEMA_HEAD)  # built each time, not from the cache
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=opening, args=(n,)) for n in range(2)] + [threading.Thread(target=checking)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
