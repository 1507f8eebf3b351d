"""Auto-lock after idle minutes: an application-wide event filter restarts a timer; on timeout the login
dialog covers the window as a lock screen until the same operator types the password."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from confirm_desk.services.accounts import Account
    from confirm_desk.ui.accounts.login_dialog import LoginDialog
    from confirm_desk.ui.ops import Store

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleLock(QObject):
    """`IdleLock(window, store, account, minutes)`; `minutes <= 0` turns it off. Emits locked/unlocked."""

    locked = Signal()
    unlocked = Signal()

    def __init__(self, window: QWidget, store: Store, account: Account, minutes: float) -> None:
        super().__init__(window)
        self.window, self.store, self.account = window, store, account
        self.dialog: LoginDialog | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.set_minutes(minutes)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: float) -> None:
        """Preferences changed: a new idle period (0 = never lock)."""
        self.minutes = minutes
        if minutes > 0:
            self.timer.start(int(minutes * 60_000))
        else:
            self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.dialog is None and event.type() in _ACTIVITY and self.minutes > 0:
            self.timer.start()  # restart the idle countdown
        return False

    @property
    def is_locked(self) -> bool:
        return self.dialog is not None

    def lock(self) -> None:
        from confirm_desk.ui.accounts.login_dialog import LoginDialog

        if self.dialog is not None:
            return
        self.dialog = LoginDialog(self.store, self.window, lock_account=self.account)
        # Application-modal: open check dialogs (children of the window) are blocked too.
        self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.dialog.accepted.connect(self._unlocked)
        self.locked.emit()
        self.dialog.show()
        self.dialog.raise_()

    def _unlocked(self) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.deleteLater()
        self.unlocked.emit()
        self.set_minutes(self.minutes)

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
