"""Printing for the UI: one PDF for the chosen applicants (or all still waiting for a paper), and the record
that it went to the printer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from confirm_desk.services.printing.documents import PdfResult, confirmed_ids, record_printed, write_pdf
from confirm_desk.services.progress import ProgressFn
from confirm_desk.store.db import Store


def pdf_job(store: Store, ids: Sequence[int] | None, kind: str, out: Path,
            copies: int | None) -> Callable[[ProgressFn], PdfResult | None]:
    """The PDF as a job; `ids=None` takes every confirmed applicant still waiting for this paper. None when
    nobody is left to print."""
    wanted = list(ids) if ids is not None else None

    def work(progress: ProgressFn) -> PdfResult | None:
        with store.session() as session:
            chosen = wanted if wanted is not None else confirmed_ids(session, kind)
            return write_pdf(session, chosen, kind, out, copies, progress) if chosen else None

    return work


def record_job(store: Store, ids: Sequence[int], kind: str, operator: str,
               versions: dict[int, int] | None) -> Callable[[ProgressFn], int]:
    """Audit the print and clear the reprint flag of printed forms (CONF-3)."""

    def work(_progress: ProgressFn) -> int:
        with store.session() as session:
            return record_printed(session, ids, kind, operator, versions)

    return work
