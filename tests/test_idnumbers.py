import datetime as dt

import pytest

from confirm_desk.domain import idnumbers
from confirm_desk.domain.certificates import cert_problems, stage_matches


@pytest.mark.parametrize(
    ("raw", "valid"),
    [
        ("33090219780327716X", True),
        ("33090219780327716x", True),  # lower-case x accepted, stored upper-case
        ("11010519491231002X", True),  # the GB 11643 example
        ("110105194912310021", False),  # wrong check digit
        ("330902198306069170", False),
        ("３３０９０２１９７８０３２７７１６Ｘ", True),  # full-width
        (" 330902 19780327716X ", True),
    ],
)
def test_checksum(raw: str, valid: bool) -> None:
    assert idnumbers.has_valid_checksum(idnumbers.normalize_id(raw)) is valid


@pytest.mark.parametrize(
    ("id_number", "codes"),
    [
        ("33090219780327716X", []),
        ("", ["id_missing"]),
        ("3309021978032771", ["id_format"]),
        ("3309021978032771A6", ["id_format"]),
        ("330902197802307160", ["id_birth_invalid"]),  # 30 February, checksum right
        ("330902197802307161", ["id_birth_invalid", "id_checksum"]),
        ("330902209901017160", ["id_birth_future", "id_checksum"]),
        ("330902198306069170", ["id_checksum"]),
    ],
)
def test_id_problems(id_number: str, codes: list[str]) -> None:
    found = [p.code for p in idnumbers.id_problems(id_number, today=dt.date(2026, 11, 1))]
    assert found == codes


def test_checksum_message_names_expected_char() -> None:
    (problem,) = idnumbers.id_problems("330902198306069170", today=dt.date(2026, 1, 1))
    assert "应为 1" in problem.message or "应为" in problem.message
    assert problem.message.endswith("实际为 0")


@pytest.mark.parametrize(
    ("id_number", "born", "gender"),
    [
        ("33090219780327716X", dt.date(1978, 3, 27), "女"),  # 17th digit 6: even
        ("320106199911269078", dt.date(1999, 11, 26), "男"),  # 7: odd
        ("bad", None, None),
    ],
)
def test_derived_birth_and_gender(id_number: str, born, gender) -> None:
    assert idnumbers.birth_date(id_number) == born
    assert idnumbers.gender(id_number) == gender


def test_mask() -> None:
    assert idnumbers.mask_id("33090219780327716X") == "3309**********716X"


@pytest.mark.parametrize(
    ("number", "codes", "suggestion"),
    [
        ("20003390210565529", [], ""),  # the sample's 2025330000001 (regenerated: real layout)
        ("193201061090739", ["cert_old_format"], "19193201061090739"),  # the sample's 2025320000012
        ("2015500114227784", ["cert_format"], ""),
        ("2015500114227784A", ["cert_format"], ""),
        ("", ["cert_missing"], ""),
    ],
)
def test_certificate_number(number: str, codes: list[str], suggestion: str) -> None:
    problems = cert_problems(number)
    assert [p.code for p in problems] == codes
    if suggestion:
        assert problems[0].suggestion == suggestion


@pytest.mark.parametrize(
    ("cert", "stage", "matches"),
    [
        ("小学教师资格", "小学", True),
        ("高级中学教师资格", "初级中学", True),  # 高证低聘
        ("幼儿园教师资格", "小学", False),  # 低证高聘
        ("初级中学教师资格", "高级中学", False),
        ("中等职业学校教师资格", "高级中学", True),  # interchangeable
        ("高级中学教师资格", "中等职业学校", True),
        ("中等职业学校实习指导教师资格", "中等职业学校", False),  # CERT-5: only 实习指导 posts
        ("中等职业学校实习指导教师资格", "中等职业学校实习指导", True),
        ("中等职业学校实习指导教师资格", "小学", False),  # it used to match 幼儿园 through 高中
        ("", "小学", None),
    ],
)
def test_stage_matching(cert: str, stage: str, matches) -> None:
    assert stage_matches(cert, stage) is matches
