"""Automatic checks on an applicant's data: each finding names the field it concerns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from confirm_desk.domain import certificates, idnumbers
from confirm_desk.domain.text import parse_date


class Severity(StrEnum):
    ERROR = "error"  # the data is wrong: the clerk must correct or reject
    WARNING = "warning"  # suspicious: check against the original
    NOTICE = "notice"  # allowed, but worth saying (科证不一)


# Short labels for finding codes (list tooltips, badges, reports).
FINDING_LABELS = {
    "id_checksum": "身份证校验码错误", "id_format": "证件号码格式错误", "id_birth_invalid": "身份证出生日期无效",
    "id_birth_future": "出生日期在未来", "id_missing": "证件号码为空", "gender_mismatch": "性别与身份证不符",
    "birth_mismatch": "出生日期与身份证不符", "cert_old_format": "旧版15位证书号码", "cert_format": "证书号码格式错误",
    "cert_missing": "证书号码为空", "stage_mismatch": "低证高聘", "subject_differs": "科证不一",
    "date_unparsed": "日期无法识别", "cert_year_mismatch": "发证日期与证书号码年份不符",
    "past_retirement": "已达法定退休年龄",
}


@dataclass(frozen=True)
class Finding:
    code: str
    field: str
    severity: Severity
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "field": self.field, "severity": str(self.severity), "message": self.message}


def check_applicant(values: Mapping[str, str | None], today: dt.date | None = None) -> list[Finding]:
    """All automatic findings for one applicant's field values (registry keys -> text)."""
    findings: list[Finding] = []
    id_type = (values.get("id_type") or idnumbers.RESIDENT_ID).strip()
    id_number = values.get("id_number") or ""
    if id_type == idnumbers.RESIDENT_ID:
        for p in idnumbers.id_problems(id_number, today):
            findings.append(Finding(p.code, "id_number", Severity.ERROR, p.message))
        findings.extend(_derived_disagreements(values, id_number))

    for cert in certificates.cert_problems(values.get("cert_number") or ""):
        findings.append(Finding(cert.code, "cert_number", Severity.WARNING, cert.message))

    findings.extend(_issue_year_disagreement(values))
    cert_type, stage = values.get("cert_type") or "", values.get("teaching_stage") or ""
    if certificates.stage_matches(cert_type, stage) is False:
        findings.append(
            Finding(
                "stage_mismatch", "teaching_stage", Severity.WARNING,
                f"低证高聘：证书“{cert_type}”低于现任教学段“{stage}”，证岗不相适（建议暂缓注册）",
            )
        )
    cert_subject, subject = (values.get("cert_subject") or "").strip(), (values.get("teaching_subject") or "").strip()
    if cert_subject and subject and cert_subject != subject and not _same_stage_word(cert_subject, subject):
        findings.append(
            Finding(
                "subject_differs", "teaching_subject", Severity.NOTICE,
                f"科证不一：现任教学科“{subject}”与证书任教学科“{cert_subject}”不同，按证书学科注册",
            )
        )
    for key in ("cert_issue_date", "work_started_on", "hired_on", "graduated_on"):
        raw = values.get(key) or ""
        if raw and parse_date(raw) is None:
            findings.append(Finding("date_unparsed", key, Severity.WARNING, f"日期“{raw}”无法识别"))
    return findings


def _same_stage_word(a: str, b: str) -> bool:
    # 幼儿园 certificates carry the subject "幼儿园": no subject to compare.
    return a == "幼儿园" or b == "幼儿园"


def _derived_disagreements(values: Mapping[str, str | None], id_number: str) -> list[Finding]:
    """ID-2/ID-3: gender and birth date come from the ID card; the card wins."""
    out = []
    derived_gender = idnumbers.gender(id_number)
    given_gender = (values.get("gender") or "").strip()
    if derived_gender and given_gender and given_gender != derived_gender:
        out.append(
            Finding(
                "gender_mismatch", "gender", Severity.ERROR,
                f"性别“{given_gender}”与身份证号码不符（应为“{derived_gender}”）",
            )
        )
    born = idnumbers.birth_date(id_number)
    given_birth = parse_date(values.get("birth_date") or "")
    if born and given_birth and given_birth != born:
        out.append(
            Finding(
                "birth_mismatch", "birth_date", Severity.ERROR,
                f"出生日期“{given_birth.isoformat()}”与身份证号码不符（应为“{born.isoformat()}”）",
            )
        )
    return out


def _issue_year_disagreement(values: Mapping[str, str | None]) -> list[Finding]:
    """A 17-digit certificate number starts with the year it was issued: a different 发证日期 is a typo."""
    number = values.get("cert_number") or ""
    issued = parse_date(values.get("cert_issue_date") or "")
    if len(number) != 17 or not number.isdigit() or issued is None:
        return []
    year = int(number[:4])
    if year == issued.year:
        return []
    return [
        Finding(
            "cert_year_mismatch", "cert_issue_date", Severity.WARNING,
            f"发证日期“{issued.isoformat()}”与证书号码中的年份“{year}”不符，请核对证书原件",
        )
    ]
