"""Login dialog, first-run admin, lockout with an injected clock, lock screen, admin and audit screens."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from confirm_desk.services import accounts
from confirm_desk.ui.accounts.login_dialog import LoginDialog
from confirm_desk.ui.accounts.user_admin_dialog import UserAdminDialog
from confirm_desk.ui.audit.view import COL_ACTION, AuditView
from confirm_desk.ui.main.idle_lock import IdleLock
from confirm_desk.ui.widgets import messages, prompts
from tests.accounts_helpers import ADMIN_PW, CLERK_PW, fast_hasher, make_operators  # noqa: F401
from tests.ui.helpers import type_text


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 3, 1, 9, 0)

    def __call__(self) -> dt.datetime:
        return self.now


def login(qtbot, dialog: LoginDialog, name: str, password: str) -> None:
    dialog.username.clear()
    type_text(dialog.username, name)
    dialog.password.clear()
    type_text(dialog.password, password)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_first_run_creates_the_admin(qtbot, store) -> None:
    dialog = LoginDialog(store)
    qtbot.addWidget(dialog)
    assert dialog.first_run and dialog.ok_button.text() == "创建并登录"
    type_text(dialog.display_name, "王主任")
    type_text(dialog.confirm, "Boss#2026")
    login(qtbot, dialog, "boss", "weakpass")
    assert "两次输入的密码不一致" in dialog.error.text()
    dialog.confirm.clear()
    type_text(dialog.confirm, "weakpass")
    login(qtbot, dialog, "boss", "weakpass")
    assert "至少三类" in dialog.error.text() and dialog.account is None
    dialog.confirm.clear()
    type_text(dialog.confirm, "Boss#2026")
    login(qtbot, dialog, "boss", "Boss#2026")
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.account.is_admin and dialog.account.display_name == "王主任"
    with store.session() as session:
        assert not accounts.needs_first_admin(session)


def test_lockout_in_the_dialog_and_after_ten_minutes(qtbot, store) -> None:
    make_operators(store)
    clock = Clock()
    dialog = LoginDialog(store, now=clock)
    qtbot.addWidget(dialog)
    assert not dialog.first_run
    for _ in range(3):
        login(qtbot, dialog, "clerk", "Wrong#123")
    assert "锁定" in dialog.error.text()
    login(qtbot, dialog, "clerk", CLERK_PW)
    assert dialog.account is None and "10 分钟" in dialog.error.text()
    clock.now += dt.timedelta(minutes=10)
    login(qtbot, dialog, "clerk", CLERK_PW)
    assert dialog.account is not None and dialog.account.username == "clerk"


def test_admin_unlocks_from_the_admin_screen(qtbot, store) -> None:
    admin, _ = make_operators(store)
    with store.session() as session:
        for _ in range(3):
            accounts.login(session, "clerk", "Wrong#123")
    screen = UserAdminDialog(store, admin)
    qtbot.addWidget(screen)
    row = [r.username for r in screen.rows].index("clerk")
    assert screen.model.cell(row, 3) == "已锁定"
    screen.table.selectRow(row)
    screen.unlock_selected()
    assert screen.model.cell(row, 3) == "启用"
    prompts.text_answers.append("Reset#2026")
    screen.reset_selected()
    assert messages.shown[-1] == ("info", "已重置 clerk 的密码并解锁")
    type_text(screen.new_username, "zhao")
    type_text(screen.new_password, "Zhao#2026")
    screen.add_user()
    assert "zhao" in [r.username for r in screen.rows] and screen.new_username.text() == ""
    with store.session() as session:
        assert accounts.login(session, "clerk", "Reset#2026").ok
        assert accounts.login(session, "zhao", "Zhao#2026").account.role == "confirmer"


def test_idle_lock_needs_the_same_password(qtbot, store) -> None:
    _admin, clerk = make_operators(store)
    window = QDialog()
    qtbot.addWidget(window)
    window.show()
    lock = IdleLock(window, store, clerk, minutes=5)
    assert lock.timer.isActive() and lock.timer.interval() == 5 * 60_000
    lock.timer.timeout.emit()  # what five idle minutes would do
    screen = lock.dialog
    assert lock.is_locked and screen.isVisible() and screen.username.text() == "clerk"
    screen.reject()
    qtbot.keyClick(screen, Qt.Key.Key_Escape)
    assert screen.isVisible()  # cannot be escaped
    type_text(screen.password, "Wrong#123")
    qtbot.mouseClick(screen.ok_button, Qt.MouseButton.LeftButton)
    assert lock.is_locked and "错误" in screen.error.text()
    type_text(screen.password, CLERK_PW)
    qtbot.mouseClick(screen.ok_button, Qt.MouseButton.LeftButton)
    assert not lock.is_locked and lock.timer.isActive()
    lock.stop()


def test_audit_view_filters_and_exports(qtbot, store, tmp_path) -> None:
    make_operators(store)
    with store.session() as session:
        accounts.login(session, "clerk", CLERK_PW)
        accounts.login(session, "clerk", "Wrong#123")
        accounts.login(session, "admin", ADMIN_PW)
    view = AuditView(store, operator="admin")
    qtbot.addWidget(view)
    assert view.model.rowCount() == 5
    view.operator.setCurrentIndex(view.operator.findData("clerk"))
    assert [r.action for r in view.events] == ["login", "login_failed"]
    view.action.setCurrentIndex(view.action.findData("login_failed"))
    assert view.model.rowCount() == 1 and view.model.index(0, COL_ACTION).data() == "登录失败"
    view.all_dates.setCurrentIndex(1)
    view.since.setDate(view.since.date().addDays(40))
    view.until.setDate(view.since.date())
    assert view.model.rowCount() == 0
    out = tmp_path / "audit.xlsx"
    view.all_dates.setCurrentIndex(0)
    view.export(str(out))
    assert messages.shown[-1] == ("info", "已导出 1 条审计记录")
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert [(r[2], r[3]) for r in rows[1:]] == [("clerk", "登录失败")]
