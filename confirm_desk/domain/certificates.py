"""Teacher-qualification certificate numbers (rules CERT-1, CERT-4) and qualification stages (证岗相适,
CERT-5, SCOPE-4)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

from confirm_desk.domain.idnumbers import PROVINCE_CODES
from confirm_desk.domain.text import compact_code

_DIGITS_17 = re.compile(r"[0-9]{17}")
_DIGITS_15 = re.compile(r"[0-9]{15}")


@dataclass(frozen=True)
class CertProblem:
    code: str
    message: str
    suggestion: str = ""


def normalize_cert_number(value: object) -> str:
    return compact_code(value)


def cert_problems(cert_number: str) -> list[CertProblem]:
    """CERT-1: 17 digits; an old 15-digit number needs "19" in front; anything else is flagged."""
    if not cert_number:
        return [CertProblem("cert_missing", "教师资格证书号码为空")]
    if _DIGITS_17.fullmatch(cert_number):
        return []
    if _DIGITS_15.fullmatch(cert_number):
        return [
            CertProblem(
                "cert_old_format",
                "旧版15位证书号码，应在前面加“19”录入",
                suggestion="19" + cert_number,
            )
        ]
    return [CertProblem("cert_format", f"证书号码应为17位数字，现为{len(cert_number)}位“{cert_number}”")]


def layout_problem(number: str, today: dt.date | None = None) -> str:
    """CERT-4 for a 17-digit number: year (1993 to this year) · province code (11–82) · issuing authority (3)
    · kind (1–7) · sex · serial. '' when it fits; a number read by a scan must fit before it can match."""
    if not re.fullmatch(r"\d{17}", number):
        return "证书号码应为17位数字"
    year, province, kind = int(number[:4]), int(number[4:6]), int(number[9])
    if not 1993 <= year <= (today or dt.date.today()).year:
        return f"证书号码年份“{year}”不合理"
    if not 11 <= province <= 82:
        return f"证书号码省份代码“{number[4:6]}”不存在"
    if not 1 <= kind <= 7:
        return f"证书号码资格种类位“{kind}”不存在"
    return ""
# CERT-4: the kind digit of the number. Source: public descriptions of the national numbering (e.g. the
# Sichuan teacher-qualification site, 2018); Nanjing slides 4 (资格种类/性别/证书号码 errors are corrected).
KIND_DIGITS = {
    "1": "幼儿园", "2": "小学", "3": "初级中学", "4": "高级中学", "5": "中等职业学校",
    "6": "中等职业学校实习指导", "7": "高等学校",
}
PRACTICE = "中等职业学校实习指导"
FIRST_YEAR = 1993  # the Teachers Law; no national certificate is older
SEX_FROM_YEAR = 2009  # before 2009 the sex digit used 0/1 inconsistently: not checked
SEX_DIGITS = {"1": "男", "2": "女"}


class CertLayout(NamedTuple):  # a named tuple: made for every applicant checked, and cheap to make
    """The parts of a certificate number (CERT-4). `kinds`: the kind digit(s) the number may carry: a
    "19"-prefixed old number (year · region 6 · kind · sex · serial 5) and a new one (year · province 2 ·
    authority 3 · kind · sex · serial 6) cannot be told apart, so a 19xx number offers both positions."""

    year: int
    province: str
    kinds: tuple[str, ...]
    sex_digit: str
    old: bool


@lru_cache(maxsize=16)
def cert_layout(cert_number: str) -> CertLayout | None:
    """The parts of a 17-digit number, or of an old 15-digit one (read with "19" in front); else None."""
    if _DIGITS_15.fullmatch(cert_number or ""):
        number = "19" + cert_number
        return CertLayout(int(number[:4]), number[4:6], (number[10],), number[11], True)
    if not _DIGITS_17.fullmatch(cert_number or ""):
        return None
    year = int(cert_number[:4])
    kinds = (cert_number[9], cert_number[10]) if cert_number.startswith("19") else (cert_number[9],)
    return CertLayout(year, cert_number[4:6], kinds, cert_number[10], False)


@cache
def kind_name(cert_type: str) -> str | None:
    """The certificate kind (as KIND_DIGITS names it) of a 资格种类 text; None when unknown."""
    text = (cert_type or "").replace("教师资格", "").strip()
    if not text:
        return None
    if "实习指导" in text:
        return PRACTICE
    if text.startswith(("高等学校", "高校")):
        return "高等学校"
    return stage_of(text)


def layout_problems(
    cert_number: str, cert_type: str, id_gender: str | None, today: dt.date
) -> list[CertProblem]:
    """CERT-4: what the number's own digits contradict (warnings, never row errors)."""
    layout = cert_layout(cert_number)
    if layout is None:
        return []
    out: list[CertProblem] = []
    if layout.year < FIRST_YEAR or layout.year > today.year:
        out.append(CertProblem(
            "cert_year_range", f"证书号码中的年份“{layout.year}”不合理（应在 {FIRST_YEAR} 年至今年之间）"))
    if layout.province not in PROVINCE_CODES:
        out.append(CertProblem("cert_province", f"证书号码中的省份代码“{layout.province}”不是有效的省级行政区划代码"))
    expected = kind_name(cert_type)
    named = [KIND_DIGITS.get(d) for d in layout.kinds]
    if expected is not None and expected not in named:
        shown = named[0] or f"未知代码 {layout.kinds[0]}"
        out.append(CertProblem(
            "cert_kind_mismatch",
            f"证书号码中的种类代码表示“{shown}”，与资格种类“{cert_type}”不符，请核对证书原件",
        ))
    if layout.year >= SEX_FROM_YEAR and not layout.old and id_gender:
        sex = SEX_DIGITS.get(layout.sex_digit)
        if sex != id_gender:
            said = f"表示“{sex}”" if sex else f"为“{layout.sex_digit}”（应为 1 或 2）"
            out.append(CertProblem(
                "cert_sex_mismatch", f"证书号码中的性别代码{said}，与身份证的性别“{id_gender}”不符"))
    return out


# Stage order for 证岗相适 (rules.md, Stage matching). 中职 and 高中 are interchangeable.
STAGE_RANK = {"幼儿园": 0, "小学": 1, "初级中学": 2, "高级中学": 3, "中等职业学校": 3}
_STAGE_ALIASES = {
    "初中": "初级中学",
    "高中": "高级中学",
    "中职": "中等职业学校",
    "中等职业学校实习指导": "中等职业学校",
    "幼儿": "幼儿园",
}


@cache
def stage_of(text: str) -> str | None:
    """The stage named by a qualification type (高级中学教师资格) or a teaching stage (高中)."""
    text = (text or "").replace("教师资格", "").strip()
    if not text:
        return None
    if text in STAGE_RANK:
        return text
    for alias, stage in _STAGE_ALIASES.items():
        if text.startswith(alias):
            return stage
    for stage in sorted(STAGE_RANK, key=len, reverse=True):
        if text.startswith(stage):
            return stage
    return None


def is_practice_post(teaching_stage: str, teaching_subject: str = "") -> bool:
    """A 实习指导 post in a secondary vocational school: the stage says so, or a 中职 post's subject does."""
    stage = teaching_stage or ""
    if "实习指导" in stage:
        return True
    return stage_of(stage) == "中等职业学校" and "实习指导" in (teaching_subject or "")


def stage_matches(cert_type: str, teaching_stage: str, teaching_subject: str = "") -> bool | None:
    """证岗相适: same or higher certificate matches; lower certificate, higher post does not. A 中等职业学校
    实习指导 certificate matches only 实习指导 posts (CERT-5, 教师资格条例 第五条).

    None when either stage is unknown, so nothing is claimed.
    """
    if kind_name(cert_type) == PRACTICE:
        if not (teaching_stage or "").strip():
            return None
        return is_practice_post(teaching_stage, teaching_subject)
    cert, post = stage_of(cert_type), stage_of(teaching_stage)
    if cert is None or post is None:
        return None
    return STAGE_RANK[cert] >= STAGE_RANK[post]


def is_higher_cert(cert_type: str, teaching_stage: str) -> bool:
    """高证低聘: the certificate's stage is above the post's (it matches; registered at the post's stage)."""
    if kind_name(cert_type) == PRACTICE:
        return False
    cert, post = stage_of(cert_type), stage_of(teaching_stage)
    return cert is not None and post is not None and STAGE_RANK[cert] > STAGE_RANK[post]
