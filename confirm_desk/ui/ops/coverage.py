"""Coverage for the UI: the staff list import, the report against it, its export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path

from confirm_desk.domain.coverage import CoverageReport
from confirm_desk.services import settings
from confirm_desk.services.confirming.calendar import AbandonedReport, abandoned
from confirm_desk.services.coverage.report import COVERAGE_UNTIL, coverage_report, default_until, write_coverage_xlsx
from confirm_desk.services.coverage.staff import import_staff, staff_count
from confirm_desk.services.importing.applicants import ImportResult
from confirm_desk.services.progress import ProgressFn
from confirm_desk.store.db import Store


def until_for(store: Store, as_of: dt.date) -> dt.date:
    """The end of the registration period the report uses (a store-wide preference, or its default)."""
    with store.session() as session:
        return default_until(session, as_of)


def report(store: Store, as_of: dt.date, until: dt.date, operator: str) -> CoverageReport | None:
    """The report (None before any staff list was imported). A changed end date is saved first: every
    seat sees the same period."""
    with store.session() as session:
        if default_until(session, as_of) != until:
            settings.save(session, {COVERAGE_UNTIL: until}, operator)
        return coverage_report(session, as_of, until) if staff_count(session) else None


def export_job(report: CoverageReport, path: str | Path, school: str) -> Callable[[ProgressFn], int]:
    """The report to an .xlsx (rows written), as a job: no database, but a whole file."""
    return lambda _progress: write_coverage_xlsx(report, Path(path), school)


def staff_import_job(store: Store, path: Path, operator: str,
                     manual: Mapping[str, str] | None = None) -> Callable[[ProgressFn], ImportResult]:
    """The staff list import as a job (its own transaction: Cancel rolls it back). It fails with
    ColumnsUnclear when a needed column is missing or unclear: run it again with `manual`."""
    return lambda progress: import_staff(store, path, progress=progress, operator=operator, manual=manual,
                                         ask_needed=True)


def abandoned_report(store: Store, as_of: dt.date) -> AbandonedReport:
    """The 视为自动放弃 list (CAL-1)."""
    with store.session() as session:
        return abandoned(session, as_of)
