"""CLI: print receipt|form|notice NO ... [--all-confirmed] -o OUT.pdf (one PDF for every applicant named)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from confirm_desk.commands.common import add_operator, store_from
from confirm_desk.domain.errors import KnownError

# The paper kinds of services.printing.documents.KINDS, named here so `--help` stays light to import.


PAPERS = {
    "receipt": "受理凭证", "form": "申请表", "notice": "补正通知单（申请材料不全者）",
    "ethics": "师德表现证明", "assessment": "年度考核证明", "health": "身心健康证明", "bag": "档案袋封面",
    "publicity": "公示名单（一个名单）", "handover": "材料交接清单（一个名单）",
    "cards": "网报填写卡（教职工名单中每人一张）",
}
LISTS = ("publicity", "handover")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("print", help="打印受理凭证、申请表、补正通知单、学校证明、名单和档案袋封面"
                                     "（PDF，多人合为一个文件）")
    p.add_argument("kind", choices=tuple(PAPERS), help="；".join(f"{k} = {v}" for k, v in PAPERS.items()))
    p.add_argument("numbers", nargs="*", metavar="NO", help="报名号或证件号码")
    p.add_argument("--all-confirmed", action="store_true", help="所有“确认已通过”的申请人")
    p.add_argument("--unprinted", action="store_true",
                   help="与 --all-confirmed 同用：只打印尚未打印（或需重新打印）的")
    p.add_argument("--copies", type=int, help="每人份数（申请表默认 2 份，受理凭证默认 1 份）")
    p.add_argument("--school", default="", help="cards：只打印这所学校的教师")
    p.add_argument("--start", type=_date, help="publicity：公示开始日期（默认今天），公示 7 天")
    p.add_argument("-o", "--output", type=Path, required=True, help="输出 PDF 文件")
    add_operator(p)
    p.set_defaults(handler=cmd_print)


def _date(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写成 2026-12-01：{text}") from None


def cmd_print(args: argparse.Namespace) -> int:
    from confirm_desk.services.applicants.listing import resolve
    from confirm_desk.services.printing.documents import confirmed_ids, record_printed, write_pdf

    if args.kind == "cards":
        return _print_cards(args)
    if not args.numbers and not args.all_confirmed:
        raise KnownError("请给出报名号，或使用 --all-confirmed")
    if args.copies is not None and not 1 <= args.copies <= 10:
        raise KnownError("--copies 应在 1 到 10 之间")
    store = store_from(args)
    with store.session() as session:
        ids = [resolve(session, number) for number in args.numbers]
        if args.all_confirmed:
            ids += [i for i in confirmed_ids(session, args.kind if args.unprinted else None) if i not in ids]
        if not ids:
            print("没有需要打印的申请人。", file=sys.stderr)
            return 2
        if args.kind in LISTS:
            return _print_list(session, args, ids)
        result = write_pdf(session, ids, args.kind, args.output, args.copies,
                           progress=lambda done, total, _t: None, operator=args.account.username)
        record_printed(session, result.printed_ids, args.kind, args.account.username, result.versions)
    print(f"{result.summary_zh()}：{result.path}")
    for number, reason in result.skipped:
        print(f"  跳过 {number}：{reason}", file=sys.stderr)
    return 1 if result.skipped else 0


def _print_list(session, args: argparse.Namespace, ids: list[int]) -> int:
    from confirm_desk.services import audit
    from confirm_desk.services.printing.lists import LIST_KINDS, write_list_pdf

    result = write_list_pdf(session, args.kind, ids, args.output, start=args.start)
    audit.record(session, f"print_{args.kind}", args.user, detail=f"{LIST_KINDS[args.kind]} {result.rows} 人")
    print(f"已生成{LIST_KINDS[args.kind]}：{result.rows} 人、{result.pages} 页：{result.path}")
    for number, reason in result.skipped:
        print(f"  未列入 {number}：{reason}", file=sys.stderr)
    return 1 if result.skipped else 0


def _print_cards(args: argparse.Namespace) -> int:
    from confirm_desk.services.printing.cards import write_cards

    store = store_from(args)
    with store.session() as session:
        result = write_cards(session, args.output, school=args.school)
    print(f"已生成网报填写卡：{result.cards} 人、{result.pages} 页：{args.output}")
    return 0
