"""The CLI families users/confirm/export audit, run through cli.main with passwords from the environment."""

from __future__ import annotations

from openpyxl import load_workbook

from confirm_desk.cli import main
from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants import resolve
from confirm_desk.services.confirmation import latest_decision, material_labels
from tests.accounts_helpers import fast_hasher  # noqa: F401


def run(monkeypatch, db_url: str, *argv: str, password: str | None = None, admin: str | None = None) -> int:  # noqa: ANN001
    for env, value in (("CONFIRM_DESK_PASSWORD", password), ("CONFIRM_DESK_ADMIN_PASSWORD", admin)):
        if value is None:
            monkeypatch.delenv(env, raising=False)
        else:
            monkeypatch.setenv(env, value)
    return main(["--db", db_url, *argv])


def test_users_and_confirm_from_the_command_line(imported_store, monkeypatch, tmp_path, capsys) -> None:  # noqa: ANN001
    url = imported_store.url
    assert run(monkeypatch, url, "user", "add", "boss", password="Boss#2026") == 0  # first run: admin
    assert (
        run(monkeypatch, url, "user", "add", "li", "--admin", "boss", password="Li#20266", admin="Boss#2026")
        == 0
    )
    assert (
        run(monkeypatch, url, "user", "add", "x", "--admin", "boss", password="short", admin="Boss#2026") == 2
    )
    assert (
        run(
            monkeypatch,
            url,
            "confirm",
            "2025330000016",
            "--outcome",
            "confirmed",
            "--user",
            "li",
            password="Li#20266",
        )
        == 2
    )  # a draft
    assert "网报未完成" in capsys.readouterr().err
    assert (
        run(
            monkeypatch,
            url,
            "confirm",
            "2025500000002",
            "--outcome",
            "incomplete",
            "--missing",
            "4",
            "身心",
            "--user",
            "li",
            password="Li#20266",
        )
        == 0
    )
    assert (
        run(
            monkeypatch,
            url,
            "confirm",
            "2025320000003",
            "--outcome",
            "rejected",
            "--user",
            "li",
            password="Li#20266",
        )
        == 2
    )
    assert "必须填写原因" in capsys.readouterr().err
    with imported_store.session() as session:
        decision = latest_decision(session, resolve(session, "2025500000002"))
    labels = material_labels()
    assert decision.outcome is Status.INCOMPLETE and decision.missing == [labels[3], labels[6]]
    assert decision.operator == "li"
    for _ in range(3):
        run(
            monkeypatch,
            url,
            "confirm",
            "2025320000003",
            "--outcome",
            "confirmed",
            "--user",
            "li",
            password="no",
        )
    assert "锁定" in capsys.readouterr().err
    assert run(monkeypatch, url, "user", "unlock", "li", "--admin", "boss", admin="Boss#2026") == 0
    out = tmp_path / "audit.xlsx"
    assert run(monkeypatch, url, "export", "audit", str(out), "--user", "boss") == 0
    actions = [r[3] for r in load_workbook(out).active.iter_rows(min_row=2, values_only=True)]
    assert actions[-5:] == ["登录失败", "登录失败", "账户锁定", "登录", "解锁账户"]  # boss logs in to unlock
