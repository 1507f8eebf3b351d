"""Makes the office-files corpus: spreadsheets as Chinese school offices and web systems really produce them.

Run by hand (`python tests/data/make_office_files.py [OUT]`, default tests/data/office/) or, as the tests do,
through `build_corpus(folder)`. Every file is made here from our own demo generator; nothing is copied in.
Each case says how many applicants must be stored and what the import must say (`says`: texts that must
appear among its errors/warnings, with the row and column named).
"""

from __future__ import annotations

import io
import struct
import sys
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from confirm_desk.services.applicants.demo import generate  # noqa: E402

# A typical web-system export: a few columns, in the order such systems use.
KEYS = ["application_no", "name", "gender", "id_type", "id_number", "cert_number", "cert_type", "school",
        "birth_date"]
HEADERS = ["报名号", "姓名", "性别", "证件类型", "证件号码", "资格证书号码", "资格种类", "现任教学校", "出生日期"]
TITLE = "2026年中小学教师资格定期注册申请人名单（某某确认点）"


@dataclass(frozen=True)
class OfficeFile:
    name: str
    stored: int  # applicants the import must store
    build: Callable[[Path], None]
    says: tuple[str, ...] = ()  # each must appear in some error/warning message
    errors: int = 0  # rows refused
    checks: dict[str, str] = field(default_factory=dict)  # first applicant's field -> expected value


def people(n: int = 4, seed: int = 26) -> list[dict[str, str]]:
    rows = generate(n, seed=seed)
    for r in rows:
        r["id_type"] = "居民身份证"
    return rows


def values(n: int = 4) -> list[list[str]]:
    return [[r[k] for k in KEYS] for r in people(n)]


def first() -> dict[str, str]:
    return people()[0]


# ---- HTML saved as .xls --------------------------------------------------------------------------------

def _html_rows(rows: list[list[str]], cell: str = "td", attrs: str = "") -> str:
    return "".join("<tr>" + "".join(f"<{cell}{attrs}>{escape(str(v))}</{cell}>" for v in r) + "</tr>\n"
                   for r in rows)


def html_plain_utf8(path: Path) -> None:
    body = _html_rows([HEADERS], "th") + _html_rows(values())
    path.write_text(f"<table border=1>\n{body}</table>\n", encoding="utf-8")


_EXCEL_HEAD = """<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:x="urn:schemas-microsoft-com:office:excel" xmlns="http://www.w3.org/TR/REC-html40">
<head>
{meta}<meta name=ProgId content=Excel.Sheet>
<meta name=Generator content="Microsoft Excel 11">
<style>
<!--table {{mso-displayed-decimal-separator:"\\.";}}
.xl24 {{mso-number-format:"\\@"; white-space:normal;}}
-->
</style>
<!--[if gte mso 9]><xml>
 <x:ExcelWorkbook><x:ExcelWorksheets><x:ExcelWorksheet><x:Name>申请人</x:Name>
 </x:ExcelWorksheet></x:ExcelWorksheets></x:ExcelWorkbook>
</xml><![endif]-->
</head>
<body link=blue vlink=purple>
<table x:str border=0 cellpadding=0 cellspacing=0 width=1200 style='border-collapse:collapse;table-layout:fixed'>
<col width=120 span=9>
"""


def _excel_html(meta: str) -> str:
    rows = values()
    body = [f"<tr height=30><td colspan=9 height=30 class=xl25>{TITLE}</td></tr>",
            "<tr><td colspan=9>导出时间：2026-09-01&nbsp;08:00:00</td></tr>",
            "<tr>" + "".join(f"<td class=xl24 x:str>{h}</td>" for h in HEADERS) + "</tr>"]
    for r in rows:
        cells = []
        for key, v in zip(KEYS, r, strict=True):
            if key == "birth_date":
                cells.append(f"<td class=xl26 x:num=\"40354\">{v} 00:00:00</td>")
            elif key == "name":
                cells.append(f"<td class=xl24>&nbsp;{escape(v)}<br></td>")
            else:
                cells.append(f"<td class=xl24 x:str=\"'{escape(v)}\">{escape(v)}</td>")
        body.append("<tr height=19 style='height:14.25pt'>" + "".join(cells) + "</tr>")
    body.append("<![if supportMisalignedColumns]><tr height=0 style='display:none'>"
                + "<td width=120></td>" * 9 + "</tr><![endif]>")
    return _EXCEL_HEAD.format(meta=meta) + "\n".join(body) + "\n</table>\n</body>\n</html>\n"


def html_excel_gb2312(path: Path) -> None:
    meta = '<meta http-equiv=Content-Type content="text/html; charset=gb2312">\n'
    path.write_bytes(_excel_html(meta).encode("gbk"))


def html_excel_gbk_undeclared(path: Path) -> None:
    path.write_bytes(_excel_html("").encode("gbk"))


def html_excel_utf8_meta(path: Path) -> None:
    path.write_bytes(_excel_html('<meta charset="utf-8">\n').encode("utf-8"))


def html_two_row_header(path: Path) -> None:
    """报名号/姓名/性别 merged down over two rows, 证件信息 over 证件类型/证件号码."""
    top = ("<tr><td rowspan=2>报名号</td><td rowspan=2>姓名</td><td rowspan=2>性别</td>"
           "<td colspan=2>证件信息</td><td colspan=2>教师资格证书</td><td rowspan=2>现任教学校</td>"
           "<td rowspan=2>出生日期</td></tr>")
    sub = "<tr><td>证件类型</td><td>证件号码</td><td>资格证书号码</td><td>资格种类</td></tr>"
    body = f"<table><tr><td colspan=9>{TITLE}</td></tr>{top}{sub}{_html_rows(values())}</table>"
    path.write_bytes(("<html><head><meta charset=gbk></head><body>" + body + "</body></html>").encode("gbk"))


def html_entity_flood(path: Path) -> None:
    """An internal DTD with nested entities: HTML parsing never expands them (no bomb), the rows import."""
    dtd = '<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    body = _html_rows([HEADERS]) + _html_rows(values())
    path.write_text(f"{dtd}<html><body><table>{body}</table><p>&b;&b;</p></body></html>", encoding="utf-8")


# ---- SpreadsheetML 2003 ---------------------------------------------------------------------------------

def _ssml(sheets: list[tuple[str, str, bool]]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<?mso-application progid="Excel.Sheet"?>',
           '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet" xmlns:html="http://www.w3.org/TR/REC-html40">']
    for name, table, hidden in sheets:
        options = ('<WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel"><Visible>SheetHidden</Visible>'
                   '</WorksheetOptions>') if hidden else ""
        out.append(f'<Worksheet ss:Name="{name}"><Table>{table}</Table>{options}</Worksheet>')
    out.append("</Workbook>")
    return "\n".join(out)


def _ssml_row(cells: list[str], index: int | None = None) -> str:
    attr = f' ss:Index="{index}"' if index else ""
    parts = []
    for key, v in zip(KEYS, cells, strict=True):
        if key == "birth_date":
            parts.append(f'<Cell><Data ss:Type="DateTime">{v}T00:00:00.000</Data></Cell>')
        else:
            parts.append(f'<Cell><Data ss:Type="String">{escape(v)}</Data></Cell>')
    return f"<Row{attr}>" + "".join(parts) + "</Row>"


def ssml_2003(path: Path) -> None:
    """Excel 2003 XML: a hidden old sheet first, a merged title, a gap (ss:Index), dates as DateTime."""
    old = _ssml_row(values(1)[0])
    title = f'<Row><Cell ss:MergeAcross="8"><Data ss:Type="String">{TITLE}</Data></Cell></Row>'
    header = "<Row>" + "".join(f'<Cell><Data ss:Type="String">{h}</Data></Cell>' for h in HEADERS) + "</Row>"
    rows = values()
    body = title + header + "".join(_ssml_row(r) for r in rows[:2]) + _ssml_row(rows[2], index=6)
    body += _ssml_row(rows[3])
    path.write_text(_ssml([("旧名单", old, True), ("申请人", body, False)]), encoding="utf-8")


def ssml_errors(path: Path) -> None:
    """An ss:Type="Error" cell where the ID number should be: that row is refused, naming the cell."""
    rows = values(3)
    header = "<Row>" + "".join(f'<Cell><Data ss:Type="String">{h}</Data></Cell>' for h in HEADERS) + "</Row>"
    bad = _ssml_row(rows[1]).replace(f'<Data ss:Type="String">{rows[1][4]}</Data>',
                                     '<Data ss:Type="Error">#N/A</Data>')
    path.write_text(_ssml([("Sheet1", header + _ssml_row(rows[0]) + bad + _ssml_row(rows[2]), False)]),
                    encoding="utf-8")


def ssml_entity_bomb(path: Path) -> None:
    lol = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    text = _ssml([("Sheet1", '<Row><Cell><Data ss:Type="String">&lol2;</Data></Cell></Row>', False)])
    path.write_text(text.replace("<?mso-application", lol + "\n<?mso-application", 1), encoding="utf-8")


# ---- text, whatever the name says ------------------------------------------------------------------------

def _delimited(delimiter: str, rows: list[list[str]]) -> str:
    return "\r\n".join(delimiter.join(r) for r in rows) + "\r\n"


def csv_gbk_named_xls(path: Path) -> None:
    path.write_bytes(_delimited(",", [HEADERS, *values()]).encode("gbk"))


def tsv_named_csv(path: Path) -> None:
    path.write_text(_delimited("\t", [[TITLE], HEADERS, *values()]), encoding="utf-8")


def csv_datetimes(path: Path) -> None:
    rows = [[*r[:-1], r[-1] + " 00:00:00"] for r in values()]
    path.write_text(_delimited(",", [HEADERS, *rows]), encoding="utf-8-sig")


def csv_error_values(path: Path) -> None:
    rows = values()
    rows[1][4] = "#N/A"  # the ID number: required, so the row is refused
    rows[2][8] = "#VALUE!"  # the birth date: not a date to store empty
    path.write_text(_delimited(",", [HEADERS, *rows]), encoding="utf-8")


# ---- workbooks -------------------------------------------------------------------------------------------

def _xlsx(path: Path, rows: list[list[object]], merges: tuple[str, ...] = ()) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for ref in merges:
        sheet.merge_cells(ref)
    book.save(path)


def xlsx_named_xls(path: Path) -> None:
    _xlsx(path, [HEADERS, *values()])


def xlsx_two_row_header(path: Path) -> None:
    top = ["报名号", "姓名", "性别", "证件信息", None, "教师资格证书", None, "现任教学校", "出生日期"]
    sub = [None, None, None, "证件类型", "证件号码", "资格证书号码", "资格种类", None, None]
    _xlsx(path, [[TITLE], top, sub, *values()],
          ("A1:I1", "A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:G2", "H2:H3", "I2:I3"))


def xlsx_group_short_labels(path: Path) -> None:
    """A group cell whose sub-labels only make sense with it: 证件 over 类型/号码."""
    top = ["报名号", "姓名", "证件", None]
    sub = [None, None, "类型", "号码"]
    rows = [[r[0], r[1], r[3], r[4]] for r in values()]
    _xlsx(path, [top, sub, *rows], ("A1:A2", "B1:B2", "C1:D1"))


def xlsx_deep_header(path: Path) -> None:
    notes = [[f"说明第{i}条：请核对后导出"] for i in range(1, 15)]
    _xlsx(path, [[TITLE], *notes, [], HEADERS, *values()])


def xlsx_two_id_columns(path: Path) -> None:
    """Both 身份证号 (mostly empty) and 证件号码: the import says it used 证件号码 and why."""
    rows = values()
    header = ["报名号", "姓名", "身份证号", "证件号码", "现任教学校"]
    _xlsx(path, [header, *[[r[0], r[1], "", r[4], r[7]] for r in rows]])


def xlsx_two_phone_columns(path: Path) -> None:
    """联系电话 and 手机 (both aliases): the fuller column wins."""
    rows = values()
    header = ["报名号", "姓名", "证件号码", "联系电话", "手机"]
    _xlsx(path, [header, *[[r[0], r[1], r[4], "", f"1380000000{i}"] for i, r in enumerate(rows)]])


def xlsx_error_cells(path: Path) -> None:
    """Excel error values (openpyxl writes "#N/A" as an error cell, t="e"): reported, not stored empty."""
    rows: list[list[object]] = [list(r) for r in values()]
    rows[1][4] = "#N/A"
    rows[2][8] = "#DIV/0!"
    rows[3][7] = "#REF!"
    _xlsx(path, [HEADERS, *rows])


def _raw_sheet_xlsx(path: Path, sheet_rows: bytes) -> None:
    write_members(path, list(raw_xlsx_members(sheet_rows).items()))


def write_members(path: Path, members: list[tuple[str, str | bytes]]) -> None:
    """A zip of these members in this order (a name may come twice, or hold a backslash)."""
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        warnings.simplefilter("ignore")  # "Duplicate name": meant
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name), data, zipfile.ZIP_DEFLATED)


def raw_xlsx_members(sheet_rows: bytes) -> dict[str, str | bytes]:
    """The members of a minimal .xlsx whose one sheet (xl/worksheets/sheet1.xml) holds these rows."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/></Types>'),
        "_rels/.rels": (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}"><Relationship Id="r'
                        f'Id1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">'
                            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/styles" Target="styles.xml"/></Relationships>'),
        "xl/styles.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{main}"><fonts count="1"><font/></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="solid">'
            '<fgColor rgb="FFFFFF00"/></patternFill></fill></fills><borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf/><xf fillId="1" applyFill="1"/>'
            '</cellXfs></styleSheet>'),
    }
    members: dict[str, str | bytes] = dict(files)
    members["xl/worksheets/sheet1.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>'.encode()
        + sheet_rows + b"</sheetData></worksheet>")
    return members


def xlsx_styled_far_rows(path: Path) -> None:
    """Real data on top, then 100,000 rows far below (past row 200,000) that hold only empty, styled cells
    (a yellow fill dragged down): the sheet XML is ~9 MB, so the reader's 4 MB scan chunks end inside them."""
    out = io.BytesIO()
    for r, row in enumerate([HEADERS, *values()], start=1):
        cells = "".join(f'<c r="{chr(65 + c)}{r}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
                        for c, v in enumerate(row))
        out.write(f'<row r="{r}">{cells}</row>'.encode())
    for r in range(200_001, 300_001):
        out.write(f'<row r="{r}" s="1" customFormat="1"><c r="A{r}" s="1"/><c r="B{r}" s="1"/>'
                  f'<c r="C{r}" s="1"/></row>'.encode())
    _raw_sheet_xlsx(path, out.getvalue())


CASES: tuple[OfficeFile, ...] = (
    OfficeFile("html_plain_utf8.xls", 4, html_plain_utf8),
    OfficeFile("html_excel_gb2312.xls", 4, html_excel_gb2312,
               checks={"birth_date": first()["birth_date"], "name": first()["name"]}),
    OfficeFile("html_excel_gbk_undeclared.xls", 4, html_excel_gbk_undeclared, checks={"name": first()["name"]}),
    OfficeFile("html_excel_utf8_meta.xls", 4, html_excel_utf8_meta, checks={"name": first()["name"]}),
    OfficeFile("html_two_row_header.xls", 4, html_two_row_header,
               checks={"id_number": first()["id_number"], "cert_type": first()["cert_type"]}),
    OfficeFile("html_entity_flood.html", 4, html_entity_flood),
    OfficeFile("ssml_2003.xls", 4, ssml_2003, checks={"birth_date": first()["birth_date"]}),
    OfficeFile("ssml_errors.xml", 2, ssml_errors, says=("#N/A",), errors=1),
    OfficeFile("csv_gbk_named.xls", 4, csv_gbk_named_xls, checks={"name": first()["name"]}),
    OfficeFile("tsv_named.csv", 4, tsv_named_csv, checks={"school": first()["school"]}),
    OfficeFile("csv_datetimes.csv", 4, csv_datetimes, checks={"birth_date": first()["birth_date"]}),
    OfficeFile("csv_error_values.csv", 2, csv_error_values, says=("#N/A", "#VALUE!"), errors=2),
    OfficeFile("xlsx_named.xls", 4, xlsx_named_xls),
    OfficeFile("xlsx_two_row_header.xlsx", 4, xlsx_two_row_header,
               checks={"id_number": first()["id_number"], "cert_number": first()["cert_number"]}),
    OfficeFile("xlsx_group_short_labels.xlsx", 4, xlsx_group_short_labels,
               checks={"id_number": first()["id_number"]}),
    OfficeFile("xlsx_deep_header.xlsx", 4, xlsx_deep_header),
    OfficeFile("xlsx_two_id_columns.xlsx", 4, xlsx_two_id_columns, says=("使用了 D 列“证件号码”",),
               checks={"id_number": first()["id_number"]}),
    OfficeFile("xlsx_two_phone_columns.xlsx", 4, xlsx_two_phone_columns, says=("使用了 E 列“手机”",),
               checks={"phone": "13800000000"}),
    OfficeFile("xlsx_error_cells.xlsx", 1, xlsx_error_cells, says=("#N/A", "#DIV/0!", "#REF!"), errors=3),
    OfficeFile("xlsx_styled_far_rows.xlsx", 4, xlsx_styled_far_rows),
    OfficeFile("xls_error_cells.xls", 3, lambda p: xls_error_cells(p), says=("#N/A",), errors=1),
)
REFUSED: tuple[tuple[str, Callable[[Path], None], str], ...] = (
    ("ssml_entity_bomb.xls", ssml_entity_bomb, "实体"),
)


def build_corpus(folder: Path) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        if not (folder / case.name).exists():
            case.build(folder / case.name)
    for name, build, _says in REFUSED:
        if not (folder / name).exists():
            build(folder / name)
    return folder


if __name__ == "__main__":
    out = build_corpus(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "office")
    print(f"{len(CASES) + len(REFUSED)} office files written to {out}")


# ---- photos as they arrive ---------------------------------------------------------------------------------

def photo_bytes(fmt: str = "JPEG", size: tuple[int, int] = (300, 410), seed: int = 1) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, (230, 235, 240))
    draw = ImageDraw.Draw(image)
    draw.ellipse((size[0] // 4, size[1] // 5, size[0] * 3 // 4, size[1] * 3 // 5), fill=(200 - seed * 20, 160, 140))
    out = io.BytesIO()
    if fmt == "HEIF":
        import pillow_heif

        pillow_heif.register_heif_opener()
    image.save(out, fmt)
    return out.getvalue()


def gbk_zip(path: Path, members: dict[str, bytes]) -> None:
    """A zip as Chinese Windows zip tools write it: names in GBK bytes, no UTF-8 flag. The zip module would
    flag any non-ASCII name as UTF-8, so each is written under an ASCII stand-in of the same byte length
    and the bytes are swapped afterwards (names are not covered by the CRC)."""
    swaps: list[tuple[bytes, bytes]] = []
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, (name, data) in enumerate(members.items()):
            raw = name.encode("gbk")
            stand_in = f"~{i:03d}~".encode().ljust(len(raw), b"_")
            assert len(stand_in) == len(raw)
            swaps.append((stand_in, raw))
            archive.writestr(stand_in.decode(), data)
    data = buf.getvalue()
    for stand_in, raw in swaps:
        assert data.count(stand_in) == 2  # the local header and the central directory
        data = data.replace(stand_in, raw)
    path.write_bytes(data)


def big_phone_jpeg(path: Path, size: tuple[int, int] = (12_000, 9_000)) -> None:
    """A 108-megapixel photo as a phone's main camera takes it (grey, so it is small on disk)."""
    from PIL import Image

    image = Image.new("L", size, 150)
    image.paste(90, (size[0] // 3, size[1] // 4, size[0] * 2 // 3, size[1] * 3 // 4))
    image.save(path, "JPEG", quality=60)


def jpeg_bomb(path: Path, side: int = 60_000) -> None:
    """A tiny JPEG whose header claims side × side pixels (3.6 gigapixels): a real bomb, refused."""
    data = bytearray(photo_bytes("JPEG", (16, 16)))
    at = data.index(b"\xff\xc0")  # SOF0: length(2) precision(1) height(2) width(2)
    data[at + 5:at + 9] = side.to_bytes(2, "big") * 2
    path.write_bytes(bytes(data))


def xls_error_cells(path: Path) -> None:
    """A legacy .xls (xlwt) with an error cell where the ID number should be."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("申请人")
    for c, h in enumerate(HEADERS):
        sheet.write(0, c, h)
    for r, row in enumerate(values(), start=1):
        for c, v in enumerate(row):
            if (r, c) != (2, 4):
                sheet.write(r, c, v)
    sheet.row(2).set_cell_error(4, 0x2A)  # #N/A (xlwt knows it by code only)
    book.save(str(path))


# ---- files made to get past the import's scan (third round): each aborts the reader if it is loaded ---------
_FAR = b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'


def _patched_member(path: Path, sheet_rows: bytes, patch: Callable[[bytearray, zipfile.ZipInfo], None]) -> None:
    """A minimal .xlsx with these rows whose bytes `patch` then changes (given the sheet member's ZipInfo)."""
    _raw_sheet_xlsx(path, sheet_rows)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    patch(data, info)
    path.write_bytes(bytes(data))


def _wrong_crc(data: bytearray, info: zipfile.ZipInfo) -> None:
    """The sheet's CRC-32 wrong in both headers: Python's zipfile stops at the member's end, the reader (which
    stops reading at </sheetData>) never checks it."""
    central = data.find(b"PK\x01\x02")
    while data[central + 46:central + 46 + len(info.filename)] != info.filename.encode():
        central = data.find(b"PK\x01\x02", central + 4)
    for at in (central + 16, info.header_offset + 14):
        struct.pack_into("<I", data, at, info.CRC ^ 0xDEADBEEF)


def _local_name_differs(data: bytearray, info: zipfile.ZipInfo) -> None:
    """The local header names the sheet `sheeT1.xml`, the directory `sheet1.xml`: Python's zipfile refuses to open
    the member, the reader never compares the two."""
    data[info.header_offset + 30 + len("xl/worksheets/shee")] = ord("T")


def _two_archives(path: Path) -> None:
    """Two zips back to back, the far one first; the second's end record claims a comment that is not there.
    Python's zipfile reads the second, the reader rejects that end record, searches on and opens the first."""
    _raw_sheet_xlsx(path, _FAR)
    first = path.read_bytes()
    _raw_sheet_xlsx(path, b'<row r="1"><c r="A1"><v>1</v></c></row>')
    second = bytearray(path.read_bytes())
    second[-2:] = (100).to_bytes(2, "little")
    path.write_bytes(first + bytes(second))


PAST_THE_SCAN: dict[str, Callable[[Path], None]] = {
    # an attribute name holding '/': the quoted value after it is no attribute, r="XFD1048576" is
    "attribute_name_with_slash": lambda p: _raw_sheet_xlsx(
        p, b'<row r="1"><c r="A1"><v>1</v></c><c k/=\'r="A1"\' r="XFD1048576"><v>2</v></c></row>'),
    "wrong_crc": lambda p: _patched_member(p, _FAR + b"<!--" + b" " * 65536 + b"-->", _wrong_crc),
    # a DOCTYPE whose quoted literal holds '[': the reader skips the literal and ends the DOCTYPE at its '>'
    "doctype_with_quoted_bracket": lambda p: _raw_sheet_xlsx(
        p, b'<row r="1"><c r="A1"><v>1</v></c></row><!DOCTYPE x "[">'
           b'<row r="1048576"><c r="XFD1048576"><v>2</v></c></row><!-- ] -->'),
    # a cell with two references: the reader keeps the last
    "two_references": lambda p: _raw_sheet_xlsx(
        p, b'<row r="1"><c r="A1"><v>1</v></c><c r="B1" r="XFD1048576"><v>2</v></c></row>'),
    # a form feed is no white space to the reader: `row\x0cr="2"` is another element, not a row
    "form_feed_in_a_row_tag": lambda p: _raw_sheet_xlsx(
        p, b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>1</v></c></row>'
           b'<row r="1000000"><row\x0cr="2"><c><v>2</v></c></row>'),
    "local_name_differs": lambda p: _patched_member(p, _FAR, _local_name_differs),
    # row tags inside an inline string are text to the reader
    "row_inside_an_inline_string": lambda p: _raw_sheet_xlsx(
        p, b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>1</v></c></row><row r="1000000"><c r="A1" '
           b't="inlineStr"><is><t>x</t><row r="2"></row></is></c><c><v>2</v></c></row>'),
    "two_archives": _two_archives,
    # rows never closed: the reader starts a row's columns again only at </row>
    "rows_never_closed": lambda p: _raw_sheet_xlsx(
        p, b"".join(b'<row r="%d"><c><v>1</v></c>' % r for r in range(1, 20_001))),
}
