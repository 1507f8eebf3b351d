"""CLI: operator accounts (`user add/passwd/unlock/list`)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from confirm_desk.commands.common import (
    add_format,
    add_operator,
    login_from,
    open_command,
    print_table,
    read_password,
    store_from,
)

ADMIN_ENV = "CONFIRM_DESK_ADMIN_PASSWORD"


if TYPE_CHECKING:
    from confirm_desk.services.accounts import Account


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("user", help="操作员账户：add / passwd / unlock / list")
    users = p.add_subparsers(dest="user_command", metavar="子命令", parser_class=type(p))
    p.set_defaults(handler=lambda _a: p.print_help() or 2)

    q = users.add_parser("add", help="新增操作员（首次运行时创建管理员）")
    q.add_argument("username")
    q.add_argument("--display-name", default="", help="显示的姓名")
    q.add_argument("--role", choices=("confirmer", "admin"), default="confirmer")  # services.accounts.ROLES
    q.add_argument("--admin", help=f"执行操作的管理员（密码从提示或 {ADMIN_ENV} 读取）")
    open_command(q)  # the very first administrator; after that --admin logs in (below)
    q.set_defaults(handler=cmd_add)

    q = users.add_parser("passwd", help="修改密码（本人）或由管理员重置（--admin）")
    q.add_argument("username")
    q.add_argument("--admin", help=f"由此管理员重置（密码从提示或 {ADMIN_ENV} 读取）")
    open_command(q)  # logs in itself: the old password, or an administrator with --admin
    q.set_defaults(handler=cmd_passwd)

    q = users.add_parser("unlock", help="解锁被锁定的操作员")
    q.add_argument("username")
    q.add_argument("--admin", required=True, help=f"执行操作的管理员（密码从提示或 {ADMIN_ENV} 读取）")
    open_command(q)  # logs in itself: --admin
    q.set_defaults(handler=cmd_unlock)

    q = users.add_parser("list", help="列出操作员")
    add_format(q)
    add_operator(q)
    q.set_defaults(handler=cmd_list)


def _admin(store, name: str | None) -> Account:
    from confirm_desk.domain.errors import RuleViolation

    if not name:
        raise RuleViolation("此操作需要管理员：请用 --admin 指定")
    return login_from(store, name, ADMIN_ENV)


def cmd_add(args: argparse.Namespace) -> int:
    from confirm_desk.services import accounts

    store = store_from(args)
    with store.session() as session:
        first = accounts.needs_first_admin(session)
    actor = None if first else _admin(store, args.admin)
    password = read_password(f"{args.username} 的新密码：", confirm=True)
    with store.session() as session:
        if first:
            account = accounts.create_first_admin(session, args.username, args.display_name, password)
        else:
            assert actor is not None  # logged in above
            account = accounts.add_user(session, actor, args.username, args.display_name, password, args.role)
    print(f"已创建{accounts.ROLES[account.role]} {account.username}" + ("（首个管理员）" if first else ""))
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    from confirm_desk.services import accounts

    store = store_from(args)
    if args.admin:
        actor = _admin(store, args.admin)
        password = read_password(f"{args.username} 的新密码：", confirm=True)
        with store.session() as session:
            accounts.reset_password(session, actor, args.username, password)
        print(f"已重置 {args.username} 的密码并解锁")
        return 0
    old = read_password(f"{args.username} 的原密码：", "CONFIRM_DESK_OLD_PASSWORD")
    account = accounts.authenticate(store, args.username, old)  # wrong ones count towards the lock
    password = read_password("新密码：", confirm=True)
    with store.session() as session:
        accounts.change_password(session, account, old, password)
    print("密码已修改")
    return 0


def cmd_unlock(args: argparse.Namespace) -> int:
    from confirm_desk.services import accounts

    store = store_from(args)
    actor = _admin(store, args.admin)
    with store.session() as session:
        accounts.unlock(session, actor, args.username)
    print(f"已解锁 {args.username}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from confirm_desk.services import accounts

    store = store_from(args)
    with store.session() as session:
        rows = accounts.list_accounts(session)
    if args.format == "json":
        from dataclasses import asdict

        from confirm_desk.commands.common import emit_json

        emit_json([asdict(r) for r in rows])
        return 0
    print_table(
        ["用户名", "姓名", "角色", "状态", "锁定至"],
        [
            [
                r.username,
                r.display_name,
                accounts.ROLES.get(r.role, r.role),
                "启用" if r.active else "停用",
                r.locked_until.strftime("%Y-%m-%d %H:%M") if r.locked_until else "",
            ]
            for r in rows
        ],
    )
    return 0
