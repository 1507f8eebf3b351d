"""Teacher-qualification certificate numbers (rule CERT-1) and qualification stages (证岗相适)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from confirm_desk.domain.text import compact_code


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
    if re.fullmatch(r"\d{17}", cert_number):
        return []
    if re.fullmatch(r"\d{15}", cert_number):
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


def stage_matches(cert_type: str, teaching_stage: str) -> bool | None:
    """证岗相适: same or higher certificate matches; lower certificate, higher post does not.

    None when either stage is unknown, so nothing is claimed.
    """
    cert, post = stage_of(cert_type), stage_of(teaching_stage)
    if cert is None or post is None:
        return None
    return STAGE_RANK[cert] >= STAGE_RANK[post]
