"""Files the evidence tests make: applicants, staff lists, training, assessments and contracts."""

from __future__ import annotations

from pathlib import Path

from confirm_desk.domain.idnumbers import check_char


def id_number(seq: int, born: str = "19850312", female: bool = False) -> str:
    """A valid 18-character ID number (GB 11643) for a made-up person."""
    serial = f"{seq % 100:02d}{(2 * (seq % 5) + (0 if female else 1))}"
    first17 = f"330902{born}{serial}"
    return first17 + check_char(first17)


def write_xlsx(path: Path, rows: list[list[object]], title_rows: int = 0) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    for i in range(title_rows):
        ws.append([f"标题行 {i + 1}"])
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


# Applicants as the national export names the columns (a subset the importer needs).
APPLICANT_HEADER = ["报名号", "姓名", "证件类型", "证件号码", "性别", "资格种类", "任教学科", "教师资格证书号码",
                    "注册类型", "现任教学校", "学校性质", "现任教学段", "现任教学科", "本单位聘用起始日期",
                    "参加工作时间", "网报状态", "确认点"]


def applicant_row(no: str, name: str, ident: str, *, kind: str = "定期注册", cert: str = "小学教师资格",
                  stage: str = "小学", school: str = "定海区第一小学", nature: str = "公办小学",
                  hired: str = "2010-09-01", cert_number: str = "20103309021000001") -> list[object]:
    return [no, name, "居民身份证", ident, "男" if int(ident[16]) % 2 else "女", cert, "语文", cert_number, kind,
            school, nature, stage, "语文", hired, hired, "网报待确认", "定海区确认点"]


def import_applicants_file(store, path: Path, rows: list[list[object]]) -> None:
    from confirm_desk.services.importing.applicants import import_applicants

    write_xlsx(path, [APPLICANT_HEADER, *rows])
    result = import_applicants(store, path)
    assert not result.errors, result.errors
