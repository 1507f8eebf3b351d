"""Every command that reads or writes personal data is run by a known operator who gave a password
(issue 25 item 2); restore is the administrator's; the rest is declared open on purpose."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from confirm_desk.cli import build_parser, main
from tests.accounts_helpers import ADMIN_PW, CLERK_PW, login_env
from tests.conftest import ROOT, file_digest

# Commands that touch no personal data. Adding one here is a decision: say why in its register().
OPEN = {"demo", "user add", "user passwd", "user unlock", "photo normalize", "photo check", "scan read"}
ADMIN_ONLY = {"restore"}


def leaf_commands(parser: argparse.ArgumentParser, prefix: str = "") -> dict[str, argparse.ArgumentParser]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not actions:
        return {prefix.strip(): parser}
    found: dict[str, argparse.ArgumentParser] = {}
    for name, sub in actions[0].choices.items():
        found.update(leaf_commands(sub, f"{prefix} {name}"))
    return found


def test_every_command_declares_who_may_run_it() -> None:
    """A new command must call add_operator(parser) (or open_command(parser) when it touches no personal
    data): commands/common.py explains the rule."""
    undecided, wrongly_open, wrongly_closed = [], [], []
    for name, parser in leaf_commands(build_parser()).items():
        login = parser.get_default("login")
        if login is None:
            undecided.append(name)
        elif login == "open" and name not in OPEN:
            wrongly_open.append(name)
        elif login != "open" and name in OPEN:
            wrongly_closed.append(name)
        elif (login == "admin") != (name in ADMIN_ONLY):
            wrongly_closed.append(name)
    assert undecided == [], f"call add_operator(parser) or open_command(parser) in register() of: {undecided}"
    assert wrongly_open == [] and wrongly_closed == []


def personal_commands(tmp: Path, samples: Path) -> dict[str, list[str]]:
    no = "2025330000004"
    return {
        "import": ["import", str(samples / "applicants_export.xlsx")],
        "list": ["list", "--format", "csv"],
        "show": ["show", no],
        "confirm": ["confirm", no, "--outcome", "confirmed"],
        "print": ["print", "receipt", no, "-o", str(tmp / "out.pdf")],
        "export batch": ["export", "batch", str(tmp / "out.zip")],
        "export batch --dry-run": ["export", "batch", "--dry-run"],
        "export batch --again": ["export", "batch", str(tmp / "out.zip"), "--again", "1"],
        "export day": ["export", "day", str(tmp / "out.zip")],
        "export roster": ["export", "roster", str(tmp / "out.xlsx")],
        "export stats": ["export", "stats", str(tmp / "out.xlsx")],
        "export audit": ["export", "audit", str(tmp / "out.xlsx")],
        "photo import": ["photo", "import", str(samples / "photos")],
        "photo normalize-all": ["photo", "normalize-all"],
        "photo sheet": ["photo", "sheet", str(tmp / "out.pdf")],
        "staff import": ["staff", "import", str(samples / "staff_list.xlsx")],
        "report coverage": ["report", "coverage", "--format", "json"],
        "backup": ["backup", str(tmp / "out.sqlite3")],
        "restore": ["restore", str(tmp / "out.sqlite3")],
        "user list": ["user", "list"],
    }


COMMANDS = list(personal_commands(Path("x"), Path("y")))


@pytest.mark.parametrize("command", COMMANDS)
def test_nobody_ghost_or_wrong_password_is_refused_and_nothing_happens(
    command: str, imported_store, tmp_path: Path, samples: Path, monkeypatch, capsys
) -> None:
    login_env(monkeypatch, imported_store.url)
    argv = ["--db", imported_store.url, *personal_commands(tmp_path, samples)[command]]
    db = imported_store.sqlite_path
    before = file_digest(db)
    monkeypatch.delenv("CONFIRM_DESK_USER")
    assert main(argv) == 2
    assert "--user" in capsys.readouterr().err
    for user, password in (("ghost", CLERK_PW), ("clerk", "Wrong#2026"), ("clerk", None)):
        if password is None:
            monkeypatch.delenv("CONFIRM_DESK_PASSWORD")
        else:
            monkeypatch.setenv("CONFIRM_DESK_PASSWORD", password)
        assert main([*argv, "--user", user]) == 2
        err = capsys.readouterr().err
        assert err.startswith("错误：") and "程序内部错误" not in err, err
        if password is None:
            assert "CONFIRM_DESK_PASSWORD" in err  # no terminal: said plainly, not EOFError
        else:
            assert "用户名或密码错误" in err
    assert file_digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("out")) == []


def test_a_confirmer_cannot_restore_an_admin_can(imported_store, tmp_path: Path, monkeypatch, capsys) -> None:
    login_env(monkeypatch, imported_store.url)
    backup = tmp_path / "b.sqlite3"
    assert main(["--db", imported_store.url, "backup", str(backup)]) == 0
    assert main(["--db", imported_store.url, "restore", str(backup)]) == 2
    assert "只有管理员" in capsys.readouterr().err
    monkeypatch.setenv("CONFIRM_DESK_PASSWORD", ADMIN_PW)
    assert main(["--db", imported_store.url, "restore", str(backup), "--user", "admin"]) == 0


def test_a_store_without_accounts_may_be_restored_by_anyone(imported_store, tmp_path: Path, monkeypatch) -> None:
    """A new PC getting its data back has nobody to log in as."""
    login_env(monkeypatch, imported_store.url)
    backup = tmp_path / "b.sqlite3"
    assert main(["--db", imported_store.url, "backup", str(backup)]) == 0
    monkeypatch.delenv("CONFIRM_DESK_USER")
    fresh = f"sqlite:///{tmp_path / 'new' / 'store.sqlite3'}"
    assert main(["--db", fresh, "restore", str(backup)]) == 0
    assert main(["--db", fresh, "restore", str(backup)]) == 2  # now it has accounts: the admin's


def test_commands_record_the_logged_in_operator(imported_store, tmp_path: Path, monkeypatch) -> None:
    from sqlalchemy import select

    from confirm_desk.store.models import AuditEvent

    login_env(monkeypatch, imported_store.url)
    no = "2025500000002"
    assert main(["--db", imported_store.url, "confirm", no, "--outcome", "confirmed",
                 "--override-reason", "原件已核对"]) == 0
    assert main(["--db", imported_store.url, "print", "receipt", no, "-o", str(tmp_path / "r.pdf")]) == 0
    with imported_store.session() as session:
        events = session.execute(select(AuditEvent.action, AuditEvent.operator)
                                 .where(AuditEvent.application_no == no)).all()
        logins = session.scalars(select(AuditEvent.operator).where(AuditEvent.action == "login")).all()
    assert {operator for action, operator in events if action != "photo_attach"} == {"clerk"}  # fixture: import
    assert logins == ["clerk", "clerk"]


def test_without_terminal_or_variable_a_plain_message(cli_clerk: str, tmp_path: Path, monkeypatch) -> None:
    """A real process with no terminal (stdin from /dev/null) and no password variable."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "CONFIRM_DESK_PASSWORD"}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run([sys.executable, "-m", "confirm_desk", "--db", cli_clerk, "list"], cwd=ROOT, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "CONFIRM_DESK_PASSWORD" in proc.stderr and "EOFError" not in proc.stderr
    assert "程序内部错误" not in proc.stderr and "Traceback" not in proc.stderr
