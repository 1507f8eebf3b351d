"""Shared look of the app's paper-like sheets (roster, statistics): fonts, thin borders, A4 landscape."""

from __future__ import annotations

from typing import Any

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from confirm_desk.services.spreadsheets.safe import strip_illegal

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
FONT_NAME = "宋体"


def font(size: float = 10, bold: bool = False, name: str = FONT_NAME) -> Font:
    return Font(name=name, size=size, bold=bold)


def banner(ws: Worksheet, row: int, text: str, last_col: int, size: float = 10, bold: bool = False,
           align: Alignment = LEFT, height: float | None = None) -> None:
    """A line of text across the table's width (title, subtitle, notes): merged, unbordered."""
    cell = ws.cell(row, 1, strip_illegal(text))
    cell.font, cell.alignment = font(size, bold), align
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    if height:
        ws.row_dimensions[row].height = height


def boxed(ws: Worksheet, row: int, col: int, value: Any, *, bold: bool = False, size: float = 10,
          align: Alignment = CENTER, text: bool = False) -> None:
    cell = ws.cell(row, col, strip_illegal(value) if isinstance(value, str) else value)
    cell.border, cell.alignment, cell.font = BOX, align, font(size, bold)
    if text:
        cell.number_format = "@"  # stays text when edited in Excel: no 3.3E+17


def box_range(ws: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
    """Borders on every cell of a range, merged ones included (Excel draws a merged cell's edge from them)."""
    for row in ws.iter_rows(min_row=first_row, max_row=last_row, min_col=first_col, max_col=last_col):
        for cell in row:
            cell.border = BOX


def widths(ws: Worksheet, values: list[float]) -> None:
    for i, width in enumerate(values, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def print_landscape(ws: Worksheet, title_rows: str | None = None) -> None:
    """A4 landscape, fit to the page width, header rows repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    if title_rows:
        ws.print_title_rows = title_rows
