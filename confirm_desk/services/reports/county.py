"""The county's forms of seed 003 made from what the desk holds: 附件4 县(区)集体办理教师资格定期注册初审花名册 (every
school of the point on one sheet) and 附件1 中小学教师持证情况汇总表 (the staff list, joined with the applicants and
the evidence). Layouts are data: forms/print/county_roster_xlsx.json, summary_xlsx.json."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from confirm_desk.domain.fields import FIELDS
from confirm_desk.domain.idnumbers import normalize_id
from confirm_desk.services import settings
from confirm_desk.services.reports.roster import layout, operator_name, roster_people, school_category, write_sheets
from confirm_desk.store.models import applicant_table, contract_table, staff_table

t = applicant_table


@dataclass(frozen=True)
class SheetResult:
    people: int
    schools: int


def _filler(session: Session, operator: str, today: dt.date) -> dict[str, object]:
    return {"operator": operator_name(session, operator), "year": today.year, "month": today.month,
            "day": today.day}


def _unit(session: Session) -> str:
    return str(settings.load(session).get("point_name") or "")


def write_county_roster(session: Session, path: Path, *, operator: str = "",
                        today: dt.date | None = None) -> SheetResult:
    """附件4: the applicants of every school, school by school, on one sheet."""
    today = today or dt.date.today()
    people = roster_people(session, "", today)
    rows = [person for school in sorted(people) for person in people[school]]
    write_sheets(path, {_unit(session): rows}, layout("county_roster_xlsx"), _filler(session, operator, today))
    return SheetResult(len(rows), len(people))


def summary_rows(session: Session, today: dt.date) -> list[dict[str, object]]:
    """One row per teacher of the staff list, school by school; what the applicant row or the evidence knows
    fills the columns the staff list lacks."""
    from confirm_desk.services.evidence.conditions import conditions_for

    staff = session.execute(select(staff_table).order_by(staff_table.c.school, staff_table.c.id)).mappings().all()
    applicants = {normalize_id(r.id_number): r for r in session.execute(
        select(t.c.id, *[t.c[f.key] for f in FIELDS]))}
    contracts = {normalize_id(c.id_number): c for c in session.execute(select(contract_table))}
    fits = conditions_for(session, [a.id for a in applicants.values()], today)
    rows = []
    for s in staff:
        number = normalize_id(s["id_number"])
        a = applicants.get(number)
        row: dict[str, object] = {key: s[key] for key in s.keys()}
        for key in ("cert_issue_date", "cert_subject", "school_nature", "teaching_stage", "teaching_subject"):
            row[key] = (a._mapping[key] if a is not None else "") or ""
        if a is not None and not row.get("cert_number"):
            row["cert_number"], row["cert_type"] = a.cert_number, a.cert_type
        row["school_category"] = school_category(str(row["school_nature"]))
        row["teaching"] = " ".join(v for v in (str(row["teaching_stage"]), str(row["teaching_subject"])) if v)
        first = fits[a.id].conditions[0].met if a is not None and a.id in fits else None
        row["cert_fits"] = {True: "是", False: "否"}.get(first, "")  # type: ignore[arg-type]
        c = contracts.get(number)
        end = "无固定期限" if c is not None and c.open_ended else (c.end_date if c is not None else "")
        row["contract"] = "" if c is None else f"{s['school']} {c.start_date}—{end}"
        special = [str(s["off_post_reason"] or "")] if str(s["on_post"] or "").strip() not in ("", "在岗", "是") else []
        if not row.get("cert_number"):
            special.append("无证")
        row["special"] = "；".join(x for x in special if x)
        rows.append(row)
    return rows


def write_summary(session: Session, path: Path, *, operator: str = "", today: dt.date | None = None) -> SheetResult:
    """附件1 from the staff list (import it first: `staff import`)."""
    today = today or dt.date.today()
    rows = summary_rows(session, today)
    write_sheets(path, {_unit(session): rows}, layout("summary_xlsx"), _filler(session, operator, today))
    return SheetResult(len(rows), len({r["school"] for r in rows}))
