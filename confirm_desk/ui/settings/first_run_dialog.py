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

from confirm_desk import APP_NAME_ZH
from confirm_desk.domain.errors import KnownError
from confirm_desk.services import settings
from confirm_desk.services.accounts import Account
from confirm_desk.store.db import Store


def needs_first_run(store: Store) -> bool:
    with store.session() as session:
        return settings.needs_point(session)


class FirstRunDialog(QDialog):
    """`FirstRunDialog(store, account, parent)`: saves the point's name and code (store-wide preferences,
    audited). 以后再说 leaves them unset; the question comes back at the next start."""

    def __init__(self, store: Store, account: Account | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.account = store, account
        self.setWindowTitle(f"{APP_NAME_ZH} — 确认点信息")
        self.setMinimumWidth(460)
        with store.session() as session:
            known = settings.known_point_names(session)
        intro = QLabel("请填写本确认点的名称和代码。名称会打印在受理凭证和报表上，"
                       "以后可在“编辑 → 首选项”中修改。")
        intro.setWordWrap(True)
        self.name = QComboBox()
        self.name.setObjectName("point_name")
        self.name.setEditable(True)
        self.name.addItems(known)  # points met in imported data, if any
        self.name.setCurrentText("")
        self.name.lineEdit().setPlaceholderText("例如：定海区教师发展中心确认点")
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

    def save(self) -> None:
        name = self.name.currentText().strip()
        if not name:
            self.error.setText("请填写确认点名称")
            return
        operator = self.account.username if self.account else ""
        try:
            with self.store.session() as session:
                settings.save(session, {"point_name": name, "point_code": self.code.text()}, operator)
        except KnownError as err:
            self.error.setText(err.message)
            return
        self.accept()
