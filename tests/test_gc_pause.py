"""paused_gc: the cyclic collector is off during bulk jobs, on again after the last one, as it was before."""

from __future__ import annotations

import gc
import threading

import pytest

from confirm_desk.services.gc_pause import paused_gc


@pytest.fixture(autouse=True)
def _automatic_collection_on():
    """These start with automatic collection on, whatever ran before (a GUI job runner turns it off)."""
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_nested_and_overlapping_jobs_restore_the_collector_once_the_last_ends() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer job still runs
        started, release = threading.Event(), threading.Event()

        def other_job() -> None:
            with paused_gc():
                started.set()
                release.wait()

        worker = threading.Thread(target=other_job)
        worker.start()
        started.wait()
    assert not gc.isenabled()  # the other thread's job is still running
    release.set()
    worker.join()
    assert gc.isenabled()


def test_an_error_in_the_job_still_restores_it_and_a_disabled_collector_stays_off() -> None:
    try:
        with paused_gc():
            raise ValueError("job failed")
    except ValueError:
        pass
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
