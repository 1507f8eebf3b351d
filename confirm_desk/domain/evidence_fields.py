"""Column registries of the evidence files (training hours, yearly assessments, contracts) and their cell rules.

Headers are matched by their aliases first, then by meaning (key words such as 学分 / 学时 / 考核+结果), so
"本年度继续教育学时" or "年度考核等次" are understood without listing every wording.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from confirm_desk.domain.fields import Kind, normalize_header
from confirm_desk.domain.staff_fields import StaffField as EvidenceField
from confirm_desk.domain.text import to_halfwidth

_ID = EvidenceField(
    "id_number", "身份证号码", Kind.ID_NUMBER,
    ("证件号码", "身份证号", "公民身份号码", "有效身份证件号码", "身份证件号码", "有效身份证件号"),
    required=True, max_length=40,
)
_NAME = EvidenceField("name", "姓名", aliases=("教师姓名", "职工姓名", "学员姓名"), max_length=60)

TRAINING_FIELDS: tuple[EvidenceField, ...] = (
    _ID, _NAME,
    EvidenceField("year", "年度", aliases=("培训年度", "学年", "年份", "培训年份", "学年度", "登记年度", "周期",
                                         "注册周期", "培训周期", "统计周期", "起止年度")),
    EvidenceField("on", "培训日期", Kind.DATE,
                  ("培训时间", "日期", "完成日期", "结业日期", "获得时间", "登记日期", "完成时间", "认定日期")),
    EvidenceField("hours", "学时", aliases=("培训学时", "学时数", "继续教育学时", "完成学时", "课时", "获得学时")),
    EvidenceField("credits", "学分", aliases=("培训学分", "学分数", "继续教育学分", "获得学分", "完成学分")),
    EvidenceField("course", "培训项目", aliases=("课程名称", "培训名称", "项目名称", "培训内容", "课程",
                                             "培训项目名称", "培训班名称")),
)
ASSESSMENT_FIELDS: tuple[EvidenceField, ...] = (
    _ID, _NAME,
    EvidenceField("year", "考核年度", aliases=("年度", "年份", "考核年份", "考核年")),
    EvidenceField("result", "考核结果", aliases=("考核等次", "年度考核结果", "考核结论", "等次", "结果",
                                             "考核等级", "年度考核等次", "年度考核")),
)
CONTRACT_FIELDS: tuple[EvidenceField, ...] = (
    _ID, _NAME,
    EvidenceField("start", "合同起始日期", Kind.DATE,
                  ("聘用合同起始日期", "合同开始日期", "聘期开始日期", "聘期起始日期", "合同起始时间",
                   "聘用起始日期", "聘期开始", "合同生效日期")),
    EvidenceField("end", "合同终止日期", aliases=("聘用合同终止日期", "合同结束日期", "合同到期日期",
                                              "聘期结束日期", "聘期截止日期", "合同截止日期", "聘期结束",
                                              "聘用合同到期日期", "合同到期时间")),
    EvidenceField("term", "聘期", aliases=("合同期限", "聘用期限", "聘期起止时间", "聘期起讫时间",
                                         "聘任合同主体及聘期起讫时间", "合同起止日期")),
)

# Key words by meaning, tried in order when no alias matches: (field key, words all present, words absent).
_MEANINGS: dict[str, tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]] = {
    "hours": (
        ("id_number", ("身份",), ()), ("id_number", ("证件", "号"), ()),
        ("credits", ("学分",), ()), ("hours", ("学时",), ()),
        ("on", ("日期",), ()), ("on", ("时间",), ("学时",)),
        ("year", ("年度",), ()), ("year", ("年份",), ()), ("year", ("周期",), ()),
        ("course", ("项目",), ()), ("course", ("课程",), ()), ("name", ("姓名",), ()),
    ),
    "assessments": (
        ("id_number", ("身份",), ()), ("id_number", ("证件", "号"), ()),
        ("result", ("考核", "结果"), ()), ("result", ("考核", "等"), ()), ("result", ("考核", "结论"), ()),
        ("year", ("年度",), ("结果", "等次")), ("year", ("年份",), ()), ("name", ("姓名",), ()),
    ),
    "contracts": (
        ("id_number", ("身份",), ()), ("id_number", ("证件", "号"), ()),
        ("term", ("起", "止"), ()), ("term", ("起讫",), ()),
        ("start", ("合同", "起"), ()), ("start", ("合同", "开始"), ()), ("start", ("聘期", "起"), ()),
        ("end", ("合同", "止"), ()), ("end", ("合同", "终"), ()), ("end", ("合同", "到期"), ()),
        ("end", ("合同", "结束"), ()), ("end", ("聘期", "止"), ()), ("end", ("聘期", "结束"), ()),
        ("name", ("姓名",), ()),
    ),
}
KINDS: dict[str, tuple[EvidenceField, ...]] = {
    "hours": TRAINING_FIELDS, "assessments": ASSESSMENT_FIELDS, "contracts": CONTRACT_FIELDS,
}
KIND_LABELS = {"hours": "培训学时", "assessments": "年度考核", "contracts": "聘用合同"}
# Besides the ID number: at least one of each group (a year or a date; hours or credits; a start or a term).
REQUIRED_ANY: dict[str, tuple[tuple[str, ...], ...]] = {
    "hours": (("year", "on"), ("hours", "credits")),
    "assessments": (("year",), ("result",)),
    "contracts": (("start", "term"),),
}


def header_lookup(kind: str) -> Callable[[str], EvidenceField | None]:
    fields = KINDS[kind]
    by_key = {f.key: f for f in fields}
    exact = {normalize_header(h): f for f in fields for h in f.headers}
    meanings = _MEANINGS[kind]

    def lookup(text: str) -> EvidenceField | None:
        header = normalize_header(text)
        if not header:
            return None
        found = exact.get(header)
        if found is not None:
            return found
        header = re.sub(r"[（(].*?[）)]", "", header) or header  # units in brackets: 学时（小时）
        found = exact.get(header)
        if found is not None:
            return found
        for key, present, absent in meanings:
            if all(w in header for w in present) and not any(w in header for w in absent):
                return by_key[key]
        return None

    return lookup


# --- cell rules ------------------------------------------------------------------------------------------
ASSESSMENT_RESULTS = ("优秀", "合格", "基本合格", "不合格", "不定等次")
_RESULT_SYNONYMS = {
    "称职": "合格", "基本称职": "基本合格", "不称职": "不合格", "不定等": "不定等次", "不确定等次": "不定等次",
    "未定等次": "不定等次", "不评定等次": "不定等次", "优": "优秀",
}
OPEN_ENDED_WORDS = ("无固定期限", "长期", "无期限")
MAX_HOURS = 2000


_YEAR = r"(\d{4})(?:\.0+)?\s*(?:年度?|学年度?)?"
_YEAR_RANGE = re.compile(rf"{_YEAR}(?:\s*(?:-|—|–|~|\uff5e|至|到)\s*{_YEAR})?")


def parse_year_range(text: str) -> tuple[int, int] | None:
    """2023 / 2023年度 → (2023, 2023); 2021-2025 / 2022—2023学年 → (2021, 2025); None otherwise."""
    value = to_halfwidth(str(text or "")).strip()
    m = _YEAR_RANGE.fullmatch(value)
    if m is None:
        return None
    start = int(m[1])
    end = int(m[2]) if m[2] else start
    if not (1980 <= start <= end <= 2100):
        return None
    return start, end


def parse_year(text: str) -> int | None:
    """A single year as 2023, 2023年, 2023年度, 2023.0; None otherwise."""
    found = parse_year_range(text)
    return found[0] if found is not None and found[0] == found[1] else None


_WIDE = re.compile(r"(\d{4})(?:年度?|学年度?)?(.*)")


def wide_field(kind: str, header: str) -> EvidenceField | None:
    """A column named by a year (“2023年度考核”, “2022年学时”, “2024学分”): one value per person and year, the
    wide layout schools often keep. None for any other header."""
    text = re.sub(r"[（(].*?[）)]", "", normalize_header(header))
    m = _WIDE.fullmatch(text)
    if m is None or not 1980 <= int(m[1]) <= 2100:
        return None
    rest = m[2]
    if kind == "assessments" and (not rest or any(w in rest for w in ("考核", "结果", "等次", "等级"))):
        key = "result"
    elif kind == "hours" and "学分" in rest:
        key = "credits"
    elif kind == "hours" and (not rest or any(w in rest for w in ("学时", "培训", "继续教育"))):
        key = "hours"
    else:
        return None
    return EvidenceField(f"wide:{m[1]}:{key}", header)


def parse_duration_years(text: str) -> int | None:
    """A contract term written as a length: 3年, 5 年 → 3, 5."""
    m = re.fullmatch(r"(\d{1,2})\s*年", to_halfwidth(str(text or "")).strip())
    return int(m[1]) if m else None


def parse_amount(text: str) -> float | None:
    """Hours or credits: 48, 48.5, full-width digits, 48学时 → a number ≥ 0; None when not a number."""
    value = to_halfwidth(str(text or "")).strip()
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(?:学时|小时|课时|学分|分|h)?", value)
    return float(m[1]) if m else None


def normalize_result(text: str) -> str | None:
    value = re.sub(r"\s+", "", str(text or ""))
    if value.endswith("等次") and value not in ASSESSMENT_RESULTS:
        value = value[:-2]
    if value in ASSESSMENT_RESULTS:
        return value
    return _RESULT_SYNONYMS.get(value)


_DATE_TOKEN = re.compile(r"\d{4}\s*[./年-]\s*\d{1,2}(?!\d)(?:\s*[./月-]\s*\d{1,2}(?!\d)\s*日?)?")


def split_term(text: str) -> tuple[str, str]:
    """A 聘期 cell "2021.09.01-2026.08.31" / "2021年9月至2026年8月" → the two date texts ("" if absent)."""
    value = to_halfwidth(str(text or ""))
    tokens = _DATE_TOKEN.findall(value)
    start = tokens[0] if tokens else ""
    end = tokens[1] if len(tokens) > 1 else ""
    if not end and any(w in value for w in OPEN_ENDED_WORDS):
        end = "无固定期限"
    return start, end
