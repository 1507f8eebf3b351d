"""The end-of-day pack from the menu: choose where, build it as a job, say what is in it."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QWidget

from confirm_desk.services.reports.day_pack import DayPack
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.ops import Store
from confirm_desk.ui.ops import batches as ops
from confirm_desk.ui.widgets.file_dialogs import ask_save
from confirm_desk.ui.widgets.messages import show_info


def export_day_pack(parent: QWidget | None, store: Store, operator: str, runner: JobRunner,
                    path: str | None = None) -> None:
    """Asks for the .zip (unless `path` is given) and writes the pack off the GUI thread."""
    if path is None:
        path, _ = ask_save(parent, "导出当日工作包", f"当日工作包-{dt.date.today()}.zip",
                                              "压缩包 (*.zip)")
        if not path:
            return
    def done(pack: DayPack) -> None:
        names = "\n".join(f"  {name}" for name, _size, _digest in pack.files)
        left = "\n".join(f"  {why}" for why in pack.left_out)
        show_info(parent, f"已导出当日工作包：{pack.path}\n包含（另附文件校验清单）：\n{names}"
                          + (f"\n未包含：\n{left}" if left else ""))

    runner.run("正在生成当日工作包", ops.day_pack_job(store, path, operator), done)
