"""Printing for the UI: one PDF for the chosen applicants (or all still waiting for a paper), and the record
that it went to the printer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from confirm_desk.services.printing.documents import PdfResult, confirmed_ids, record_printed, write_pdf
from confirm_desk.services.printing.lists import ListResult
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


def list_job(store: Store, kind: str, out: Path, operator: str) -> Callable[[ProgressFn], ListResult | None]:
    """公示名单 / 材料交接清单 of everyone decided (audited); None when nobody is decided yet."""
    from confirm_desk.services import audit
    from confirm_desk.services.printing.lists import LIST_KINDS, decided_ids, write_list_pdf

    def work(progress: ProgressFn) -> ListResult | None:
        with store.session() as session:
            ids = decided_ids(session)
            if not ids:
                return None
            result = write_list_pdf(session, kind, ids, out, progress=progress)
            audit.record(session, f"print_{kind}", operator, detail=f"{LIST_KINDS[kind]} {result.rows} 人")
            return result

    return work
