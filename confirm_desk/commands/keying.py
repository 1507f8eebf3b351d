"""CLI: `keying list`, `keying done NO ... --user NAME` (国家系统录入) and `report national` (国家系统核对)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from confirm_desk.commands.common import (
    add_format,
    add_operator,
    emit_json,
    print_table,
    store_from,
    subcommand_group,
)
from confirm_desk.domain.errors import KnownError


def register(sub: argparse._SubParsersAction) -> None:
    keying = subcommand_group(sub, "keying", "国家系统录入：list、done")
    p = keying.add_parser("list", help="待录入国家系统的申请人，每人按国家系统页面的顺序列出步骤")
    add_format(p, ("table", "json"))
    add_operator(p)
    p.set_defaults(handler=cmd_keying_list)
    p = keying.add_parser("done", help="标记已录入国家系统（记录操作员和时间，记入审计；密码从提示或 "
                                       "CONFIRM_DESK_PASSWORD 读取）")
    p.add_argument("numbers", nargs="+", metavar="NO", help="报名号或证件号码")
    add_operator(p)
    p.set_defaults(handler=cmd_keying_done)

    p = keying.add_parser("settle", help="国家系统状态与本机结论不一致时的处理（记入审计）："
                                         "keep=保留本机结论（重新录入），take=采用国家系统结论")
    p.add_argument("number", metavar="NO", help="报名号或证件号码")
    p.add_argument("--choice", required=True, choices=("keep", "take"))
    add_operator(p)
    p.set_defaults(handler=cmd_keying_settle)

    report = subcommand_group(sub, "report", "报表：coverage、national")
    p = report.add_parser("national", help="国家系统核对：已录入未生效、结论不一致、修改未录入、"
                                           "国家系统已确认本机未确认")
    add_format(p, ("table", "json", "xlsx"))
    p.add_argument("-o", "--output", type=Path, help="输出文件（xlsx 必需；json 可选）")
    add_operator(p)
    p.set_defaults(handler=cmd_report_national)


def cmd_keying_list(args: argparse.Namespace) -> int:
    from confirm_desk.services.keying.queue import keying_progress, keying_queue

    store = store_from(args)
    with store.session() as session:
        queue = keying_queue(session)
        progress = keying_progress(session)
    if args.format == "json":
        emit_json([item.as_json() for item in queue])
        return 0
    print(progress.text())
    for n, item in enumerate(queue, start=1):
        again = "（录入后又有改动）" if item.keyed_before else ""
        print(f"\n{n}. {item.application_no} {item.name}{again}")
        for step in item.steps:
            print(f"   - {step.text()}")
    if not queue:
        print("没有待录入国家系统的申请人。")
    return 0


def cmd_keying_done(args: argparse.Namespace) -> int:
    from confirm_desk.services.keying.queue import mark_keyed

    store = store_from(args)
    account = args.account
    with store.session() as session:
        result = mark_keyed(session, args.numbers, account)
    print(result.summary_zh())
    if result.unknown:
        return 1 if result.marked else 2
    return 0


def cmd_keying_settle(args: argparse.Namespace) -> int:
    from confirm_desk.services.applicants.listing import resolve
    from confirm_desk.services.keying.verify import Settle, settle_conflict

    store = store_from(args)
    account = args.account
    choice = Settle(args.choice)
    with store.session() as session:
        finding = settle_conflict(session, resolve(session, args.number), choice, account)
    print(f"{finding.application_no} {finding.name}：本机“{finding.desk}”，国家系统“{finding.national}”"
          f" → {choice.label}")
    return 0


def cmd_report_national(args: argparse.Namespace) -> int:
    from confirm_desk.services.keying.verify import CATEGORIES, CATEGORY_LABELS, national_report, write_national_xlsx

    store = store_from(args)
    with store.session() as session:
        report = national_report(session)
    if args.format == "xlsx":
        if not args.output:
            raise KnownError("xlsx 格式需要 -o 输出文件")
        write_national_xlsx(report, args.output)
        print(f"已写入 {args.output}：{report.summary_zh()}")
        return 0
    if args.format == "json":
        emit_json(report.as_json(), args.output)
        return 0
    if not report.imported:
        print("尚未导入国家系统的导出名单：请先运行 confirm-desk import FILE", file=sys.stderr)
    print(report.summary_zh())
    for category in CATEGORIES:
        entries = report.entries[category]
        print(f"\n【{CATEGORY_LABELS[category]}】{len(entries)} 人")
        if entries:
            print_table(["报名号", "证件号码", "姓名", "本机", "国家系统", "说明"],
                        [[f.application_no, f.id_number, f.name, f.desk, f.national, f.detail] for f in entries])
    return 0
