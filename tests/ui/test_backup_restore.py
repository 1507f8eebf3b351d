"""Issue 18 item 9: backup from the menu (anyone), restore from the menu (administrator only), both as jobs
with progress; the help page tells the clerk how."""

from __future__ import annotations

from pathlib import Path

from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants.listing import resolve
from confirm_desk.services.audit_trail import AuditFilter, list_events
from confirm_desk.services.confirming.confirmation import CheckInput, load_check, save_check
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.main.window import MainWindow
from confirm_desk.ui.ops import backup as ops
from confirm_desk.ui.widgets import messages
from tests.accounts_helpers import fast_hasher, make_operators  # noqa: F401

NUMBER = "2025500000002"


def status_of(store) -> Status:
    with store.session() as session:
        return load_check(session, resolve(session, NUMBER)).status


def test_backup_then_restore_from_the_menus(qtbot, imported_store, make_window, tmp_path: Path) -> None:
    admin, clerk = make_operators(imported_store)
    window = make_window(imported_store, clerk)
    assert window.menus.act_backup.isEnabled() and not window.menus.act_restore.isEnabled()
    assert {"备份数据…", "从备份恢复…（管理员）"} <= {a.text() for a in window.menus.file_menu.actions()}
    out = tmp_path / "u盘" / "backup.sqlite3"
    window.flow.backup_data(out)
    assert out.is_file() and messages.shown[-1][0] == "info" and "60 位申请人" in messages.shown[-1][1]
    window.flow.restore_data(out)  # a confirmer is refused, nothing touched
    assert messages.shown[-1] == ("error", "只有管理员可以从备份恢复数据。")

    with imported_store.session() as session:
        applicant_id = resolve(session, NUMBER)
        save_check(session, applicant_id, CheckInput(outcome=Status.CONFIRMED, override_reason="测试：越过检查"),
                   "clerk", load_check(session, applicant_id).version)
    assert status_of(imported_store) is Status.CONFIRMED

    boss = make_window(imported_store, admin)
    assert boss.menus.act_restore.isEnabled()
    messages.answers.append(False)  # "no": nothing replaced
    boss.flow.restore_data(out)
    assert status_of(imported_store) is Status.CONFIRMED and "60 位申请人" in messages.shown[-1][1]
    messages.answers.append(True)
    boss.flow.restore_data(out)
    assert status_of(imported_store) is Status.PENDING
    assert messages.shown[-1][0] == "info"
    assert "恢复前的数据已另存为" in messages.shown[-1][1]
    with imported_store.session() as session:
        restores = list_events(session, AuditFilter(action="restore"))
    assert [(e.operator, e.action_label) for e in restores] == [("admin", "恢复备份")]


def test_backup_runs_as_a_job_with_progress(qtbot, imported_store, tmp_path: Path) -> None:
    admin, _clerk = make_operators(imported_store)
    window = MainWindow(imported_store, admin, runner=JobRunner(None))  # the real, threaded runner
    qtbot.addWidget(window)
    out = tmp_path / "threaded.sqlite3"
    window.flow.backup_data(out)
    qtbot.waitUntil(lambda: bool(messages.shown) and messages.shown[-1][0] == "info", timeout=30000)
    assert out.is_file()
    steps: list[tuple[int, int, str]] = []
    ops.make_backup(imported_store, tmp_path / "steps.sqlite3", "admin", lambda *a: steps.append(a))
    assert steps and steps[-1][0] == steps[-1][1] > 0 and steps[-1][2] == "正在复制数据库…"


def test_help_page_tells_how_to_back_up_and_restore(qtbot, store, make_window) -> None:
    window = make_window(store)
    window.menus.act_help.trigger()
    text = window.open_dialogs[-1].browser.toPlainText()
    for words in ("备份与恢复", "文件 → 备份数据…", "文件 → 从备份恢复…（管理员）", "安全副本", "开始正式工作"):
        assert words in text, words
