"""`paused_gc()`: no cyclic garbage collection during one bounded bulk job (a PDF of 1,000 pages, an export
batch of 20,000 rows).

Such a job keeps tens of thousands of new objects alive until it ends (pages, cached placements, rows), and
every so many of them CPython's collector walks the whole heap again looking for cycles the job never makes:
a full pass over the app's objects is ≈0.15 s, a tenth of a 1,000-form PDF. Reference counting still frees
everything as usual; cycles left meanwhile are collected when the job ends. Jobs may overlap (threads): the
collector runs again when the last one ends, and only if it was running before the first began. The GUI, whose
collector runs on a timer instead (ui/jobs.py), asks `paused()` and skips its passes meanwhile.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()


def paused() -> bool:
    """A bulk job is running inside paused_gc() (in any thread)."""
    return _depth > 0
