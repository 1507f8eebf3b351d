"""Long work off the GUI thread: one pool, a progress dialog after half a second, cancel that rolls back."""

from __future__ import annotations

import gc
import logging
import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from confirm_desk.domain.errors import Cancelled, KnownError
from confirm_desk.services.gc_pause import paused
from confirm_desk.services.progress import ProgressFn

log = logging.getLogger(__name__)
T = TypeVar("T")
SHOW_AFTER_MS = 500
# A runner made without saying runs its jobs on the pool; the widget tests set this to True (tests/ui/conftest.py)
# so that a job's result is there when the call returns. Tests of the machinery itself pass synchronous=False.
SYNCHRONOUS_DEFAULT = False
_IN_FLIGHT: set[_Signals] = set()  # carriers of jobs not yet answered (see JobRunner.fetch)
COLLECT_EVERY_MS = 250


class _GuiThreadCollector(QObject):
    """Python's cyclic garbage collection, on the GUI thread only, once jobs can run.

    CPython's collector runs in whichever thread's allocation crosses its threshold, and a job (openpyxl,
    reportlab, SQLAlchemy) allocates far more than the GUI thread: so it was mostly a pool thread that collected
    the windows, dialogs, models, runners and closures left in reference cycles, and their wrappers' clean-up
    deleted Qt objects from that thread (or queued their deletion to a later, arbitrary point of the GUI
    thread) while the GUI thread used them. That was the intermittent segfault in the UI tests: a QTableView
    collected by a job's thread and deleted in the GUI thread's pending calls, and the GUI thread's own
    collections tripping over freed objects. So automatic collection is switched off and this timer, on the
    GUI thread, collects by the interpreter's own thresholds (the oldest generation over its threshold). It
    skips while a bulk job runs inside paused_gc(), as the automatic collector would have."""

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self.timer = QTimer(self)
        self.timer.setInterval(COLLECT_EVERY_MS)
        self.timer.timeout.connect(self.collect)
        self.timer.start()

    def collect(self) -> None:
        if paused():
            return
        counts, limits = gc.get_count(), gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > limits[generation]:
                gc.collect(generation)
                return


_collector: list[_GuiThreadCollector] = []


def collect_on_gui_thread_only() -> None:
    """Before any job goes to the pool (called on the GUI thread): automatic collection off, the GUI thread's
    timer collecting instead. Again each time: whatever turned automatic collection back on meanwhile."""
    app = QCoreApplication.instance()
    if app is None:
        return
    if not (_collector and shiboken6.isValid(_collector[0]) and _collector[0].parent() is app):
        _collector[:] = [_GuiThreadCollector(app)]
    gc.disable()
    environment_ready_for_jobs()


def environment_ready_for_jobs() -> None:
    """OpenCV's first import (in a photo or camera job, on a pool thread) prepends to LD_LIBRARY_PATH: a
    setenv() while the GUI thread may read the environment. Replacing an existing variable only swaps one
    pointer, but adding a new one reallocates the environment array under the reader; so the variable exists
    before the first job runs (empty: the dynamic loader ignores an empty LD_LIBRARY_PATH, and cv2 prepends
    to the old value with os.environ.get(…, '') anyway). Windows' C runtime locks its environment itself."""
    if os.name == "posix" and "LD_LIBRARY_PATH" not in os.environ:
        os.environ["LD_LIBRARY_PATH"] = ""


class _Signals(QObject):
    """Carries a job's progress and outcome back to the GUI thread (queued: it lives there). Parented to the
    application: its Python wrapper never owns it, so it is deleted only by deleteLater() on the GUI thread,
    whichever thread drops the last Python reference to it."""

    progress = Signal(int, int, str)
    settled = Signal()  # the outcome is in the job's _Handoff


class _Handoff:
    """Everything a job holds, owned by the GUI thread. The worker thread must never drop the last reference
    to any of it: a Python object dying there runs its clean-up there (e.g. the weak reference behind
    `signal.connect(obj.method)` disconnects from a widget that the GUI thread is deleting: a segfault in the
    pool thread, with no Python frame). So the worker reads the work and the cancel flag from here and leaves
    its outcome here, and the GUI thread empties it (take()) once the job has settled."""

    __slots__ = ("cancel", "outcome", "work")

    def __init__(self, work: Callable[[ProgressFn], Any], cancel: threading.Event) -> None:
        self.work: Callable[[ProgressFn], Any] | None = work
        self.cancel: threading.Event | None = cancel
        self.outcome: tuple[bool, Any] | None = None  # (True, result) or (False, exception)

    def take(self) -> tuple[bool, Any]:
        """On the GUI thread: the outcome, and every reference the job held is dropped here."""
        outcome = self.outcome if self.outcome is not None else (False, RuntimeError("job settled without outcome"))
        self.work = self.cancel = self.outcome = None
        return outcome


class _Job:
    """Runs on a pool thread. Holds only the handoff and the carrier (both kept alive by the GUI thread until
    it has taken the outcome) and keeps no result, exception or work in a local variable of its own.

    Not a QRunnable: the pool is given the bound `run` (QThreadPool.start(callable): a C++ runnable that the
    pool deletes, no Python wrapper). A Python QRunnable is made the pool wrapper's child only after
    start() returns, with the GIL back: a job that had already finished and been deleted by then stayed
    that child for good (its wrapper and carrier leaked: 49 of 2,000 fetches here)."""

    __slots__ = ("handoff", "signals")

    def __init__(self, handoff: _Handoff, signals: _Signals) -> None:
        self.handoff, self.signals = handoff, signals

    def _progress(self, done: int, total: int, text: str) -> None:
        cancel = self.handoff.cancel
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        self.signals.progress.emit(done, total, text)

    def run(self) -> None:
        handoff = self.handoff
        try:
            handoff.outcome = (True, handoff.work(self._progress))  # type: ignore[misc]
        except BaseException as exc:  # handed to the GUI thread, which decides how to show it
            handoff.outcome = (False, exc)
        try:
            self.signals.settled.emit()
        except RuntimeError:  # the carrier went away meanwhile (application shut down): nobody is waiting
            log.info("job finished after its owner closed")


def _carrier() -> _Signals:
    return _Signals(QCoreApplication.instance())


class JobRunner(QObject):
    """Runs `ui/ops` calls for one window or dialog, off the GUI thread, and hands each result back on it.

    `run()` is for long work (a progress dialog after half a second, Cancel rolls back); `fetch()` for a short
    read or save (no dialog: the widget shows its result when it arrives). `synchronous=True` runs them inline.
    """

    def __init__(self, parent: QWidget | None = None, synchronous: bool | None = None,
                 pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.synchronous = SYNCHRONOUS_DEFAULT if synchronous is None else synchronous
        self.pool = pool or QThreadPool.globalInstance()
        self._active: list[tuple[_Signals, QProgressDialog]] = []
        self._pending = 0  # fetches not yet answered

    def run(
        self,
        title: str,
        work: Callable[[ProgressFn], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
    ) -> None:
        """`on_cancelled` runs (on the GUI thread) when the clerk pressed 取消 and the work stopped."""
        if self.synchronous:
            try:
                result = work(lambda *_: None)
            except BaseException as exc:
                self._failed(exc, on_error, on_cancelled)
            else:
                on_done(result)
            return
        collect_on_gui_thread_only()
        signals = _carrier()
        _IN_FLIGHT.add(signals)  # see fetch(): it outlives the job whatever happens to the widget
        cancel = threading.Event()
        handoff = _Handoff(work, cancel)
        dialog = QProgressDialog(title, "取消", 0, 0, self.parent_widget)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(SHOW_AFTER_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        # A lambda, not `cancel.set`: a bound method is held by a weak reference whose callback disconnects from
        # the dialog, and would run in whichever thread drops the Event last.
        dialog.canceled.connect(lambda: cancel.set())
        entry = (signals, dialog)
        self._active.append(entry)

        def update(done: int, total: int, text: str) -> None:
            if not shiboken6.isValid(dialog):
                return
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(done, total) if total else 0)
            if text:
                dialog.setLabelText(text)

        def settled() -> None:
            ok, value = handoff.take()  # the job's references die here, on the GUI thread
            _IN_FLIGHT.discard(signals)
            signals.deleteLater()
            if shiboken6.isValid(dialog):
                dialog.reset()
                dialog.hide()
                dialog.deleteLater()
            if not shiboken6.isValid(self):
                return  # the window that asked is gone: nobody to hand the result to
            if entry in self._active:
                self._active.remove(entry)
            if ok:
                on_done(value)
            else:
                self._failed(value, on_error, on_cancelled)

        signals.progress.connect(update)
        signals.settled.connect(settled)
        run, pool = _Job(handoff, signals).run, self.pool
        QTimer.singleShot(0, lambda: pool.start(run))

    @property
    def parent_widget(self) -> QWidget | None:
        """The widget that owns this runner (dialogs and messages open over it). Asked of Qt each time: a
        Python reference back to the owner would make a cycle that the garbage collector tears down at a
        random moment, deleting the C++ objects twice."""
        parent = self.parent()
        return parent if isinstance(parent, QWidget) else None

    def fetch(
        self,
        work: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
        *,
        inline: bool = False,
    ) -> None:
        """A short database call (e.g. `lambda: ops.coverage.load(store)`) off the GUI thread, without a
        progress dialog; `on_done(result)` runs on the GUI thread unless this runner's owner closed first.
        `inline=True`: run it now on this thread instead, for a read the caller knows to take about a
        millisecond (a local index seek), where the trip through the pool would cost more than the read."""
        if self.synchronous or inline:
            try:
                result = work()
            except BaseException as exc:
                self._failed(exc, on_error)
            else:
                on_done(result)
            return
        # No parent, and held in _IN_FLIGHT until answered: the carrier must outlive the job even when the widget
        # that asked is closed meanwhile (deleting it while the worker emits would crash); the answer is then
        # dropped, not delivered to a deleted widget.
        collect_on_gui_thread_only()
        signals = _carrier()
        _IN_FLIGHT.add(signals)
        self._pending += 1
        handoff = _Handoff(lambda _progress: work(), threading.Event())

        def settled() -> None:
            ok, value = handoff.take()  # the job's references die here, on the GUI thread
            _IN_FLIGHT.discard(signals)
            signals.deleteLater()
            if not shiboken6.isValid(self):
                return
            self._pending -= 1
            if ok:
                on_done(value)
            else:
                self._failed(value, on_error)

        signals.settled.connect(settled)
        self.pool.start(_Job(handoff, signals).run)

    def wait_idle(self, timeout_ms: int = 30000) -> bool:
        return self.pool.waitForDone(timeout_ms)

    def progress_dialogs(self) -> list[QProgressDialog]:
        """The progress dialogs of the jobs still running (each shows itself after SHOW_AFTER_MS)."""
        return [dialog for _signals, dialog in self._active]

    @property
    def busy(self) -> bool:
        """A job or a fetch has not yet handed back its result."""
        return bool(self._active) or self._pending > 0

    def _failed(self, exc: BaseException, on_error: Callable[[BaseException], None] | None,
                on_cancelled: Callable[[], None] | None = None) -> None:
        if isinstance(exc, Cancelled):
            log.info("job cancelled")
            if on_cancelled is not None:
                on_cancelled()
            return
        if on_error is not None:
            on_error(exc)
        else:
            self.show_failure(exc)

    def show_failure(self, exc: BaseException) -> None:
        """How a failed job is shown when its caller has nothing better to do with it."""
        from confirm_desk.ui.widgets.messages import show_bug, show_error  # not before the first window's paint

        if isinstance(exc, KnownError):
            show_error(self.parent_widget, exc.message)
        else:
            show_bug(self.parent_widget, exc)
