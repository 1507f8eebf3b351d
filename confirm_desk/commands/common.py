"""Helpers shared by the CLI subcommands."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the store (SQLAlchemy) is imported when a command opens it, not for `--help`/`--version`
    from confirm_desk.store.db import Store

_opened: list[Store] = []

USER_ENV = "CONFIRM_DESK_USER"
PASSWORD_ENV = "CONFIRM_DESK_PASSWORD"


def store_from(args: argparse.Namespace) -> Store:
    """The store named by --db / CONFIRM_DESK_DB, opened once per command (the log-in and the handler share it)."""
    from confirm_desk.store.db import open_store

    store = getattr(args, "_store", None)
    if store is None:
        store = open_store(getattr(args, "db", None) or os.environ.get("CONFIRM_DESK_DB"))
        _opened.append(store)
        args._store = store
    return store


def close_stores() -> None:
    """Closes what the command opened (a server connection left to the garbage collector is rude)."""
    while _opened:
        _opened.pop().dispose()


def add_format(parser: argparse.ArgumentParser, choices: tuple[str, ...] = ("table", "json")) -> None:
    parser.add_argument("--format", choices=choices, default=choices[0], help="输出格式")


# Never sent raw to a terminal: C0/C1 controls (ESC starts an ANSI sequence), DEL, and the invisible
# direction and width marks that reorder or hide what is shown (U+202E RIGHT-TO-LEFT OVERRIDE...).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]")


def terminal_text(value: object) -> str:
    """Stored text as it may be printed: every control or direction character shown escaped (\\x1b, \\u202e)."""
    text = "" if value is None else str(value)
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


def print_table(headers: list[str], rows: list[list[object]]) -> None:
    cells = [[terminal_text(c) for c in r] for r in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    print("  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)))
    for r in cells:
        print("  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)))


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def emit_json(data: object, output: Path | None = None) -> None:
    """JSON for scripts (Chinese kept readable) on standard output, or written whole to `output` (`-o`)."""
    if output is None:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1, default=str)
        sys.stdout.write("\n")
        return
    from confirm_desk.services.output_files import write_text

    write_text(output, json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n")


def emit_json_result(result) -> None:
    """A dataclass result as JSON for scripts."""
    from dataclasses import asdict

    emit_json(asdict(result))


def subcommand_group(
    sub: argparse._SubParsersAction, name: str, help_text: str
) -> argparse._SubParsersAction:
    """The nested subcommands of `name` (e.g. `export`), shared by every module that adds one."""
    parser = sub.choices.get(name)
    if parser is None:
        parser = sub.add_parser(name, help=help_text)
        parser.set_defaults(handler=lambda _args, p=parser: p.print_help() or 2)
        parser.add_subparsers(dest=f"{name}_command", metavar="子命令", parser_class=type(parser))
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action


def read_password(prompt: str, env: str = PASSWORD_ENV, *, confirm: bool = False) -> str:
    """A password from the environment (scripts) or typed without echo at a terminal.

    Without a terminal and without the variable there is nobody to ask: a plain message, exit 2."""
    from confirm_desk.domain.errors import KnownError

    value = os.environ.get(env)
    if value is not None:
        return value
    if not (sys.stdin and sys.stdin.isatty()):
        raise KnownError(f"需要密码，但没有可输入密码的终端：请在环境变量 {env} 中提供密码")
    import getpass

    try:
        first = getpass.getpass(prompt)
        if confirm and getpass.getpass("再输入一次：") != first:
            raise KnownError("两次输入的密码不一致")
    except EOFError:
        raise KnownError(f"没有读到密码：请在终端输入，或在环境变量 {env} 中提供") from None
    return first


def login_from(store: Store, username: str, env: str = PASSWORD_ENV):
    """Authenticate an operator for a CLI command (counts failures and locks like the login dialog)."""
    from confirm_desk.services.accounts import authenticate

    return authenticate(store, username, read_password(f"{username} 的密码：", env))


def add_map(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--map", action="append", default=[], metavar="表头=字段",
                        help="指定列的对应（可多次）：字段写键名或中文名，“-”表示忽略该列；记住，供表头相同的文件沿用")


# --- Who runs a command ------------------------------------------------------------------------------
# RULE: every command that reads or writes personal data (applicants, photos, staff, audit, batches,
# backups) is run by a known operator who gave a password. In `register()` call
#     add_operator(parser)               # or add_operator(parser, admin=True) for administrator-only
# and in the handler use `args.account` (a services.accounts.Account; `args.account.username` for audit).
# cli.main logs the operator in before the handler runs: `--user NAME` or CONFIRM_DESK_USER, the
# password from CONFIRM_DESK_PASSWORD or a prompt. A command that touches no personal data says so with
# `open_command(parser)`; tests/test_cli_login.py fails for any command that does neither.

def add_operator(parser: argparse.ArgumentParser, *, admin: bool = False) -> None:
    """This command needs a logged-in operator (an administrator with admin=True)."""
    who = "管理员" if admin else "操作员"
    parser.add_argument("--user", metavar="NAME", default=None,
                        help=f"{who}用户名（或环境变量 {USER_ENV}；密码从提示或 {PASSWORD_ENV} 读取）")
    parser.set_defaults(login="admin" if admin else "operator")


def open_command(parser: argparse.ArgumentParser) -> None:
    """This command reads and writes no personal data: it runs without a log-in."""
    parser.set_defaults(login="open")


def login_operator(args: argparse.Namespace):
    """The operator named by --user / CONFIRM_DESK_USER, logged in with a password (cli.main calls it)."""
    from confirm_desk.domain.errors import KnownError
    from confirm_desk.services.accounts import LoginRefused

    name = (getattr(args, "user", None) or os.environ.get(USER_ENV) or "").strip()
    if getattr(args, "open_without_accounts", False) and not name and _no_accounts(store_from(args)):
        return None
    if not name:
        raise KnownError(f"此命令涉及个人信息，须由操作员执行：请用 --user 用户名 指定，或设置环境变量 {USER_ENV}"
                         f"（密码从提示或环境变量 {PASSWORD_ENV} 读取）")
    store = store_from(args)
    account = login_from(store, name)
    if args.login == "admin" and not account.is_admin:
        raise LoginRefused(f"此命令只有管理员可以执行（{account.username} 是{_role_zh(account.role)}）")
    return account


def _no_accounts(store: Store) -> bool:
    from sqlalchemy import func, select

    from confirm_desk.store.tables import operator_table

    with store.unit() as unit:
        return not unit.scalar(select(func.count()).select_from(operator_table))


def _role_zh(role: str) -> str:
    from confirm_desk.services.accounts import ROLES

    return ROLES.get(role, role)


def report_import(args: argparse.Namespace, result) -> int:
    """An import's result for people (counts, the first row errors) or scripts (--format json);
    `--report` writes every row error. Exit 1 when rows were refused, or when the import was done but
    its report could not be written (said plainly: the import is not undone)."""
    code = _write_report(args, result)
    if args.format == "json":
        emit_json_result(result)
    else:
        print(result.summary())
        print(result.summary_zh())
        for line in result.columns_text():
            print(line)
        for e in result.errors[:50]:
            print(terminal_text(f"  {e.file} 第{e.row}行 [{e.column}] “{e.value}”：{e.message}"))
        if len(result.errors) > 50:
            print(f"  ……另有 {len(result.errors) - 50} 行错误（用 --report 导出全部）")
        for w in result.warnings[:20]:  # e.g. which of two columns fed a field, and why
            print(terminal_text(f"  注意：{w.file} 第{w.row}行 [{w.column}] {w.message}"))
        if len(result.warnings) > 20:
            print(f"  ……另有 {len(result.warnings) - 20} 条警告（用 --report 导出全部）")
        if result.photos:
            for pe in result.photos.errors:
                print(terminal_text(f"  照片 {pe.file}：{pe.message}"))
    return max(code, 1 if result.error_count else 0)


def _write_report(args: argparse.Namespace, result) -> int:
    if not args.report:
        return 0
    from confirm_desk.services.importing.error_report import write_row_errors

    try:
        write_row_errors(result, args.report)
    except OSError as exc:  # the import is committed already: say so, never "nothing done"
        reason = exc.strerror or exc.__class__.__name__
        print(f"警告：导入已完成并已保存，但错误报告无法写入 {args.report}（{reason}）。"
              "请换一个可写的位置，再导入一次同一文件即可得到报告（已导入的行会显示为未变）。", file=sys.stderr)
        return 1
    return 0
