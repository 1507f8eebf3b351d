"""Reading tabular files as exports really come: .xlsx/.xls/.ods via python-calamine, .csv in any
of the encodings Chinese offices use. Returns plain rows; knows nothing of applicants."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from pathlib import Path

from confirm_desk.domain.errors import FileRefused

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}
MAX_CELL_CHARS = 10_000
# The reader allocates the whole rectangle up to the last cell with content (32 bytes a cell): one stray
# value in XFD1048576 would ask for 550 GB and abort the process. Far beyond any export, well within memory.
MAX_ROWS = 200_000
MAX_SHEET_CELLS = 10_000_000  # an .xls at its limit (65,536 × 256) is 16.7 million: 1 GB and seconds
# A row that holds a cell with content (rows of only empty, styled cells cost the reader nothing).
_ROW_REF = re.compile(rb"""<row\b[^>]*?\br=["']([0-9]+)["'][^>/]*>(?!(?:\s*<c\b[^>]*/>)*\s*</row>)""")
# Column DA (105) onwards. No leading \b: it defeats the regex engine's literal search (8x slower).
_WIDE_CELL = re.compile(rb"""r=["']((?:[D-Z][A-Z]|[A-Z]{3})[0-9]+)["'][^>]*?(/?)>""")
NARROW_COLUMNS = 104


def read_rows(path: Path) -> list[list[object]]:
    """All rows of the first sheet. Raises FileRefused with a plain message when unreadable."""
    path = Path(path)
    if not path.exists():
        raise FileRefused(f"文件不存在：{path}")
    if path.is_dir():
        raise FileRefused(f"“{path.name}”是文件夹，不是表格文件")
    if path.stat().st_size == 0:
        raise FileRefused(f"文件“{path.name}”是空的（0 字节）")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _read_csv(path)
    if suffix in SPREADSHEET_SUFFIXES:
        return _read_workbook(path)
    raise FileRefused(f"“{path.name}”的文件类型“{path.suffix}”不受支持：请选择 .xlsx、.xls 或 .csv 文件")


def _read_workbook(path: Path) -> list[list[object]]:
    from python_calamine import CalamineWorkbook

    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        _refuse_non_workbook_zip(path)
        _refuse_oversized_sheet(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise FileRefused(f"文件“{path.name}”中没有工作表")
        sheet = workbook.get_sheet_by_index(0)
        if sheet.height > MAX_ROWS or sheet.height * sheet.width > MAX_SHEET_CELLS:
            raise FileRefused(_range_too_large(path.name, f"{sheet.height} 行 × {sheet.width} 列"))
        return sheet.to_python(skip_empty_area=False)
    except FileRefused:
        raise
    except Exception as exc:  # calamine raises its own error types for every broken-file case
        raise FileRefused(
            f"无法读取“{path.name}”：文件已损坏或不是有效的 Excel 表格（{exc.__class__.__name__}）"
        ) from exc


def _refuse_non_workbook_zip(path: Path) -> None:
    """A .docx renamed to .xlsx, or a zip of junk, says so instead of a parser error."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise FileRefused(f"无法读取“{path.name}”：文件已损坏或不是有效的 Excel 表格") from exc
    if "word/document.xml" in names:
        raise FileRefused(f"“{path.name}”其实是 Word 文档，不是 Excel 表格")
    if "xl/workbook.xml" not in names:
        raise FileRefused(f"“{path.name}”不是有效的 Excel 表格（缺少工作簿内容）")


def _first_sheet_member(archive: zipfile.ZipFile) -> str | None:
    """The part name of the workbook's first sheet (the one the reader opens)."""
    from defusedxml import ElementTree

    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # let the reader report the broken part in its own words
        return None
    sheet = next((e for e in book.iter() if e.tag.endswith("}sheet")), None)
    rid = next((v for k, v in (sheet.attrib.items() if sheet is not None else []) if k.endswith("}id")), None)
    target = next((e.get("Target", "") for e in rels if e.get("Id") == rid), "")
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _refuse_oversized_sheet(path: Path) -> None:
    """Stream the first sheet's XML once and refuse a used range the reader could not hold."""
    with zipfile.ZipFile(path) as archive:
        member = _first_sheet_member(archive)
        if member is None or member not in archive.namelist():
            return
        max_row, max_col, far_ref = 0, NARROW_COLUMNS, ""
        with archive.open(member) as fh:
            tail = b""
            while chunk := fh.read(4 << 20):
                buf = tail + chunk
                cut = buf.rfind(b"<")
                buf, tail = buf[:cut], buf[cut:]
                rows = _ROW_REF.findall(buf)
                if rows:
                    max_row = max(max_row, *map(int, rows))
                for ref, empty in _WIDE_CELL.findall(buf):
                    col = _column_number(re.match(rb"[A-Z]+", ref)[0].decode())
                    if not empty and col > max_col:
                        max_col, far_ref = col, ref.decode()
    if max_row > MAX_ROWS or (far_ref and max_row * max_col > MAX_SHEET_CELLS):
        where = f"单元格 {far_ref} 仍有内容" if far_ref else f"第 {max_row} 行仍有内容"
        raise FileRefused(_range_too_large(path.name, where))


def _range_too_large(name: str, where: str) -> str:
    return f"“{name}”的数据范围过大（{where}）：请删除表格末尾或右侧多余的内容后重新保存"


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK/GB2312); UTF-16 when it has a BOM
    (Excel's "Unicode 文本")."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused(f"无法识别“{name}”的文字编码：请另存为 UTF-8 或 GBK 编码的 CSV")


def _read_csv(path: Path) -> list[list[object]]:
    text = decode_text(path.read_bytes(), path.name)
    if "\x00" in text:
        raise FileRefused(f"“{path.name}”不是文本表格（含二进制内容）")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    csv.field_size_limit(1_000_000)
    try:
        return [list(row) for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise FileRefused(f"“{path.name}”的 CSV 格式有误：{exc}") from exc
