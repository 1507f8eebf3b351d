"""The confirmation guard over the store: which materials this applicant owes (the point's local
authorities), and what stands in the way of 确认已通过 once the dialog's input is applied (domain/guards.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy.orm import Session

from confirm_desk.domain import guards
from confirm_desk.domain.decisions import CompareMark, ConditionMark
from confirm_desk.domain.errors import RuleViolation
from confirm_desk.domain.fields import FIELDS
from confirm_desk.services import settings
from confirm_desk.services.confirming import check_marks as marks

FIELD_LABELS = {f.key: f.label for f in FIELDS}


class DecisionBlocked(RuleViolation):
    """确认已通过 refused: the problems are named; a typed override reason lets it through."""

    def __init__(self, problems: Sequence[guards.Problem]) -> None:
        self.problems = list(problems)
        super().__init__("不能确认已通过，尚有以下问题：\n" + guards.describe(self.problems)
                         + "\n如确需通过，请填写越过检查的原因（将记入审计记录）。")


def point_context(session: Session) -> tuple[str, list[str]]:
    """This point's name and its local certificate authorities (store preferences)."""
    values = settings.load(session)
    return str(values.get("point_name") or ""), guards.split_issuers(str(values.get("local_cert_issuers") or ""))


def this_point_for(session: Session, applicant_point: str) -> str:
    """The point the other-point check compares with: the applicant's own when it is one of this desk's points
    (setting desk_points, SCOPE: a desk may serve several), else the point's name."""
    from confirm_desk.services.applicants.findings import base_context

    if applicant_point and applicant_point in base_context(session).desk_points:
        return applicant_point
    return point_context(session)[0]


def required_materials(session: Session, values: Mapping[str, str]) -> list[str]:
    _point, local = point_context(session)
    return guards.required_materials(marks.material_labels(), values.get("cert_issuer") or "", local)


def problems_after(
    session: Session,
    applicant_id: int,
    values: Mapping[str, str],
    compares: Mapping[str, CompareMark],
    materials: Mapping[str, bool],
    conditions: Sequence[ConditionMark] | None,
) -> list[guards.Problem]:
    """The problems once this input is saved: stored marks overlaid with the input's."""
    _point, local = point_context(session)
    this_point = this_point_for(session, values.get("confirmation_point") or "")
    merged = {**marks.load_compares(session, applicant_id), **compares}
    stored_materials = marks.load_materials(session, applicant_id)
    if conditions is None:
        conditions = marks.load_conditions(session, applicant_id) or [ConditionMark()] * 7
    from confirm_desk.services.applicants.findings import findings_for

    differing = [key for key, mark in merged.items() if not mark.matches]
    findings = findings_for(session, values, applicant_id, differing=differing)
    return guards.confirm_problems(
        unmarked=[f.key for f in FIELDS if f.key not in merged],
        materials={**stored_materials, **materials},
        required=guards.required_materials(marks.material_labels(), values.get("cert_issuer") or "", local),
        conditions=list(conditions),
        findings=findings,
        field_labels=FIELD_LABELS,
        applicant_point=values.get("confirmation_point") or "",
        this_point=this_point,
    )
