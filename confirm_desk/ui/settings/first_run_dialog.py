"""First run, after the administrator is created: which confirmation point is this desk?"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from confirm_desk.domain.errors import KnownError
from confirm_desk.services.accounts import Account
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.ops import Store
from confirm_desk.ui.ops import settings as ops
from confirm_desk.ui.widgets import messages


class FirstRunDialog(QDialog):
    """`FirstRunDialog(store, account, parent)`: saves the point's name and code (store-wide preferences,
    audited). 以后再说 leaves them unset; the question comes back at the next start."""

    def __init__(self, store: Store, account: Account | None = None, parent: QWidget | None = None,
                 runner: JobRunner | None = None) -> None:
        super().__init__(parent)
        self.store, self.account = store, account
        self.runner = runner or JobRunner(self)
        self.setWindowTitle("确认点信息")  # Qt adds " — 确认台" (the application's display name)
        self.setMinimumWidth(460)
        intro = QLabel("请填写本确认点的名称和代码。名称会打印在受理凭证和报表上，"
                       "以后可在“编辑 → 首选项”中修改。")
        intro.setWordWrap(True)
        self.name = QComboBox()
        self.name.setObjectName("point_name")
        self.name.setEditable(True)
        editor = self.name.lineEdit()
        assert editor is not None  # an editable combo box has one
        editor.setPlaceholderText("例如：定海区教师发展中心确认点")
        self.code = QLineEdit()
        self.code.setObjectName("point_code")
        self.code.setPlaceholderText("上级分配的确认点代码（可稍后填写）")
        form = QFormLayout()
        form.addRow("确认点名称", self.name)
        form.addRow("确认点代码", self.code)
        self.error = QLabel()
        self.error.setObjectName("first_run_error")
        self.error.setStyleSheet("color:#b3261e;")
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("save")
        self.later_button = buttons.addButton("以后再说", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.runner.fetch(lambda: ops.known_point_names(store), self._offer_points)

    def _offer_points(self, known: list[str]) -> None:
        """Points met in imported data, if any (typed text is kept)."""
        typed = self.name.currentText()
        self.name.addItems(known)
        self.name.setCurrentText(typed)

    def save(self) -> None:
        name = self.name.currentText().strip()
        if not name:
            self.error.setText("请填写确认点名称")
            return
        operator = self.account.username if self.account else ""
        store, code = self.store, self.code.text()
        self.save_button.setEnabled(False)
        self.runner.fetch(lambda: ops.save_point(store, name, code, operator), lambda _r: self.accept(),
                          self._refused)

    def _refused(self, err: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(err, KnownError):
            self.error.setText(err.message)
        else:
            messages.show_bug(self, err)
