"""The names a layout's `{key}` templates can use, made from one applicant's PrintData."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from confirm_desk.domain.decisions import CONDITION_COUNT
from confirm_desk.domain.idnumbers import mask_id
from confirm_desk.domain.statuses import Status
from confirm_desk.domain.text import chinese_date, parse_date
from confirm_desk.services.printing.print_data import PrintData

_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
BLANK_ROUND = "第      次注册"  # the form's own wording, the number left to write (Zhoushan 附件2)
BLANK_DATE = "      年    月    日"
_COUNT = re.compile(r"([0-9]+)|第\s*([一二三四五六七八九十]+)\s*次")


def _chinese_number(text: str) -> int | None:
    """一 … 九十九 as written in 第二次 / 第十一次."""
    tens, _, ones = text.rpartition("十")
    if "十" not in text:
        return _NUMERALS.get(text) if len(text) == 1 else None
    high = _NUMERALS.get(tens, 0) if tens else 1
    low = _NUMERALS.get(ones, 0) if ones else 0
    return high * 10 + low if high else None


def registration_number(values: dict[str, str]) -> int | None:
    """N of "第 N 次注册": the export's 注册次数, or a number in 注册类型, or 1 for 首次注册; None when unknown."""
    for text in (values.get("registration_count") or "", values.get("registration_type") or ""):
        match = _COUNT.search(text)
        if match:
            number = int(match[1]) if match[1] else _chinese_number(match[2])
            if number:
                return number
    if (values.get("registration_type") or "").strip() == "首次注册":
        return 1
    return None


def registration_round(values: dict[str, str]) -> str:
    n = registration_number(values)
    return f"第 {n} 次注册" if n else BLANK_ROUND


def filled_on(values: dict[str, str]) -> str:
    """填表日期 from the application; blank to write by hand when the export did not carry it."""
    day = parse_date(values.get("applied_on") or "")
    return chinese_date(day) if day else BLANK_DATE


@lru_cache(maxsize=8)
def _printed_on(now: dt.datetime) -> str:  # one job's pages share one `now`
    return chinese_date(now.date())


@lru_cache(maxsize=8)
def _printed_at(now: dt.datetime) -> str:
    return f"{now:%Y-%m-%d %H:%M}"


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
        printed_on=_printed_on(now),
        filled_on=filled_on(data.values),
        registration_round=registration_round(data.values),
        printed_at=_printed_at(now),
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
