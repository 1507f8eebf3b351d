"""CLI: `confirm` (the check dialog's decision without a screen) and `export audit`."""

from __future__ import annotations

import argparse
from pathlib import Path

from confirm_desk.commands.common import add_operator, login_from, store_from, subcommand_group
from confirm_desk.domain.statuses import Status


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("confirm", help="作出确认结论（密码从提示或 CONFIRM_DESK_PASSWORD 读取）")
    p.add_argument("number", help="报名号或证件号码")
    p.add_argument(
        "--outcome",
        required=True,
        choices=("confirmed", "rejected", "incomplete"),
        help="confirmed=确认已通过，rejected=确认未通过，incomplete=申请材料不全",
    )
    p.add_argument(
        "--missing",
        nargs="+",
        default=[],
        metavar="KEY",
        help="缺少的材料：序号（1 起）或材料名称（可只写开头）",
    )
    p.add_argument("--reason", default="", help="未通过的原因 / 说明")
    p.add_argument("--reopen-reason", default="", help="重新打开已确认（或未通过）申请人的原因")
    p.add_argument("--override-reason", default="",
                   help="确认已通过但尚有未核对字段、未交材料、条件未具备、自动检查错误或非本点申请人时，"
                        "越过检查的原因（记入审计记录）；不填则列出问题并拒绝")
    add_operator(p)
    p.add_argument("--window-override", default="", metavar="REASON",
                   help="现场确认时间以外作出结论的原因（须管理员：--user 为管理员，或用 --admin 指定）")
    p.add_argument("--admin", default="",
                   help="批准时间外确认的管理员（密码从提示或 CONFIRM_DESK_ADMIN_PASSWORD 读取）")
    p.set_defaults(handler=cmd_confirm)

    export = subcommand_group(sub, "export", "导出：audit 等")
    q = export.add_parser("audit", help="导出审计记录（.xlsx）")
    q.add_argument("out", type=Path)
    add_operator(q)
    q.set_defaults(handler=cmd_export_audit)


def material_for(key: str, labels: list[str]) -> str:
    """A material named by its number in the checklist or by (the start of) its label."""
    from confirm_desk.domain.errors import RuleViolation

    key = key.strip()
    if key.isdigit() and 1 <= int(key) <= len(labels):
        return labels[int(key) - 1]
    hits = [m for m in labels if m == key] or [m for m in labels if m.startswith(key)]
    if len(hits) != 1:
        listing = "；".join(f"{i}. {m}" for i, m in enumerate(labels, start=1))
        raise RuleViolation(f"无法确定材料“{key}”。可选：{listing}")
    return hits[0]


def cmd_confirm(args: argparse.Namespace) -> int:
    from confirm_desk.services.applicants.listing import resolve
    from confirm_desk.services.confirming.check_marks import material_labels
    from confirm_desk.services.confirming.confirmation import CheckInput, load_check, save_check

    store = store_from(args)
    account = args.account
    approver = login_from(store, args.admin, "CONFIRM_DESK_ADMIN_PASSWORD") if args.admin else None
    labels = material_labels()
    missing = [material_for(k, labels) for k in args.missing]
    outcome = Status(args.outcome)
    with store.session() as session:
        state = load_check(session, resolve(session, args.number))
        data = CheckInput(
            # Materials not named as missing are taken as handed in, as the clerk at the desk would tick them.
            materials={m: m not in missing for m in state.required_materials}
            if outcome is not Status.REJECTED else {},
            outcome=outcome,
            reason=args.reason,
            missing=missing,
            reopen_reason=args.reopen_reason,
            override_reason=args.override_reason,
            window_override=args.window_override,
            override_by=approver,
        )
        result = save_check(session, state.applicant_id, data, account, state.version)
    name = state.values["name"]
    print(f"{state.values['application_no']} {name}：{result.status.label}（操作员 {account.username}）")
    return 0


def cmd_export_audit(args: argparse.Namespace) -> int:
    from confirm_desk.services.audit_trail import export_audit

    store = store_from(args)
    with store.session() as session:
        count = export_audit(session, args.out, operator=args.account.username)
    print(f"已导出 {count} 条审计记录到 {args.out}")
    return 0
