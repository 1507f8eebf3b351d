"""The names a layout's `{key}` templates can use, made from one applicant's PrintData."""

from __future__ import annotations

import datetime as dt
from typing import Any

from confirm_desk.domain.decisions import CONDITION_COUNT
from confirm_desk.domain.idnumbers import mask_id
from confirm_desk.domain.statuses import Status
from confirm_desk.domain.text import chinese_date
from confirm_desk.services.printing.print_data import PrintData


def page_context(data: PrintData, now: dt.datetime, copy: int = 1, copies: int = 1) -> dict[str, Any]:
    """Registry values under their keys, plus the printed extras listed in forms/print/README.md."""
    decision = data.decision
    ctx: dict[str, Any] = dict(data.values)
    ctx.update(data.extra)
    ctx.update(
        id_number_masked=mask_id(data.values["id_number"]),
        status_label=data.status.label,
        operator=decision.operator,
        decided_at=f"{decision.decided_at:%Y-%m-%d %H:%M}" if decision.decided_at else "",
        decision_reason=decision.reason,
        confirmation_point=data.confirmation_point,
        point_address=data.point_address or data.confirmation_point,
        printed_on=chinese_date(now.date()),
        printed_at=f"{now:%Y-%m-%d %H:%M}",
        missing=list(decision.missing),
        missing_text="、".join(decision.missing),
        is_confirmed=data.status is Status.CONFIRMED,
        is_rejected=data.status is Status.REJECTED,
        is_incomplete=data.status is Status.INCOMPLETE,
        has_missing=bool(decision.missing),
        photo=data.photo,
        copy_no=copy,
        copies=copies,
    )
    for n in range(1, CONDITION_COUNT + 1):
        mark = decision.conditions[n - 1] if n <= len(decision.conditions) else None
        ctx[f"condition_{n}_met"] = None if mark is None else mark.met
        ctx[f"condition_{n}_reason"] = mark.reason if mark else ""
    return ctx
