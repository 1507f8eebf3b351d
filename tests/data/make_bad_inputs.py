"""Makes the bad-input corpus: every kind of broken file a school clerk may feed the importer.

Run by hand (`python tests/data/make_bad_inputs.py [OUT]`, default tests/data/bad/) or, as the tests do,
through `build_corpus(folder)`. Nothing here is copied in: every file is made from our own demo generator.
Each case says what must happen: `refused` (nothing done, exit 2, store untouched), `row_errors` (valid
rows stored, the bad ones listed, exit 1) or `accepted` (stored, maybe flagged, exit 0).
"""

from __future__ import annotations

import io
import random
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from confirm_desk.domain.fields import FIELDS  # noqa: E402
from confirm_desk.domain.idnumbers import check_char  # noqa: E402
from confirm_desk.services.applicants.demo import draw_photo, generate  # noqa: E402

GOOD_TABLE = "good.xlsx"  # five valid applicants; the photo cases are imported together with it
KEYS = [f.key for f in FIELDS]
HEADERS = [f.label for f in FIELDS]


@dataclass(frozen=True)
class BadInput:
    name: str  # file or folder inside the corpus
    kind: str  # "table": the applicant file; "photos": a photo source imported with good.xlsx
    outcome: str  # refused / row_errors / accepted
    says: tuple[str, ...]  # the message must contain one of these
    build: Callable[[Path], None]


def good_rows(n: int = 5, seed: int = 8) -> list[dict[str, str]]:
    return generate(n, seed=seed)


def good_ids() -> list[str]:
    return [r["id_number"] for r in good_rows()]


def table(rows: list[dict[str, str]]) -> list[list[object]]:
    return [HEADERS, *[[r[k] for k in KEYS] for r in rows]]


# ---- writers -------------------------------------------------------------------------------------------

def _col(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def raw_xlsx(path: Path, rows: list[list[object]], *, shared_prologue: str = "",
             raw_cells: dict | None = None, dimension: str = "", extra_rows: str = "") -> None:
    """A minimal workbook written by hand, so the XML itself can be made hostile.

    Strings go to sharedStrings.xml; `raw_cells[(r, c)]` puts XML text into a shared string unescaped
    (entity references); numbers are numeric cells.
    """
    raw_cells = raw_cells or {}
    strings: list[str] = []
    cells_xml = []
    for r, row in enumerate(rows):
        cells = []
        for c, value in enumerate(row):
            ref = f"{_col(c)}{r + 1}"
            if (r, c) in raw_cells:
                strings.append(raw_cells[(r, c)])
                cells.append(f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>')
            elif isinstance(value, int | float):
                cells.append(f'<c r="{ref}"><v>{value!r}</v></c>')
            elif value is not None and value != "":
                strings.append(escape(str(value)))
                cells.append(f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>')
        cells_xml.append(f'<row r="{r + 1}">{"".join(cells)}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="申请人" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}">{dim}<sheetData>'
            f'{"".join(cells_xml)}{extra_rows}</sheetData></worksheet>'
        ),
        "xl/sharedStrings.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?>{shared_prologue}<sst xmlns="{main}" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">'
            + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>"
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8"))


def xlsx(path: Path, rows: list[list[object]]) -> None:
    raw_xlsx(path, rows)


def csv_text(rows: list[list[object]]) -> str:
    import csv

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def png_bomb(path: Path, side: int) -> None:
    """A 1-bit PNG of side×side white pixels: a few hundred KB that would decode to side² pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + b"\xff" * ((side + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def id_born(born: str, seq: str = "123") -> str:
    first17 = f"330902{born}{seq}"
    return first17 + check_char(first17)


# ---- table cases ---------------------------------------------------------------------------------------

def _good(path: Path) -> None:
    xlsx(path, table(good_rows()))


def _truncated(path: Path) -> None:
    buf = path.with_suffix(".tmp")
    xlsx(buf, table(good_rows(40)))
    data = buf.read_bytes()
    buf.unlink()
    path.write_bytes(data[: len(data) // 2])


def _junk_zip(path: Path) -> None:
    rng = random.Random(1)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("junk.bin", bytes(rng.getrandbits(8) for _ in range(4096)))
        archive.writestr("readme.txt", "这不是表格")


def _renamed_docx(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')


def _html_as_xls(path: Path) -> None:
    rows = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in r) + "</tr>"
                   for r in table(good_rows(3)))
    path.write_text(f"<html><body><table>{rows}</table></body></html>", encoding="utf-8")


def _utf16_nobom(path: Path) -> None:
    path.write_bytes(csv_text(table(good_rows(3))).encode("utf-16-le"))


def _utf16_bom_tabs(path: Path) -> None:
    # Excel's "Unicode 文本 (*.txt)": UTF-16 LE with BOM, tab-separated.
    text = "\r\n".join("\t".join(str(v) for v in r) for r in table(good_rows(3)))
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))


def _random_bytes(path: Path) -> None:
    rng = random.Random(2)
    path.write_bytes(b"\xff\xfe\xfd\x00" + bytes(rng.getrandbits(8) for _ in range(20000)))


def _nul_bytes(path: Path) -> None:
    path.write_bytes(csv_text(table(good_rows(2))).encode("utf-8").replace(b"\r\n", b"\x00\r\n", 1))


def _header_only(path: Path) -> None:
    xlsx(path, [HEADERS])


def _empty_rows_xlsx(path: Path) -> None:
    cell = '<row r="{0}"><c r="A{0}" t="inlineStr"><is><t> </t></is></c></row>'
    blank = "".join(cell.format(r) for r in range(2, 10002))
    raw_xlsx(path, [HEADERS], extra_rows=blank)


def _empty_rows_csv(path: Path) -> None:
    rows = table(good_rows(2))
    commas = "," * (len(HEADERS) - 1)
    body = csv_text(rows[:2]) + (commas + "\r\n") * 10_000 + csv_text(rows[2:])
    path.write_text(body, encoding="utf-8")


def _long_cells(rows: list[list[object]]) -> list[list[object]]:
    rows[1][HEADERS.index("姓名")] = "张" * 100_000
    rows[2][HEADERS.index("现任教学校")] = "校" * 100_000
    rows[0] = [*rows[0], "备注" * 50_000]  # an unknown column with a 100,000-character header
    return rows


def _long_cells_xlsx(path: Path) -> None:
    xlsx(path, _long_cells(table(good_rows(4))))


def _long_cells_csv(path: Path) -> None:
    path.write_text(csv_text(_long_cells(table(good_rows(4)))), encoding="utf-8")


def _ids_as_floats(path: Path) -> None:
    rows = table(good_rows(4))
    col = HEADERS.index("证件号码")
    for r in rows[1:3]:
        r[col] = float(r[col].replace("X", "0"))  # what Excel does to an 18-digit number
    xlsx(path, rows)


def _ids_as_float_text(path: Path) -> None:
    rows = table(good_rows(3))
    rows[1][HEADERS.index("证件号码")] = "3.30902E+17"
    path.write_text(csv_text(rows), encoding="gbk")


def _duplicates(path: Path) -> None:
    rows = table(good_rows(4))
    rows[3][0] = rows[1][0]
    xlsx(path, rows)


INJECTIONS = ['=HYPERLINK("http://example.invalid","点我")', "+SUM(1,2)", "-2+3", "@cmd|'/C calc'!A0",
              "=1+2"]


def _injection_rows() -> list[list[object]]:
    rows = table(good_rows(4))
    rows[1][HEADERS.index("姓名")] = INJECTIONS[0]
    rows[2][HEADERS.index("现任教学校")] = INJECTIONS[1]
    rows[2][HEADERS.index("通讯地址")] = INJECTIONS[3]
    rows[3][HEADERS.index("证件号码")] = INJECTIONS[4]  # also not an ID: a row error whose value is a formula
    return rows


def _injection_xlsx(path: Path) -> None:
    xlsx(path, _injection_rows())


def _injection_csv(path: Path) -> None:
    path.write_text(csv_text(_injection_rows()), encoding="utf-8-sig")


def _future_births(path: Path) -> None:
    rows = good_rows(3)
    rows[0]["id_number"] = id_born("20900101")
    rows[0]["birth_date"] = "2090-01-01"
    rows[1]["birth_date"] = "2099-12-31"  # disagrees with the ID number
    rows[2]["id_number"] = id_born("20251340")  # month 13: no such date
    rows[2]["birth_date"] = ""
    xlsx(path, table(rows))


def _billion_laughs(path: Path) -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10)
    )
    rows = table(good_rows(3))
    raw_xlsx(path, rows, shared_prologue=f"<!DOCTYPE sst [{entities}]>", raw_cells={(1, 1): "&lol9;"})


def _far_cell(path: Path) -> None:
    # One stray cell at the sheet's far corner: a reader that allocates the whole range needs ~17e9 cells.
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    raw_xlsx(path, table(good_rows(3)), dimension="A1:XFD1048576", extra_rows=far)


def _far_row(path: Path) -> None:
    # A value typed into the last row by mistake: 1,048,576 rows of 40 columns, 1.7 GB to read.
    far = '<row r="1048576"><c r="AN1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    raw_xlsx(path, table(good_rows(3)), extra_rows=far)


def _far_cell_xls(path: Path) -> None:
    import xlwt  # the test extra: writes legacy .xls

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("申请人")
    for r, row in enumerate(table(good_rows(3))):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    sheet.write(65535, 255, "x")  # the last cell an .xls can have
    book.save(str(path))


def _folder(path: Path) -> None:
    path.mkdir()


def _pdf(path: Path) -> None:
    path.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


def _no_header(path: Path) -> None:
    xlsx(path, table(good_rows(3))[1:])


def _missing_id_column(path: Path) -> None:
    col = HEADERS.index("证件号码")
    xlsx(path, [[v for i, v in enumerate(r) if i != col] for r in table(good_rows(3))])


def _ragged_csv(path: Path) -> None:
    text = csv_text(table(good_rows(3)))
    lines = text.split("\r\n")
    lines[2] = lines[2].split(",")[0] + ',"unterminated'
    path.write_text("\r\n".join(lines), encoding="utf-8")


# ---- photo cases (imported with good.xlsx; named after its applicants) ------------------------------

def _jpeg() -> bytes:
    return draw_photo(3)


def _zip_slip(path: Path) -> None:
    ids = good_ids()
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"../{ids[0]}.jpg", _jpeg())
        archive.writestr(f"/tmp/{ids[1]}.jpg", _jpeg())
        archive.writestr(f"C:\\Windows\\{ids[2]}.jpg", _jpeg())
        link = zipfile.ZipInfo(f"{ids[3]}.jpg")
        link.create_system = 3
        link.external_attr = (0o120777 << 16)
        archive.writestr(link, "/etc/passwd")
        archive.writestr(f"ok/{ids[4]}.jpg", _jpeg())


def _symlink_folder(path: Path) -> None:
    ids = good_ids()
    path.mkdir()
    (path / f"{ids[0]}.jpg").symlink_to("/etc/passwd")
    (path / f"{ids[1]}.jpg").symlink_to(path.parent)
    (path / f"{ids[2]}.jpg").write_bytes(_jpeg())
    (path / "loop").symlink_to(path)  # a folder that contains itself
    (path / "root").symlink_to("/")


def _bombs(path: Path) -> None:
    ids = good_ids()
    path.mkdir()
    png_bomb(path / f"{ids[0]}.png", 30_000)  # 900 million pixels: over Pillow's hard limit
    png_bomb(path / f"{ids[1]}.png", 10_000)  # 100 million: over the warning limit
    (path / f"{ids[2]}.jpg").write_bytes(_jpeg())


def _broken_photos(path: Path) -> None:
    ids = good_ids()
    path.mkdir()
    photo = _jpeg()
    (path / f"{ids[0]}.jpg").write_bytes(photo[: len(photo) // 2])  # truncated JPEG
    (path / f"{ids[1]}.jpg").write_bytes(b"")  # 0 bytes
    (path / f"{ids[2]}.JPG").write_text("这不是照片", encoding="utf-8")
    (path / f"{ids[3]}.png").write_bytes(photo)  # a JPEG named .png still decodes: accepted
    (path / f"{ids[4]}.bmp").write_bytes(b"BM" + b"\x00" * 60)


def _too_many_bytes(path: Path) -> None:
    # 110 photos just under the 20 MB limit each: 2.1 GB in all, sparse files that take no disk space.
    path.mkdir()
    for i in range(110):
        with (path / f"{i:03d}.jpg").open("wb") as fh:
            fh.truncate(20 * 1024 * 1024 - 1)


def _junk_photo_zip(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04" + bytes(random.Random(3).getrandbits(8) for _ in range(2000)))


def _zip_bomb(path: Path) -> None:
    ids = good_ids()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{ids[0]}.jpg", b"\x00" * (21 * 1024 * 1024))  # over the size limit
        for i in range(1, 4):  # under it, but 19 MB each from 19 KB: a few hundred of these fill memory
            archive.writestr(f"{i}/{ids[i]}.jpg", b"\x00" * (19 * 1024 * 1024))
        archive.writestr(f"{ids[4]}.jpg", _jpeg())


def _truncated_zip(path: Path) -> None:
    ids = good_ids()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for i in ids:
            archive.writestr(f"{i}.jpg", _jpeg())
    path.write_bytes(buf.getvalue()[: len(buf.getvalue()) * 2 // 3])


_REFUSED_FILE = ("无法读取", "不是有效的 Excel")
CASES: tuple[BadInput, ...] = (
    BadInput("zero_byte.xlsx", "table", "refused", ("0 字节",), lambda p: p.write_bytes(b"")),
    BadInput("truncated.xlsx", "table", "refused", _REFUSED_FILE, _truncated),
    BadInput("junk_zip.xlsx", "table", "refused", _REFUSED_FILE, _junk_zip),
    BadInput("renamed_docx.xlsx", "table", "refused", ("Word",), _renamed_docx),
    BadInput("html_table.xls", "table", "accepted", (), _html_as_xls),
    BadInput("pdf_renamed.xls", "table", "refused", _REFUSED_FILE, _pdf),
    BadInput("utf16_no_bom.csv", "table", "refused", ("编码",), _utf16_nobom),
    BadInput("utf16_bom_tabs.txt", "table", "accepted", (), _utf16_bom_tabs),
    BadInput("random_bytes.csv", "table", "refused", ("编码", "二进制"), _random_bytes),
    BadInput("nul_bytes.csv", "table", "refused", ("二进制",), _nul_bytes),
    BadInput("header_only.xlsx", "table", "refused", ("只有表头",), _header_only),
    BadInput("empty_rows_10000.xlsx", "table", "refused", ("只有表头",), _empty_rows_xlsx),
    BadInput("empty_rows_10000.csv", "table", "accepted", (), _empty_rows_csv),
    BadInput("cells_100k.xlsx", "table", "row_errors", ("内容过长",), _long_cells_xlsx),
    BadInput("cells_100k.csv", "table", "row_errors", ("内容过长",), _long_cells_csv),
    BadInput("ids_as_floats.xlsx", "table", "row_errors", ("科学计数法",), _ids_as_floats),
    BadInput("ids_as_float_text.csv", "table", "row_errors", ("科学计数法",), _ids_as_float_text),
    BadInput("duplicate_numbers.xlsx", "table", "row_errors", ("报名号重复",), _duplicates),
    BadInput("formula_injection.xlsx", "table", "row_errors", ("居民身份证号码",), _injection_xlsx),
    BadInput("formula_injection.csv", "table", "row_errors", ("居民身份证号码",), _injection_csv),
    BadInput("future_birth_dates.xlsx", "table", "accepted", (), _future_births),
    BadInput("billion_laughs.xlsx", "table", "refused", _REFUSED_FILE, _billion_laughs),
    BadInput("far_cell.xlsx", "table", "refused", ("数据范围过大",), _far_cell),
    BadInput("far_row.xlsx", "table", "refused", ("数据范围过大",), _far_row),
    BadInput("far_cell.xls", "table", "refused", ("数据范围过大",), _far_cell_xls),
    BadInput("folder.xlsx", "table", "refused", ("文件夹",), _folder),
    BadInput("not_a_table.pdf", "table", "refused", ("不受支持",), _pdf),
    BadInput("no_header.xlsx", "table", "refused", ("没有找到表头",), _no_header),
    BadInput("missing_id_column.xlsx", "table", "refused", ("缺少必需的列",), _missing_id_column),
    BadInput("ragged.csv", "table", "row_errors", ("不能为空",), _ragged_csv),
    BadInput("zip_slip.zip", "photos", "row_errors", ("路径越出压缩包", "符号链接"), _zip_slip),
    BadInput("symlinks", "photos", "row_errors", ("符号链接",), _symlink_folder),
    BadInput("bombs", "photos", "row_errors", ("解压炸弹",), _bombs),
    BadInput("broken_photos", "photos", "row_errors", ("损坏", "0 字节", "不是可识别的图片"), _broken_photos),
    BadInput("photos_2gb", "photos", "refused", ("超过一次导入的上限",), _too_many_bytes),
    BadInput("junk_photos.zip", "photos", "refused", ("无法打开压缩包",), _junk_photo_zip),
    BadInput("truncated_photos.zip", "photos", "refused", ("无法打开压缩包",), _truncated_zip),
    BadInput("zip_bomb.zip", "photos", "row_errors", ("过大", "压缩炸弹"), _zip_bomb),
)
CASES_BY_NAME = {c.name: c for c in CASES}


def build_corpus(folder: Path) -> Path:
    """Write good.xlsx and every case into `folder` (made if missing); returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    _good(folder / GOOD_TABLE)
    for case in CASES:
        target = folder / case.name
        if not target.exists() and not target.is_symlink():
            case.build(target)
    return folder


if __name__ == "__main__":
    out = build_corpus(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "bad")
    print(f"{len(CASES)} bad inputs written to {out}")
