"""文件 → 备份数据… / 从备份恢复…: choose a file, run the copy as a job with progress, say what happened.
Restoring replaces everyone's work with the backup's, so only an administrator may do it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from confirm_desk.services.accounts import Account
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.ops import Store
from confirm_desk.ui.ops import backup as ops
from confirm_desk.ui.widgets.file_dialogs import ask_open, ask_save
from confirm_desk.ui.widgets.messages import ask, show_error, show_info

FILTER = "确认台备份 (*.sqlite3);;所有文件 (*)"


def default_backup_name(folder: str) -> Path:
    from confirm_desk.paths import backup_dir

    base = Path(folder) if folder else backup_dir()
    return base / f"confirm_desk-{dt.datetime.now():%Y-%m-%d-%H%M%S}.sqlite3"


def backup_now(parent: QWidget, store: Store, account: Account | None, runner: JobRunner, folder: str = "",
               out: Path | None = None) -> None:
    if out is None:
        chosen, _ = ask_save(parent, "备份数据", str(default_backup_name(folder)), FILTER)
        if not chosen:
            return
        out = Path(chosen)
    operator = account.username if account else ""
    runner.run("正在备份数据", lambda progress: ops.make_backup(store, out, operator, progress),
               lambda info: show_info(parent, f"已备份到 {info.summary_zh()}。\n"
                                              "建议把备份文件另存一份到 U 盘或另一台电脑。"))


def restore_from(parent: QWidget, store: Store, account: Account | None, runner: JobRunner,
                 path: Path | None = None, on_restored: Callable[[], None] | None = None) -> None:
    if account is None or not account.is_admin:
        show_error(parent, "只有管理员可以从备份恢复数据。")
        return
    if path is None:
        chosen, _ = ask_open(parent, "选择要恢复的备份文件", "", FILTER)
        if not chosen:
            return
        path = Path(chosen)

    def checked(info) -> None:
        question = (f"用备份“{info.path.name}”（{info.applicants} 位申请人，{info.photos} 张照片）"
                    "替换当前的全部数据吗？\n备份之后所做的核对、确认和打印记录都会被替换。"
                    "当前数据会先另存一份安全副本。")
        if not ask(parent, question):
            return
        runner.run("正在恢复数据", lambda progress: ops.restore_backup(store, path, account.username, progress),
                   restored)

    def restored(info) -> None:
        kept = f"\n恢复前的数据已另存为：{info.safety_copy}" if info.safety_copy else ""
        show_info(parent, f"已从备份恢复：{info.restored.applicants} 位申请人。{kept}")
        if on_restored is not None:
            on_restored()

    runner.run("正在检查备份文件", lambda progress: ops.check_backup(path, progress), checked)
