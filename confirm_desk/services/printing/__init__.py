"""Printing: paper layouts from forms/print/ drawn with reportlab into one PDF per job (no Qt here)."""

from confirm_desk.services.printing.documents import (
    KINDS,
    PdfResult,
    confirmed_ids,
    paper_kind,
    record_printed,
    render_pdf,
    write_pdf,
)
from confirm_desk.services.printing.print_data import PrintData, build_print_data, load_print_data

__all__ = [
    "KINDS",
    "PdfResult",
    "PrintData",
    "build_print_data",
    "confirmed_ids",
    "load_print_data",
    "paper_kind",
    "record_printed",
    "render_pdf",
    "write_pdf",
]
