"""Table-driven tests of the domain rules (rules.md: ID-4, CERT-1/4/5/6, SCOPE-1..4, DATE-1, CYC-3, CAL-1)."""

from __future__ import annotations

import datetime as dt

import pytest

from confirm_desk.domain import idnumbers
from confirm_desk.domain.campaign import Calendar, parse_point_authorities, parse_point_list
from confirm_desk.domain.certificates import cert_layout, kind_name, layout_problems, stage_matches
from confirm_desk.domain.checks import CheckContext, OtherApplication, Severity, check_applicant
from confirm_desk.domain.decisions import ConditionMark, prefill_conditions
from confirm_desk.domain.guards import confirm_problems

TODAY = dt.date(2026, 3, 1)
MAN = "330902199207212617"  # 1992-07-21, 男, valid checksum
WOMAN = "33090219780327716X"  # 1978-03-27, 女
OLDER_WOMAN = {"id_number": WOMAN, "gender": "女", "birth_date": "1978-03-27"}


def base(**changes: str) -> dict[str, str]:
    """A clean applicant: no finding at all; each test changes what its rule looks at."""
    values = {
        "application_no": "2025330000007", "name": "汤明刚", "gender": "男", "id_type": "居民身份证",
        "id_number": MAN, "birth_date": "1992-07-21", "cert_number": "20133390221022931",
        "cert_type": "小学教师资格", "cert_subject": "数学", "cert_issue_date": "2013-12-15",
        "teaching_stage": "小学", "teaching_subject": "数学", "school_nature": "公办小学",
        "post_nature": "在编在岗", "work_started_on": "2014-08-01", "hired_on": "2018-08-01",
        "confirmation_point": "定海区教师发展中心确认点", "registration_authority": "舟山市定海区教育局",
    }
    values.update(changes)
    return values


def codes(values: dict[str, str], context: CheckContext | None = None) -> list[str]:
    return [f.code for f in check_applicant(values, TODAY, context=context)]


def test_the_base_applicant_is_clean() -> None:
    assert codes(base()) == []


# --- ID-4 -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("id_number", "expected", "severity"),
    [
        ("330902199207212617", [], None),
        ("٣30902199207212617", ["id_format"], Severity.ERROR),  # an Arabic-Indic digit is not ASCII
        ("330902920721261", ["id_old_15"], Severity.ERROR),  # first generation: ask for the 18-digit one
        ("990902199207212619", ["id_province"], Severity.WARNING),  # 99 is no province (checksum right)
        ("830902199207212612", [], None),  # 83: residence permit of a Taiwan resident
    ],
)
def test_id_rules(id_number: str, expected: list[str], severity) -> None:
    if expected == ["id_province"]:
        id_number = id_number[:17] + idnumbers.check_char(id_number[:17])
    if id_number.startswith("83"):
        id_number = id_number[:17] + idnumbers.check_char(id_number[:17])
    findings = [f for f in check_applicant(base(id_number=id_number), TODAY) if f.field == "id_number"]
    assert [f.code for f in findings] == expected
    if severity:
        assert findings[0].severity is severity


def test_id_shape_messages() -> None:
    assert "18位" in idnumbers.shape_message("330902920721261") and "第一代" in idnumbers.shape_message(
        "330902920721261")
    assert "非阿拉伯数字" in idnumbers.shape_message("٣30902199207212617")
    assert not idnumbers.has_valid_shape("٣30902199207212617")


# --- CERT-4: the 17 digits ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("number", "year", "province", "kinds", "old"),
    [
        ("20133390221022931", 2013, "33", ("2",), False),
        ("19935011440205421", 1993, "50", ("4", "0"), False),  # 19xx: an old number with "19" in front?
        ("193201061090739", 1919, "32", ("1",), True),  # 15 digits read as "19" + old layout
        ("2011330", None, None, None, None),
    ],
)
def test_certificate_layout(number, year, province, kinds, old) -> None:
    layout = cert_layout(number)
    if year is None:
        assert layout is None
        return
    assert (layout.year, layout.province, layout.kinds, layout.old) == (year, province, kinds, old)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"cert_type": "初级中学教师资格", "teaching_stage": "初级中学"}, ["cert_kind_mismatch"]),  # digit 2
        ({"cert_number": "20133390211022931", "cert_type": "小学教师资格"}, ["cert_kind_mismatch"]),
        # sex digit 2 (女) against a man's ID, 2009 and later
        ({"cert_number": "20133390222022931"}, ["cert_sex_mismatch"]),
        ({"cert_number": "20133390223022931"}, ["cert_sex_mismatch"]),  # 3 is no sex digit
        # before 2009 the sex digit is not checked
        ({"cert_number": "20083390221022931", "cert_issue_date": "2008-12-15", **OLDER_WOMAN}, []),
        ({"cert_number": "20093390221022931", "cert_issue_date": "2009-12-15", **OLDER_WOMAN}, ["cert_sex_mismatch"]),
        ({"cert_number": "19923390221022931", "cert_issue_date": "1992-12-15", **OLDER_WOMAN}, ["cert_year_range"]),
        ({"cert_number": "20303390221022931", "cert_issue_date": ""}, ["cert_year_range"]),
        ({"cert_number": "20139990221022931"}, ["cert_province"]),
        ({"cert_number": "2013339022102293"}, ["cert_format"]),  # 16 digits
        ({"cert_number": "20133390221022931", "cert_issue_date": "2012-12-15"}, ["cert_year_mismatch"]),
    ],
)
def test_certificate_number_rules(changes: dict[str, str], expected: list[str]) -> None:
    found = check_applicant(base(**changes), TODAY)
    cert = [f for f in found if f.code.startswith("cert_") and f.code != "cert_too_young"]
    assert [f.code for f in cert] == expected
    assert all(f.severity is Severity.WARNING for f in cert)  # warnings, never row errors


def test_certificate_sex_uses_the_id_card() -> None:
    # ID-3: the ID's sex counts, not the typed gender field.
    problems = layout_problems("20133390222022931", "小学教师资格", idnumbers.gender(WOMAN), TODAY)
    assert problems == []


@pytest.mark.parametrize(
    ("cert_type", "kind"),
    [("幼儿园教师资格", "幼儿园"), ("中等职业学校实习指导教师资格", "中等职业学校实习指导"),
     ("中等职业学校教师资格", "中等职业学校"), ("高等学校教师资格", "高等学校"), ("", None)],
)
def test_kind_names(cert_type: str, kind) -> None:
    assert kind_name(cert_type) == kind


# --- CERT-5, SCOPE-4: stage matching --------------------------------------------------------------
@pytest.mark.parametrize(
    ("cert_type", "stage", "subject", "nature", "expected"),
    [
        ("中等职业学校实习指导教师资格", "中等职业学校实习指导", "", "公办中职中专（技校）", []),
        ("中等职业学校实习指导教师资格", "中等职业学校", "数控技术实习指导", "公办中职中专（技校）", []),
        ("中等职业学校实习指导教师资格", "中等职业学校", "语文", "公办中职中专（技校）", ["practice_cert_post"]),
        ("中等职业学校实习指导教师资格", "小学", "数学", "公办小学", ["practice_cert_post"]),
        ("中等职业学校实习指导教师资格", "幼儿园", "幼儿园", "公办幼儿园", ["practice_cert_post"]),
        ("初级中学教师资格", "小学", "数学", "公办九年一贯制学校", ["higher_cert"]),
        ("高级中学教师资格", "小学", "数学", "公办小学", ["higher_cert"]),
        ("幼儿园教师资格", "小学", "数学", "公办小学", ["stage_mismatch"]),
    ],
)
def test_stage_rules(cert_type, stage, subject, nature, expected) -> None:
    values = base(cert_type=cert_type, teaching_stage=stage, teaching_subject=subject, cert_subject=subject,
                  school_nature=nature, cert_number="")
    found = [f for f in check_applicant(values, TODAY) if f.field == "teaching_stage"]
    assert [f.code for f in found] == expected
    if expected == ["higher_cert"] and "九年" in nature:
        assert "按高学段注册" in found[0].message and found[0].severity is Severity.NOTICE


def test_practice_certificate_does_not_pretick_condition_one() -> None:
    marks = prefill_conditions(base(cert_type="中等职业学校实习指导教师资格", teaching_stage="高级中学"))
    assert marks[0].met is False and "实习指导" in marks[0].reason
    assert prefill_conditions(base(cert_type="中等职业学校实习指导教师资格",
                                   teaching_stage="中等职业学校实习指导"))[0].met is True
    assert stage_matches("中等职业学校实习指导教师资格", "") is None


# --- subject ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cert_subject", "subject", "expected"),
    [("数学", "数学", []), ("数学", "语文", ["subject_differs"]), ("无", "语文", []), ("幼儿园", "语文", []),
     ("", "语文", [])],
)
def test_subject_rules(cert_subject: str, subject: str, expected: list[str]) -> None:
    assert codes(base(cert_subject=cert_subject, teaching_subject=subject)) == expected


# --- DATE-1 ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"hired_on": "2027-01-01"}, ["date_future"]),
        ({"graduated_on": "2026-09-01"}, ["date_future"]),
        ({"hired_on": "2013-08-01"}, ["hired_before_work"]),
        ({"work_started_on": "2008-07-01", "hired_on": "2018-08-01"}, ["work_too_young"]),  # 15 years old
        ({"work_started_on": "2008-07-21", "hired_on": "2018-08-01"}, []),  # 16 that day
        ({"cert_issue_date": "2010-07-20", "cert_number": "20103390221022931"}, ["cert_too_young"]),
        ({"cert_issue_date": "2010-07-21", "cert_number": "20103390221022931"}, []),
        ({"hired_on": "八月"}, ["date_unparsed"]),
    ],
)
def test_date_rules(changes: dict[str, str], expected: list[str]) -> None:
    assert codes(base(**changes)) == expected


# --- CERT-6 ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("number", "issued", "differing", "expected"),
    [
        ("20033390231022931", "2003-07-01", (), ["cert_kind_mismatch", "cert_correction_note"]),
        ("20033390221022931", "2003-07-01", ("cert_subject",), ["cert_correction_note"]),
        ("20033390221022931", "2003-07-01", ("phone",), []),
        ("20083390231022931", "2008-07-01", (), ["cert_kind_mismatch"]),  # from 2008 the city corrects it
        ("19973390223022931", "1997-07-01", (), []),  # 19xx: kind 2 at the old position ("19" + 15 digits)
    ],
)
def test_correction_note(number: str, issued: str, differing: tuple[str, ...], expected: list[str]) -> None:
    context = CheckContext(differing_fields=frozenset(differing))
    assert codes(base(cert_number=number, cert_issue_date=issued, **OLDER_WOMAN), context) == expected


# --- CYC-3 / ID-3 ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("id_number", "gender_field", "past"),
    [
        ("330902197005206201", "女", True),  # woman teacher born 1970-05: 55y2m → 2025-07-20
        ("330902197005206201", "男", True),  # the typed gender does not save her: the ID wins (ID-3)
        ("330902196312155817", "男", True),  # man born 1963-12: 60 → 2023-12-15
        ("330902197004146171", "男", False),  # man born 1970-04: 61y4m → 2031
    ],
)
def test_past_retirement_is_an_error(id_number: str, gender_field: str, past: bool) -> None:
    values = base(id_number=id_number, gender=gender_field, birth_date="1990-01-01", cert_number="",
                  cert_issue_date="", work_started_on="", hired_on="")
    found = [f for f in check_applicant(values, TODAY) if f.code == "past_retirement"]
    assert bool(found) is past
    if past:
        assert found[0].severity is Severity.ERROR and "法定退休年龄" in found[0].message


# --- SCOPE-1..3 ------------------------------------------------------------------------------------
def test_scope_rules() -> None:
    context = CheckContext(desk_points=("定海区教师发展中心确认点",),
                           expected_authorities={"定海区教师发展中心确认点": "舟山市定海区教育局"})
    assert codes(base(), context) == []
    assert codes(base(confirmation_point="鼓楼区教师资格确认点"), context) == ["point_outside"]
    assert codes(base(post_nature="聘用合同制"), context) == ["post_scope"]
    assert codes(base(registration_authority="舟山市普陀区教育局"), context) == ["authority_mismatch"]
    # without a setting only a province-level authority is flagged (manual: 不能填省县)
    assert codes(base(registration_authority="浙江省教育厅")) == ["authority_mismatch"]
    assert codes(base(registration_authority="舟山市普陀区教育局")) == []


@pytest.mark.parametrize(
    ("others", "kind", "matching"),
    [
        ((OtherApplication("2025330000099", "20133390221022931", "小学教师资格", "网报待确认"),), "重复申报",
         "本申请、报名号 2025330000099"),
        ((OtherApplication("2025330000099", "20103390111022931", "幼儿园教师资格", "网报待确认"),), "一人多证",
         "本申请；"),
    ],
)
def test_duplicate_applications(others, kind: str, matching: str) -> None:
    found = [f for f in check_applicant(base(), TODAY, context=CheckContext(others=others))
             if f.code == "duplicate_id"]
    assert len(found) == 1 and found[0].severity is Severity.ERROR
    assert kind in found[0].message and f"相适的证书：{matching}" in found[0].message


def test_error_findings_block_confirmation() -> None:
    def problems(values: dict[str, str]) -> list[str]:
        return [p.text for p in confirm_problems(unmarked=[], materials={}, required=[],
                                                 conditions=[ConditionMark(True)] * 7,
                                                 findings=check_applicant(values, TODAY), field_labels={})]

    assert problems(base()) == []
    assert len(problems(base(id_number="330902196312155817", birth_date="1963-12-15"))) == 1
    assert "法定退休年龄" in problems(base(id_number="330902196312155817", birth_date="1963-12-15"))[0]


# --- CAL-1 -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "inside"),
    [(dt.date(2026, 8, 31), False), (dt.date(2026, 9, 1), True), (dt.date(2026, 9, 30), True),
     (dt.date(2026, 10, 1), False)],
)
def test_confirm_window(day: dt.date, inside: bool) -> None:
    calendar = Calendar(dt.date(2026, 8, 20), dt.date(2026, 9, 10), dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    assert calendar.in_confirm_window(day) is inside
    assert bool(calendar.outside_message(day)) is not inside
    assert calendar.window_closed(day) is (day > dt.date(2026, 9, 30))


def test_calendar_deadline_and_order() -> None:
    calendar = Calendar(confirm_end=dt.date(2026, 9, 30))
    assert calendar.clip_deadline(dt.date(2026, 10, 3)) == dt.date(2026, 9, 30)
    assert calendar.clip_deadline(dt.date(2026, 9, 3)) == dt.date(2026, 9, 3)
    assert Calendar().in_confirm_window(dt.date(2000, 1, 1)) and not Calendar().is_set
    bad = Calendar(dt.date(2026, 9, 10), dt.date(2026, 9, 1), dt.date(2026, 9, 30), dt.date(2026, 9, 1))
    assert len(bad.problems()) == 2


def test_point_settings_parse() -> None:
    assert parse_point_list("甲确认点；乙确认点、甲确认点\n丙") == ("甲确认点", "乙确认点", "丙")
    assert parse_point_authorities("甲=甲区教育局；乙＝乙县教育局；无等号") == {"甲": "甲区教育局", "乙": "乙县教育局"}


@pytest.mark.parametrize(
    ("stage", "met"),
    [("中等职业学校实习指导", True), ("中等职业学校", False), ("高级中学", False), ("小学", False)],
)
def test_practice_certificate_in_the_evidence_condition(stage: str, met: bool) -> None:
    """COND-1 as the check dialog pre-fills it (domain/conditions.py) follows CERT-5 too."""
    from confirm_desk.domain.conditions import Evidence, condition_certificate

    result = condition_certificate(Evidence(cert_type="中等职业学校实习指导教师资格", teaching_stage=stage,
                                            cert_number="20153390261022931"))
    assert result.met is met
    if not met:
        assert "实习指导" in result.reason and "低证高聘" not in result.reason
