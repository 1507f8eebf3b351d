"""Registration conditions from evidence (COND-1…7) and the suggested conclusion, pure.

The province's numbers come from a rule set (resources/rules/*.json, each number with its source);
this module only applies them. Each condition is met (True), not met (False) or 待核 (None: the data
is missing), always with a reason in numbers. The desk suggests a conclusion; it never decides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from confirm_desk.domain.certificates import PRACTICE, STAGE_RANK, kind_name, stage_matches, stage_of
from confirm_desk.domain.decisions import CONDITION_COUNT, ConditionMark
from confirm_desk.domain.retirement import add_months

FIRST, PERIODIC = "首次注册", "定期注册"
PENDING_LABEL = "待核"
# Finding codes of domain.checks that make COND-1 不具备 (证岗不相适).
MISMATCH_FINDINGS = ("stage_mismatch", "practice_cert_post")
# Conclusions and their 统计表 categories (附件5 表二–表四), in the form's column order.
QUALIFIED, DEFERRED, FAILED, UNDECIDED = "合格", "暂缓", "不合格", "待核"
QUALIFIED_CATEGORIES = ("同段", "高证低聘")
DEFERRED_CATEGORIES = ("低证高聘", "无证", "学时不足", "师德", "中止教学", "考核不合格", "健康", "处分")
FAILED_CATEGORIES = ("师德影响恶劣", "连续两年及以上考核不合格", "撤销或丧失资格")
# Words in a clerk's reason for condition 7 (其他条件) that name a 暂缓 case of Zhoushan 三(四)6–7.
_HEALTH_WORDS, _PUNISHMENT_WORDS = ("健康", "病", "体检"), ("处分",)
_FAIL_WORDS = {"师德影响恶劣": ("影响恶劣",), "撤销或丧失资格": ("撤销", "丧失")}


@dataclass(frozen=True)
class RuleSet:
    """One province's numbers; None where its rules give none (the condition then stays 待核)."""

    province: str
    name: str
    hours_periodic: float | None = 360
    hours_first: float | None = 180
    credit_hours: float = 1
    passing: tuple[str, ...] = ("优秀", "合格")
    failing: tuple[str, ...] = ("基本合格", "不合格")
    undetermined: tuple[str, ...] = ("不定等次",)
    first_assessment_years: int = 1
    fail_consecutive: int | None = 2
    fail_result: str = "不合格"
    contract_first_years: int | None = 1
    contract_periodic_years: int | None = 3
    cycle_years: int = 5
    deferral_years: int | None = 2
    deferral_hours_per_year: float | None = 72
    deferral_on_post_years: int | None = 1

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RuleSet:
        hours, assess, contract = data["hours"], data["assessment"], data["contract"]
        cycle, deferral = data["cycle"], data["deferral"]
        return cls(
            province=data["province"], name=data["name"],
            hours_periodic=hours["periodic"], hours_first=hours["first"], credit_hours=hours["credit_hours"],
            passing=tuple(assess["passing"]), failing=tuple(assess["failing"]),
            undetermined=tuple(assess["undetermined"]), first_assessment_years=assess["first_years"],
            fail_consecutive=assess["fail_consecutive"], fail_result=assess["fail_result"],
            contract_first_years=contract["first_years"], contract_periodic_years=contract["periodic_years"],
            cycle_years=cycle["years"], deferral_years=deferral["years"],
            deferral_hours_per_year=deferral["hours_per_year"], deferral_on_post_years=deferral["on_post_years"],
        )

    @property
    def results(self) -> tuple[str, ...]:
        return (*self.passing, *self.failing, *self.undetermined)


@dataclass(frozen=True)
class Training:
    hours: float
    year: int | None = None
    on: dt.date | None = None  # the day, when the record gives one (else only the year)
    course: str = ""


@dataclass(frozen=True)
class Contract:
    start: dt.date | None
    end: dt.date | None  # None with open_ended: 无固定期限
    open_ended: bool = False


@dataclass(frozen=True)
class Evidence:
    """What the store knows about one applicant, dates parsed. None / empty: not known."""

    registration_type: str = PERIODIC
    cert_type: str = ""
    teaching_stage: str = ""
    cert_number: str = ""
    hired_on: dt.date | None = None
    work_started_on: dt.date | None = None
    last_registered_on: dt.date | None = None
    valid_until: dt.date | None = None
    deferred_on: dt.date | None = None  # the last conclusion was 暂缓, on this day (Zhoushan 三(五))
    training: tuple[Training, ...] | None = None  # None: no record for this person
    assessments: Mapping[int, str] = field(default_factory=dict)  # year -> result
    contract: Contract | None = None
    on_post: bool | None = None  # None: not on the staff list
    off_post_reason: str = ""
    # The automatic checks' findings on certificate and post (domain.checks): code -> message. When given,
    # COND-1 follows them, so every stage rule the checks know (九年一贯制, 实习指导) is applied once.
    findings: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ConditionResult:
    number: int
    met: bool | None
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"number": self.number, "met": self.met, "reason": self.reason}

    @property
    def label(self) -> str:
        return PENDING_LABEL if self.met is None else ("具备" if self.met else "不具备")


@dataclass(frozen=True)
class Suggestion:
    conclusion: str  # 合格 / 暂缓 / 不合格 / 待核
    category: str  # the 统计表 column; "" for 待核
    reasons: tuple[str, ...] = ()
    pending: tuple[int, ...] = ()  # conditions still 待核
    deferral_span: str = ""  # 暂缓注册2年以内 / 2年以上 (表四), when an earlier 暂缓 is known

    def as_dict(self) -> dict[str, object]:
        return {"conclusion": self.conclusion, "category": self.category, "reasons": list(self.reasons),
                "pending": list(self.pending)}


def fmt_hours(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def is_first(e: Evidence) -> bool:
    return FIRST in (e.registration_type or "")


def cycle_window(e: Evidence, rules: RuleSet, today: dt.date) -> tuple[dt.date | None, str]:
    """The cycle's first day and how it was found (periodic: the last registration; first: the hire)."""
    if is_first(e):
        if e.hired_on:
            return e.hired_on, f"自聘用 {e.hired_on.isoformat()}"
        if e.work_started_on:
            return e.work_started_on, f"自参加工作 {e.work_started_on.isoformat()}"
        return None, "聘用日期未知，按全部记录"
    if e.last_registered_on:
        return e.last_registered_on, f"自上次注册 {e.last_registered_on.isoformat()}"
    if e.valid_until:
        start = add_months(e.valid_until, -12 * rules.cycle_years)
        return start, f"自 {start.isoformat()}"  # 注册有效期至 minus the cycle
    start = add_months(today, -12 * rules.cycle_years)
    return start, f"近 {rules.cycle_years} 年"  # the last registration is not known


def hours_in(training: Sequence[Training], start: dt.date | None, end: dt.date) -> float:
    total = 0.0
    for t in training:
        if t.on is not None:
            inside = (start is None or t.on >= start) and t.on <= end
        elif t.year is not None:
            inside = (start is None or t.year >= start.year) and t.year <= end.year
        else:
            inside = start is None
        if inside:
            total += t.hours
    return total


def condition_hours(e: Evidence, rules: RuleSet, today: dt.date) -> ConditionResult:
    """COND-5: training hours in the cycle against the province's threshold (Zhoushan 三(一)4, 三(三)3)."""
    first = is_first(e)
    need = rules.hours_first if first else rules.hours_periodic
    if e.training is None:
        return ConditionResult(5, None, "无培训学时记录")
    start, since = cycle_window(e, rules, today)
    done = hours_in(e.training, start, today)
    if e.deferred_on is not None and rules.deferral_hours_per_year:
        return _hours_after_deferral(e, rules, today, done, need, since)
    if need is None:
        return ConditionResult(5, None, f"首次注册：本省规则未定学时数，须新任教师培训合格证明；"
                                        f"已记 {fmt_hours(done)} 学时（{since}）")
    kind = "首次注册" if first else "定期注册"
    if done >= need:
        return ConditionResult(5, True, f"培训学时 {fmt_hours(done)}/{fmt_hours(need)}（{kind}，{since}）")
    short = fmt_hours(need - done)
    got = f"{fmt_hours(done)}/{fmt_hours(need)}"
    return ConditionResult(5, False, f"培训学时 {got}，差 {short} 学时（{kind}，{since}）")


def _hours_after_deferral(e: Evidence, rules: RuleSet, today: dt.date, done: float, need: float | None,
                          since: str) -> ConditionResult:
    """Zhoushan 三(五)2: the missing hours made up, and on average ≥ 72 a year during the deferral."""
    assert e.deferred_on is not None and rules.deferral_hours_per_year is not None
    during = hours_in(e.training or (), e.deferred_on, today)
    years = max((today - e.deferred_on).days / 365.25, 1.0)
    per_year = during / years
    parts, met = [], True
    if need is not None:
        parts.append(f"培训学时 {fmt_hours(done)}/{fmt_hours(need)}（{since}）")
        met = done >= need
    floor = rules.deferral_hours_per_year
    since_deferral = f"暂缓（{e.deferred_on.isoformat()}）以来 {fmt_hours(during)} 学时"
    parts.append(f"{since_deferral}，年均 {per_year:.1f}/{fmt_hours(floor)}")
    if per_year < floor:
        met = False
    return ConditionResult(5, met, "；".join(parts))


def assessment_years(e: Evidence, rules: RuleSet, today: dt.date) -> list[int]:
    """The years whose assessment counts: first registration (and re-application after 暂缓) the last
    one(s); periodic every year of the cycle up to last year."""
    last = today.year - 1
    if is_first(e) or e.deferred_on is not None:
        return list(range(last - rules.first_assessment_years + 1, last + 1))
    start, _ = cycle_window(e, rules, today)
    first_year = min(start.year if start else last - rules.cycle_years + 1, last)
    return list(range(first_year, last + 1))


def condition_assessment(e: Evidence, rules: RuleSet, today: dt.date) -> ConditionResult:
    """COND-4: every counted year 合格 or better (Zhoushan 三(一)5, 三(三)2, 三(四)5)."""
    years = assessment_years(e, rules, today)
    if not e.assessments:
        return ConditionResult(4, None, "无年度考核记录")
    failed = [f"{y} 年度考核 {e.assessments[y]}" for y in years if e.assessments.get(y) in rules.failing]
    if failed:
        return ConditionResult(4, False, "；".join(failed))
    unsure = [f"{y} 年度考核 {e.assessments[y]}" for y in years
              if y in e.assessments and e.assessments[y] not in rules.passing]
    missing = [str(y) for y in years if y not in e.assessments]
    if missing or unsure:
        parts = ([f"缺 {'、'.join(missing)} 年度考核记录"] if missing else []) + unsure
        return ConditionResult(4, None, "；".join(parts) + "，请核对")
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    results = "、".join(dict.fromkeys(e.assessments[y] for y in years))
    return ConditionResult(4, True, f"{span} 年度考核 {results}（{len(years)} 年）")


def _whole_years(start: dt.date, end: dt.date) -> int:
    """Whole years of a contract from start to end inclusive (2021-09-01…2024-08-31 is 3 years)."""
    end = end + dt.timedelta(days=1)
    years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    return max(years, 0)


def condition_contract(e: Evidence, rules: RuleSet, today: dt.date) -> ConditionResult:
    """COND-2: a contract of ≥ 1 year (first) or ≥ 3 years (periodic) (Zhoushan 三(一)2, 三(三)1)."""
    c = e.contract
    if c is None or c.start is None:
        return ConditionResult(2, None, "无聘用合同记录")
    need = rules.contract_first_years if is_first(e) else rules.contract_periodic_years
    kind = "首次注册" if is_first(e) else "定期注册"
    if c.open_ended or c.end is None:
        return ConditionResult(2, True, f"聘用合同 {c.start.isoformat()} 起，无固定期限")
    span = f"聘用合同 {c.start.isoformat()} 至 {c.end.isoformat()}"
    years = _whole_years(c.start, c.end)
    if need is not None and years < need:
        return ConditionResult(2, False, f"{span}，聘期 {years} 年，{kind}需 {need} 年以上")
    if c.end < today:
        return ConditionResult(2, None, f"{span}，已于 {c.end.isoformat()} 到期，请核对续签合同")
    wanted = f"（≥{need} 年）" if need is not None else ""
    return ConditionResult(2, True, f"{span}，聘期 {years} 年{wanted}")


def condition_on_post(e: Evidence) -> ConditionResult:
    """COND-6 from the staff list's 在岗 (Zhoushan 三(四)4)."""
    if e.on_post is None:
        return ConditionResult(6, None, "不在教职工名单中")
    if e.on_post:
        return ConditionResult(6, True, "教职工名单：在岗")
    why = f"（{e.off_post_reason}）" if e.off_post_reason else ""
    return ConditionResult(6, False, f"教职工名单：不在岗{why}")


def condition_certificate(e: Evidence) -> ConditionResult:
    """COND-1 证岗相适 from the certificate and the post (Zhoushan 四(二)(三))."""
    if not e.cert_number and not e.cert_type:
        return ConditionResult(1, False, "无教师资格证书")
    for code in MISMATCH_FINDINGS:
        if code in e.findings:
            return ConditionResult(1, False, e.findings[code])
    match = stage_matches(e.cert_type, e.teaching_stage)
    if match is None:
        return ConditionResult(1, None, "资格种类或现任教学段未知")
    if match:
        return ConditionResult(1, True, f"{e.cert_type}，任教{e.teaching_stage}（{stage_relation(e)}）")
    if kind_name(e.cert_type) == PRACTICE:  # CERT-5, 教师资格条例 第五条
        return ConditionResult(1, False, f"实习指导教师资格只适用于中职实习指导岗位，现任教学段{e.teaching_stage}")
    return ConditionResult(1, False, f"低证高聘：{e.cert_type}低于现任教学段{e.teaching_stage}")


def stage_relation(e: Evidence) -> str:
    """同段 or 高证低聘 (中职 and 高中 count as one stage)."""
    if "higher_cert" in e.findings:
        return "高证低聘"
    cert, post = stage_of(e.cert_type), stage_of(e.teaching_stage)
    if cert and post and STAGE_RANK[cert] > STAGE_RANK[post]:
        return "高证低聘"
    return "同段"


def evaluate(e: Evidence, rules: RuleSet, today: dt.date) -> list[ConditionResult]:
    """All seven conditions as the evidence shows them; 3 and 7 have no data and stay 待核."""
    return [
        condition_certificate(e),
        condition_contract(e, rules, today),
        ConditionResult(3, None, "师德表现由学校核实"),
        condition_assessment(e, rules, today),
        condition_hours(e, rules, today),
        condition_on_post(e),
        ConditionResult(7, None, "其他条件由学校核实"),
    ]


def with_marks(results: Sequence[ConditionResult], marks: Sequence[ConditionMark] | None) -> list[ConditionResult]:
    """The clerk's recorded marks win over the evidence where the clerk judged (met is not None)."""
    out = list(results)
    for i, mark in enumerate(marks or ()):
        if i < len(out) and mark.met is not None:
            out[i] = ConditionResult(i + 1, mark.met, mark.reason or out[i].reason)
    return out


def as_marks(results: Sequence[ConditionResult]) -> list[ConditionMark]:
    """The evidence as the check dialog's prefill: the reason kept for 不具备 (the form prints it)."""
    return [ConditionMark(r.met, r.reason if r.met is False else "") for r in results][:CONDITION_COUNT]


def consecutive_fails(e: Evidence, rules: RuleSet, today: dt.date) -> list[int]:
    """Zhoushan 三(六)2: the longest run of consecutive 不合格 years in the cycle (if it reaches the rule's)."""
    if not rules.fail_consecutive:
        return []
    start, _ = cycle_window(e, rules, today)
    years = sorted(y for y, r in e.assessments.items() if r == rules.fail_result
                   and (start is None or y >= start.year) and y < today.year + 1)
    best: list[int] = []
    run: list[int] = []
    for y in years:
        run = [*run, y] if run and y == run[-1] + 1 else [y]
        best = run if len(run) > len(best) else best
    return best if len(best) >= rules.fail_consecutive else []


def suggest(e: Evidence, rules: RuleSet, results: Sequence[ConditionResult], today: dt.date) -> Suggestion:
    """合格 (同段 / 高证低聘), 暂缓 (its first category in the 统计表's order) or 不合格 (三(六))."""
    by_number = {r.number: r for r in results}
    run = consecutive_fails(e, rules, today)
    if run:
        return Suggestion(FAILED, "连续两年及以上考核不合格",
                          (f"{run[0]}–{run[-1]} 连续 {len(run)} 年年度考核{rules.fail_result}",))
    for r in (by_number.get(3), by_number.get(7)):
        if r is not None and r.met is False:
            for category, words in _FAIL_WORDS.items():
                if any(w in r.reason for w in words):
                    return Suggestion(FAILED, category, (r.reason,))
    deferred: list[tuple[str, str]] = []

    def add(number: int, category: str) -> None:
        deferred.append((category, f"第 {number} 项：{by_number[number].reason}"))

    c1 = by_number.get(1)
    if c1 is not None and c1.met is False:
        add(1, "无证" if (not e.cert_number and not e.cert_type) or "无教师资格" in c1.reason else "低证高聘")
    if by_number.get(5) and by_number[5].met is False:
        add(5, "学时不足")
    if by_number.get(3) and by_number[3].met is False:
        add(3, "师德")
    if by_number.get(6) and by_number[6].met is False:
        add(6, "中止教学")
    if by_number.get(4) and by_number[4].met is False:
        add(4, "考核不合格")
    c7 = by_number.get(7)
    if c7 is not None and c7.met is False:
        if any(w in c7.reason for w in _PUNISHMENT_WORDS):
            add(7, "处分")
        elif any(w in c7.reason for w in _HEALTH_WORDS):
            add(7, "健康")
    if by_number.get(2) and by_number[2].met is False:
        deferred.append(("", f"第 2 项：{by_number[2].reason}"))
    if deferred:
        order = {c: i for i, c in enumerate(DEFERRED_CATEGORIES)}
        named = sorted((c for c, _ in deferred if c), key=order.__getitem__)
        return Suggestion(DEFERRED, named[0] if named else "", tuple(r for _, r in deferred),
                          deferral_span=_deferral_span(e, rules, today))
    pending = tuple(r.number for r in results if r.met is None and r.number not in (3, 7))
    if pending:
        return Suggestion(UNDECIDED, "", tuple(f"第 {n} 项：{by_number[n].reason}" for n in pending), pending)
    return Suggestion(QUALIFIED, stage_relation(e))


def _deferral_span(e: Evidence, rules: RuleSet, today: dt.date) -> str:
    """表四's last two columns: how long an earlier 暂缓 has lasted (only when one is known)."""
    if e.deferred_on is None or not rules.deferral_years:
        return ""
    limit = add_months(e.deferred_on, 12 * rules.deferral_years)
    return "2年以内" if today <= limit else "2年以上"


# The conditions the evidence judges (1 stays the 证岗相适 rule the clerk could always settle by eye).
EVIDENCE_NUMBERS = (2, 4, 5, 6)


def overridden(marks: Sequence[ConditionMark], evidence: Sequence[ConditionResult]) -> list[ConditionResult]:
    """The evidence results a clerk's mark contradicts (both judged, different verdicts)."""
    out = []
    for r in evidence:
        if r.number in EVIDENCE_NUMBERS and r.number <= len(marks):
            mark = marks[r.number - 1]
            if mark.met is not None and r.met is not None and mark.met != r.met:
                out.append(r)
    return out


def validate_overrides(marks: Sequence[ConditionMark], evidence: Sequence[ConditionResult]) -> None:
    """Overriding the evidence needs a reason (it is audited with the evidence it overrides)."""
    from confirm_desk.domain.errors import RuleViolation

    for r in overridden(marks, evidence):
        if not marks[r.number - 1].reason.strip():
            verdict = "具备" if marks[r.number - 1].met else "不具备"
            raise RuleViolation(f"第 {r.number} 项注册条件：证明材料显示“{r.label}”（{r.reason}），"
                                f"改为“{verdict}”请填写原因")
