"""The real job machinery: the thread pool, the progress dialog, Cancel that rolls back. Each job is paused at
a known point inside its transaction (the test waits for that state, no clock), Cancel is clicked in the progress
dialog, then the rows are counted: nothing of the job is left."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton
from sqlalchemy import func, select

from confirm_desk.services.progress import ProgressFn
from confirm_desk.store.models import AuditEvent, Batch, Photo, applicant_table
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.ops import batches as batch_ops
from confirm_desk.ui.ops import importing as import_ops
from confirm_desk.ui.ops import photos as photo_ops
from tests.test_batch_export import decide, pending_numbers

pytestmark = pytest.mark.samples
WAIT_MS = 60_000  # a ceiling on a loaded machine, not a delay: every wait ends when its state is reached


class Paused:
    """Wraps a job: at the first progress call that `when` accepts, the worker thread stops until `go()`."""

    def __init__(self, work: Callable[[ProgressFn], object], when: Callable[[int, int, str], bool]) -> None:
        self.work, self.when = work, when
        self.reached, self._go = threading.Event(), threading.Event()

    def __call__(self, progress: ProgressFn) -> object:
        def spy(done: int, total: int, text: str) -> None:
            if not self.reached.is_set() and self.when(done, total, text):
                self.reached.set()
                self._go.wait(WAIT_MS / 1000)
            progress(done, total, text)  # the runner's own: raises Cancelled once Cancel was clicked

        return self.work(spy)

    def go(self) -> None:
        self._go.set()


def cancel_at(qtbot, runner: JobRunner, title: str, job: Paused) -> tuple[list, list]:
    done: list = []
    failed: list = []
    runner.run(title, job, done.append, failed.append)
    (dialog,) = runner.progress_dialogs()
    assert dialog.labelText() == title
    qtbot.waitUntil(job.reached.is_set, timeout=WAIT_MS)
    dialog.findChild(QPushButton).click()  # 取消, as the clerk clicks it
    job.go()
    qtbot.waitUntil(lambda: not runner.busy, timeout=WAIT_MS)
    assert runner.progress_dialogs() == []
    return done, failed


def count(store, what) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(what)) or 0


@pytest.fixture
def runner(qtbot):
    return JobRunner(None, synchronous=False)  # the real thread pool


def test_import_runs_on_the_pool_and_cancel_rolls_it_back(qtbot, store, samples: Path, runner) -> None:
    export = samples / "applicants_export.xlsx"
    job = Paused(import_ops.import_job(store, export, samples / "photos", "clerk"),
                 lambda _d, _t, text: text.startswith("正在提交"))  # every row written, not yet committed
    done, failed = cancel_at(qtbot, runner, "正在导入", job)
    assert done == [] and failed == []  # cancelled quietly: no result, no message
    assert count(store, applicant_table) == 0 and count(store, Photo) == 0
    with store.session() as session:
        assert session.scalars(select(AuditEvent.action)).all() == []

    results: list = []
    runner.run("正在导入", import_ops.import_job(store, export, None, "clerk"), results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=WAIT_MS)
    assert results[0].imported == count(store, applicant_table) == 60


def test_batch_export_cancel_leaves_no_batch_and_no_file(qtbot, imported_store, tmp_path, runner) -> None:
    for number in pending_numbers(imported_store, 3):
        decide(imported_store, number)
    out = tmp_path / "out" / "batch.zip"
    out.parent.mkdir()
    job = Paused(batch_ops.export_job(imported_store, out, "clerk"),
                 lambda _d, _t, text: text.startswith("正在提交"))  # the zip written, the batch recorded
    done, failed = cancel_at(qtbot, runner, "导出批次", job)
    assert done == [] and failed == []
    with imported_store.session() as session:
        assert session.scalars(select(Batch.kind)).all() == ["import"]  # the sample import only
    assert list(out.parent.iterdir()) == []  # neither the zip nor its .part
    with imported_store.session() as session:
        synced = session.scalar(select(func.count()).where(applicant_table.c.synced_batch.is_not(None)))
    assert synced == 0


def test_photo_batch_cancel_keeps_every_photo_as_it_was(qtbot, imported_store, runner) -> None:
    with imported_store.session() as session:
        before = session.execute(select(Photo.applicant_id, Photo.normalized).order_by(Photo.applicant_id)).all()
    assert len(before) > 3
    job = Paused(photo_ops.normalize_photos_job(imported_store, None, "clerk"),
                 lambda done, _t, _text: done >= 3)  # three photos normalised inside the transaction
    done, failed = cancel_at(qtbot, runner, "正在规范照片", job)
    assert done == [] and failed == []
    with imported_store.session() as session:
        after = session.execute(select(Photo.applicant_id, Photo.normalized).order_by(Photo.applicant_id)).all()
    assert after == before


class _Watched:
    """A job's work whose bound method is connected to a signal of a widget (PySide holds it by a weak reference
    that disconnects from the widget when the object dies): it must die on the GUI thread, never on a pool
    thread while the GUI thread deletes that widget (the segfault this guards against)."""

    def __init__(self, widget, died: list) -> None:
        widget.destroyed.connect(self.noted)
        weakref.finalize(self, lambda: died.append(threading.current_thread() is threading.main_thread()))

    def noted(self, *_args) -> None:
        pass

    def __call__(self, progress: ProgressFn) -> int:
        progress(1, 1, "")
        return 1


def test_a_jobs_references_die_on_the_gui_thread_whatever_the_timing(qtbot, runner) -> None:
    from PySide6.QtWidgets import QWidget

    rounds = 150
    died: list[bool] = []
    answered: list[int] = []
    for _ in range(rounds):
        widget = QWidget()
        work = _Watched(widget, died)

        def done(result: int, widget=widget) -> None:
            answered.append(result)
            widget.deleteLater()  # the widget goes while the pool thread may still be winding the job down

        runner.run("正在处理", work, done)
        runner.fetch(lambda work=work: work(lambda *_: None), answered.append)
        del work, widget
    qtbot.waitUntil(lambda: len(answered) == 2 * rounds and not runner.busy, timeout=WAIT_MS)
    assert runner.wait_idle()
    qtbot.waitUntil(lambda: len(died) == rounds, timeout=WAIT_MS)
    assert all(died)


class _Cycle:
    """Garbage the GUI leaves behind: an object in a reference cycle with a Qt object (a closed dialog, its
    model and the closures its signals hold look like this). Only the cyclic collector frees it."""

    def __init__(self, died_in: list[int]) -> None:
        from PySide6.QtCore import QObject

        self.died_in = died_in
        self.qt = QObject()
        self.qt.cycle = self  # type: ignore[attr-defined]

    def __del__(self) -> None:
        self.died_in.append(threading.get_ident())


def test_garbage_cycles_are_collected_on_the_gui_thread_never_by_a_job(qtbot, runner) -> None:
    """The collector runs in the thread whose allocation crosses its threshold; a job allocates most, so it
    collected the GUI's garbage (windows, views, models) on a pool thread and deleted Qt objects there: the
    intermittent segfault. Here the GUI thread only waits while a job allocates as a report writer does."""
    import gc

    gui = threading.get_ident()
    died_in: list[int] = []
    answered: list[int] = []

    def allocate() -> int:  # many small containers: far past the collector's first threshold, many times
        kept = 0
        for _ in range(200):
            rows = [[i, str(i)] for i in range(1000)]
            kept += len(rows)
        return kept

    for rounds in range(1, 4):
        gc.collect()  # on this (GUI) thread: nothing older to collect, the counts start from zero
        for _ in range(40):
            _Cycle(died_in)  # unreachable at once, a cycle: waits for the collector
        runner.fetch(allocate, answered.append)
        assert runner.wait_idle()  # this thread blocks, allocating nothing, until the job has ended
        qtbot.waitUntil(lambda: not runner.busy, timeout=WAIT_MS)
        ballast = [[] for _ in range(2 * gc.get_threshold()[0])]  # the GUI thread's own allocations cross it
        qtbot.waitUntil(lambda rounds=rounds: len(died_in) == 40 * rounds, timeout=WAIT_MS)
        del ballast
    assert answered == [200_000] * 3
    assert set(died_in) == {gui}, "a job's thread collected the GUI's garbage"


def test_the_gui_threads_collector_waits_while_a_bulk_job_pauses_collection(qtbot) -> None:
    import gc

    from confirm_desk.services.gc_pause import paused_gc
    from confirm_desk.ui import jobs

    jobs.collect_on_gui_thread_only()
    assert not gc.isenabled()
    collector = jobs._collector[0]
    died_in: list[int] = []
    gc.collect()
    with paused_gc():
        for _ in range(10):
            _Cycle(died_in)
        ballast = [[] for _ in range(2 * gc.get_threshold()[0])]
        collector.collect()
        assert died_in == []  # an export or a PDF of 1,000 pages is not slowed by passes over its objects
    collector.collect()
    assert died_in == [threading.get_ident()] * 10
    del ballast


def test_a_job_finds_ld_library_path_already_there(qtbot, runner, monkeypatch) -> None:
    """OpenCV's first import in a job prepends to LD_LIBRARY_PATH; the variable exists before any job runs, so
    that write never reallocates the environment under the GUI thread. An existing value is left as it was."""
    import os

    if os.name != "posix":
        pytest.skip("Windows' C runtime locks its environment")
    monkeypatch.delenv("LD_LIBRARY_PATH", raising=False)
    seen: list[bool] = []
    runner.run("环境", lambda _progress: "LD_LIBRARY_PATH" in os.environ, seen.append)
    qtbot.waitUntil(lambda: seen == [True], timeout=WAIT_MS)
    assert os.environ["LD_LIBRARY_PATH"] == ""

    monkeypatch.setenv("LD_LIBRARY_PATH", "/opt/x")
    runner.run("环境", lambda _progress: os.environ["LD_LIBRARY_PATH"], seen.append)
    qtbot.waitUntil(lambda: seen == [True, "/opt/x"], timeout=WAIT_MS)
