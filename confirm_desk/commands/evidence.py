"""CLI: `evidence import hours|assessments|contracts FILE` (training hours, yearly assessments, contracts)."""

from __future__ import annotations

import argparse
from pathlib import Path

from confirm_desk.commands.common import add_format, add_operator, report_import, store_from, subcommand_group


def register(sub: argparse._SubParsersAction) -> None:
    evidence = subcommand_group(sub, "evidence", "注册条件证明材料：import")
    group = evidence.add_parser("import", help="导入培训学时、年度考核或聘用合同（.xlsx/.xls/.csv），再次导入会更新")
    group.add_argument("kind", choices=("hours", "assessments", "contracts"),
                       help="hours 培训学时 / assessments 年度考核 / contracts 聘用合同（可为带合同列的教职工名单）")
    group.add_argument("file", type=Path)
    group.add_argument("--report", type=Path, help="把逐行错误写入此文件（.csv 或 .xlsx）")
    add_operator(group)
    add_format(group, ("text", "json"))
    group.set_defaults(handler=cmd_evidence_import)


def cmd_evidence_import(args: argparse.Namespace) -> int:
    from confirm_desk.services.evidence.importing import import_evidence

    result = import_evidence(store_from(args), args.kind, args.file, operator=args.account.username)
    return report_import(args, result)
