"""CYC-5: the statutory retirement table at its cohort boundaries."""

import datetime as dt

import pytest

from confirm_desk.domain.retirement import (
    RetirementGroup,
    add_months,
    group_for,
    retirement_age,
    retirement_date,
)

M, W, W50 = RetirementGroup.MALE, RetirementGroup.FEMALE_PROFESSIONAL, RetirementGroup.FEMALE_WORKER


@pytest.mark.parametrize(
    ("group", "born", "age"),
    [
        (M, "1964-12", (60, 0)),
        (M, "1965-01", (60, 1)),
        (M, "1965-04", (60, 1)),
        (M, "1965-05", (60, 2)),
        (M, "1976-08", (62, 11)),
        (M, "1976-09", (63, 0)),
        (M, "1990-01", (63, 0)),
        (W, "1969-12", (55, 0)),
        (W, "1970-01", (55, 1)),
        (W, "1970-05", (55, 2)),
        (W, "1981-08", (57, 11)),
        (W, "1981-09", (58, 0)),
        (W50, "1974-12", (50, 0)),
        (W50, "1975-01", (50, 1)),
        (W50, "1975-03", (50, 2)),
        (W50, "1984-12", (55, 0)),
    ],
)
def test_cohort_boundaries(group: RetirementGroup, born: str, age: tuple[int, int]) -> None:
    year, month = map(int, born.split("-"))
    assert retirement_age(dt.date(year, month, 15), group) == age


def test_retirement_day_adds_the_months_and_clamps_month_ends() -> None:
    assert retirement_date(dt.date(1965, 1, 31), M) == dt.date(2025, 2, 28)  # 60 y 1 m
    assert retirement_date(dt.date(1964, 12, 10), M) == dt.date(2024, 12, 10)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)


def test_groups_from_gender_and_post() -> None:
    assert group_for("男") is M
    assert group_for("女") is W
    assert group_for("女", "工勤技能岗") is W50
    assert group_for("") is None
