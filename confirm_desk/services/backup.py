"""Backups of the SQLite store (photos are BLOBs in it): online copy, checked restore, daily rotation."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import make_url

from confirm_desk.domain.errors import FileRefused, KnownError
from confirm_desk.paths import migrations_dir
from confirm_desk.services.output_files import atomic_output, private_dir
from confirm_desk.services.progress import ProgressFn, no_progress
from confirm_desk.store.db import ALEMBIC_LOCK, Store

log = logging.getLogger(__name__)
SQLITE_MAGIC = b"SQLite format 3\x00"
# Tables every store has had since the first revision; later ones are added by migrating after a restore.
CORE_TABLES = frozenset({"alembic_version", "applicant", "photo", "audit_event", "batch"})
BACKUP_STEP_PAGES = 2048  # pages copied per step (8 MB at 4 KB pages): progress, and other seats get a turn
DAILY_NAME = re.compile(r"^confirm_desk-(\d{4}-\d{2}-\d{2})\.sqlite3$")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    size: int
    applicants: int
    photos: int
    revision: str

    def summary_zh(self) -> str:
        return (f"{self.path}：{self.applicants} 位申请人，{self.photos} 张照片，"
                f"{self.size / 1_048_576:.1f} MB")


@dataclass(frozen=True)
class RestoreInfo:
    restored: BackupInfo
    safety_copy: Path | None  # the store as it was before, or None when there was none


def sqlite_file(url: str) -> Path:
    """The store's file; backup and restore are for the SQLite store only (a server database has its own)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        raise KnownError("备份与恢复只适用于本机的 SQLite 数据库文件；服务器数据库请用其自带的备份工具")
    return Path(parsed.database)


def _private_file(path: Path) -> None:
    """Create `path` empty with user-only permissions: it will hold personal data."""
    private_dir(path.parent)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    os.chmod(path, 0o600)


@contextmanager
def _connect(path: Path, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    uri = f"{path.resolve().as_uri()}?mode=ro" if read_only else str(path)
    with closing(sqlite3.connect(uri, uri=read_only, timeout=30)) as conn:
        yield conn


def _pages(progress: ProgressFn, text: str) -> Callable[[int, int, int], None]:
    """SQLite's backup progress (status, remaining, total pages) as our progress callback."""
    return lambda _status, remaining, total: progress(total - remaining, total, text)


def _online_copy(source: Path, target: Path, progress: ProgressFn = no_progress) -> None:
    """SQLite's backup API: one consistent snapshot even while other connections write (WAL)."""
    # Never a half-written file under the real name (output_files.atomic_output: temp beside it, fsync, rename).
    with atomic_output(target, make_parents=True) as partial:
        try:
            with _connect(source) as src, _connect(partial) as dst:
                src.backup(dst, pages=BACKUP_STEP_PAGES, progress=_pages(progress, "正在复制数据库…"))
                dst.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
        finally:
            partial.with_name(partial.name + "-journal").unlink(missing_ok=True)


def backup(store: Store, out_path: Path | str, progress: ProgressFn = no_progress) -> BackupInfo:
    """Copy the running store to `out_path` (a folder gets a dated file name; a name ending in a path
    separator is a folder, created when missing); user-only permissions."""
    source = sqlite_file(store.url)
    out = Path(out_path)
    if str(out_path).endswith(("/", os.sep)) and not out.exists():
        private_dir(out)
    if out.is_dir():
        out = out / f"confirm_desk-{dt.datetime.now():%Y-%m-%d-%H%M%S}.sqlite3"
    try:
        _online_copy(source, out, progress)
    except (sqlite3.Error, OSError) as exc:
        log.exception("backup to %s failed", out)
        raise KnownError(f"备份失败（{out}）：{_plain(exc)}") from exc
    return inspect_backup(out)


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory(str(migrations_dir())).walk_revisions()}


def inspect_backup(path: Path) -> BackupInfo:
    """Check that `path` is an intact store of ours; FileRefused (saying why) when it is not."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise FileRefused(f"备份文件不存在：{path}")
    with path.open("rb") as fh:
        if fh.read(16) != SQLITE_MAGIC:
            raise FileRefused(f"“{name}”不是确认台的备份文件（不是 SQLite 数据库）")
    try:
        with _connect(path, read_only=True) as conn:
            verdict = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if verdict != ["ok"]:
                raise FileRefused(f"“{name}”已损坏，无法用于恢复（完整性检查：{'；'.join(verdict[:3])}）")
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            missing = CORE_TABLES - tables
            if missing:
                raise FileRefused(f"“{name}”不是确认台的备份文件（缺少数据表：{'、'.join(sorted(missing))}）")
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            applicants = conn.execute("SELECT count(*) FROM applicant").fetchone()[0]
            photos = conn.execute("SELECT count(*) FROM photo").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise FileRefused(f"“{name}”已损坏，无法用于恢复（{_plain(exc)}）") from exc
    if revision is None or revision[0] not in _known_revisions():
        version = revision[0] if revision else "无"
        raise FileRefused(f"“{name}”来自更新版本的确认台（数据库版本 {version}），请先升级本程序")
    _check_schema(path, revision[0])
    _check_photo_hashes(path)
    return BackupInfo(path, path.stat().st_size, applicants, photos, revision[0])


# Every schema object but SQLite's own (sqlite_sequence, sqlite_stat1, automatic indexes).
_SCHEMA_QUERY = ("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master "
                 "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")


def _schema(rows: Iterable[tuple[str, str, str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    return {(kind, name): (table, " ".join(sql.replace('"', "").replace("`", "").split()).lower())
            for kind, name, table, sql in rows}


@cache
def _reference_schema(revision: str) -> dict[tuple[str, str], tuple[str, str]]:
    """The exact schema of a store freshly migrated to `revision` (built once per revision, in a temp file)."""
    import tempfile

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    with tempfile.TemporaryDirectory(prefix="confirm-desk-schema-") as tmp:
        engine = create_engine(f"sqlite:///{Path(tmp) / 'reference.sqlite3'}")
        try:
            cfg = Config()
            cfg.set_main_option("script_location", str(migrations_dir()))
            with ALEMBIC_LOCK, engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
            with engine.connect() as conn:
                return _schema(conn.exec_driver_sql(_SCHEMA_QUERY).fetchall())
        finally:
            engine.dispose()


def _check_schema(path: Path, revision: str) -> None:
    """The backup's schema must be exactly that of its revision: no extra trigger, view, table or index
    (a trigger in a backup could, say, delete every new audit event), none changed, none missing."""
    with _connect(path, read_only=True) as conn:
        found = _schema(conn.execute(_SCHEMA_QUERY).fetchall())
    wanted = _reference_schema(revision)
    kinds = {"table": "数据表", "index": "索引", "trigger": "触发器", "view": "视图"}

    def named(keys: Iterable[tuple[str, str]]) -> str:
        return "、".join(f"{kinds.get(k, k)} {n}" for k, n in sorted(keys)[:5])

    extra = found.keys() - wanted.keys()
    missing = wanted.keys() - found.keys()
    changed = {k for k in found.keys() & wanted.keys() if found[k] != wanted[k]}
    if extra or missing or changed:
        parts = [f"多出{named(extra)}" if extra else "", f"缺少{named(missing)}" if missing else "",
                 f"结构被改动：{named(changed)}" if changed else ""]
        raise FileRefused(f"“{path.name}”的数据库结构与确认台（版本 {revision}）不一致，不能用于恢复："
                          + "；".join(p for p in parts if p))


def _check_photo_hashes(path: Path) -> None:
    """Photo data must match the SHA-256 recorded beside it (originals, and batch photos kept by content)."""
    with _connect(path, read_only=True) as conn:
        conn.create_function("sha256_hex", 1, lambda b: hashlib.sha256(b or b"").hexdigest(), deterministic=True)
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        bad = conn.execute("SELECT count(*) FROM photo WHERE original_sha256 != '' "
                           "AND original_sha256 != sha256_hex(original)").fetchone()[0]
        if "batch_photo" in tables:
            bad += conn.execute("SELECT count(*) FROM batch_photo WHERE sha256 != sha256_hex(data)").fetchone()[0]
    if bad:
        raise FileRefused(f"“{path.name}”中有 {bad} 张照片与其记录的 SHA-256 不符（数据被改动或损坏），不能用于恢复")


def restore(store_url: str, in_path: Path, *, safety_folder: Path | None = None,
            progress: ProgressFn = no_progress) -> RestoreInfo:
    """Replace the store with a backup: check the backup, keep a safety copy of the store, then copy in.

    The copy goes through SQLite's backup API into the store file, so it is one transaction: another
    program with the store open waits for it (busy timeout) instead of reading half a store.
    """
    target = sqlite_file(store_url)
    progress(0, 0, "正在检查备份文件…")
    restored = inspect_backup(Path(in_path))  # refused here: nothing has been touched yet
    if restored.path.resolve() == target.resolve():
        raise FileRefused("不能用数据库文件本身来恢复它自己")
    safety_copy = None
    if target.exists() and target.stat().st_size > 0:
        folder = safety_folder or target.parent / "backups"
        safety_copy = folder / f"before-restore-{dt.datetime.now():%Y-%m-%d-%H%M%S-%f}.sqlite3"
        try:
            _online_copy(target, safety_copy)
        except (sqlite3.Error, OSError) as exc:
            raise KnownError(f"无法保存当前数据库的安全副本（{safety_copy}），未恢复：{_plain(exc)}") from exc
    elif not target.exists():
        _private_file(target)
    try:
        with _connect(restored.path, read_only=True) as src, _connect(target) as dst:
            progress(0, 0, "正在恢复数据库…")  # one step: the store is never seen half restored
            src.backup(dst)
    except (sqlite3.Error, OSError) as exc:
        log.exception("restore from %s failed", in_path)
        kept = f"原数据库的安全副本在 {safety_copy}" if safety_copy else "原数据库未被改动"
        raise KnownError(f"恢复失败：{_plain(exc)}。{kept}") from exc
    log.info("store restored from a backup (%s applicants)", restored.applicants)
    return RestoreInfo(restored, safety_copy)


def auto_backup(store: Store, folder: Path, keep: int = 7, *, today: dt.date | None = None) -> Path | None:
    """The daily backup at start: none if today's exists (or the store is not a SQLite file); keeps `keep`."""
    today = today or dt.date.today()
    try:
        sqlite_file(store.url)
    except KnownError:
        return None
    folder = Path(folder)
    private_dir(folder)
    target = folder / f"confirm_desk-{today.isoformat()}.sqlite3"
    if target.exists():
        return None
    backup(store, target)
    dailies = sorted(p for p in folder.iterdir() if DAILY_NAME.match(p.name))
    for old in dailies[: max(len(dailies) - max(keep, 1), 0)]:
        old.unlink()
    return target


def _plain(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or exc.__class__.__name__
