"""Administrator's account screen: list operators, add one, unlock, reset a password, enable/disable."""

from __future__ import annotations

from collections.abc import Callable

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
    QVBoxLayout,
    QWidget,
)

from confirm_desk.services.accounts import ROLES, Account, AccountRow
from confirm_desk.services.audit_trail import local_time
from confirm_desk.ui.accounts.login_dialog import PASSWORD_RULE
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.ops import Store
from confirm_desk.ui.ops import accounts as ops
from confirm_desk.ui.widgets import messages
from confirm_desk.ui.widgets.prompts import ask_text
from confirm_desk.ui.widgets.rows_model import RowsModel, report_table

HEADERS = ("用户名", "姓名", "角色", "状态", "锁定至")


class UserAdminDialog(QDialog):
    """`UserAdminDialog(store, admin_account)`; only administrators get it (the services check again)."""

    def __init__(self, store: Store, admin: Account, parent: QWidget | None = None,
                 runner: JobRunner | None = None) -> None:
        super().__init__(parent)
        self.store, self.admin = store, admin
        self.runner = runner or JobRunner(self)
        self.rows: list[AccountRow] = []
        self.setWindowTitle("操作员管理")
        self.resize(720, 520)
        self.model = RowsModel(HEADERS, self)
        self.table = report_table(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
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
        for key, label in ROLES.items():
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
        store = self.store
        self.runner.fetch(lambda: ops.list_accounts(store), self._show_rows)

    def _show_rows(self, rows: list[AccountRow]) -> None:
        chosen = self.selected_username()  # kept selected across the reload after an action
        now = ops.now()
        cells = []
        for row in rows:
            until = row.locked_until if row.locked_until is not None and row.locked_until > now else None
            cells.append((
                row.username,
                row.display_name,
                ROLES.get(row.role, row.role),
                ("已锁定" if until else "启用") if row.active else "停用",
                f"{local_time(until):%H:%M}" if until else "",
            ))
        self.rows = rows
        self.model.set_rows(cells)
        names = [r.username for r in rows]
        if chosen in names:
            self.table.selectRow(names.index(chosen))

    def selected_username(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()].username if rows else None

    def _run(self, action: Callable[[], None], done: str, then: Callable[[], None] | None = None) -> None:
        """One administrator action through the runner; the list reloads and `done` is shown after it."""

        def finished(_result: None) -> None:
            self.reload()
            messages.show_info(self, done)
            if then is not None:
                then()

        self.runner.fetch(action, finished)  # a refusal: the runner shows its plain message

    def add_user(self) -> None:
        store, admin = self.store, self.admin
        username, display = self.new_username.text().strip(), self.new_display.text()
        password, role = self.new_password.text(), self.new_role.currentData()

        def clear() -> None:
            for edit in (self.new_username, self.new_display, self.new_password):
                edit.clear()

        self._run(lambda: ops.add_user(store, admin, username, display, password, role),
                  f"已新增操作员 {username}", clear)

    def unlock_selected(self) -> None:
        name, store, admin = self.selected_username(), self.store, self.admin
        if name:
            self._run(lambda: ops.unlock(store, admin, name), f"已解锁 {name}")

    def reset_selected(self) -> None:
        name, store, admin = self.selected_username(), self.store, self.admin
        if not name:
            return
        password = ask_text(self, "重置密码", f"{name} 的新密码（{PASSWORD_RULE}）：")
        if password is None:
            return
        self._run(lambda: ops.reset_password(store, admin, name, password), f"已重置 {name} 的密码并解锁")

    def toggle_selected(self) -> None:
        name, store, admin = self.selected_username(), self.store, self.admin
        if not name:
            return
        active = next(r.active for r in self.rows if r.username == name)
        self._run(lambda: ops.set_active(store, admin, name, not active), f"已{'停用' if active else '启用'} {name}")
