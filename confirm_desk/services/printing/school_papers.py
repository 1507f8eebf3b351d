"""The page values the school's papers need beyond the application: the assessment years (年度考核证明), the bag
number and the materials in the bag (档案袋封面)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from confirm_desk.domain.idnumbers import normalize_id
from confirm_desk.domain.text import chinese_date
from confirm_desk.services.codes import choices
from confirm_desk.services.printing.bags import assign_numbers
from confirm_desk.services.printing.print_data import PrintData
from confirm_desk.store.models import MaterialCheck, assessment_table

CYCLE_YEARS = 5  # a registration is valid five years: the certificate covers the five years before this one
BLANK_RESULT = "__________"


def assessment_lines(results: dict[int, str], today: dt.date) -> str:
    """One line per year of the cycle: the imported result, or a blank to fill in by hand."""
    years = range(today.year - CYCLE_YEARS, today.year)
    return "\n".join(f"{year} 年度：{results.get(year) or BLANK_RESULT}" for year in years)


def materials_present(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    """Applicant id -> the checklist items ticked at the desk, in checklist order."""
    order = {name: n for n, name in enumerate(choices("materials"))}
    found: dict[int, list[str]] = {}
    for start in range(0, len(ids), 500):
        rows = session.execute(select(MaterialCheck.applicant_id, MaterialCheck.material).where(
            MaterialCheck.applicant_id.in_(ids[start:start + 500]), MaterialCheck.present.is_(True)))
        for applicant_id, material in rows:
            found.setdefault(applicant_id, []).append(material)
    return {k: sorted(v, key=lambda m: order.get(m, len(order))) for k, v in found.items()}


def add_context(session: Session, kind: str, records: Sequence[PrintData], operator: str = "",
                today: dt.date | None = None) -> None:
    """Fills each record's `extra` with what this kind of paper prints."""
    today = today or dt.date.today()
    numbers = {r.applicant_id: normalize_id(r.values.get("id_number", "")) for r in records}
    if kind == "assessment":
        results: dict[str, dict[int, str]] = {}
        wanted = sorted(set(numbers.values()))
        for start in range(0, len(wanted), 500):
            for number, year, result in session.execute(
                    select(assessment_table.c.id_number, assessment_table.c.year, assessment_table.c.result)
                    .where(assessment_table.c.id_number.in_(wanted[start:start + 500]))):
                results.setdefault(number, {})[year] = result
        for r in records:
            r.extra["assessment_text"] = assessment_lines(results.get(numbers[r.applicant_id], {}), today)
    elif kind == "bag":
        bags = assign_numbers(session, numbers.values(), operator, today)
        present = materials_present(session, [r.applicant_id for r in records])
        for r in records:
            r.extra["bag_number"] = bags.get(numbers[r.applicant_id], "")
            items = present.get(r.applicant_id, [])
            r.extra["materials_text"] = "\n".join(f"{n}. {m}" for n, m in enumerate(items, 1)) or "（未登记）"
            decided = r.decision.decided_at
            r.extra["decided_on"] = chinese_date(decided.date()) if decided else ""
