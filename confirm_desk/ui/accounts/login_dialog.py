"""Log-in at start (or first-run creation of the administrator), also used as the idle lock screen."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.domain.errors import KnownError
from confirm_desk.services.accounts import Account, LoginResult
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.ops import Store
from confirm_desk.ui.ops import accounts as ops
from confirm_desk.ui.widgets import messages

PASSWORD_RULE = "密码至少 8 位，须包含大写字母、小写字母、数字、符号中的至少三类。"


class LoginDialog(QDialog):
    """After `exec()`/`accepted`, `account` holds who logged in. With `lock_account` it is a lock screen:
    only that operator's password closes it. Whether this is the first run (no administrator yet: the
    dialog creates one) is asked through the runner; `first_run` may be given when the caller knows."""

    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        *,
        lock_account: Account | None = None,
        now: Callable = ops.now,
        runner: JobRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.lock_account, self.now = store, lock_account, now
        self.runner = runner or JobRunner(self)
        self.account: Account | None = None
        self.first_run = False
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.form = form = QFormLayout()
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.display_name = QLineEdit()
        self.display_name.setObjectName("display_name")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit()
        self.confirm.setObjectName("confirm")
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("用户名", self.username)
        form.addRow("姓名", self.display_name)
        form.addRow("密码", self.password)
        form.addRow("再输入一次", self.confirm)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("login_error")
        self.error.setStyleSheet("color:#b3261e;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.ok_button = QPushButton()
        self.ok_button.setObjectName("login")
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.submit)
        quit_button = QPushButton("退出程序" if lock_account else "取消")
        quit_button.setAutoDefault(False)
        quit_button.clicked.connect(self._quit if lock_account else self.reject)
        buttons.addWidget(self.ok_button)
        buttons.addWidget(quit_button)
        layout.addLayout(buttons)
        if lock_account is not None:
            self.username.setText(lock_account.username)
            self.username.setReadOnly(True)
            self.password.setFocus()
        self._set_mode(False)
        if lock_account is None:
            self.runner.fetch(lambda: ops.needs_first_admin(store), self._set_mode)

    def _set_mode(self, first_run: bool) -> None:
        """Log-in, or (no administrator yet) create the administrator: the name and repeat rows show."""
        self.first_run = first_run
        self.setWindowTitle(self._title())
        self.intro.setText(self._intro())
        self.ok_button.setText("创建并登录" if first_run else ("解锁" if self.lock_account else "登录"))
        self.form.setRowVisible(self.display_name, first_run)
        self.form.setRowVisible(self.confirm, first_run)

    def _title(self) -> str:
        if self.lock_account is not None:
            return "已锁定"  # Qt adds the application's display name (确认台) after every title
        return "首次运行" if self.first_run else "登录"

    def _intro(self) -> str:
        if self.lock_account is not None:
            return f"长时间未操作，屏幕已锁定。请 {self.lock_account.shown_name} 输入密码解锁。"
        if self.first_run:
            return "首次运行：请创建管理员账户。管理员可以添加确认员、解锁和重置密码。\n" + PASSWORD_RULE
        return "请输入用户名和密码。连续 3 次密码错误，账户将锁定 10 分钟。"

    def submit(self) -> None:
        self.error.clear()
        store, now = self.store, self.now
        name, password = self.username.text(), self.password.text()
        self.ok_button.setEnabled(False)  # one answer at a time
        if self.first_run:
            display, confirm = self.display_name.text(), self.confirm.text()
            self.runner.fetch(lambda: ops.create_first_admin(store, name, display, password, confirm, now),
                              self._answered, self._refused)
        else:
            self.runner.fetch(lambda: ops.log_in(store, name, password, now), self._answered, self._refused)

    def _refused(self, err: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if isinstance(err, KnownError):
            self.error.setText(err.message)
        else:
            messages.show_bug(self, err)

    def _answered(self, result: LoginResult) -> None:
        self.ok_button.setEnabled(True)
        if result.account is None:
            self.error.setText(result.message)
            self.password.clear()
            self.password.setFocus()
            return
        self.account = result.account
        self.password.clear()
        self.accept()

    def _quit(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.quit()

    # A lock screen cannot be closed or escaped; only the password (or quitting the app) ends it.
    def reject(self) -> None:
        if self.lock_account is None:
            super().reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.lock_account is not None and event.key() == Qt.Key.Key_Escape:
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.lock_account is not None and self.account is None:
            event.ignore()
            return
        super().closeEvent(event)
