"""Importing for the UI: the applicant export as a job (with the mapping step's input and its refusal),
then the conflicts with local edits."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from confirm_desk.domain.actors import ActorLike
from confirm_desk.services.importing import conflicts
from confirm_desk.services.importing.applicants import ImportResult, import_applicants
from confirm_desk.services.importing.conflicts import Choice
from confirm_desk.services.importing.reconcile import PendingConflict
from confirm_desk.services.photos.intake import PhotoImportResult
from confirm_desk.services.progress import ProgressFn
from confirm_desk.services.spreadsheets.columns import ColumnsUnclear, FieldSpec
from confirm_desk.store.db import Store

__all__ = ["ColumnsUnclear", "FieldSpec", "import_job", "pending_conflicts", "photos_job", "resolve_conflicts"]



def import_job(store: Store, file: Path, photos: Path | None, operator: str,
               manual: Mapping[str, str] | None = None,
               sheet: str | None = None) -> Callable[[ProgressFn], ImportResult]:
    """The import as a job (its own transaction: Cancel or a bad file leaves the store as it was). It fails
    with ColumnsUnclear when a person must say which column is which: run it again with `manual`."""
    return lambda progress: import_applicants(store, file, photos, progress=progress, operator=operator,
                                              manual=manual, ask_needed=True, sheet=sheet)


def photos_job(store: Store, source: Path, operator: str) -> Callable[[ProgressFn], PhotoImportResult]:
    """Photos only (a folder or a .zip), attached to the applicants already in the store: one transaction."""
    from confirm_desk.services.photos.intake import import_photos

    return lambda progress: import_photos(store, source, operator=operator, progress=progress)


def pending_conflicts(store: Store) -> list[PendingConflict]:
    with store.session() as session:
        return conflicts.list_pending(session)


def resolve_conflicts(store: Store, picks: Mapping[int, Choice], operator: ActorLike | None) -> int:
    """Settle the chosen conflicts (each audited); how many."""
    with store.session() as session:
        return conflicts.resolve(session, picks, operator)
