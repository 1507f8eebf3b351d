"""Reading the tables of an HTML page saved as .xls (read.py's `_read_html`): loaded only for such a file, so
that an import of a workbook never loads html.parser."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from confirm_desk.domain.errors import FileRefused
from confirm_desk.services.spreadsheets.read import MAX_SHEET_CELLS, _span


class TableParser(HTMLParser):
    """Collects every table's cells with their spans. The stdlib parser knows only HTML's own named
    character references, so there is no entity expansion to bomb; nested tables are kept apart."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[tuple[str, int, int]]]] = []
        self._stack: list[list[list[tuple[str, int, int]]]] = []
        self._cell: list[str] | None = None
        self._span = (1, 1)
        self._cells = 0
        self._skip = 0  # inside <style>/<script>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        elif tag == "table":
            self._finish_cell()
            table: list[list[tuple[str, int, int]]] = []
            self._stack.append(table)
            self.tables.append(table)
        elif not self._stack:
            return
        elif tag == "tr":
            self._finish_cell()
            self._stack[-1].append([])
        elif tag in ("td", "th"):
            self._finish_cell()
            if not self._stack[-1]:
                self._stack[-1].append([])
            a = dict(attrs)
            self._span = (_span(a.get("rowspan")), _span(a.get("colspan")))
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and self._cell is not None:
            self._cell.append("\n")
        elif tag in ("td", "th"):
            self.handle_starttag(tag, attrs)
            self._finish_cell()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th", "tr"):
            self._finish_cell()
        elif tag == "table" and self._stack:
            self._finish_cell()
            self._stack.pop()
        elif tag in ("p", "div") and self._cell is not None:
            self._cell.append("\n")

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._skip:
            self._cell.append(data)

    def _finish_cell(self) -> None:
        if self._cell is None or not self._stack:
            self._cell = None
            return
        text = re.sub(r"[ \t\r\n]+", " ", "".join(self._cell)).strip()
        self._stack[-1][-1].append((text, *self._span))
        self._cell = None
        self._cells += 1
        if self._cells > MAX_SHEET_CELLS:
            raise FileRefused("too many cells")
