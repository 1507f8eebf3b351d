"""What stands in the way of 确认已通过 (pure): every problem named in the clerk's words.

A confirmation is refused while any problem is known — a field not compared with the original, a required
material not ticked, a registration condition not marked 具备, an ERROR finding of the automatic checks (wrong
ID checksum, past retirement, duplicate application…), or an applicant of another confirmation point —
unless the confirmer types the reason for confirming anyway (an override, kept in the audit trail).

Material 8 (认定申请表复印件) is asked for only when the certificate was issued outside this point's area:
`required_materials` leaves it out when the certificate's 认定机构 is one of the point's local authorities.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from confirm_desk.domain.checks import FINDING_LABELS, Finding, Severity
from confirm_desk.domain.decisions import ConditionMark

LOCAL_ONLY_PREFIX = "认定申请表复印件"  # the checklist's 8th material (CONF-4: only when not issued locally)
_SEPARATORS = re.compile(r"[,，、;；\n]+")


@dataclass(frozen=True)
class Problem:
    kind: str  # "unmarked" | "material" | "condition" | "finding" | "point"
    text: str  # Chinese, shown to the clerk and kept in the audit trail


def split_issuers(text: str) -> list[str]:
    """The preference's text (one authority per line, or separated by 、，,；) as a list."""
    return [part.strip() for part in _SEPARATORS.split(text or "") if part.strip()]


def is_local_issuer(issuer: str, local_issuers: Iterable[str]) -> bool:
    """True when the certificate's 认定机构 is (or names) one of this point's local authorities."""
    issuer = re.sub(r"\s+", "", issuer or "")
    return bool(issuer) and any(re.sub(r"\s+", "", local) in issuer for local in local_issuers if local.strip())


def material_required(label: str, issuer: str, local_issuers: Sequence[str]) -> bool:
    """Every checklist material is required, but the 认定申请表 copy only for a certificate issued elsewhere.
    With no local authority declared the desk cannot tell, so it does not ask for it."""
    if not label.startswith(LOCAL_ONLY_PREFIX):
        return True
    return bool(local_issuers) and not is_local_issuer(issuer, local_issuers)


def required_materials(labels: Sequence[str], issuer: str, local_issuers: Sequence[str]) -> list[str]:
    return [label for label in labels if material_required(label, issuer, local_issuers)]


def confirm_problems(
    *,
    unmarked: Sequence[str],
    materials: Mapping[str, bool],
    required: Sequence[str],
    conditions: Sequence[ConditionMark],
    findings: Sequence[Finding],
    field_labels: Mapping[str, str],
    applicant_point: str = "",
    this_point: str = "",
) -> list[Problem]:
    """Every reason not to confirm yet, in the order the clerk works down the dialog."""
    problems: list[Problem] = []
    if unmarked:
        names = "、".join(field_labels.get(key, key) for key in unmarked[:8]) + ("等" if len(unmarked) > 8 else "")
        problems.append(Problem("unmarked", f"{len(unmarked)} 个字段尚未与原件核对（{names}）"))
    unticked = [label for label in required if not materials.get(label, False)]
    if unticked:
        problems.append(Problem("material", f"材料未勾选：{'、'.join(unticked)}"))
    not_met = [n for n, mark in enumerate(conditions, start=1) if mark.met is not True]
    if not_met:
        problems.append(Problem("condition", f"注册条件第 {'、'.join(map(str, not_met))} 项未标为“具备”"))
    for finding in findings:
        if finding.severity is Severity.ERROR:
            label = field_labels.get(finding.field, "")
            text = finding.message or FINDING_LABELS.get(finding.code, "自动检查发现的错误")
            problems.append(Problem("finding", f"自动检查错误：{text}" + (f"（{label}）" if label else "")))
    if applicant_point and this_point and applicant_point.strip() != this_point.strip():
        problems.append(Problem("point", f"该申请人报的是“{applicant_point}”，不是本确认点“{this_point}”"))
    return problems


def describe(problems: Sequence[Problem]) -> str:
    return "\n".join(f"{n}. {p.text}" for n, p in enumerate(problems, start=1))


OVERRIDE_MIN_CHARS = 4  # "ok", "好的", "1" say nothing an auditor could check; "原件无误" is the shortest real reason
_NOT_WORDS = re.compile(r"[\W_]+")  # spaces and punctuation do not count


def override_reason_refusal(reason: str) -> str | None:
    """Why this reason to confirm despite the problems is not enough (None: it may stand). The reason goes to the
    audit trail in place of the check it passes over, so it must name what the clerk saw."""
    if len(_NOT_WORDS.sub("", reason)) >= OVERRIDE_MIN_CHARS:
        return None
    return (f"越过检查确认的原因“{reason.strip()}”太短：请写明核对了什么、为什么仍可通过"
            f"（至少 {OVERRIDE_MIN_CHARS} 个字，例如“身份证原件号码与网报一致，系统校验有误”）")
