"""Reading tabular files as offices really make them. The format is told by the content, never by the name:
.xlsx/.xlsm/.ods (zip) and .xls (OLE2) via python-calamine; an HTML table saved as ".xls" (web systems export
that, often in GBK); Excel 2003 XML (SpreadsheetML, through defusedxml); CSV/TSV text in any of the encodings
Chinese offices use. Returns plain rows (a `Rows` list that also knows its merged cells); knows nothing of
applicants."""

from __future__ import annotations

import codecs
import csv
import html
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from confirm_desk.domain.errors import FileRefused
from confirm_desk.services.spreadsheets.probe import tried_in_child
from confirm_desk.services.spreadsheets.xlsx_parts import (
    DECLARATION,
    IN_TAG,
    NAME,
    PASSED_OVER,
    XML_WS,
    reference_as_read,
    sheet_members,
)

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from python_calamine import CalamineWorkbook

# HTML table cells as read: text, row span, column span.
HtmlTable = list[list[tuple[str, int, int]]]

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".et"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv", ".tab"}
MARKUP_SUFFIXES = {".htm", ".html", ".xml"}
KNOWN_SUFFIXES = SPREADSHEET_SUFFIXES | CSV_SUFFIXES | MARKUP_SUFFIXES
# For file dialogs: every name a table may come under (the content decides what it is).
OPEN_PATTERNS = " ".join(f"*{s}" for s in (".xlsx", ".xls", ".csv", ".xlsm", ".et", ".ods", ".txt", ".tsv", ".htm",
                                             ".html", ".xml"))
MAX_CELL_CHARS = 10_000
# The reader allocates the whole rectangle up to the last cell with content (32 bytes a cell): one stray
# value in XFD1048576 would ask for 550 GB and abort the process. Far beyond any export, well within memory.
MAX_ROWS = 200_000
MAX_COLUMNS = 16_384
MAX_SHEET_CELLS = 10_000_000  # an .xls at its limit (65,536 × 256) is 16.7 million: 1 GB and seconds
MAX_MARKUP_BYTES = 512 * 1024 * 1024  # an HTML/XML "spreadsheet" is parsed in memory
# How the reader places a cell: by its own reference (r="AB12"); a cell without one right after the cell before
# it, in the row its row element names (r="12") or else the row after the one before. Its whole range (rows x
# columns) is then allocated at once, so the scan must know how far the cells with content reach before it reads.
# A cell written as every writer writes it: `c r="REF"` (the reference its first attribute, in double quotes), REF
# within column CZ and row 199,999 (upper-case letters); anything else (a cell further out, a lower-case or longer
# reference) is placed by _place_cells:
_FAR_CELL = re.compile(rb"""c(?<=[<:]c) r="(?![A-C]?[A-Z](?:[0-9]{1,5}|1[0-9]{5})")""")
# A cell written otherwise (no reference, another attribute first, single quotes, other white space): its place
# is found as the reader finds it (_place_cells).
_ODD_CELL = re.compile(rb"""c(?<=[<:]c)(?:[>/\t\n\r]| (?:[^r]|r[^=]|r=[^"]))""")
# A tag's inside as an XML parser reads it: a quoted value whole (a '>' in an attribute's value does not end it).
_IN_TAG = IN_TAG
# The sheet as the reader's tokenizer reads it. Its tags are read with quoting from the first byte after '<', and a
# tag's name runs to the first white space (`<c/ r="A1"/>` is named `c/`, no cell); here every tag must have a plain
# XML name (letters, digits, `_.-`, one prefix), whatever else is refused (the reader would read it its own way).
# Kinds of token: `cell` a cell whose inside is only values, formulas or inline strings of plain text (one token:
# most cells of a sheet written without references); `child` such a value, formula (`v`, `f`), text (`t`) or
# inline string (`is`) on its own; `name` a row, cell, value, formula, text or inline string tag otherwise (start,
# end or empty); `open` a '<' that starts no well-formed tag or comment (cut off at the end of a piece: read again
# with the next; a whole one is refused). Anything else in runs: text, other tags, and what the parser passes over
# (comments, CDATA, processing instructions); a `<c` in those, or in another tag's quoted value, is no cell and must
# not swallow the real ones after it.
_WS = b"[" + XML_WS + b"]"
_NAME = NAME
_PREFIX = rb"(?:" + _NAME + rb":)?"
_PLACING_NAMES = rb"(?:row|c|v|f|is|t)"
# A start tag's attributes, after white space. Contents below are read possessively (`++`, `*+`): their parts
# cannot overlap, and a cell that does not end as one is given up on at once (not tried again every way a run of
# text could be split, which on a quote never closed took seconds).
_TAG_REST = rb"(?:" + _WS + IN_TAG + rb")?"
_EMPTY_REST = rb"(?:" + _WS + rb"""(?:[^>"'/]|/(?!>)|"[^"]*"|'[^']*')*+)?"""  # an empty tag's, up to its '/>'
_TEXT_CHILD = (rb"<(?:v|f)" + _EMPTY_REST + rb"/>|<v" + _TAG_REST + rb"(?<!/)>[^<]*</v" + _WS + rb"*>|<f" + _TAG_REST
               + rb"(?<!/)>[^<]*</f" + _WS + rb"*>")
_PLAIN_T = rb"<t" + _EMPTY_REST + rb"/>|<t" + _TAG_REST + rb"(?<!/)>[^<]*</t" + _WS + rb"*>"
_INLINE_TEXT = (rb"<is" + _EMPTY_REST + rb"/>|<is" + _TAG_REST + rb"(?<!/)>(?:[^<]++|" + _PLAIN_T + rb")*+</is" + _WS
                + rb"*>")
_PLACING_TAG = re.compile(
    rb"(?s)(?:[^<]+|" + PASSED_OVER + rb"|<(?!/?" + _PREFIX + _PLACING_NAMES + rb"[" + XML_WS + rb"/>])" + _NAME
    + rb"(?::" + _NAME + rb")?(?=[" + XML_WS + rb">]|/>)" + IN_TAG + rb">|</(?!" + _PREFIX + _PLACING_NAMES + rb"["
    + XML_WS + rb">])" + _NAME + rb"(?::" + _NAME + rb")?" + _WS + rb"*>)+"
    + rb"|(?P<whole><c)(?:" + _WS + rb"(?P<cell>" + IN_TAG + rb"))?(?<!/)>(?:[^<]++|" + _TEXT_CHILD + rb"|"
    + _INLINE_TEXT + rb")*+</c" + _WS + rb"*>"
    + rb"|(?P<child>" + _TEXT_CHILD + rb"|" + _INLINE_TEXT + rb"|" + _PLAIN_T + rb")"
    + rb"|</(?P<closing>" + _PREFIX + rb"(?P<ended>" + _PLACING_NAMES + rb"))" + _WS + rb"*>"
    + rb"|<(?P<qname>" + _PREFIX + rb"(?P<name>" + _PLACING_NAMES + rb"))(?=[" + XML_WS + rb">]|/>)(?P<attributes>"
    + IN_TAG + rb")>"
    + rb"|(?P<open><)")
_WHOLE_TAG = re.compile(rb"<" + IN_TAG + rb">")
_MAX_CARRY = 64 << 20  # a comment or a tag running on longer than this is refused (the reader is not asked)
# One attribute: its name (anything up to '=', a '/' too) and its value in either quotes (no white space needed
# before it: `t="n"r="A1"`).
_ATTRIBUTE = re.compile(rb"([^" + XML_WS + rb"""=>"']+)[""" + XML_WS + rb"]*=[" + XML_WS
                        + rb"""]*(?:"([^"]*)"|'([^']*)')""")
_REF = re.compile(rb"""\s*([A-Za-z]*)([0-9]*)""")
# A cell whose value is an Excel error (t="e"): calamine reads it as an empty string.
_ERROR_CELL = re.compile(rb"""<c\b([^>]*\bt=["']e["'][^>]*)>(.*?)</c>""", re.S)
_CELL_REF = re.compile(rb"""\br=["']([A-Z]+)([0-9]+)["']""")
_CELL_VALUE = re.compile(rb"<v>([^<]*)</v>")
NARROW_COLUMNS = 104
# A workbook is a zip: its members' declared sizes are checked before anything is inflated, so a small file
# that expands to gigabytes (0.78 MB → 3.2 GB) is refused at once with bounded memory. A 10,000-row export
# is ~20 MB of XML at 5-15:1; the limits leave a wide margin.
MAX_MEMBER_BYTES = 256 << 20
MAX_TOTAL_BYTES = 512 << 20
MAX_RATIO = 100  # beyond this for a member over RATIO_FLOOR bytes (as the photo-zip guard)
RATIO_FLOOR = 16 << 20
SCAN_CHUNK = 4 << 20
# At most this much inflated per call: the inflater allocates the whole limit each call, and an allocation of
# megabytes is fresh memory from the system every time (the 100,000-row sheet inflates in 0.09 s, not 0.16).
_INFLATE_PART = 256 << 10
ERROR_VALUES = ("#VALUE!", "#N/A", "#REF!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                "#GETTING_DATA")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SSML_NS = "urn:schemas-microsoft-com:office:spreadsheet"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_\-]+)["']""", re.I)


class Rows(list[list[object]]):
    """The rows of one sheet (lists of cell values) and what the reader learnt on the way.

    `merged` maps a cell covered by a merge across columns to its anchor (row, column); cells merged down
    are filled with the anchor's value in the rows themselves (a 报名号 spanning two header rows, a school
    spanning several applicants). `kind` names the format found in the content ("xlsx", "xls", "ods",
    "html", "spreadsheetml", "csv", "tsv"); `encoding` is set for text formats."""

    kind: str = ""
    encoding: str = ""
    sheet: str = ""  # the sheet read (workbooks)
    sheets: tuple[str, ...] = ()  # every visible sheet of the workbook, in order

    def __init__(self, rows: Iterable[list[object]] = (), *, kind: str = "", encoding: str = "") -> None:
        super().__init__(rows)
        self.kind = kind
        self.encoding = encoding
        self.merged: dict[tuple[int, int], tuple[int, int]] = {}

    def describe(self) -> str:
        names = {"xlsx": "Excel 工作簿", "xls": "Excel 97-2003 工作簿", "ods": "OpenDocument 表格",
                 "html": "网页表格（HTML）", "spreadsheetml": "Excel 2003 XML 表格", "csv": "CSV 文本",
                 "tsv": "制表符分隔的文本"}
        text = names.get(self.kind, self.kind)
        return f"{text}，{self.encoding} 编码" if self.encoding else text


def read_rows(path: Path, sheet: str | None = None) -> Rows:
    """All rows of the first visible sheet, or of the sheet named. Raises FileRefused with a plain message
    when unreadable. Hidden and very hidden sheets are never read unless named (an old list kept hidden
    in front of the real one is a known trap)."""
    path = Path(path)
    if not path.exists():
        raise FileRefused(f"文件不存在：{path}")
    if path.is_dir():
        raise FileRefused(f"“{path.name}”是文件夹，不是表格文件")
    if path.stat().st_size == 0:
        raise FileRefused(f"文件“{path.name}”是空的（0 字节）")
    kind = detect_format(path)
    if kind in ("xlsx", "ods", "xls"):
        return _read_workbook(path, kind, sheet)
    if kind == "html":
        return _read_html(path)
    if kind == "spreadsheetml":
        return _read_spreadsheetml(path)
    return _read_csv(path)


def detect_format(path: Path) -> str:
    """What the file is, from its first bytes: "xlsx", "ods", "xls", "html", "spreadsheetml" or "text".
    Refuses what is no table at all (a Word document, a PDF, an image...)."""
    with path.open("rb") as fh:
        head = fh.read(64 * 1024)
    suffix = path.suffix.lower()
    if head.startswith(_ZIP_MAGIC) or (suffix in {".xlsx", ".xlsm", ".ods"} and head.startswith(b"PK")):
        return _zip_kind(path)
    if head.startswith(_OLE2_MAGIC):
        return "xls"
    if head.startswith(b"%PDF"):
        raise FileRefused(_not_supported(path, "PDF 文件"))
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")):
        raise FileRefused(_not_supported(path, "图片文件"))
    probe = _head_text(head).lstrip("\ufeff \t\r\n").lower()
    if _SSML_NS in probe and (probe.startswith("<?xml") or "<workbook" in probe):
        return "spreadsheetml"
    if re.search(r"<(?:!doctype\s+html|html|table|tr)\b", probe[:32768]):
        return "html"
    if suffix not in KNOWN_SUFFIXES and "\x00" in probe:
        raise FileRefused(_not_supported(path, "未知格式"))
    return "text"


def _not_supported(path: Path, what: str) -> str:
    if path.suffix.lower() in KNOWN_SUFFIXES:
        return f"无法读取“{path.name}”：这是{what}，不是有效的 Excel 表格"
    return f"“{path.name}”的文件类型“{path.suffix}”不受支持（{what}）：请选择 .xlsx、.xls 或 .csv 文件"


def _head_text(head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="ignore")
    return head.decode("utf-8", errors="ignore") if head else ""


def _refuse_inflating(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Members that would inflate far beyond any export, judged from the zip directory alone."""
    total = sum(i.file_size for i in infos)
    worst = max(infos, key=lambda i: i.file_size, default=None)
    too_big = worst is not None and (worst.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES)
    bomb = next((i for i in infos if i.file_size > RATIO_FLOOR
                 and i.file_size > MAX_RATIO * max(i.compress_size, 1)), None)
    member = bomb or worst
    if (too_big or bomb is not None) and member is not None:
        raise FileRefused(f"“{path.name}”解压后过大（其中 {member.filename} 达 {member.file_size >> 20} MB，"
                          f"文件本身只有 {path.stat().st_size >> 10} KB），不像是导出的名单，已拒绝读取")


def _refuse_odd_layout(path: Path, archive: zipfile.ZipFile) -> None:
    """A zip laid out as no office program writes one: data before its first member, or an end record whose
    comment runs past the end of the file. Python's zipfile then reads one archive and the reader (which checks
    the end record and searches further back) may read another, which the scan never judged: two zips back to
    back are the known case."""
    first = min((info.header_offset for info in archive.infolist()), default=0)
    size = path.stat().st_size
    with path.open("rb") as fh:
        fh.seek(max(0, size - (22 + 0xFFFF)))
        tail = fh.read()
    end = tail.rfind(b"PK\x05\x06")
    claimed = struct.unpack_from("<H", tail, end + 20)[0] if 0 <= end <= len(tail) - 22 else -1
    if first != 0 or end < 0 or end + 22 + claimed != len(tail):
        raise FileRefused(f"无法读取“{path.name}”：文件的压缩结构异常（前后附有其他数据，或由两个压缩包拼成），"
                          "已拒绝读取。请在 Excel 中打开后另存为 .xlsx 再导入")


def _zip_kind(path: Path) -> str:
    """A .docx renamed to .xlsx, or a zip of junk, says so instead of a parser error."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            _refuse_inflating(path, archive.infolist())
            _refuse_odd_layout(path, archive)
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise FileRefused(f"无法读取“{path.name}”：文件已损坏或不是有效的 Excel 表格") from exc
    except FileRefused:
        raise
    except Exception as exc:  # a member that cannot be decompressed
        raise FileRefused(
            f"无法读取“{path.name}”：文件已损坏或不是有效的 Excel 表格（{exc.__class__.__name__}）") from exc
    if any(_is_binary_workbook(name) for name in names):
        raise FileRefused(f"“{path.name}”是 Excel 二进制工作簿（.xlsb），不受支持：请在 Excel 中另存为 .xlsx 后再导入")
    if "word/document.xml" in names:
        raise FileRefused(f"“{path.name}”其实是 Word 文档，不是 Excel 表格")
    if b"opendocument.spreadsheet" in mimetype:
        return "ods"
    if "xl/workbook.xml" not in names:
        raise FileRefused(f"“{path.name}”不是有效的 Excel 表格（缺少工作簿内容）")
    return "xlsx"


def _is_binary_workbook(name: str) -> bool:
    """A member the reader would open an .xlsb by (it looks members up ignoring case and `\\` for `/`)."""
    return name.replace("\\", "/").lower().endswith(("workbook.bin", "workbook.bin.rels"))


# ---- workbooks (calamine) ------------------------------------------------------------------------------

def visible_sheet_names(path: Path) -> list[str]:
    """The visible worksheets of a workbook, in order ([] for a text table or an unreadable file)."""

    try:
        kind = detect_format(Path(path))
        if kind not in ("xlsx", "ods", "xls"):
            return []
        return _visible_sheets(_open_workbook(Path(path), kind))
    except Exception:  # the import itself will say what is wrong with the file
        return []


def _open_workbook(path: Path, kind: str) -> CalamineWorkbook:
    """The workbook's directory, read by content (a workbook named .xls, .csv or anything is still read). The
    reader reads every table of an .ods and every sheet of an .xls at once: how far their cells reach is judged
    first (an .xlsx sheet is judged when it is loaded, see _scan_first_sheet)."""
    from python_calamine import CalamineWorkbook

    if kind == "ods":
        with tried_in_child(path, None):  # opening an .ods loads every table: tried in a child where isolated
            _refuse_far_ods(path)
    elif kind == "xls":
        if zipfile.is_zipfile(path):  # the reader would try it as a zip too, past the parts judged here
            raise FileRefused(f"无法读取“{path.name}”：文件同时像 .xls 又像 .xlsx，结构异常，已拒绝读取")
        with tried_in_child(path, None):  # and an .xls every sheet
            _refuse_far_xls(path)
    with path.open("rb") as fh:
        workbook = CalamineWorkbook.from_filelike(fh)
    # The reader tries .xls, .xlsx, .xlsb, .ods in turn and keeps the first that opens: the one it kept must be
    # the one judged (only an .xlsx answers "tables not loaded"; only the zip kinds can be .xlsb, refused before).
    try:
        opened = "xlsx" if isinstance(workbook.table_names, list) else "other"
    except Exception as exc:
        opened = "xlsx" if type(exc).__name__ == "TablesNotLoaded" else "other"
    if (opened == "xlsx") != (kind == "xlsx"):
        raise FileRefused(f"无法读取“{path.name}”：文件的内容与其格式（{kind}）不符，结构异常，已拒绝读取")
    return workbook


def _visible_sheets(workbook: CalamineWorkbook) -> list[str]:
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    return [m.name for m in workbook.sheets_metadata
            if m.visible == SheetVisibleEnum.Visible and m.typ != SheetTypeEnum.ChartSheet]


def _read_workbook(path: Path, kind: str, wanted: str | None = None) -> Rows:
    return _workbook(path, kind, wanted, None)[0]


def _stream_workbook(path: Path, kind: str, wanted: str | None, head: int) -> SheetStream:
    """A SheetStream holding only the first `head` rows as Python objects."""
    rows, sheet, errors, merges = _workbook(path, kind, wanted, head)
    end = sheet.end
    return SheetStream(rows, end[0] + 1 if end else len(rows), _calamine_rows(path.name, sheet, errors, merges))


_Merge = tuple[tuple[int, int], tuple[int, int]]


def _workbook(path: Path, kind: str, wanted: str | None,
              head: int | None) -> tuple[Rows, Any, list[tuple[int, int, str]], list[_Merge]]:
    """The sheet's rows (the first `head` of them, or all), the loaded calamine sheet, its error cells and
    merged ranges."""

    errors: list[tuple[int, int, str]] = []
    try:
        workbook = _open_workbook(path, kind)  # the directory only: an .xlsx or .xls sheet loads when asked
        if not workbook.sheet_names:
            raise FileRefused(f"文件“{path.name}”中没有工作表")
        visible = _visible_sheets(workbook)
        if wanted is not None:
            if wanted not in workbook.sheet_names:
                raise FileRefused(f"“{path.name}”中没有名为“{wanted}”的工作表（有：{'、'.join(workbook.sheet_names)}）")
            name = wanted
        elif visible:
            name = visible[0]
        else:
            raise FileRefused(f"“{path.name}”中没有可见的工作表（全部被隐藏）：请在 Excel 中取消隐藏后再导入")
        if kind == "xlsx":  # inside the try: a member that cannot be inflated is a damaged file
            with tried_in_child(path, name):  # where isolated, the reader loads it in a child meanwhile
                errors = _scan_first_sheet(path, name)
        sheet = workbook.get_sheet_by_name(name)
        if sheet.height > MAX_ROWS or sheet.height * sheet.width > MAX_SHEET_CELLS:
            raise FileRefused(_range_too_large(path.name, f"{sheet.height} 行 × {sheet.width} 列"))
        # Cells of every type calamine gives (text, numbers, dates, times, booleans): objects to the importer.
        rows = Rows(cast("list[list[object]]", sheet.to_python(skip_empty_area=False, nrows=head)), kind=kind)
        rows.sheet, rows.sheets = name, tuple(visible)
        merges = (sheet.merged_cell_ranges or [])[:100_000]
        if kind == "xls":
            errors = _xls_error_cells(path, sheet.name)
    except FileRefused:
        raise
    except Exception as exc:  # calamine raises its own error types for every broken-file case
        raise FileRefused(
            f"无法读取“{path.name}”：文件已损坏或不是有效的 Excel 表格（{exc.__class__.__name__}）"
        ) from exc
    for r, c, value in errors:  # calamine gives "" for an error cell: show what Excel shows
        if r < len(rows) and c < len(rows[r]) and rows[r][c] in ("", None):
            rows[r][c] = value
    for (r0, c0), (r1, c1) in merges:
        _apply_merge(rows, r0, c0, r1, c1)
    return rows, sheet, errors, merges


def _calamine_rows(file_name: str, sheet: Any, errors: list[tuple[int, int, str]],
                   merges: list[_Merge]) -> Callable[[int], Iterator[list[object]]]:
    """rows_from(start) over a loaded calamine sheet, one Python row at a time: the rows to_python would give
    (iter_rows leaves out the empty columns on the left: they are put back), with the Excel error values and
    the cells merged down filled in exactly as _read_workbook does for the whole sheet."""
    pad = [""] * (sheet.start[1] if sheet.start else 0)
    patches: dict[int, list[tuple[int, str]]] = {}
    for r, c, value in errors:
        patches.setdefault(r, []).append((c, value))
    starting: dict[int, list[int]] = {}
    for i, ((r0, _c0), (r1, _c1)) in enumerate(merges):
        if r1 > r0:
            starting.setdefault(r0, []).append(i)

    def plain_rows_from(start: int) -> Iterator[list[object]]:
        """rows_from when there is nothing to pad, patch or fill: calamine's rows as they come."""
        rows = sheet.iter_rows()
        try:
            next(islice(rows, start, start), None)  # skip the first `start` rows
            yield from rows
        except Exception as exc:  # a part that fails only when its rows are read
            raise FileRefused(
                f"无法读取“{file_name}”：文件已损坏或不是有效的 Excel 表格（{exc.__class__.__name__}）") from exc

    def rows_from(start: int) -> Iterator[list[object]]:
        active: dict[int, object] = {}  # merge index -> its anchor's value, while the merge reaches down
        try:
            for r, row in enumerate(sheet.iter_rows()):
                if pad:
                    row = pad + row
                if r in patches:
                    for c, value in patches[r]:
                        if c < len(row) and row[c] in ("", None):
                            row[c] = value
                if active or r in starting:
                    # In the merges' order, as _apply_merge runs them: an anchor is read after the merges
                    # listed before it have filled its cell.
                    for i in sorted([*active, *starting.get(r, ())]):
                        (r0, c0), (r1, _c1) = merges[i]
                        if r0 == r:
                            if c0 < len(row):
                                active[i] = row[c0]
                            continue
                        if row[c0:c0 + 1] in ([""], [None]):
                            row[c0] = active[i]
                        if r >= r1:
                            del active[i]
                if r >= start:
                    yield row
        except Exception as exc:  # a part that fails only when its rows are read
            raise FileRefused(
                f"无法读取“{file_name}”：文件已损坏或不是有效的 Excel 表格（{exc.__class__.__name__}）") from exc

    return rows_from if pad or patches or starting else plain_rows_from


class SheetStream:
    """A sheet read one row at a time, for files too large to hold as Python objects twice over. `head`: the
    first rows as read_rows gives them (to find the header in); `rows_from(index)`: every row from `index` on
    (0-based, as in read_rows), each a fresh list; `height`: how many rows read_rows would give."""

    def __init__(self, head: Rows, height: int,
                 rows_from: Callable[[int], Iterator[list[object]]] | None = None) -> None:
        self.head, self.height = head, height
        self._rows_from = rows_from

    @classmethod
    def of(cls, rows: Rows) -> SheetStream:
        return cls(rows, len(rows))

    @property
    def sheet(self) -> str:
        return self.head.sheet

    @property
    def sheets(self) -> tuple[str, ...]:
        return self.head.sheets

    def rows_from(self, start: int) -> Iterator[list[object]]:
        if self._rows_from is None:
            return iter(self.head[start:])
        return self._rows_from(start)

    def chunks(self, start: int, size: int) -> Iterator[tuple[int, list[list[object]]]]:
        """(0-based index of the chunk's first row, up to `size` rows) from row `start` on."""
        rows = self.rows_from(start)
        while chunk := list(islice(rows, size)):
            yield start, chunk
            start += size


def stream_rows(path: Path, sheet: str | None = None, head: int = 300) -> SheetStream:
    """read_rows for large files: a workbook's rows come one at a time after the first `head` (every other
    format is read whole, as read_rows reads it). Refuses the same files with the same messages."""
    path = Path(path)
    if not path.exists() or path.is_dir() or path.stat().st_size == 0:
        return SheetStream.of(read_rows(path, sheet))
    kind = detect_format(path)
    if kind in ("xlsx", "ods", "xls"):
        return _stream_workbook(path, kind, sheet, head)
    return SheetStream.of(read_rows(path, sheet))


def _xls_error_cells(path: Path, sheet_name: str) -> list[tuple[int, int, str]]:
    """Error cells of a legacy .xls sheet (calamine gives them as ""), read with xlrd; [] when it cannot."""
    if path.stat().st_size > 40 * 1024 * 1024:
        return []
    try:
        import xlrd
        from xlrd.biffh import XL_CELL_ERROR, error_text_from_code

        book = xlrd.open_workbook(str(path), on_demand=True)
        try:
            sheet = book.sheet_by_name(sheet_name)
            found = []
            for r in range(sheet.nrows):
                types = sheet.row_types(r)
                if XL_CELL_ERROR in types:
                    values = sheet.row_values(r)
                    found += [(r, c, error_text_from_code.get(values[c], "#VALUE!"))
                              for c, t in enumerate(types) if t == XL_CELL_ERROR]
            return found
        finally:
            book.release_resources()
    except Exception:  # xlrd is only a second look: calamine has read the file
        return []


def _apply_merge(rows: Rows, r0: int, c0: int, r1: int, c1: int) -> None:
    """Fill a cell merged down into the rows it covers; remember cells merged across (header groups)."""
    if r0 >= len(rows) or c0 >= len(rows[r0]):
        return
    value = rows[r0][c0]
    for r in range(r0 + 1, min(r1, len(rows) - 1) + 1):
        row = rows[r]
        while len(row) <= c0:
            row.append("")
        if row[c0] in ("", None):
            row[c0] = value
    if c1 > c0:
        for r in range(r0, min(r1, r0 + 5) + 1):
            for c in range(c0 + 1, min(c1, c0 + 256) + 1):
                rows.merged[(r, c)] = (r0, c0)


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _scan_first_sheet(path: Path, name: str | None = None, quick: bool = True,
                      fast: bool = True) -> list[tuple[int, int, str]]:
    """Stream the first sheet's XML once: refuse a used range the reader could not hold, and collect the
    cells holding an Excel error value (0-based row, column, "#N/A"...), which the reader would give as "".

    A piece of XML with nothing unusual in it (see _plain) is passed over without being judged cell by cell;
    the verdict is the same as judging every piece (`quick=False`). Only a sheet with content beyond column CZ
    after such a piece is read a second time, judged in full. `fast`: inflate with _inflated_chunks, which gives
    zipfile's bytes or gives up (then zipfile reads the member). tests/test_sheet_scan.py compares the ways."""
    errors: list[tuple[int, int, str]] = []
    try:
        with zipfile.ZipFile(path) as archive:
            members = sheet_members(archive, name)
            if members is None:  # not found as the reader finds it: whatever it reads is among these
                members = [info for info in archive.infolist() if not info.is_dir()]
            for member in members:
                found: list[tuple[int, int, str]] = []
                try:
                    extent = _judge_member(path, archive, member, found, quick, fast)
                except _NotAsZipfileReads:  # zipfile reads it, and says what is wrong in its own words
                    found = []
                    extent = _judge_member(path, archive, member, found, quick, fast=False)
                if extent.broken:
                    raise FileRefused(f"无法读取“{path.name}”：工作表 {member.filename} 的内容不完整（有未结束的标记）"
                                      "，文件已损坏：请在 Excel 中打开后另存为 .xlsx 再导入")
                if extent.malformed:
                    raise FileRefused(f"无法读取“{path.name}”：工作表 {member.filename} 的结构不符合 Excel 格式（"
                                      f"{extent.malformed}），文件已损坏：请在 Excel 中打开后另存为 .xlsx 再导入")
                if extent.refused:
                    raise FileRefused(_range_too_large(path.name, extent.where))
                errors = found if len(members) == 1 else []
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        # Python's zipfile checks what the reader does not (a member's CRC, its local name): a member the scan
        # cannot read to the end is one the reader might read past any judgement.
        raise FileRefused(
            f"无法读取“{path.name}”：文件已损坏或不是有效的 Excel 表格（{exc.__class__.__name__}）") from exc
    return errors


def _judge_member(path: Path, archive: zipfile.ZipFile, member: zipfile.ZipInfo, errors: list[tuple[int, int, str]],
                  quick: bool, fast: bool) -> _Extent:
    with _member_chunks(path, archive, member, fast) as chunks:
        extent = _judge_sheet(chunks, errors, quick)
    if extent is None:  # a cell the reader places by what came before it, or content beyond column CZ
        errors.clear()
        with _member_chunks(path, archive, member, fast) as chunks:
            extent = _place_every_cell(chunks, errors)
    return extent


class _Extent:
    """How far a sheet's content reaches, as judged so far."""

    def __init__(self) -> None:
        self.max_row, self.max_col, self.far_ref = 0, NARROW_COLUMNS, ""
        self.broken = False  # the XML ends inside a tag or a comment, or one runs on past _MAX_CARRY
        self.malformed = ""  # what the reader would read otherwise than the scan can follow, in the clerk's words

    @property
    def refused(self) -> bool:
        return self.broken or self.max_row > MAX_ROWS or bool(
            self.far_ref and self.max_row * self.max_col > MAX_SHEET_CELLS)

    @property
    def where(self) -> str:
        return f"单元格 {self.far_ref} 仍有内容" if self.far_ref else f"第 {self.max_row} 行仍有内容"


def _judge_sheet(chunks: Iterator[list[bytes]], errors: list[tuple[int, int, str]], quick: bool) -> _Extent | None:
    """Judge the sheet XML (chunks of SCAN_CHUNK bytes, see _member_chunks) piece by piece. `quick`: pass over
    plain pieces. None when a piece holds a cell written otherwise than `c r="REF"`, or beyond column CZ or row
    199,999: then every cell's place must be found (_place_every_cell)."""
    extent = _Extent()
    for parts, end in _sheet_pieces(chunks):
        if quick and _plain(parts, end):
            continue
        if not _judge_piece(b"".join(parts)[:end], errors):
            return None
    return extent


def _place_every_cell(chunks: Iterator[list[bytes]], errors: list[tuple[int, int, str]]) -> _Extent:
    """Every cell with content placed as the reader places it (see _FAR_CELL), through the whole sheet."""
    # the reader's next row and column (0-based) for a cell without reference, whether inside a cell, the inline
    # string open in it (see _place_cells)
    extent, place = _Extent(), [0, 0, 0, b"", b""]
    carry = b""  # the end of the piece before, from a tag or comment that did not end in it
    for parts, end in _sheet_pieces(chunks):
        buf = carry + b"".join(parts)[:end]
        # cells placed one by one after a declaration could be placed wrong; Excel's sheets never hold one (the
        # quick and piece judgements need no tokenizer, so they do not mind it)
        if DECLARATION.search(buf) is not None:
            extent.malformed = "含有文档类型声明（<!DOCTYPE），Excel 不会写出这样的工作表"
            return extent
        done = _place_cells(buf, extent, place)
        carry = buf[done:]
        if len(carry) > _MAX_CARRY:
            extent.broken = True
            return extent
        if extent.malformed:
            return extent
        buf = buf[:done]
        if (b't="e"' in buf or b"t='e'" in buf) and len(errors) < 100_000:
            errors.extend(_error_cells(buf))
    extent.broken = bool(carry.strip())
    return extent


def _place_cells(buf: bytes, extent: _Extent, place: list[Any]) -> int:
    """The cells of a piece (cut at a tag), `place` carried from piece to piece: the next row and column, whether
    inside a cell, and the names of the inline string and of the value, formula or text open in it (b"" if none).
    A cell with content is one that is not self-closing (an empty <c ...></c> counts too: the verdict may only err on
    the side of refusing). Returns how far the piece was read: up to a comment or tag that does not end in it (the
    caller reads it again with the next piece).

    Inside a cell the reader reads values, formulas and inline strings, passing over whatever they hold up to their
    own end (a `</c>` too), and fails on any other element; its cell ends at the first `</c>` outside them. A row or
    cell tag inside a cell, or a value, formula, text or inline string tag where the reader would not read it as
    one, is never a writer's: the sheet is refused, so the scan's inside of a cell is the reader's."""
    row_at, col_at, in_cell, in_is, in_text = place
    max_row, max_col = extent.max_row, extent.max_col
    no_reference = _NO_REFERENCE
    try:
        for token in _PLACING_TAG.finditer(buf):
            whole, ended = token["whole"], token["closing"]  # ended: an end tag's name (its local name `ended`)
            name, qname = (token["ended"], ended) if ended is not None else (token["name"], token["qname"])
            if token["open"] is not None:
                at = token.start()
                if buf[at + 1:at + 2] not in (b"!", b"?") and _WHOLE_TAG.match(buf, at) is not None:
                    extent.malformed = "有不规范的标记名称"
                    return len(buf)
                return at
            if in_text:  # only its own end may come (the reader reads to it, whatever it passes)
                if whole is None and name is None and token["child"] is None:
                    continue
                if ended is not None and ended == in_text:
                    in_text = b""
                    continue
                extent.malformed = "单元格的值中有标记"
                return len(buf)
            if whole is None and name is None:
                child = token["child"]
                # a plain value or formula goes in a cell, a plain text in its inline string
                if child is not None and in_cell and (child[1:2] == b"t") != bool(in_is):
                    extent.malformed = "单元格内有不该有的标记"
                    return len(buf)
                continue
            if whole is not None:
                if in_cell:
                    extent.malformed = "单元格内有行或单元格的标记"
                    return len(buf)
                attributes, self_closing, is_cell = token["cell"] or b"", False, True
            elif name in _CHILD_NAMES:
                # a value, formula, text or inline string written otherwise than as plain text alone
                if not in_cell:
                    continue  # outside a cell the reader passes over them
                if name == b"is":
                    if ended is None and not in_is:
                        if not token["attributes"].endswith(b"/"):
                            in_is = qname
                        continue
                    if ended is not None and ended == in_is:
                        in_is = b""
                        continue
                elif ended is None and (name == b"t") == bool(in_is):
                    if not token["attributes"].endswith(b"/"):
                        in_text = qname
                    continue
                extent.malformed = "单元格内有不该有的标记"
                return len(buf)
            else:
                if ended is not None:
                    if name == b"c" and in_cell and not in_is:
                        in_cell = 0
                        continue
                    if name == b"c" or in_cell:
                        extent.malformed = "单元格内有行或单元格的标记" if in_cell else "有多余的单元格结束标记"
                        return len(buf)
                    row_at, col_at = row_at + 1, 0  # a row's end: the next row, the first column
                    continue
                if in_cell:
                    extent.malformed = "单元格内有行或单元格的标记"
                    return len(buf)
                attributes = token["attributes"]
                self_closing = attributes.endswith(b"/")
                if self_closing:
                    attributes = attributes[:-1]
                is_cell = name == b"c"
            if attributes in no_reference and is_cell:  # a writer's cells without references repeat a few of these
                ref = None
            else:
                try:
                    ref = reference_as_read(attributes, is_cell)
                except ValueError:  # the reader fails on this tag
                    extent.malformed = "标记的属性写法不对"
                    return len(buf)
                if ref is None and is_cell and len(no_reference) < 256:
                    no_reference.add(attributes)
            found = _REF.match(ref) if ref is not None else None
            letters, digits = (found[1], found[2]) if found else (b"", b"")
            # As the reader's cell loop (empty elements read as a start and an end): a row's start sets the row
            # and never the column; only a row's end moves to the next row and the first column.
            if not is_cell:
                row_at = int(digits) - 1 if digits else row_at
                if self_closing:
                    row_at, col_at = row_at + 1, 0
                continue
            row = int(digits) - 1 if digits else row_at
            col = _column_number(letters.upper().decode()) - 1 if letters else col_at
            col_at = col + 1
            if self_closing:
                continue
            if whole is None:
                in_cell = 1
            if row >= max_row:
                max_row = row + 1
            if col_at > max_col:
                max_col, extent.far_ref = col_at, f"{_column_letters(col_at)}{row + 1}"
        return len(buf)
    finally:
        place[:] = row_at, col_at, in_cell, in_is, in_text
        extent.max_row, extent.max_col = max_row, max_col


_CHILD_NAMES = frozenset((b"v", b"f", b"is", b"t"))
# Attributes of cells without a reference, as met (the same few over and over: ` t="s"`, ` s="3" t="n"`).
_NO_REFERENCE: set[bytes] = set()


def _attribute(attributes: bytes, name: bytes) -> bytes | None:
    """The value of the first attribute called `name` (an .ods table's repeat counts; an .xlsx cell's or row's
    reference is taken as the reader takes it, by reference_as_read)."""
    for found in _ATTRIBUTE.finditer(attributes):
        if found[1] == name:
            return found[2] if found[2] is not None else found[3]
    return None


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_pieces(chunks: Iterator[list[bytes]]) -> Iterator[tuple[list[bytes], int]]:
    """The XML in pieces of about SCAN_CHUNK bytes, each as (parts, end): the piece is b"".join(parts)[:end],
    joined only when judged. Each is cut before its last `<row` (a row enormous beyond 16 pieces: before a tag), so
    no tag is cut in two."""
    tail: list[bytes] = []
    while True:
        chunk = next(chunks, None)
        if chunk is None:
            yield tail, sum(map(len, tail))
            return
        parts = tail + chunk
        size = sum(map(len, parts))
        last = parts[-1]
        start = size - len(last)
        # The last `<row` of the stream is the last one of its last part when that part has one (one that
        # crosses the joint before it starts earlier).
        cut = last.rfind(b"<row")
        if cut < 0 or start + cut == 0:  # none there, or none but the first: as the joined stream says
            buf = b"".join(parts)
            cut = buf.rfind(b"<row")
            if cut <= 0 or len(buf) - cut > 16 * SCAN_CHUNK:  # one enormous row: cut at a tag
                cut = buf.rfind(b"<")
            end = cut if cut >= 0 else len(buf) + cut  # as buf[:cut] and buf[cut:] split it
            tail = [buf[end:]]
            yield [buf], end
            continue
        if size - (start + cut) > 16 * SCAN_CHUNK:
            cut = last.rfind(b"<")  # one enormous row: cut at a tag (there is one: the `<row` found)
        end = start + cut
        tail = [last[cut:]]
        yield parts, end


class _NotAsZipfileReads(Exception):
    """The fast inflater met something other than a well-formed member of the size and CRC declared."""


@contextmanager
def _member_chunks(path: Path, archive: zipfile.ZipFile, member: zipfile.ZipInfo,
                   fast: bool) -> Iterator[Iterator[list[bytes]]]:
    """The member's bytes in chunks of SCAN_CHUNK (the last one shorter, none empty), as zipfile's reader gives
    them; each chunk comes as a list of parts (joined with what precedes it: one copy). `fast`:
    a deflated member is inflated by ISA-L's inflater when installed (2-3x zlib's speed), read in small blocks;
    it raises _NotAsZipfileReads at the end unless the member was a complete stream of exactly the declared
    size and CRC: then zipfile's reader would have given the same bytes without complaint."""
    with archive.open(member) as fh:  # zipfile's checks of the local header, encryption, method
        info = member
        if not fast or info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1:
            yield ([chunk] for chunk in iter(lambda: fh.read(SCAN_CHUNK), b""))
            return
    with path.open("rb") as raw:
        yield _inflated_chunks(raw, info)


def _inflated_chunks(raw: IO[bytes], info: zipfile.ZipInfo) -> Iterator[list[bytes]]:
    inflater = _inflater()
    try:
        raw.seek(info.header_offset)
        header = raw.read(30)
        if len(header) != 30 or header[:4] != b"PK\x03\x04":
            raise _NotAsZipfileReads
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        raw.seek(info.header_offset + 30 + name_length + extra_length)
        decompressor = inflater.decompressobj(-15)
        left, size, crc = info.compress_size, 0, 0
        data = b""
        parts: list[bytes] = []
        have = 0
        while not decompressor.eof:
            if not data and left:
                data = raw.read(min(1 << 16, left))
                if not data:  # the file ends before the member does
                    raise _NotAsZipfileReads
                left -= len(data)
            fed = data  # empty once all input is in: the inflater may still hold output (ISA-L does)
            part = decompressor.decompress(data, min(SCAN_CHUNK - have, _INFLATE_PART))
            data = decompressor.unconsumed_tail
            if not part and not fed:  # all input in, nothing more comes out: the stream ends without its end mark
                raise _NotAsZipfileReads
            if part:
                parts.append(part)
                have += len(part)
                # zlib's CRC, not ISA-L's: on CPUs with AVX-512 ISA-L's leaves the vector registers in a state that
                # makes later code, the placing pattern among it, run 4x slower until something resets them
                # (20,000 cells without references placed in 1.38 s, 0.67 s with this); 7 ms more per 20,000 rows
                size, crc = size + len(part), zlib.crc32(part, crc)
                if size > info.file_size:
                    raise _NotAsZipfileReads
                if have == SCAN_CHUNK:
                    yield parts
                    parts, have = [], 0
        if size != info.file_size or crc != info.CRC:
            raise _NotAsZipfileReads
    except _NotAsZipfileReads:
        raise
    except Exception as exc:  # a broken stream: zipfile's reader and zlib say what is wrong, as always
        raise _NotAsZipfileReads from exc
    if parts:
        yield parts


def _inflater() -> Any:
    """isal.isal_zlib (the same interface as zlib, faster) where installed, else zlib."""
    try:
        from isal import isal_zlib
    except ImportError:
        return zlib
    return isal_zlib


# What could move the verdict in a piece with no single quote: a cell tag (`<c` or `:c`, the reader ignores the
# prefix) that does not start as the cells of every writer start, `c r="REF"` with REF within column CZ and row
# 199,999. Every match of _ODD_CELL and _FAR_CELL starts with a match (it matches more: `<col`, `<cfRule`, a colon
# before a c in text; such a piece is judged in full, the verdict unchanged). One literal character first, a
# look-behind, then a single negative look-ahead: the 4 million cells of a 100,000-row sheet cost 0.36 s, where the
# positive patterns (one alternative per way of being unusual) cost 0.6.
_UNUSUAL_REF = re.compile(rb'c(?<=[<:]c)(?! r="[A-C]?[A-Z](?:[0-9]{1,5}|1[0-9]{5})")')
_AHEAD = 14  # bytes from a match's start that its look-ahead reads: c r="AB123456"
_JOINT = 2 * _AHEAD + 4  # bytes each side of a joint between parts that _plain reads again together


def _plain(parts: list[bytes], end: int) -> bool:
    """Nothing in b"".join(parts)[:end] can change the verdict or the error cells (see _plain_bytes), judged part
    by part without joining them. A part (or a joint) that ends before `end` cuts the look-ahead short: a match in
    its last _AHEAD bytes is left to the next joint, which reads those bytes with _JOINT bytes each side (a chain
    of parts shorter than that too: `before` keeps the stream's last _JOINT bytes). tests/test_sheet_scan.py cuts
    pieces into parts anywhere and compares with the joined piece."""
    start, before = 0, b""  # before: the last _JOINT bytes of the stream ahead of `part`
    for part in parts:
        if start >= end:
            break
        limit = min(len(part), end - start)
        final = start + limit >= end
        if not _plain_bytes(part, limit, final):
            return False
        if before:
            joint = before + part[:min(_JOINT, limit)]
            if not _plain_bytes(joint, len(joint), final and limit <= _JOINT):
                return False
        before = (before + part[-_JOINT:])[-_JOINT:]
        start += len(part)
    return True


def _plain_bytes(buf: bytes, end: int, final: bool = True) -> bool:
    """Nothing in buf[:end] can change the verdict or the error cells: no single quote (every pattern below is
    then double-quoted), no error cell, no cell tag but `c r="REF"` with REF near the sheet's top left (see
    _UNUSUAL_REF). Not `final`: the bytes after `end` are not at hand, and a match in the last _AHEAD bytes does
    not count (see _plain).
    The error cell is looked for from the end: the same answer, 3x faster (str.find checks the needle's last
    character first, and '"' is everywhere in sheet XML; rfind checks its first, 't')."""
    if buf.find(b"'", 0, end) >= 0 or buf.rfind(b't="e"', 0, end) >= 0:
        return False
    found = _UNUSUAL_REF.search(buf, 0, end)
    return found is None or (not final and found.start() > end - _AHEAD)


def _judge_piece(buf: bytes, errors: list[tuple[int, int, str]]) -> bool:
    """Every error cell in `buf`; False when a cell's place must be found as the reader finds it (a cell written
    otherwise, or one beyond column CZ or row 199,999: the range's rows and columns then count)."""
    if _ODD_CELL.search(buf) is not None or _FAR_CELL.search(buf) is not None:
        return False
    if (b't="e"' in buf or b"t='e'" in buf) and len(errors) < 100_000:
        errors.extend(_error_cells(buf))
    return True


def _error_cells(buf: bytes) -> list[tuple[int, int, str]]:
    found = []
    for attrs, body in _ERROR_CELL.findall(buf):
        ref = _CELL_REF.search(attrs)
        value = _CELL_VALUE.search(body)
        if ref is None:
            continue
        text = value[1].decode("utf-8", "replace").strip() if value else "#VALUE!"
        found.append((int(ref[2]) - 1, _column_number(ref[1].decode()) - 1, text or "#VALUE!"))
    return found


# The tags the reader builds an .ods table from (it matches these qualified names, prefix included), and what
# makes a cell one with content for it: a value, a formula, or text (value-type string).
_ODS_TAG = re.compile(rb"""<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])(""" + _IN_TAG
                     + rb""")>""")
_ODS_CONTENT = re.compile(rb"""(?:office:(?:value|string-value|date-value|time-value|boolean-value)|table:formula)"""
                          rb"""\s*=|office:value-type\s*=\s*["']string["']""")


def _ods_repeats(attributes: bytes, name: bytes) -> int:
    """A row's or cell's repeat count as the reader takes it: the attribute's value with its entities decoded, a
    leading + allowed (1 when there is none; a value it cannot read makes the reader refuse the file)."""
    key = b"table:number-rows-repeated" if name == b"table-row" else b"table:number-columns-repeated"
    value = _attribute(attributes, key)
    if value is None:
        return 1
    text = html.unescape(value.decode("utf-8", "replace")).strip().lstrip("+")
    return int(text) if text.isascii() and text.isdigit() else 1


def _refuse_far_ods(path: Path) -> None:
    """Refuse an .ods with a table of more than MAX_ROWS rows or MAX_SHEET_CELLS cells (the limits a sheet read
    is held to), counting repeated rows and cells as the reader expands them: a few hundred bytes can ask for a
    billion cells. A table's rows and columns are counted up to its last row and cell with content."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as fh:
            tail = b""
            rows = cols = row = col = repeats = 0
            row_reach = 0  # the columns up to this row's last cell with content (0: none yet)
            for chunk in iter(lambda: fh.read(SCAN_CHUNK), b""):
                buf = tail + chunk
                cut = buf.rfind(b"<")
                buf, tail = (buf[:cut], buf[cut:]) if cut >= 0 else (buf, b"")
                for closing, name, attributes in _ODS_TAG.findall(buf):
                    count = _ods_repeats(attributes, name)
                    if name == b"table":
                        row = 0
                    elif name == b"table-row":
                        if not closing:
                            repeats, col, row_reach = count, 0, 0
                            if not attributes.endswith(b"/"):
                                continue
                        if row_reach:
                            rows, cols = max(rows, row + repeats), max(cols, row_reach)
                            if rows > MAX_ROWS or rows * cols > MAX_SHEET_CELLS:  # as read, it would be refused
                                where = f"第 {rows} 行仍有内容" if rows > MAX_ROWS else f"{rows} 行 × {cols} 列"
                                raise FileRefused(_range_too_large(path.name, where))
                        row, row_reach = row + repeats, 0
                    elif not closing:
                        col += count
                        if _ODS_CONTENT.search(attributes):
                            row_reach = col
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError):
        return  # no content.xml, or a damaged one: the reader says what is wrong in its own words


# The BIFF records the reader places a cell by (row and column the record's first two u16; 0x00D6 is RString),
# MulRk (a row's run of numbers: first column after the row, last column in the record's last two bytes),
# Dimensions and BoundSheet.
_XLS_CELLS = frozenset({0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x0006, 0x00D6})
_XLS_MULRK, _XLS_DIMENSIONS, _XLS_BOUNDSHEET, _XLS_EOF = 0x00BD, 0x0200, 0x0085, 0x000A


def _refuse_far_xls(path: Path) -> None:
    """Refuse an .xls with a sheet the reader would make larger than MAX_SHEET_CELLS cells: it reserves the rows x
    columns its Dimensions record declares (a u32 row count, subtracted as it reads them: 5 to 1 wraps round) and
    places every cell by the row and column in its record (u16 each: 65,536 x 65,536). Each sheet's records are
    read from where its BoundSheet record says, as the reader reads them."""
    try:
        from xlrd.compdoc import CompDoc

        with path.open("rb") as fh:
            doc = CompDoc(fh.read(), logfile=io.StringIO())
        stream = doc.get_named_stream("Workbook") or doc.get_named_stream("Book")
    except Exception:  # a compound document xlrd cannot read: the reader might, past this check
        stream = None
    if not stream:
        raise FileRefused(f"无法读取“{path.name}”：这个 .xls 文件的内部结构已损坏或异常，请在 Excel 或 WPS 中打开后"
                          "另存为 .xlsx 再导入")
    for start in _xls_sheet_starts(stream):
        rows, cols = _xls_extent(path.name, stream, start)
        if rows * cols > MAX_SHEET_CELLS:
            raise FileRefused(_range_too_large(path.name, f"{rows} 行 × {cols} 列"))


def _xls_sheet_starts(stream: bytes) -> list[int]:
    """Where each sheet's records start: the BoundSheet records of the first substream (up to its EOF)."""
    starts, at, end = [], 0, len(stream)
    while at + 4 <= end:
        typ, size = _U16_PAIR(stream, at)
        if typ == _XLS_BOUNDSHEET and size >= 4 and at + 8 <= end:
            starts.append(_U32(stream, at + 4)[0])
        if typ == _XLS_EOF:
            break
        at += 4 + size
    return starts


def _xls_extent(name: str, stream: bytes, at: int) -> tuple[int, int]:
    """The rows and columns the cells of the sheet starting at `at` reach (up to its EOF); refuses a Dimensions
    record declaring more than MAX_SHEET_CELLS. One record at a time, fields read in place (1.2 million records:
    ≈0.4 s)."""
    rows = cols = 0
    end, cells, pair = len(stream) - 8, _XLS_CELLS, _U16_PAIR
    while at <= end:  # a cell record: its row and column are in place (the last one may be short: checked below)
        typ, size = pair(stream, at)
        if typ in cells and size >= 4:
            row, col = pair(stream, at + 4)
            if row >= rows:
                rows = row + 1
            if col >= cols:
                cols = col + 1
        elif typ == _XLS_MULRK:
            if size >= 6 and at + 4 + size <= len(stream):
                rows = max(rows, _U16_PAIR(stream, at + 4)[0] + 1)
                cols = max(cols, _U16(stream, at + 2 + size)[0] + 1)
        elif typ == _XLS_DIMENSIONS and size in (10, 14) and at + 4 + size <= len(stream):
            first, last = (_U32_PAIR if size == 14 else _U16_PAIR)(stream, at + 4)
            col_first, col_last = _U16_PAIR(stream, at + (12 if size == 14 else 8))
            if last >= 1 and col_last >= 1:  # the reader reserves (last - 1 - first + 1) x ... cells, in u32
                declared = ((last - first) % (1 << 32)) * ((col_last - col_first) % (1 << 32))
                if declared > MAX_SHEET_CELLS:
                    raise FileRefused(_range_too_large(name, f"工作表声明 {declared} 个单元格"))
        elif typ == _XLS_EOF:
            break
        at += 4 + size
    return rows, cols  # records in the stream's last 8 bytes hold no cell the reader could place


_U16 = struct.Struct("<H").unpack_from
_U32 = struct.Struct("<I").unpack_from
_U16_PAIR = struct.Struct("<HH").unpack_from
_U32_PAIR = struct.Struct("<II").unpack_from


def _range_too_large(name: str, where: str) -> str:
    return f"“{name}”的数据范围过大（{where}）：请删除表格末尾或右侧多余的内容后重新保存"


# ---- text ------------------------------------------------------------------------------------------------

_GB_NAMES = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "gb_2312-80", "euc-cn", "hz-gb-2312"}


def decode_text(data: bytes, name: str, declared: str = "") -> tuple[str, str]:
    """The text and the encoding it was read in. A BOM wins, then the declared charset (a web page's meta
    tag; GB2312/GBK are read as GB18030, their superset), then UTF-8, then GB18030; UTF-16 only with a BOM
    (Excel's "Unicode 文本")."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("utf-8-sig"), "UTF-8"
        except UnicodeDecodeError:
            pass
    candidates = ["utf-8", "gb18030"]
    declared = declared.lower()
    if declared in _GB_NAMES:
        candidates = ["gb18030", "utf-8"]
    elif declared and declared not in ("utf-8", "utf8"):
        try:
            codecs.lookup(declared)
            candidates.insert(0, declared)
        except LookupError:
            pass
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        label = {"gb18030": "GBK", "utf-8": "UTF-8"}.get(encoding, encoding.upper())
        return text, label
    raise FileRefused(f"无法识别“{name}”的文字编码：请另存为 UTF-8 或 GBK 编码的 CSV")


def _sniff_delimiter(text: str) -> str:
    """The separator that splits the most lines the same way (title lines without any are fine)."""
    lines = [line for line in text[:65536].splitlines()[:60] if line.strip()]
    best, best_score = ",", 0.0
    for delimiter in ("\t", ",", ";", "|"):
        counts = [line.count(delimiter) for line in lines]
        used = [n for n in counts if n]
        if not used:
            continue
        common = max(set(used), key=used.count)
        score = used.count(common) * common
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(path: Path) -> Rows:
    text, encoding = decode_text(path.read_bytes(), path.name)
    if "\x00" in text:
        raise FileRefused(f"“{path.name}”不是文本表格（含二进制内容）")
    delimiter = _sniff_delimiter(text)
    csv.field_size_limit(1_000_000)
    try:
        rows: list[list[object]] = [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        raise FileRefused(f"“{path.name}”的 CSV 格式有误：{exc}") from exc
    return Rows(rows, kind="tsv" if delimiter == "\t" else "csv", encoding=encoding)


# ---- HTML saved as .xls -------------------------------------------------------------------------------

def _span(value: str | None) -> int:
    try:
        return max(1, min(int(str(value).strip()), 1000))
    except (TypeError, ValueError):
        return 1


def _read_markup_bytes(path: Path) -> bytes:
    if path.stat().st_size > MAX_MARKUP_BYTES:
        raise FileRefused(_range_too_large(path.name, f"{path.stat().st_size // 1024 // 1024} MB"))
    return path.read_bytes()


def _read_html(path: Path) -> Rows:
    data = _read_markup_bytes(path)
    declared = _META_CHARSET.search(data[:65536])
    text, encoding = decode_text(data, path.name, declared[1].decode("ascii") if declared else "")
    from confirm_desk.services.spreadsheets.html_table import TableParser  # html.parser: only for these

    parser = TableParser()
    try:
        parser.feed(text)
        parser.close()
    except FileRefused as exc:
        raise FileRefused(_range_too_large(path.name, "单元格过多")) from exc
    except Exception as exc:  # html.parser is lenient; anything it still chokes on is a broken file
        raise FileRefused(f"无法读取“{path.name}”：网页表格已损坏（{exc.__class__.__name__}）") from exc
    tables = [t for t in parser.tables if t]
    if not tables:
        raise FileRefused(f"无法读取“{path.name}”：这是网页文件，但其中没有表格")
    table = max(tables, key=lambda t: sum(len(r) for r in t))  # the data table, not a layout table
    return _grid(table, path.name, kind="html", encoding=encoding)


def _grid(table: HtmlTable, name: str, *, kind: str, encoding: str = "") -> Rows:
    """Lay out cells with row/column spans as a grid (HTML's table model): a cell spanning rows is repeated
    down, a cell spanning columns is remembered in `merged` and the covered cells stay empty."""
    rows = Rows(kind=kind, encoding=encoding)
    taken: dict[tuple[int, int], str] = {}  # cells filled by a rowspan from above
    if len(table) > MAX_ROWS:
        raise FileRefused(_range_too_large(name, f"{len(table)} 行"))
    for r, cells in enumerate(table):
        row: list[object] = []
        c = 0
        for text, rowspan, colspan in cells:
            while (r, c) in taken:
                _put(row, c, taken.pop((r, c)))
                c += 1
            _put(row, c, text)
            for dc in range(1, colspan):
                _put(row, c + dc, "")
                rows.merged[(r, c + dc)] = (r, c)
            for dr in range(1, rowspan):
                if r + dr < len(table):
                    taken[(r + dr, c)] = text
                    for dc in range(1, colspan):
                        taken[(r + dr, c + dc)] = ""
                        rows.merged[(r + dr, c + dc)] = (r, c)
            c += colspan
            if c > MAX_COLUMNS:
                raise FileRefused(_range_too_large(name, f"第 {r + 1} 行超过 {MAX_COLUMNS} 列"))
        for (tr, tc) in sorted(k for k in taken if k[0] == r):
            _put(row, tc, taken.pop((tr, tc)))
        rows.append(row)
    return rows


def _put(row: list[object], c: int, value: object) -> None:
    while len(row) < c:
        row.append("")
    if len(row) == c:
        row.append(value)
    else:
        row[c] = value


# ---- Excel 2003 XML (SpreadsheetML) --------------------------------------------------------------------

def _read_spreadsheetml(path: Path) -> Rows:
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    data = _read_markup_bytes(path)
    try:
        root = ElementTree.fromstring(data)
    except DefusedXmlException as exc:
        raise FileRefused(f"无法读取“{path.name}”：XML 表格含有不允许的实体定义（{exc.__class__.__name__}）") from exc
    except Exception as exc:
        raise FileRefused(f"无法读取“{path.name}”：XML 表格已损坏或不是有效的 Excel 表格（{exc.__class__.__name__}）"
                          ) from exc
    ns = "{" + _SSML_NS + "}"
    sheets = [w for w in root.iter(ns + "Worksheet")]
    visible = [w for w in sheets if not _ssml_hidden(w, ns)]
    if not (visible or sheets):
        raise FileRefused(f"文件“{path.name}”中没有工作表")
    table = (visible or sheets)[0].find(ns + "Table")
    rows = Rows(kind="spreadsheetml")
    covered: dict[tuple[int, int], object] = {}  # positions under a MergeDown from above
    for element in table.iter(ns + "Row") if table is not None else ():
        r = _ssml_index(element, ns, len(rows), path.name, MAX_ROWS)
        while len(rows) <= r:
            rows.append([])
        row = rows[r]
        c = 0
        for cell in element.iter(ns + "Cell"):
            while (r, c) in covered and cell.get(ns + "Index") is None:
                c += 1
            c = _ssml_index(cell, ns, c, path.name, MAX_COLUMNS)
            data_el = cell.find(ns + "Data")
            _put(row, c, "".join(data_el.itertext()).strip() if data_el is not None else "")
            across = _span(str(_int(cell.get(ns + "MergeAcross")) + 1))
            down = _span(str(_int(cell.get(ns + "MergeDown")) + 1))
            for dr in range(down):
                for dc in range(across):
                    if dr or dc:
                        covered[(r + dr, c + dc)] = row[c] if dc == 0 else ""
                    if dc:
                        rows.merged[(r + dr, c + dc)] = (r, c)
            c += across
    for (r, c), value in covered.items():  # cells merged down repeat their anchor, like the other readers
        if r < len(rows):
            if c >= len(rows[r]) or rows[r][c] in ("", None):
                _put(rows[r], c, value)
    return rows


def _int(value: str | None) -> int:
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0


def _ssml_index(element: Element, ns: str, default: int, name: str, limit: int) -> int:
    index = element.get(ns + "Index")
    if not index or not index.strip().isdigit():
        return default
    target = int(index) - 1
    if target > limit:
        raise FileRefused(_range_too_large(name, f"第 {target + 1} {'行' if limit == MAX_ROWS else '列'}仍有内容"))
    return max(target, 0)


def _ssml_hidden(sheet: Element, ns: str) -> bool:
    options = sheet.find("{urn:schemas-microsoft-com:office:excel}WorksheetOptions")
    if options is None:
        return False
    visible = options.find("{urn:schemas-microsoft-com:office:excel}Visible")
    return visible is not None and (visible.text or "").strip() in ("SheetHidden", "SheetVeryHidden")
