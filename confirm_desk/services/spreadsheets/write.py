"""Writing .xlsx files reproducibly: the same workbook content gives the same bytes (fixed times inside)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

# Every member's time; 1980-01-01 is the earliest a zip can hold.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


class _FixedTimeZip(zipfile.ZipFile):
    """A ZipFile that stamps every member with one fixed time and system, so bytes depend on content only."""

    def __init__(self, file: Any, moment: tuple[int, int, int, int, int, int]) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.moment = moment

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: int | None = None,
                 compresslevel: int | None = None) -> None:
        name = getattr(zinfo_or_arcname, "filename", zinfo_or_arcname)  # a ZipInfo or a name
        info = fixed_info(name, self.moment, zipfile.ZIP_DEFLATED)
        super().writestr(info, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, compress_type: int | None = None,
              compresslevel: int | None = None) -> None:
        with open(filename, "rb") as fh:  # openpyxl's write-only sheets come from a temp file
            self.writestr(arcname or str(filename), fh.read())


def fixed_info(name: str, moment: tuple[int, int, int, int, int, int], compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=moment)
    info.compress_type = compress
    info.create_system = 0  # the same bytes whichever system writes them
    info.external_attr = 0o644 << 16
    return info


def zip_moment(at: dt.datetime) -> tuple[int, int, int, int, int, int]:
    return (max(at.year, 1980), at.month, at.day, at.hour, at.minute, at.second - at.second % 2)


def workbook_bytes(book: Any, at: dt.datetime) -> bytes:
    """An openpyxl workbook as .xlsx bytes, with `at` as its created/modified time and member times."""
    from openpyxl.writer.excel import ExcelWriter

    book.properties.created = book.properties.modified = at.replace(microsecond=0)
    buffer = io.BytesIO()
    ExcelWriter(book, _FixedTimeZip(buffer, zip_moment(at))).save()
    return buffer.getvalue()
