"""Keeps the applicant list in step with other seats: a light check on a timer while the window is in use."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from confirm_desk.ui.main.applicant_model import ApplicantListModel

log = logging.getLogger(__name__)
REFRESH_SECONDS = 20


class ListRefresher(QObject):
    """`ListRefresher(model, window)`: every REFRESH_SECONDS, while `window` is the active window, asks the
    store whether any applicant changed (one aggregate query) and repaints only the changed rows.
    Emits `refreshed(changed_rows)` after each check (e.g. to update the status counts)."""

    refreshed = Signal(int)

    def __init__(self, model: ApplicantListModel, window: QWidget, seconds: int = REFRESH_SECONDS) -> None:
        super().__init__(window)
        self.model, self.window = model, window
        self.timer = QTimer(self)
        self.timer.setInterval(seconds * 1000)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def tick(self) -> None:
        if not self.window.isActiveWindow():
            return  # nobody is looking: no queries from a seat left idle (the next look catches up)
        self.check_now()

    def check_now(self) -> None:
        """Ask now (through the model's runner); `refreshed(changed_rows)` follows."""
        self.model.refresh_changed(self.refreshed.emit, self._failed)

    def _failed(self, err: BaseException) -> None:
        # The server may be briefly unreachable; the list stays as it was and the next tick tries again.
        log.warning("list refresh failed", exc_info=err)
