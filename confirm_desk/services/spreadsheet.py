"""Reading tabular files as exports really come: .xlsx/.xls/.ods via python-calamine, .csv in any
of the encodings Chinese offices use. Returns plain rows; knows nothing of applicants."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from confirm_desk.domain.errors import FileRefused

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}
MAX_CELL_CHARS = 10_000


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
    raise FileRefused(f"不支持的文件类型“{path.suffix}”：请选择 .xlsx、.xls 或 .csv 文件")


def _read_workbook(path: Path) -> list[list[object]]:
    from python_calamine import CalamineWorkbook

    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        _refuse_non_workbook_zip(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise FileRefused(f"文件“{path.name}”中没有工作表")
        sheet = workbook.get_sheet_by_index(0)
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


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK/GB2312)."""
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
