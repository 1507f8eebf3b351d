"""First run as the user meets it: create the administrator, name the confirmation point, main window."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from confirm_desk.app import log_in_and_open
from confirm_desk.services import accounts, settings
from confirm_desk.services.applicants.demo import fill_demo
from confirm_desk.ui.accounts.login_dialog import LoginDialog
from confirm_desk.ui.main.window import MainWindow
from confirm_desk.ui.ops.settings import PreferencesStore
from confirm_desk.ui.settings.first_run_dialog import FirstRunDialog
from tests.accounts_helpers import fast_hasher, make_operators  # noqa: F401
from tests.ui.helpers import type_text


class ModalDriver:
    """Answers the modal dialogs `exec()` opens, in order: each handler gets the dialog on screen."""

    def __init__(self, *handlers) -> None:
        self.handlers = list(handlers)
        self.seen: list[str] = []
        self.timer = QTimer()
        self.timer.timeout.connect(self.poll)
        self.timer.start(20)

    def poll(self) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or not self.handlers or dialog.objectName() in self.seen:
            return
        dialog.setObjectName(type(dialog).__name__)
        self.seen.append(dialog.objectName())
        self.handlers.pop(0)(dialog)


def create_admin(dialog: LoginDialog) -> None:
    assert isinstance(dialog, LoginDialog) and dialog.first_run
    type_text(dialog.username, "boss")
    type_text(dialog.display_name, "王主任")
    type_text(dialog.password, "Boss#2026")
    type_text(dialog.confirm, "Boss#2026")
    dialog.ok_button.click()


def name_point(dialog: FirstRunDialog) -> None:
    assert isinstance(dialog, FirstRunDialog)
    dialog.save_button.click()  # empty name: refused, the dialog stays
    assert dialog.error.text() == "请填写确认点名称" and dialog.isVisible()
    type_text(dialog.name.lineEdit(), "定海区教师发展中心确认点")
    type_text(dialog.code, "330902-01")
    dialog.save_button.click()


def test_first_run_admin_then_point_then_main_window(qtbot, store) -> None:
    PreferencesStore(store).save({"idle_lock_minutes": 9})
    driver = ModalDriver(create_admin, name_point)
    window = log_in_and_open(store)
    driver.timer.stop()
    assert driver.seen == ["LoginDialog", "FirstRunDialog"]
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    assert window.account.username == "boss" and window.account.is_admin
    assert window.idle_lock.minutes == 9
    with store.session() as session:
        assert not accounts.needs_first_admin(session)
        values = settings.load(session)
    assert (values["point_name"], values["point_code"]) == ("定海区教师发展中心确认点", "330902-01")


def test_later_starts_skip_the_point_question(qtbot, store) -> None:
    make_operators(store)
    with store.session() as session:
        settings.save(session, {"point_name": "鼓楼区教师资格确认点"})

    def log_in(dialog: LoginDialog) -> None:
        assert not dialog.first_run
        type_text(dialog.username, "admin")
        type_text(dialog.password, "Admin#2026")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    driver = ModalDriver(log_in)
    window = log_in_and_open(store)
    driver.timer.stop()
    qtbot.addWidget(window)
    assert driver.seen == ["LoginDialog"] and window.idle_lock.minutes == 15


def test_point_dialog_offers_imported_points_and_can_wait(qtbot, store) -> None:
    fill_demo(store, 30)
    dialog = FirstRunDialog(store)
    qtbot.addWidget(dialog)
    offered = [dialog.name.itemText(i) for i in range(dialog.name.count())]
    assert "定海区教师发展中心确认点" in offered and dialog.name.currentText() == ""
    dialog.later_button.click()
    with store.session() as session:
        assert settings.needs_point(session)
