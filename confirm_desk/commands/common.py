"""Helpers shared by the CLI subcommands."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the store (SQLAlchemy) is imported when a command opens it, not for `--help`/`--version`
    from confirm_desk.store.db import Store

_opened: list[Store] = []


def store_from(args: argparse.Namespace) -> Store:
    from confirm_desk.store.db import open_store

    store = open_store(getattr(args, "db", None) or os.environ.get("CONFIRM_DESK_DB"))
    _opened.append(store)
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
    rows = [[terminal_text(c) for c in r] for r in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    print("  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)))
    for r in rows:
        print("  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)))


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def emit_json(data: object) -> None:
    """JSON for scripts on standard output (Chinese kept readable)."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1, default=str)
    sys.stdout.write("\n")


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


def read_password(prompt: str, env: str = "CONFIRM_DESK_PASSWORD", *, confirm: bool = False) -> str:
    """A password from the environment (scripts) or typed without echo."""
    value = os.environ.get(env)
    if value is not None:
        return value
    import getpass

    from confirm_desk.domain.errors import KnownError

    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("再输入一次：") != first:
        raise KnownError("两次输入的密码不一致")
    return first


def login_from(store: Store, username: str, env: str = "CONFIRM_DESK_PASSWORD"):
    """Authenticate an operator for a CLI command (counts failures and locks like the login dialog)."""
    from confirm_desk.services.accounts import authenticate

    return authenticate(store, username, read_password(f"{username} 的密码：", env))


def add_map(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--map", action="append", default=[], metavar="表头=字段",
                        help="指定列的对应（可多次）：字段写键名或中文名，“-”表示忽略该列；记住，供表头相同的文件沿用")


def report_import(args: argparse.Namespace, result) -> int:
    """An import's result for people (counts, the first row errors) or scripts (--format json);
    `--report` writes every row error. Exit 1 when rows were refused."""
    from confirm_desk.services.importing.error_report import write_row_errors

    if args.report:
        write_row_errors(result, args.report)
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
    return 1 if result.error_count else 0
