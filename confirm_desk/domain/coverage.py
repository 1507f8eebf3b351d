"""Who should register this campaign (COV-1…6): pure rules over staff records and applications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from confirm_desk.domain.retirement import (
    add_months,
    describe_age,
    group_for,
    retirement_age,
    retirement_date,
)

CATEGORIES: tuple[str, ...] = (
    "due_not_applied", "due_not_on_post", "past_retirement", "retires_within_5y", "applied_not_due",
)
CATEGORY_LABELS = {
    "due_not_applied": "应注册未报名",
    "due_not_on_post": "应注册但不在岗",
    "past_retirement": "已达法定退休年龄",
    "retires_within_5y": "五年内退休（注册至退休）",
    "applied_not_due": "已报名但本期无需注册",
}
NOTE_YEARS = 5  # COV-5 / CYC-3


@dataclass(frozen=True)
class StaffRecord:
    """One staff-list row as the rules need it (dates parsed, ID normalised)."""

    id_number: str
    name: str
    gender: str = ""
    birth_date: dt.date | None = None
    school: str = ""
    phone: str = ""
    on_post: bool = True
    post_category: str = ""
    probation_end: dt.date | None = None
    last_registered_on: dt.date | None = None
    valid_until: dt.date | None = None


@dataclass(frozen=True)
class Application:
    """An applicant in the store, by normalised ID number."""

    applicant_id: int
    id_number: str
    name: str
    school: str = ""
    phone: str = ""
    gender: str = ""
    birth_date: dt.date | None = None


@dataclass(frozen=True)
class CoverageEntry:
    category: str
    id_number: str
    name: str
    school: str
    phone: str
    reason: str
    applicant_id: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "id_number": self.id_number, "name": self.name, "school": self.school, "phone": self.phone,
            "reason": self.reason, "applicant_id": self.applicant_id,
        }


@dataclass
class CoverageReport:
    as_of: dt.date
    until: dt.date
    staff: int = 0
    entries: dict[str, list[CoverageEntry]] = field(default_factory=lambda: {c: [] for c in CATEGORIES})

    def counts(self) -> dict[str, int]:
        return {c: len(self.entries[c]) for c in CATEGORIES}

    def as_json(self) -> dict[str, list[dict[str, object]]]:
        return {c: [e.as_dict() for e in self.entries[c]] for c in CATEGORIES}


def _fmt(day: dt.date) -> str:
    return day.isoformat()


def due_reason(record: StaffRecord, until: dt.date) -> str:
    """COV-1: why this person must register by the campaign end ('' when not due)."""
    if record.valid_until is not None:
        if record.valid_until <= until:
            return f"注册有效期至 {_fmt(record.valid_until)}"
        return ""
    never_registered = record.last_registered_on is None
    if never_registered and record.probation_end is not None and record.probation_end <= until:
        return f"首次注册：试用期满 {_fmt(record.probation_end)}"
    return ""


def retirement_of(gender: str, born: dt.date | None, post_category: str = "") -> tuple[dt.date, str] | None:
    """(the day the statutory age is reached, that age in words), or None when it cannot be told."""
    group = group_for(gender, post_category)
    if group is None or born is None:
        return None
    return retirement_date(born, group), describe_age(*retirement_age(born, group))


def classify(
    staff: Iterable[StaffRecord],
    applications: Mapping[str, Application],
    as_of: dt.date,
    until: dt.date,
) -> CoverageReport:
    """The five lists of COV-2…6; applications are keyed by normalised ID number."""
    report = CoverageReport(as_of, until)
    horizon = add_months(until, NOTE_YEARS * 12)
    on_list: set[str] = set()
    for record in staff:
        report.staff += 1
        on_list.add(record.id_number)
        applied = applications.get(record.id_number)

        def add(category: str, reason: str, r: StaffRecord = record, a: Application | None = applied) -> None:
            report.entries[category].append(CoverageEntry(
                category, r.id_number, r.name, r.school, r.phone, reason, a.applicant_id if a else None))

        retires = retirement_of(record.gender, record.birth_date, record.post_category)
        if retires is not None and retires[0] <= as_of:  # COV-2: listed apart, never due
            add("past_retirement", f"{_fmt(retires[0])} 已满法定退休年龄{retires[1]}")
            continue
        due = due_reason(record, until)
        if retires is not None and retires[0] <= horizon:  # COV-5: a note beside whatever else applies
            add("retires_within_5y", f"{_fmt(retires[0])} 满法定退休年龄{retires[1]}，注册至退休")
        if due and not record.on_post:  # COV-3
            add("due_not_on_post", f"{due}；不在岗（注册条件第 6 项可能不具备）")
        elif due and applied is None:  # COV-4
            add("due_not_applied", f"{due}；未报名")
        if applied is not None and record.valid_until is not None and record.valid_until > until:  # COV-6
            add("applied_not_due", f"注册有效期至 {_fmt(record.valid_until)}，晚于本期截止 {_fmt(until)}")
    for id_number, a in applications.items():
        if id_number in on_list:
            continue
        retires = retirement_of(a.gender, a.birth_date)
        if retires is not None and retires[0] <= as_of:  # an applicant the staff list does not know
            report.entries["past_retirement"].append(CoverageEntry(
                "past_retirement", id_number, a.name, a.school, a.phone,
                f"{_fmt(retires[0])} 已满法定退休年龄{retires[1]}（不在教职工名单中）", a.applicant_id))
    return report
