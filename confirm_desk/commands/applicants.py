"""CLI: demo, import, list, show."""

from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path

from confirm_desk.commands.common import (
    add_format,
    add_map,
    add_operator,
    open_command,
    print_table,
    report_import,
    store_from,
    terminal_text,
)
from confirm_desk.domain.fields import FIELDS
from confirm_desk.domain.statuses import Status


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="向空数据库填入演示数据")
    p.add_argument("--count", type=int, default=200, help="演示申请人数量（默认 200）")
    open_command(p)  # fictional people, and only into a store without applicants
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("import", help="导入申请人名单（.xlsx/.xls/.csv）和照片")
    p.add_argument("file", type=Path)
    p.add_argument("--photos", type=Path, help="照片文件夹或 .zip")
    p.add_argument("--report", type=Path, help="把逐行错误写入此文件（.csv 或 .xlsx）")
    p.add_argument("--sheet", metavar="NAME", help="要导入的工作表（默认：第一个像导出名单的可见工作表）")
    add_operator(p)
    add_map(p)
    add_format(p, ("text", "json"))
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("list", help="列出申请人")
    p.add_argument("--status", choices=[s.value for s in Status])
    p.add_argument("--search", default="", help="姓名、证件号码或报名号")
    p.add_argument("--school", default="")
    add_format(p, ("table", "json", "csv"))
    p.add_argument("--keys", action="store_true", help="csv 表头用字段键名（默认中文表头，可再导入）")
    add_operator(p)
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("show", help="显示一位申请人（报名号或证件号码）")
    p.add_argument("number")
    add_format(p, ("table", "json"))
    add_operator(p)
    p.set_defaults(handler=cmd_show)


def cmd_demo(args: argparse.Namespace) -> int:
    from confirm_desk.paths import demo_db_url
    from confirm_desk.services.applicants.demo import fill_demo

    # Without --db the demo goes to its own store (the one the GUI shows until real work starts), never
    # into the real one.
    if not (getattr(args, "db", None) or os.environ.get("CONFIRM_DESK_DB")):
        args.db = demo_db_url()
    store = store_from(args)
    result = fill_demo(store, count=args.count)
    if result is None:
        print("数据库中已有申请人，未生成演示数据。", file=sys.stderr)
        return 2
    print(f"已生成演示数据：{result.summary_zh()}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from confirm_desk.services.importing.applicants import import_applicants
    from confirm_desk.services.importing.rows import SPECS
    from confirm_desk.services.spreadsheets.columns import parse_mapping

    manual = parse_mapping(args.map, SPECS)
    store = store_from(args)
    result = import_applicants(store, args.file, args.photos, operator=args.account.username,
                               manual=manual or None, sheet=args.sheet)
    return report_import(args, result)


def cmd_list(args: argparse.Namespace) -> int:
    from confirm_desk.services.applicants.listing import ListCriteria, list_records

    store = store_from(args)
    criteria = ListCriteria(text=args.search, status=args.status or "", school=args.school)
    if args.format == "csv" and not args.keys:
        from confirm_desk.services.applicants.list_export import ALL_KEYS, list_table, write_list_csv

        with store.session() as session:
            write_list_csv(ALL_KEYS, list_table(session, criteria, ALL_KEYS), sys.stdout)
        return 0
    with store.session() as session:
        records = list_records(session, criteria)
    if args.format == "json":
        from confirm_desk.commands.common import emit_json

        emit_json(records)
    elif args.format == "csv":
        keys = [f.key for f in FIELDS] + ["status", "status_label"]
        from confirm_desk.services.spreadsheets.safe import safe_cell

        writer = csv.DictWriter(sys.stdout, fieldnames=keys, extrasaction="ignore")
        writer.writeheader()
        writer.writerows({k: safe_cell(r.get(k)) for k in keys} for r in records)
    else:
        rows = [[r["application_no"], r["name"], r["id_number"], r["school"], r["status_label"]] for r in records]
        print_table(["报名号", "姓名", "证件号码", "现任教学校", "状态"], rows)
        print(f"共 {len(records)} 人")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from confirm_desk.services.applicants.listing import get_detail, resolve

    store = store_from(args)
    from confirm_desk.services.evidence.conditions import applicant_conditions

    with store.session() as session:
        detail = get_detail(session, resolve(session, args.number))
        conditions = applicant_conditions(session, detail.id)
    if args.format == "json":
        from confirm_desk.commands.common import emit_json

        emit_json({**detail.as_json(), **conditions.as_json()})
        return 0
    for f in FIELDS:
        print(f"{f.label}：{terminal_text(detail.values[f.key])}")
    print(f"确认状态：{detail.status.label}")
    for finding in detail.findings:
        print(f"  ⚠ {terminal_text(finding.message)}")
    print("注册条件：")
    for c in conditions.conditions:
        print(f"  {c.number}. {c.label}：{terminal_text(c.reason)}")
    s = conditions.suggestion
    print(f"建议结论：{s.conclusion}{f'（{s.category}）' if s.category else ''}（仅供参考，由注册机构决定）")
    return 0
