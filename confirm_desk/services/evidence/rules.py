"""The province's rule set (resources/rules/*.json) as the store's preferences choose it.

`rule_province` picks the file. The thresholds `training_hours_periodic` / `training_hours_first` and
`training_hours_per_credit` are read too: once an administrator saves one in 首选项 it overrides the rule set
(a county may raise its hours for a year); never saved, the rule set's number — with its cited source —
applies. This keeps one place per province for the numbers and still lets a desk follow a local notice.
"""

from __future__ import annotations

import dataclasses
import json
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from confirm_desk.domain.conditions import RuleSet
from confirm_desk.paths import resources_dir
from confirm_desk.services import settings
from confirm_desk.store.models import Setting

RULE_FILES = {"浙江省": "zhejiang", "重庆市": "chongqing"}
DEFAULT_FILE = "zhejiang"  # provinces without a rule set of their own (江苏省, 其他) use Zhejiang's numbers
OVERRIDES = {"training_hours_periodic": "hours_periodic", "training_hours_first": "hours_first",
             "training_hours_per_credit": "credit_hours"}


@cache
def rule_set_data(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((resources_dir() / "rules" / f"{name}.json").read_text(encoding="utf-8"))
    return data


def rule_set_for(province: str) -> RuleSet:
    name = RULE_FILES.get(province, DEFAULT_FILE)
    rules = RuleSet.from_json(rule_set_data(name))
    if province not in RULE_FILES:
        rules = dataclasses.replace(rules, province=province, name=f"{rules.name}（{province}暂无规则集，借用）")
    return rules


def active_rules(session: Session) -> RuleSet:
    """The chosen province's rule set with the thresholds an administrator saved explicitly."""
    prefs = settings.load(session)
    rules = rule_set_for(str(prefs["rule_province"]))
    saved = set(session.scalars(select(Setting.key).where(Setting.key.in_(list(OVERRIDES)))))
    def saved_value(key: str, default: float | None) -> float | None:
        value = prefs[key]
        return float(value) if key in saved and isinstance(value, int) else default

    return dataclasses.replace(
        rules,
        hours_periodic=saved_value("training_hours_periodic", rules.hours_periodic),
        hours_first=saved_value("training_hours_first", rules.hours_first),
        credit_hours=saved_value("training_hours_per_credit", rules.credit_hours) or rules.credit_hours,
    )
