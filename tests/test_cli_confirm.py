"""The CLI families users/confirm/export audit, run through cli.main with passwords from the environment."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from confirm_desk.cli import main
from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants.listing import resolve
from confirm_desk.services.confirming.confirmation import latest_decision, material_labels
from tests.accounts_helpers import fast_hasher  # noqa: F401

BOSS_PW, LI_PW = "Boss#2026", "Li#20266"


@pytest.fixture
def cli(imported_store, monkeypatch):
    """cli(*argv, password=..., admin=...) -> exit code; passwords go through the environment."""

    def run(*argv: str, password: str | None = None, admin: str | None = None) -> int:
        for env, value in (("CONFIRM_DESK_PASSWORD", password), ("CONFIRM_DESK_ADMIN_PASSWORD", admin)):
            if value is None:
                monkeypatch.delenv(env, raising=False)
            else:
                monkeypatch.setenv(env, value)
        return main(["--db", imported_store.url, *argv])

    return run


def confirm(cli, number: str, outcome: str, *extra: str, password: str = LI_PW) -> int:
    return cli("confirm", number, "--outcome", outcome, "--user", "li", *extra, password=password)


def test_users_and_confirm_from_the_command_line(cli, imported_store, tmp_path, capsys) -> None:
    assert cli("user", "add", "boss", password=BOSS_PW) == 0  # first run: the admin
    assert cli("user", "add", "li", "--admin", "boss", password=LI_PW, admin=BOSS_PW) == 0
    assert cli("user", "add", "x", "--admin", "boss", password="short", admin=BOSS_PW) == 2
    assert confirm(cli, "2025330000016", "confirmed") == 2  # a draft
    assert "网报未完成" in capsys.readouterr().err
    assert confirm(cli, "2025500000002", "incomplete", "--missing", "4", "身心") == 0
    assert confirm(cli, "2025320000003", "rejected") == 2
    assert "必须填写原因" in capsys.readouterr().err
    with imported_store.session() as session:
        decision = latest_decision(session, resolve(session, "2025500000002"))
    labels = material_labels()
    assert decision.outcome is Status.INCOMPLETE and decision.missing == [labels[3], labels[6]]
    assert decision.operator == "li"
    for _ in range(3):
        confirm(cli, "2025320000003", "confirmed", password="no")
    assert "锁定" in capsys.readouterr().err
    assert cli("user", "unlock", "li", "--admin", "boss", admin=BOSS_PW) == 0
    out = tmp_path / "audit.xlsx"
    assert cli("export", "audit", str(out), "--user", "boss") == 2  # no password, no terminal
    assert "CONFIRM_DESK_PASSWORD" in capsys.readouterr().err
    assert cli("export", "audit", str(out), "--user", "boss", password=BOSS_PW) == 0
    actions = [r[3] for r in load_workbook(out).active.iter_rows(min_row=2, values_only=True)]
    # boss logs in to unlock, then to export
    assert actions[-6:] == ["登录失败", "登录失败", "账户锁定", "登录", "解锁账户", "登录"]
