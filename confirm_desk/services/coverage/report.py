"""The coverage report (COV-1…6): the staff list against the applications in the store, and its xlsx."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from confirm_desk.domain.coverage import CATEGORIES, CATEGORY_LABELS, Application, CoverageReport, classify
from confirm_desk.domain.idnumbers import normalize_id
from confirm_desk.domain.text import parse_date
from confirm_desk.services import settings
from confirm_desk.services.coverage.staff import staff_records
from confirm_desk.services.output_files import atomic_output
from confirm_desk.services.spreadsheets.safe import safe_cell
from confirm_desk.store.models import applicant_table

t = applicant_table
COVERAGE_UNTIL = "coverage_until"  # a store preference (confirm_desk/preferences.py)
XLSX_HEADERS = ("序号", "姓名", "身份证号码", "学校", "联系电话", "说明", "已报名")


def applications(session: Session) -> dict[str, Application]:
    """Every applicant in the store by normalised ID number (the same person twice: the first kept)."""
    out: dict[str, Application] = {}
    stmt = select(t.c.id, t.c.id_number, t.c.name, t.c.school, t.c.phone, t.c.gender, t.c.birth_date)
    rows = session.execute(stmt.order_by(t.c.id)).all()
    for applicant_id, id_number, name, school, phone, gender, born in rows:  # by position: fast on 100,000
        key = normalize_id(id_number)
        if key and key not in out:
            out[key] = Application(applicant_id, key, name, school, phone, gender, parse_date(born))
    return out


def coverage_report(
    session: Session, as_of: dt.date | None = None, until: dt.date | None = None
) -> CoverageReport:
    """As of `as_of` (default today) for a campaign ending `until` (default: preference coverage_until)."""
    as_of = as_of or dt.date.today()
    until = until or default_until(session, as_of)
    return classify(staff_records(session), applications(session), as_of, until)


def default_until(session: Session, as_of: dt.date) -> dt.date:
    """The coverage_until preference, else the end of the reference day's year."""
    stored = settings.load(session)[COVERAGE_UNTIL]
    return stored if isinstance(stored, dt.date) else dt.date(as_of.year, 12, 31)


def schools_of(report: CoverageReport) -> list[str]:
    return sorted({e.school for c in CATEGORIES for e in report.entries[c] if e.school})


def write_coverage_xlsx(report: CoverageReport, path: Path, school: str = "") -> int:
    """One sheet of counts, then one sheet per category; ID numbers as text; returns the rows written."""
    from openpyxl import Workbook

    book = Workbook()
    summary = book.active
    summary.title = "汇总"
    summary.append(["基准日", report.as_of.isoformat()])
    summary.append(["本期注册截止", report.until.isoformat()])
    summary.append(["教职工名单人数", report.staff])
    if school:
        summary.append(["学校", safe_cell(school)])
    written = 0
    for category in CATEGORIES:
        entries = [e for e in report.entries[category] if not school or e.school == school]
        summary.append([CATEGORY_LABELS[category], len(entries)])
        sheet = book.create_sheet(CATEGORY_LABELS[category][:31])
        sheet.append(list(XLSX_HEADERS))
        for n, e in enumerate(entries, start=1):
            sheet.append([n, *(safe_cell(v) for v in (e.name, e.id_number, e.school, e.phone, e.reason)),
                          "是" if e.applicant_id else "否"])
            sheet.cell(row=n + 1, column=3).number_format = "@"  # an ID is text, never a number
            written += 1
        for column, width in zip("ABCDEFG", (6, 10, 22, 30, 15, 50, 8), strict=True):
            sheet.column_dimensions[column].width = width
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path) as temp:
        book.save(temp)
    return written
