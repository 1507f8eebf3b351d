"""The 报名号 as the national system (中小学教师资格考试与定期注册系统) issues it for a periodic registration:
13 digits = the campaign year (4) · the province (2, the GB/T 2260 code, as in the ID number) · a serial (7),
e.g. 2025330000004 (浙江, 2025). The samples and every export seen follow it. A number that does not is kept
(the key is whatever the system exported) and flagged as a warning: it is most often a typing or copying slip
(a dropped digit, a number from another column), which the confirmer should check."""

from __future__ import annotations

import datetime as dt
import re

PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43",
    "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
})
_SHAPE = re.compile(r"\d{13}")
FORMAT_TEXT = "13 位数字：4 位年份 + 2 位省份代码 + 7 位序号，如 2025330000004"


def application_no_problem(number: str, today: dt.date | None = None) -> str:
    """Why `number` is not a national 报名号, or "" when it is one."""
    if not _SHAPE.fullmatch(number):
        return f"报名号“{number}”不符合全国系统的格式（{FORMAT_TEXT}），请核对"
    year = int(number[:4])
    this_year = (today or dt.date.today()).year
    if not 2012 <= year <= this_year + 1:  # periodic registration began in 2012 (pilot provinces)
        return f"报名号“{number}”的年份 {year} 不可能（{FORMAT_TEXT}），请核对"
    if number[4:6] not in PROVINCES:
        return f"报名号“{number}”的省份代码 {number[4:6]} 不存在（{FORMAT_TEXT}），请核对"
    return ""
