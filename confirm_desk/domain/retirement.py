"""Statutory retirement age (CYC-5) as a table of cohort rules, and the day someone reaches it."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class RetirementGroup(StrEnum):
    MALE = "male"
    FEMALE_PROFESSIONAL = "female_professional"  # women teachers and other professional staff: 55
    FEMALE_WORKER = "female_worker"  # women on 50-year posts


@dataclass(frozen=True)
class CohortRule:
    """Born before `from_year/from_month`: `base_years`. From then on, one month more for every
    `every_months` months of birth, counting the first cohort, up to `max_extra_months`."""

    group: RetirementGroup
    base_years: int
    from_year: int
    from_month: int
    every_months: int
    max_extra_months: int


# NPC Standing Committee decision of 2024-09-13, in force 2025-01-01. It changes by law: edit this
# table, not code.
RETIREMENT_TABLE: tuple[CohortRule, ...] = (
    CohortRule(RetirementGroup.MALE, 60, 1965, 1, 4, 36),
    CohortRule(RetirementGroup.FEMALE_PROFESSIONAL, 55, 1970, 1, 4, 36),
    CohortRule(RetirementGroup.FEMALE_WORKER, 50, 1975, 1, 2, 60),
)
RULES_BY_GROUP = {rule.group: rule for rule in RETIREMENT_TABLE}
# Words in a staff list's 岗位类别 cell that put a woman on a 50-year post (workers, not professionals).
WORKER_POST_WORDS = ("工勤", "工人", "50岁")


def group_for(gender: str, post_category: str = "") -> RetirementGroup | None:
    """Men; women on a worker post; other women (teachers are professional staff). None: unknown gender."""
    if gender == "男":
        return RetirementGroup.MALE
    if gender == "女":
        if any(word in (post_category or "") for word in WORKER_POST_WORDS):
            return RetirementGroup.FEMALE_WORKER
        return RetirementGroup.FEMALE_PROFESSIONAL
    return None


def retirement_age(born: dt.date, group: RetirementGroup) -> tuple[int, int]:
    """(years, months) of the statutory retirement age for someone born in that month."""
    rule = RULES_BY_GROUP[group]
    months_after = (born.year - rule.from_year) * 12 + (born.month - rule.from_month)
    extra = 0 if months_after < 0 else min(months_after // rule.every_months + 1, rule.max_extra_months)
    return rule.base_years + extra // 12, extra % 12


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the 31st becomes the month's last day where there is none."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def retirement_date(born: dt.date, group: RetirementGroup) -> dt.date:
    """The day the statutory retirement age is reached."""
    years, months = retirement_age(born, group)
    return add_months(born, years * 12 + months)


def describe_age(years: int, months: int) -> str:
    return f"{years}周岁" + (f"{months}个月" if months else "")
