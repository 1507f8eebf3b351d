"""CLI: `staff import FILE`, `report coverage`, `export day OUT.zip`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from confirm_desk.commands.common import (
    add_format,
    add_map,
    add_operator,
    emit_json,
    print_table,
    report_import,
    store_from,
    subcommand_group,
)
from confirm_desk.domain.errors import KnownError


def _date(text: str) -> dt.date:
    from confirm_desk.domain.text import parse_date

    day = parse_date(text)
    if day is None:
        raise argparse.ArgumentTypeError(f"无法识别的日期“{text}”（例：2026-03-01）")
    return day


def register(sub: argparse._SubParsersAction) -> None:
    staff = subcommand_group(sub, "staff", "教职工名单：import")
    p = staff.add_parser("import", help="导入学校的教职工名单（.xlsx/.xls/.csv），再次导入会更新")
    p.add_argument("file", type=Path)
    p.add_argument("--report", type=Path, help="把逐行错误写入此文件（.csv 或 .xlsx）")
    add_operator(p)
    add_map(p)
    add_format(p, ("text", "json"))
    p.set_defaults(handler=cmd_staff_import)

    report = subcommand_group(sub, "report", "报表：coverage")
    p = report.add_parser("coverage", help="应注册情况：应注册未报名、不在岗、已退休、五年内退休、无需注册")
    p.add_argument("--as-of", type=_date, help="基准日（默认今天）")
    p.add_argument("--until", type=_date, help="应注册判断截止日（默认：设置 coverage_until，否则当年年底）")
    p.add_argument("--school", default="", help="只看这所学校")
    add_format(p, ("table", "json", "xlsx"))
    p.add_argument("-o", "--output", type=Path, help="输出文件（xlsx 必需；json 可选）")
    add_operator(p)
    p.set_defaults(handler=cmd_report_coverage)

    p = report.add_parser("abandoned", help="视为自动放弃：网报待确认、从未到现场确认的申请人（CAL-1）")
    p.add_argument("--as-of", type=_date, help="基准日（默认今天）")
    add_format(p, ("table", "json"))
    add_operator(p)
    p.set_defaults(handler=cmd_report_abandoned)

    export = subcommand_group(sub, "export", "导出：audit、day 等")
    p = export.add_parser("day", help="当日工作包（.zip）：下一同步批次、花名册、统计表、应注册情况、"
                                     "照片问题、补正跟进、当日审计及 SHA-256 清单")
    p.add_argument("out", type=Path)
    p.add_argument("--day", type=_date, help="哪一天（默认今天）")
    add_operator(p)
    p.set_defaults(handler=cmd_export_day)


def cmd_staff_import(args: argparse.Namespace) -> int:
    from confirm_desk.services.coverage.staff import STAFF_SPECS, import_staff
    from confirm_desk.services.spreadsheets.columns import parse_mapping

    manual = parse_mapping(args.map, STAFF_SPECS)
    return report_import(args, import_staff(store_from(args), args.file, operator=args.account.username,
                                            manual=manual or None))


def cmd_report_abandoned(args: argparse.Namespace) -> int:
    from confirm_desk.services.confirming.calendar import abandoned

    store = store_from(args)
    with store.session() as session:
        report = abandoned(session, args.as_of)
    if args.format == "json":
        emit_json(report.as_json())
        return 0
    print(report.heading())
    print_table(["报名号", "姓名", "证件号码", "现任教学校", "联系电话", "确认点"],
                [[r.application_no, r.name, r.id_number, r.school, r.phone, r.confirmation_point]
                 for r in report.rows])
    return 0


def cmd_report_coverage(args: argparse.Namespace) -> int:
    from confirm_desk.domain.coverage import CATEGORIES, CATEGORY_LABELS
    from confirm_desk.services.coverage.report import coverage_report, write_coverage_xlsx

    store = store_from(args)
    with store.session() as session:
        report = coverage_report(session, args.as_of, args.until)
    if not report.staff:
        print("尚未导入教职工名单：请先运行 confirm-desk staff import FILE", file=sys.stderr)
        return 2
    if args.school:
        for category in CATEGORIES:
            report.entries[category] = [e for e in report.entries[category] if e.school == args.school]
    if args.format == "xlsx":
        if not args.output:
            raise KnownError("xlsx 格式需要 -o 输出文件")
        write_coverage_xlsx(report, args.output)
        counts = "，".join(f"{CATEGORY_LABELS[c]} {n} 人" for c, n in report.counts().items())
        print(f"已写入 {args.output}：{counts}")
        return 0
    if args.format == "json":
        emit_json(report.as_json(), args.output)
        return 0
    print(f"基准日 {report.as_of}，本期注册截止 {report.until}，教职工 {report.staff} 人")
    for category in CATEGORIES:
        entries = report.entries[category]
        print(f"\n【{CATEGORY_LABELS[category]}】{len(entries)} 人")
        if entries:
            print_table(["姓名", "身份证号码", "学校", "联系电话", "说明"],
                        [[e.name, e.id_number, e.school, e.phone, e.reason] for e in entries])
    return 0


def cmd_export_day(args: argparse.Namespace) -> int:
    from confirm_desk.services.reports.day_pack import export_day

    result = export_day(store_from(args), args.out, day=args.day, operator=args.account.username)
    print(f"已生成当日工作包 {result.path}（{len(result.files)} 个文件）")
    if result.batch_path:
        print(f"第 {result.batch} 批的文件另存于 {result.batch_path}")
    for name, size, _digest in result.files:
        print(f"  {name}  {size} 字节")
    return 0
