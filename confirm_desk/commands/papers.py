"""CLI for the point's other papers: `export summary` (附件1), `export county-roster` (附件4), `photo batch` (staff
photos folder -> 114×156 folder before online filing), `bag set` (old 档案袋编号 kept by a second registration)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from confirm_desk.commands.common import add_operator, store_from, subcommand_group
from confirm_desk.domain.errors import KnownError


def register(sub: argparse._SubParsersAction) -> None:
    export = subcommand_group(sub, "export", "导出：batch / roster / stats / audit")
    p = export.add_parser("summary", help="导出中小学教师持证情况汇总表（附件1，来自教职工名单）")
    p.add_argument("out", type=Path, metavar="OUT.xlsx")
    add_operator(p)  # 填表人
    p.set_defaults(handler=cmd_export_summary)
    p = export.add_parser("county-roster", help="导出县(区)集体办理教师资格定期注册初审花名册（附件4，各校合为一表）")
    p.add_argument("out", type=Path, metavar="OUT.xlsx")
    add_operator(p)  # 填表人
    p.set_defaults(handler=cmd_export_county_roster)

    photo = subcommand_group(sub, "photo", "照片：规范为 114×156、导入照片")
    p = photo.add_parser("batch", help="网报前：把一个文件夹（或 .zip）的教师照片规范为 114×156，"
                                       "按身份证号码命名存入另一个文件夹")
    p.add_argument("source", type=Path, metavar="IN_DIR")
    p.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    p.add_argument("--staff", action="store_true", help="文件名为姓名时，按已导入的教职工名单找身份证号码")
    p.add_argument("--report", type=Path, help="问题清单（.xlsx 或 .csv）")
    add_operator(p)  # teachers' photos filed under their ID numbers (and the staff list with --staff)
    p.set_defaults(handler=cmd_photo_batch)

    bag = subcommand_group(sub, "bag", "档案袋编号")
    p = bag.add_parser("set", help="登记原档案袋编号（再次注册的教师沿用原编号）：NO=编号 …")
    p.add_argument("pairs", nargs="+", metavar="NO=编号", help="报名号或证件号码 = 档案袋编号")
    add_operator(p)
    p.set_defaults(handler=cmd_bag_set)


def cmd_export_summary(args: argparse.Namespace) -> int:
    from confirm_desk.services.reports.county import write_summary

    with store_from(args).session() as session:
        result = write_summary(session, args.out, operator=args.account.username)
    if not result.people:
        print("教职工名单为空：请先导入教职工名单（staff import）。已导出空表。", file=sys.stderr)
    print(f"已导出持证情况汇总表：{result.schools} 所学校、{result.people} 人 → {args.out}")
    return 0


def cmd_export_county_roster(args: argparse.Namespace) -> int:
    from confirm_desk.services.reports.county import write_county_roster

    with store_from(args).session() as session:
        result = write_county_roster(session, args.out, operator=args.account.username)
    print(f"已导出初审花名册：{result.schools} 所学校、{result.people} 人 → {args.out}")
    return 0


def cmd_photo_batch(args: argparse.Namespace) -> int:
    from confirm_desk.services.photos.readiness import prepare_folder, write_report

    if args.out_dir.resolve() == args.source.resolve():
        raise KnownError("输出文件夹不能与照片文件夹相同（原照片保持不变）")
    if args.staff:
        with store_from(args).session() as session:
            result = prepare_folder(args.source, args.out_dir, session)
    else:
        result = prepare_folder(args.source, args.out_dir)
    print(result.summary_zh())
    for item in result.items:
        if item.problems:
            print(f"  {item.source}：{'；'.join(item.problems)}", file=sys.stderr)
    if args.report:
        write_report(result, args.report)
        print(f"问题清单：{args.report}")
    return 1 if any(not i.output for i in result.items) else 0


def cmd_bag_set(args: argparse.Namespace) -> int:
    from confirm_desk.services.applicants.listing import resolve
    from confirm_desk.services.printing.bags import set_numbers
    from confirm_desk.store.models import applicant_table as t

    numbers: dict[str, str] = {}
    with store_from(args).session() as session:
        for pair in args.pairs:
            who, sep, number = pair.partition("=")
            if not sep or not number.strip():
                raise KnownError(f"应写成 报名号=档案袋编号：{pair}")
            applicant_id = resolve(session, who.strip())
            id_number = session.scalar(t.select().with_only_columns(t.c.id_number).where(t.c.id == applicant_id))
            numbers[str(id_number)] = number.strip()
        count = set_numbers(session, numbers, "typed", args.account.username)
    print(f"已登记档案袋编号 {count} 个")
    return 0
