"""The main list's 导出: the rows matching the criteria, the columns on screen (Chinese headers)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from confirm_desk.services.applicants.list_export import list_table, write_list_xlsx
from confirm_desk.services.applicants.listing import ListCriteria
from confirm_desk.services.progress import ProgressFn
from confirm_desk.store.db import Store


def export_list(store: Store, criteria: ListCriteria, keys: Sequence[str],
                path: Path | str) -> Callable[[ProgressFn], int]:
    def work(progress: ProgressFn) -> int:
        progress(0, 0, "正在读取名单…")
        with store.session() as session:
            rows = list_table(session, criteria, keys)
        progress(0, 0, f"正在写入 {len(rows)} 人…")
        return write_list_xlsx(keys, rows, path)

    return work
