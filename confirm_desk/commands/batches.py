"""CLI: `export batch` (synced batches, dry run, again), `export roster` (花名册), `export stats` (统计表)."""

from __future__ import annotations

import argparse
from pathlib import Path

from confirm_desk.commands.common import add_format, add_operator, print_table, store_from, subcommand_group


def register(sub: argparse._SubParsersAction) -> None:
    export = subcommand_group(sub, "export", "导出：batch / roster / stats / audit")
    p = export.add_parser("batch", help="导出批次（确认结果 + 照片 + manifest.json 的 .zip）")
    p.add_argument("out", type=Path, nargs="?", help="输出 .zip（--dry-run 时可省略）")
    p.add_argument("--dry-run", action="store_true", help="只列出下一批将包含的申请人，不导出、不记录")
    p.add_argument("--again", type=int, metavar="N", help="按记录重新导出第 N 批（内容与当初完全相同）")
    p.add_argument("--list", action="store_true",
                   help="列出已导出的批次及其文件是否还在原处（缺失的用 --again 重新写出）")
    add_operator(p)
    add_format(p)
    p.set_defaults(handler=cmd_export_batch)

    q = export.add_parser("roster", help="导出花名册（学校集体办理教师资格定期注册人员花名册，每校一个表）")
    q.add_argument("out", type=Path)
    q.add_argument("--school", default="", help="只导出这所学校")
    add_operator(q)
    q.set_defaults(handler=cmd_export_roster)

    r = export.add_parser("stats", help="导出统计表（定期注册初审数据统计表，本确认点能统计的部分）")
    r.add_argument("out", type=Path)
    add_operator(r)
    r.set_defaults(handler=cmd_export_stats)


def cmd_export_batch(args: argparse.Namespace) -> int:
    from confirm_desk.domain.errors import KnownError
    from confirm_desk.services.batches import export as batch_export

    store = store_from(args)
    if args.list:
        return _print_batches(store, args.format)
    if args.dry_run:
        with store.session() as session:
            plan = batch_export.preview_next_batch(session)
        return _print_plan(plan, args.format)
    if args.out is None:
        raise KnownError("请指定输出文件，例如：confirm-desk export batch 第1批.zip")
    if args.again is not None:
        with store.session() as session:
            result = batch_export.export_again(session, args.again, args.out, args.account.username)
        if result.mismatched:
            print(f"警告：以下文件与第 {args.again} 批的记录不一致：{'、'.join(result.mismatched)}")
            return 1
        print(f"已重新导出{result.summary_zh()}，与原批次一致 → {result.path}")
        return 0
    result = batch_export.export_batch(store, args.out, args.account.username)
    print(f"已导出{result.summary_zh()} → {result.path}")
    return 0


def _print_batches(store, fmt: str) -> int:
    """Every export batch with the state of its file; exit 1 when a file is missing (write it again)."""
    from confirm_desk.services.batches.export import batch_files

    with store.session() as session:
        batches = batch_files(session)
    if fmt == "json":
        from confirm_desk.commands.common import emit_json

        emit_json([{"batch": b.number, "created_at": b.created_at, "rows": b.rows, "path": b.path,
                    "state": b.state} for b in batches])
    else:
        print_table(["批次", "导出时间", "人数", "文件", "状态"],
                    [[b.number, b.created_at.strftime("%Y-%m-%d %H:%M"), b.rows, b.path, b.state_zh]
                     for b in batches])
        for b in batches:
            if b.state == "missing":
                print(f"第 {b.number} 批的文件缺失：confirm-desk export batch OUT.zip --again {b.number}")
    return 1 if any(b.state == "missing" for b in batches) else 0


def _print_plan(plan, fmt: str) -> int:
    rows = [[i.row["application_no"], i.row["name"], i.row["result"], len(i.row["changes"]),
             f"第{i.previous_batch}批" if i.previous_batch else ""] for i in plan.items]
    if fmt == "json":
        from confirm_desk.commands.common import emit_json

        emit_json({"batch": plan.number, "confirmation_point": plan.confirmation_point,
                   "rows": [i.row for i in plan.items]})
        return 0
    print(f"下一批：第 {plan.number} 批，{len(rows)} 人（{plan.confirmation_point}）")
    if rows:
        print_table(["报名号", "姓名", "确认结果", "修改字段", "上次导出"], rows)
    return 0


def cmd_export_roster(args: argparse.Namespace) -> int:
    from confirm_desk.services.reports.roster import write_roster

    store = store_from(args)
    with store.session() as session:
        result = write_roster(session, args.out, school=args.school, operator=args.account.username)
    print(f"已导出花名册：{result.schools} 所学校，{result.people} 人 → {args.out}")
    return 0


def cmd_export_stats(args: argparse.Namespace) -> int:
    from confirm_desk.services.reports.statistics import write_statistics

    store = store_from(args)
    with store.session() as session:
        stats = write_statistics(session, args.out)
    print(f"已导出统计表：本次网报申请 {stats.applications} 人，"
          f"现场确认未通过 {stats.rejected} 人 → {args.out}")
    return 0
