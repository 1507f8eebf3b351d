"""CLI: backup OUT, restore IN."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from confirm_desk.commands.common import add_operator


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="把数据库（含照片）备份到文件或文件夹（程序运行时也可备份）")
    p.add_argument("out", help="备份文件名，或存放备份的文件夹（以 / 结尾的文件夹不存在时自动创建）")
    add_operator(p)
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", help="从备份恢复数据库（先检查备份，并保留当前数据库的安全副本）")
    p.add_argument("backup_file", type=Path)
    # Administrator only; a store without any account (a new PC getting its data back) may be restored by anyone.
    add_operator(p, admin=True)
    p.set_defaults(handler=cmd_restore, open_without_accounts=True)


def cmd_backup(args: argparse.Namespace) -> int:
    from confirm_desk.commands.common import store_from
    from confirm_desk.services.backup import backup

    info = backup(store_from(args), args.out)
    print(f"已备份：{info.summary_zh()}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from confirm_desk.commands.common import store_from
    from confirm_desk.paths import default_db_url
    from confirm_desk.services.backup import restore
    from confirm_desk.store.db import open_store

    url = args.db or os.environ.get("CONFIRM_DESK_DB") or default_db_url()
    store_from(args).dispose()  # the log-in's connections are closed before the file is replaced
    info = restore(url, args.backup_file)
    open_store(url).dispose()  # bring an older backup's schema up to date now, not at the next start
    print(f"已恢复：{info.restored.summary_zh()}")
    if info.safety_copy:
        print(f"恢复前的数据库已另存为：{info.safety_copy}")
    return 0
