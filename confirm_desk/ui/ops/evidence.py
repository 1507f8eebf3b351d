"""Evidence work for the dialogs: import one file of training hours, assessments or contracts as a job."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from confirm_desk.services.importing.applicants import ImportResult
from confirm_desk.services.progress import ProgressFn
from confirm_desk.store.db import Store


def import_evidence_job(store: Store, kind: str, path: Path, operator: str) -> Callable[[ProgressFn], ImportResult]:
    """The import as a JobRunner work function (it runs off the GUI thread with its own session)."""

    def work(progress: ProgressFn) -> ImportResult:
        from confirm_desk.services.evidence.importing import import_evidence

        return import_evidence(store, kind, Path(path), progress=progress, operator=operator)

    return work
