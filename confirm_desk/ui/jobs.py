"""Long work off the GUI thread: one pool, a progress dialog after half a second, cancel that rolls back."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from confirm_desk.domain.errors import Cancelled, KnownError
from confirm_desk.services.progress import ProgressFn
from confirm_desk.ui.widgets.messages import show_bug, show_error

log = logging.getLogger(__name__)
T = TypeVar("T")
SHOW_AFTER_MS = 500


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[ProgressFn], Any], signals: _Signals, cancel: threading.Event) -> None:
        super().__init__()
        self.work, self.signals, self.cancel = work, signals, cancel

    def _progress(self, done: int, total: int, text: str) -> None:
        if self.cancel.is_set():
            raise Cancelled()
        self.signals.progress.emit(done, total, text)

    def run(self) -> None:
        try:
            result = self.work(self._progress)
        except BaseException as exc:  # handed to the GUI thread, which decides how to show it
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)


class JobRunner(QObject):
    """Runs service calls for one window. `synchronous=True` (tests) runs them inline."""

    def __init__(self, parent: QWidget | None = None, synchronous: bool = False,
                 pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.synchronous = synchronous
        self.pool = pool or QThreadPool.globalInstance()
        self._active: list[tuple[_Signals, QProgressDialog]] = []

    def run(
        self,
        title: str,
        work: Callable[[ProgressFn], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        if self.synchronous:
            try:
                result = work(lambda *_: None)
            except BaseException as exc:
                self._failed(exc, on_error)
            else:
                on_done(result)
            return
        signals = _Signals()
        cancel = threading.Event()
        dialog = QProgressDialog(title, "取消", 0, 0, self.parent_widget)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModal)
        dialog.setMinimumDuration(SHOW_AFTER_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(cancel.set)
        entry = (signals, dialog)
        self._active.append(entry)

        def update(done: int, total: int, text: str) -> None:
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(done, total) if total else 0)
            if text:
                dialog.setLabelText(text)

        def finish() -> None:
            dialog.reset()
            dialog.hide()
            dialog.deleteLater()
            if entry in self._active:
                self._active.remove(entry)

        def done(result: object) -> None:
            finish()
            on_done(result)  # type: ignore[arg-type]

        def failed(exc: object) -> None:
            finish()
            self._failed(exc, on_error)  # type: ignore[arg-type]

        signals.progress.connect(update)
        signals.finished.connect(done)
        signals.failed.connect(failed)
        QTimer.singleShot(0, lambda: self.pool.start(_Job(work, signals, cancel)))

    def wait_idle(self, timeout_ms: int = 30000) -> bool:
        return self.pool.waitForDone(timeout_ms)

    @property
    def busy(self) -> bool:
        return bool(self._active)

    def _failed(self, exc: BaseException, on_error: Callable[[BaseException], None] | None) -> None:
        if isinstance(exc, Cancelled):
            log.info("job cancelled")
            return
        if on_error is not None:
            on_error(exc)
        elif isinstance(exc, KnownError):
            show_error(self.parent_widget, exc.message)
        else:
            show_bug(self.parent_widget, exc)
