"""Backup and restore for the main window, run through the job runner (off the GUI thread)."""

from __future__ import annotations

from pathlib import Path

from confirm_desk.services import audit
from confirm_desk.services.backup import BackupInfo, RestoreInfo, backup, inspect_backup, restore
from confirm_desk.services.progress import ProgressFn
from confirm_desk.store.db import Store, open_store


def make_backup(store: Store, out: Path, operator: str, progress: ProgressFn) -> BackupInfo:
    info = backup(store, out, progress)
    with store.session() as session:
        audit.record(session, "backup", operator, detail=str(info.path))
    return info


def check_backup(path: Path, _progress: ProgressFn) -> BackupInfo:
    return inspect_backup(path)


def restore_backup(store: Store, path: Path, operator: str, progress: ProgressFn) -> RestoreInfo:
    """Restore into the open store's file, bring its schema up to date, and record who did it."""
    info = restore(store.url, path, progress=progress)
    open_store(store.url).dispose()  # an older backup's schema is migrated now, not at the next start
    with store.session() as session:
        audit.record(session, "restore", operator, detail=f"{path.name}：{info.restored.applicants} 位申请人"
                     + (f"；恢复前的数据库另存为 {info.safety_copy}" if info.safety_copy else ""))
    return info
