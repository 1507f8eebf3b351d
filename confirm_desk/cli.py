"""`confirm-desk`: the same services without a screen. Exit 0 ok, 1 done with row errors, 2 nothing done."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from confirm_desk import APP_NAME_ZH, __version__
from confirm_desk.domain.errors import KnownError

# Each module holds one family of subcommands and exposes `register(subparsers)`.
COMMAND_MODULES = (
    "confirm_desk.commands.applicants",
    "confirm_desk.commands.users",
    "confirm_desk.commands.confirm",
    "confirm_desk.commands.photos",
    "confirm_desk.commands.printing",
    "confirm_desk.commands.backup",
    "confirm_desk.commands.batches",
    "confirm_desk.commands.coverage",
    "confirm_desk.commands.evidence",
    "confirm_desk.commands.keying",
    "confirm_desk.commands.papers",
    "confirm_desk.commands.scanning",
)

_APPLICANTS, _USERS, _CONFIRM, _PHOTOS, _PRINTING, _BACKUP, _BATCHES, _COVERAGE, _EVIDENCE, _KEYING, _PAPERS, \
    _SCANNING = COMMAND_MODULES
# The modules that add to each top-level command (a group such as `export` gathers several). A command line
# builds only its command's parsers: registering every family costs a quarter of `--version`'s whole run
# (argparse formats and translates as it goes). tests/test_startup.py keeps this table equal to what the
# modules register.
COMMAND_OWNERS: dict[str, tuple[str, ...]] = {
    "demo": (_APPLICANTS,), "import": (_APPLICANTS,), "list": (_APPLICANTS,), "show": (_APPLICANTS,),
    "user": (_USERS,), "confirm": (_CONFIRM,), "export": (_CONFIRM, _BATCHES, _COVERAGE, _PAPERS),
    "photo": (_PHOTOS, _PAPERS), "print": (_PRINTING,), "backup": (_BACKUP,), "restore": (_BACKUP,),
    "staff": (_COVERAGE,), "report": (_COVERAGE, _KEYING), "evidence": (_EVIDENCE,), "keying": (_KEYING,),
    "bag": (_PAPERS,), "scan": (_SCANNING,),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse exits 2 too; keep the message plain
        self.print_usage(sys.stderr)
        print(f"参数错误：{message}", file=sys.stderr)
        raise SystemExit(2)


def command_word(argv: Sequence[str]) -> str | None:
    """The command a command line names (`import` in `--db URL import FILE`), or None (`--version`)."""
    args = iter(argv)
    for arg in args:
        if arg == "--":
            return next(args, None)
        if not arg.startswith("-") or arg == "-":
            return arg
        if "=" not in arg and len(arg) > 2 and "--db".startswith(arg):  # argparse accepts `--d URL` too
            next(args, None)
    return None


def modules_for(argv: Sequence[str] | None) -> tuple[str, ...]:
    """The command modules a command line needs: its command's; none for `--version` or a bare `--db URL`;
    every one for help, an unknown command (the error lists them all) or no command line (tests)."""
    if argv is None:
        return COMMAND_MODULES
    word = command_word(argv)
    if word is None:
        wants_help = any(a.startswith("-h") or (len(a) > 2 and "--help".startswith(a)) for a in argv)
        return COMMAND_MODULES if wants_help else ()
    owners = COMMAND_OWNERS.get(word)
    return COMMAND_MODULES if owners is None else tuple(m for m in COMMAND_MODULES if m in owners)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for `argv` (only the parts it can reach); every command's when argv is None."""
    parser = _Parser(prog="confirm-desk", description=f"{APP_NAME_ZH} ConfirmDesk — 教师资格定期注册现场确认")
    parser.add_argument("--db",
                        help="数据库 URL（默认：用户数据目录中的 SQLite 文件；或环境变量 CONFIRM_DESK_DB）")
    parser.add_argument("--version", action="version", version=f"ConfirmDesk {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="自检：在临时文件夹中建库、导入演示数据、生成 PDF、规范照片、"
                             "启动界面（无需屏幕），然后退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    for name in modules_for(argv):
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:  # this process is the command (not a test calling main): start-up is ours to shape
        import gc

        gc.disable()  # start-up makes ~70,000 lasting objects and little garbage: see _started()
        try:
            return _main(None)
        finally:
            _started()
            _done()
    return _main(argv)


def _done() -> None:
    """The command is over and the process ends next. The interpreter's last act is a full collection over
    every object the command made since start-up (an import's modules, statements, caches: ≈20 ms after a
    20,000-row import) only to free memory the exit gives back anyway; frozen, they are skipped. Files and
    stores are closed by then (close_stores, logging's own exit handler), never left to the collector."""
    import gc

    gc.freeze()


def _started() -> None:
    """Start-up is over: what it made (modules, SQLAlchemy's tables and mappers) stays for the whole process.
    Frozen, it is never traversed again by the collector, which otherwise walks all of it at each full
    collection (and at exit); the collector runs again from here on as usual."""
    import gc

    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _main(argv: Sequence[str] | None) -> int:
    words = sys.argv[1:] if argv is None else argv
    args = build_parser(words).parse_args(words)  # --version and --help end here, before logging is set up
    from confirm_desk.logs import setup_logging

    setup_logging(console=False)
    from confirm_desk.services.output_files import clean_at_start

    clean_at_start()
    if args.db:
        os.environ["CONFIRM_DESK_DB"] = args.db
    if args.self_test:
        from confirm_desk.selftest import run_self_test

        _started()
        return run_self_test()
    if not getattr(args, "handler", None):
        if argv is None and args.command is None:  # `confirm-desk [--db URL]` opens the window
            from confirm_desk.app import main as gui_main

            _started()
            return gui_main()
        build_parser().print_help()
        return 2
    try:
        if getattr(args, "login", None) in ("operator", "admin"):
            from confirm_desk.commands.common import login_operator

            args.account = login_operator(args)
        _started()
        code = int(args.handler(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler below, not at exit
        return code
    except BrokenPipeError:
        return _reader_left()
    except KnownError as err:
        print(f"错误：{err.message}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("已取消", file=sys.stderr)
        return 2
    except OSError as exc:  # a full disk, no permission: the writes are atomic, so nothing is half-written
        from confirm_desk.services.output_files import describe_write_error

        _log().warning("%s failed: %s (errno %s)", args.command, exc.__class__.__name__, exc.errno)
        print(f"错误：{describe_write_error(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug: log the details, tell the user plainly
        _log().exception("unexpected error in %s", args.command)
        print(f"程序内部错误（{exc.__class__.__name__}），详情已写入日志。", file=sys.stderr)
        return 2
    finally:
        from confirm_desk.commands.common import close_stores

        close_stores()


def _log():
    import logging

    return logging.getLogger("confirm_desk.cli")


def _reader_left() -> int:
    """`confirm-desk list | head`: the reader has what it wanted and left. End quietly: point stdout at the
    null device so the interpreter's last flush has nowhere to complain (Python's documented recipe)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
