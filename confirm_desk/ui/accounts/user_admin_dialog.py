"""Administrator's account screen: list operators, add one, unlock, reset a password, enable/disable."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.domain.errors import KnownError
from confirm_desk.services import accounts
from confirm_desk.services.accounts import Account
from confirm_desk.services.audit_trail import local_time
from confirm_desk.store.db import Store
from confirm_desk.store.models import utcnow
from confirm_desk.ui.accounts.login_dialog import PASSWORD_RULE
from confirm_desk.ui.widgets import messages
from confirm_desk.ui.widgets.prompts import ask_text

HEADERS = ("用户名", "姓名", "角色", "状态", "锁定至")


class UserAdminDialog(QDialog):
    """`UserAdminDialog(store, admin_account)`; only administrators get it (the services check again)."""

    def __init__(self, store: Store, admin: Account, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.admin = store, admin
        self.setWindowTitle("操作员管理")
        self.resize(720, 520)
        # A handful of operators: a small QTableWidget is enough here (not the big applicant list).
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        actions = QHBoxLayout()
        for text, slot in (
            ("解锁", self.unlock_selected),
            ("重置密码…", self.reset_selected),
            ("停用/启用", self.toggle_selected),
        ):
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            actions.addWidget(button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self._add_box())
        self.reload()

    def _add_box(self) -> QGroupBox:
        box = QGroupBox("新增操作员")
        form = QFormLayout(box)
        self.new_username, self.new_display = QLineEdit(), QLineEdit()
        self.new_password = QLineEdit()
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_role = QComboBox()
        for key, label in accounts.ROLES.items():
            self.new_role.addItem(label, key)
        add = QPushButton("新增")
        add.setAutoDefault(False)
        add.clicked.connect(self.add_user)
        form.addRow("用户名", self.new_username)
        form.addRow("姓名", self.new_display)
        form.addRow("初始密码", self.new_password)
        form.addRow("角色", self.new_role)
        form.addRow(QLabel(PASSWORD_RULE), add)
        return box

    def reload(self) -> None:
        with self.store.session() as session:
            self.rows = accounts.list_accounts(session)
        now = utcnow()
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            locked = row.locked_until is not None and row.locked_until > now
            cells = (
                row.username,
                row.display_name,
                accounts.ROLES.get(row.role, row.role),
                ("已锁定" if locked else "启用") if row.active else "停用",
                f"{local_time(row.locked_until):%H:%M}" if locked else "",
            )
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))

    def selected_username(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()].username if rows else None

    def _run(self, action, done: str) -> bool:
        try:
            with self.store.session() as session:
                action(session)
        except KnownError as err:
            messages.show_error(self, err.message)
            return False
        self.reload()
        messages.show_info(self, done)
        return True

    def add_user(self) -> bool:
        username = self.new_username.text().strip()
        ok = self._run(
            lambda s: accounts.add_user(
                s,
                self.admin,
                username,
                self.new_display.text(),
                self.new_password.text(),
                self.new_role.currentData(),
            ),
            f"已新增操作员 {username}",
        )
        if ok:
            for edit in (self.new_username, self.new_display, self.new_password):
                edit.clear()
        return ok

    def unlock_selected(self) -> bool:
        name = self.selected_username()
        return bool(name) and self._run(lambda s: accounts.unlock(s, self.admin, name), f"已解锁 {name}")

    def reset_selected(self) -> bool:
        name = self.selected_username()
        if not name:
            return False
        password = ask_text(self, "重置密码", f"{name} 的新密码（{PASSWORD_RULE}）：")
        if password is None:
            return False
        return self._run(
            lambda s: accounts.reset_password(s, self.admin, name, password), f"已重置 {name} 的密码并解锁"
        )

    def toggle_selected(self) -> bool:
        name = self.selected_username()
        if not name:
            return False
        active = next(r.active for r in self.rows if r.username == name)
        return self._run(
            lambda s: accounts.set_active(s, self.admin, name, not active),
            f"已{'停用' if active else '启用'} {name}",
        )
