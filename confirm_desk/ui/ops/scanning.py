"""Scanning work for the check dialog: read a captured original, keep it, list and print the kept ones.

Each function opens its own session; the OCR part runs in the job runner's worker thread (never the GUI).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from confirm_desk.services.progress import ProgressFn
from confirm_desk.services.scanning.compare import FieldComparison, Reading
from confirm_desk.services.scanning.images import ScanInfo
from confirm_desk.store.db import Store


@dataclass(frozen=True)
class ScanOutcome:
    scan_id: int
    reading: Reading
    results: dict[str, FieldComparison]  # registry key -> comparison with the application


def scan_job(store: Store, applicant_id: int, data: bytes, source_name: str, desk_values: dict[str, str],
             operator: str) -> Callable[[ProgressFn], ScanOutcome]:
    """OCR one picture (the models load on the first call), compare it with the application as the dialog
    shows it, keep the picture with what was read. A picture no document kind is recognised in is still kept
    (the clerk captured it as evidence) and the KnownError goes up afterwards."""

    def work(progress: ProgressFn) -> ScanOutcome:
        from confirm_desk.domain.errors import KnownError
        from confirm_desk.services.scanning import engine
        from confirm_desk.services.scanning.compare import compare, read_document
        from confirm_desk.services.scanning.images import compress, store_image

        compress(data, source_name)  # a file that is no picture is refused before the OCR loads
        progress(0, 0, "正在加载文字识别模型…" if not engine.is_loaded() else "正在识别证件…")
        try:
            reading = read_document(data)
        except KnownError:
            with store.session() as session:
                store_image(session, applicant_id, data, source_name, operator)
            raise
        progress(0, 0, "正在比对…")
        results = compare([reading], desk_values)
        with store.session() as session:
            scan_id = store_image(session, applicant_id, data, source_name, operator, reading, results)
        return ScanOutcome(scan_id, reading, results)

    return work


def list_scans(store: Store, applicant_id: int) -> list[ScanInfo]:
    from confirm_desk.services.scanning.images import list_scans as listing

    with store.session() as session:
        return listing(session, applicant_id)


def scan_image(store: Store, scan_id: int) -> bytes:
    from confirm_desk.services.scanning.images import scan_image_bytes

    with store.session() as session:
        return scan_image_bytes(session, scan_id)


def delete_scan(store: Store, scan_id: int, operator: str) -> None:
    from confirm_desk.services.scanning.images import delete_scan as remove

    with store.session() as session:
        remove(session, scan_id, operator)


def evidence_pdf_job(store: Store, applicant_id: int, out: str, operator: str) -> Callable[[ProgressFn], Path]:
    def work(_progress: ProgressFn) -> Path:
        from confirm_desk.services.scanning.evidence_pdf import write_evidence_pdf

        with store.session() as session:
            return write_evidence_pdf(session, applicant_id, out, operator)

    return work


def record_scan_marks(store: Store, applicant_id: int, operator: str, used: dict[str, FieldComparison]) -> None:
    """After the dialog saved: which of the saved marks were set by a scan, with its confidence (audit)."""
    from confirm_desk.services.scanning.images import record_scan_marks as record

    if used:
        with store.session() as session:
            record(session, applicant_id, operator, used)
