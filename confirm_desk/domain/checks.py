"""Automatic checks on an applicant's data: each finding names the field it concerns.

Every rule cites its id in /work/shared/domain/rules.md (ID-*, CERT-*, SCOPE-*, DATE-1, CYC-*); the sources
are listed there. What a rule needs beyond the applicant's own values (this desk's points, the expected
registration authority, other applications with the same ID number, today) comes in a CheckContext that
the services build; the rules themselves stay pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from confirm_desk.domain import certificates, idnumbers
from confirm_desk.domain.fields import CERT_FIELD_KEYS
from confirm_desk.domain.finding_labels import FINDING_LABELS as FINDING_LABELS  # re-exported
from confirm_desk.domain.retirement import (
    RetirementGroup,
    describe_age,
    group_for,
    retirement_age,
    retirement_date,
)
from confirm_desk.domain.text import parse_date_text


class Severity(StrEnum):
    ERROR = "error"  # the data is wrong, or the person cannot register: correct or reject (blocks 确认已通过)
    WARNING = "warning"  # suspicious: check against the original
    NOTICE = "notice"  # allowed, but worth saying (科证不一)


IN_SCOPE_POST = "在编在岗"  # SCOPE-1
WORK_MIN_AGE, CERT_MIN_AGE = 16, 18  # DATE-1
CORRECTION_YEARS = (1996, 2007)  # CERT-6
NINE_YEAR_WORDS = ("九年一贯制", "十二年一贯制")  # SCOPE-4
CERT_FINDINGS = ("cert_kind_mismatch", "cert_sex_mismatch", "cert_year_mismatch", "cert_year_range", "cert_province")


@dataclass(frozen=True)
class Finding:
    code: str
    field: str
    severity: Severity
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "field": self.field, "severity": str(self.severity), "message": self.message}


@dataclass(frozen=True)
class OtherApplication:
    """Another application in the store under the same ID number (SCOPE-3)."""

    application_no: str
    cert_number: str = ""
    cert_type: str = ""
    status_label: str = ""


@dataclass(frozen=True)
class CheckContext:
    """What the rules need beyond one applicant's values. Empty parts switch their rule off."""

    today: dt.date | None = None
    desk_points: tuple[str, ...] = ()  # this desk's confirmation points (setting desk_points / point_name)
    expected_authorities: Mapping[str, str] = field(default_factory=dict)  # point -> 注册机构 (SCOPE-2)
    others: tuple[OtherApplication, ...] = ()  # same ID number, other 报名号 (SCOPE-3)
    differing_fields: frozenset[str] = frozenset()  # fields the confirmer marked 不一致 (CERT-6)


_NO_CONTEXT = CheckContext()
EARLIEST_RETIREMENT_YEARS = 50  # the youngest statutory age in the table: younger people skip the computation


def errors_in(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]


def check_applicant(
    values: Mapping[str, str | None], today: dt.date | None = None, *, context: CheckContext | None = None
) -> list[Finding]:
    """All automatic findings for one applicant's field values (registry keys -> text). The list's flags take
    their codes from domain/check_codes.py (the same rules without the messages): a rule changed here is
    changed there too (tests/test_check_codes.py compares the two on varied rows)."""
    context = context or _NO_CONTEXT
    today = today or context.today or dt.date.today()
    findings: list[Finding] = []
    id_type = (values.get("id_type") or idnumbers.RESIDENT_ID).strip()
    id_number = values.get("id_number") or ""
    resident = id_type == idnumbers.RESIDENT_ID
    if resident:
        for p in idnumbers.id_problems(id_number, today):
            findings.append(Finding(p.code, "id_number", Severity.ERROR, p.message))
        province = idnumbers.province_problem(id_number)
        if province is not None:
            findings.append(Finding(province.code, "id_number", Severity.WARNING, province.message))
        findings.extend(_derived_disagreements(values, id_number))
    born, sex = _birth_and_sex(values, id_number if resident else "")

    cert_number = values.get("cert_number") or ""
    cert_type = values.get("cert_type") or ""
    for cert in certificates.cert_problems(cert_number):
        findings.append(Finding(cert.code, "cert_number", Severity.WARNING, cert.message))
    for cert in certificates.layout_problems(cert_number, cert_type, sex, today):
        findings.append(Finding(cert.code, "cert_number", Severity.WARNING, cert.message))
    findings.extend(_issue_year_disagreement(values))
    findings.extend(_stage_findings_for(cert_type, values.get("teaching_stage") or "",
                                        values.get("teaching_subject") or "", values.get("school_nature") or ""))
    findings.extend(_subject_findings_for((values.get("cert_subject") or "").strip(),
                                          (values.get("teaching_subject") or "").strip()))
    findings.extend(_date_findings(values, born, today))
    findings.extend(_correction_note(values, findings, context))
    findings.extend(retirement_findings(born, sex, today))
    findings.extend(_scope_findings(values, context))
    findings.extend(_duplicate_findings(values, context))
    return findings


def _birth_and_sex(values: Mapping[str, str | None], id_number: str) -> tuple[dt.date | None, str | None]:
    """ID-3: age and sex come from the ID card when it gives them; the typed fields only otherwise."""
    born = idnumbers.birth_date(id_number) if id_number else None
    sex = idnumbers.gender(id_number) if id_number else None
    if born is None:
        born = parse_date_text(values.get("birth_date") or "")
    if sex is None:
        given = (values.get("gender") or "").strip()
        sex = given if given in ("男", "女") else None
    return born, sex


def retirement_findings(born: dt.date | None, sex: str | None, today: dt.date) -> list[Finding]:
    """CYC-3/CYC-5: past the statutory retirement age → no registration (an ERROR: blocks 确认已通过)."""
    group = retired_group(born, sex, today)
    if group is None or born is None:
        return []
    retires = retirement_date(born, group)
    age = describe_age(*retirement_age(born, group))
    return [Finding("past_retirement", "birth_date", Severity.ERROR,
                    f"按身份证出生日期和性别，已于 {retires.isoformat()} 达到法定退休年龄（{age}），"
                    "超过退休年龄的教师不再注册")]


def retired_group(born: dt.date | None, sex: str | None, today: dt.date) -> RetirementGroup | None:
    """The retirement group of someone who has reached its statutory age by `today` (CYC-5); else None."""
    if born is None or today.year - born.year < EARLIEST_RETIREMENT_YEARS:
        return None
    group = group_for(sex or "")
    if group is None or retirement_date(born, group) > today:
        return None
    return group


@lru_cache(maxsize=4096)  # few distinct (certificate, post) pairs: imports hit the cache
def _stage_findings_for(cert_type: str, stage: str, subject: str, nature: str) -> tuple[Finding, ...]:
    return tuple(_stage_findings({"cert_type": cert_type, "teaching_stage": stage, "teaching_subject": subject,
                                  "school_nature": nature}))


@lru_cache(maxsize=4096)
def _subject_findings_for(cert_subject: str, subject: str) -> tuple[Finding, ...]:
    return tuple(_subject_findings({"cert_subject": cert_subject, "teaching_subject": subject}))


def _stage_findings(values: Mapping[str, str | None]) -> list[Finding]:
    cert_type, stage = values.get("cert_type") or "", values.get("teaching_stage") or ""
    subject = values.get("teaching_subject") or ""
    match = certificates.stage_matches(cert_type, stage, subject)
    if match is False and certificates.kind_name(cert_type) == certificates.PRACTICE:
        return [Finding("practice_cert_post", "teaching_stage", Severity.WARNING,
                        f"中等职业学校实习指导教师资格只适用于中职学校实习指导岗位，现任教学段“{stage}”证岗不相适"
                        "（教师资格条例第五条）")]
    if match is False:
        return [Finding("stage_mismatch", "teaching_stage", Severity.WARNING,
                        f"低证高聘：证书“{cert_type}”低于现任教学段“{stage}”，证岗不相适（建议暂缓注册）")]
    if match and certificates.is_higher_cert(cert_type, stage):
        nature = values.get("school_nature") or ""
        cert_stage = certificates.stage_of(cert_type) or ""
        if (any(w in nature for w in NINE_YEAR_WORDS) and certificates.stage_of(stage) == "小学"
                and certificates.STAGE_RANK.get(cert_stage, 0) >= certificates.STAGE_RANK["初级中学"]):
            text = (f"高证低聘（{nature}）：持“{cert_type}”在小学任教，证岗相适；"
                    "教学人员打通使用的，可按高学段注册")
        else:
            text = f"高证低聘：证书“{cert_type}”高于现任教学段“{stage}”，证岗相适，按现任教学段注册"
        return [Finding("higher_cert", "teaching_stage", Severity.NOTICE, text)]
    return []


def _subject_findings(values: Mapping[str, str | None]) -> list[Finding]:
    cert_subject = (values.get("cert_subject") or "").strip()
    subject = (values.get("teaching_subject") or "").strip()
    # 幼儿园 certificates carry no subject; old certificates may say "无" (allowed): nothing to compare.
    if not cert_subject or not subject or cert_subject == subject or "无" in (cert_subject, subject):
        return []
    if "幼儿园" in (cert_subject, subject):
        return []
    return [Finding("subject_differs", "teaching_subject", Severity.NOTICE,
                    f"科证不一：现任教学科“{subject}”与证书任教学科“{cert_subject}”不同，按证书学科注册")]


def _date_findings(values: Mapping[str, str | None], born: dt.date | None, today: dt.date) -> list[Finding]:
    """DATE-1: plausible dates (warnings)."""
    out = []
    parsed: dict[str, dt.date | None] = {}
    for key in ("cert_issue_date", "work_started_on", "hired_on", "graduated_on"):
        raw = values.get(key) or ""
        day = parsed[key] = parse_date_text(raw) if raw else None
        if raw and day is None:
            out.append(Finding("date_unparsed", key, Severity.WARNING, f"日期“{raw}”无法识别"))
        elif day is not None and day > today:
            out.append(Finding("date_future", key, Severity.WARNING, f"日期“{day.isoformat()}”在未来"))
    work, hired, issued = parsed["work_started_on"], parsed["hired_on"], parsed["cert_issue_date"]
    if work and hired and hired < work:
        out.append(Finding("hired_before_work", "hired_on", Severity.WARNING,
                           f"本单位聘用起始日期 {hired.isoformat()} 早于参加工作时间 {work.isoformat()}"))
    if born and work and _age_on(born, work) < WORK_MIN_AGE:
        out.append(Finding("work_too_young", "work_started_on", Severity.WARNING,
                           f"参加工作时间 {work.isoformat()} 时未满 {WORK_MIN_AGE} 周岁（按身份证出生日期）"))
    if born and issued and _age_on(born, issued) < CERT_MIN_AGE:
        out.append(Finding("cert_too_young", "cert_issue_date", Severity.WARNING,
                           f"发证日期 {issued.isoformat()} 时未满 {CERT_MIN_AGE} 周岁（按身份证出生日期）"))
    return out


def _age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _cert_year(values: Mapping[str, str | None]) -> int | None:
    layout = certificates.cert_layout(values.get("cert_number") or "")
    if layout is not None:
        return layout.year
    issued = parse_date_text(values.get("cert_issue_date") or "")
    return issued.year if issued else None


def _correction_note(
    values: Mapping[str, str | None], findings: list[Finding], context: CheckContext
) -> list[Finding]:
    """CERT-6: a 1996–2007 certificate with wrong details: the issuing authority notes the correction
    (备注) on the certificate, or registration fails (Nanjing slides 4–5)."""
    year = _cert_year(values)
    if not needs_correction_note(year, [f.code for f in findings], context):
        return []
    return [Finding("cert_correction_note", "cert_number", Severity.NOTICE,
                    f"{year} 年颁发的证书信息有误：须由发证机关在证书备注栏注明更正，否则不能注册")]


def needs_correction_note(year: int | None, codes: Collection[str], context: CheckContext) -> bool:
    """CERT-6's condition: a certificate of the correction years and a certificate detail found wrong (by the
    checks' codes so far, or marked 不一致 by the confirmer)."""
    if year is None or not CORRECTION_YEARS[0] <= year <= CORRECTION_YEARS[1]:
        return False
    return any(c in CERT_FINDINGS for c in codes) or bool(context.differing_fields & set(CERT_FIELD_KEYS))


def _scope_findings(values: Mapping[str, str | None], context: CheckContext) -> list[Finding]:
    out = []
    point = (values.get("confirmation_point") or "").strip()
    if context.desk_points and point and point not in context.desk_points:
        out.append(Finding("point_outside", "confirmation_point", Severity.WARNING,
                           f"确认点“{point}”不是本确认点（{'、'.join(context.desk_points)}）"))
    post = (values.get("post_nature") or "").strip()
    if post and post != IN_SCOPE_POST:
        out.append(Finding("post_scope", "post_nature", Severity.WARNING,
                           f"岗位性质“{post}”：定期注册通常只面向在编在岗教师，请核实是否属于注册范围"))
    authority = (values.get("registration_authority") or "").strip()
    expected = context.expected_authorities.get(point, "") if point else ""
    if authority and expected and authority != expected:
        out.append(Finding("authority_mismatch", "registration_authority", Severity.WARNING,
                           f"注册机构“{authority}”不是该确认点学校的上级教育行政部门“{expected}”"))
    elif authority and not expected and _names_province(authority):
        out.append(Finding("authority_mismatch", "registration_authority", Severity.WARNING,
                           f"注册机构“{authority}”是省级部门：应为学校的上级教育行政部门，不能填省县"))
    return out


def _names_province(authority: str) -> bool:
    """A province-level body (省教育厅, 某某省) as registration authority: never right (manual: 不能填省县)."""
    return "教育厅" in authority or authority.endswith("省")


def _duplicate_findings(values: Mapping[str, str | None], context: CheckContext) -> list[Finding]:
    """SCOPE-3 / CERT-3: one person, one registration; several certificates → the one matching the post."""
    if not context.others:
        return []
    stage, subject = values.get("teaching_stage") or "", values.get("teaching_subject") or ""
    mine = [("本申请", values.get("cert_type") or "", values.get("cert_number") or "")]
    theirs = [(f"报名号 {o.application_no}", o.cert_type, o.cert_number) for o in context.others]
    listed = "、".join(f"{o.application_no}（{o.cert_type or '资格种类未填'}"
                      f"{'，' + o.status_label if o.status_label else ''}）" for o in context.others)
    certs = {n for _, _, n in mine + theirs if n}
    kind = "一人多证" if len(certs) > 1 else "重复申报"
    matching = [who for who, cert_type, _ in mine + theirs
                if certificates.stage_matches(cert_type, stage, subject)]
    if not stage:
        advice = "请按现任教学段和学科选择一份注册"
    elif matching:
        advice = f"与现任教学段“{stage}”相适的证书：{'、'.join(matching)}；只保留一份申请"
    else:
        advice = f"没有一份证书与现任教学段“{stage}”相适"
    return [Finding("duplicate_id", "id_number", Severity.ERROR,
                    f"同一证件号码另有申请：{listed}（{kind}）。{advice}")]


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
    given_birth = parse_date_text(values.get("birth_date") or "")
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
    issued = parse_date_text(values.get("cert_issue_date") or "")
    if len(number) != 17 or not number.isascii() or not number.isdigit() or issued is None:
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
