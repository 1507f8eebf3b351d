"""Normalising cell values as exports really carry them: full-width forms, odd spaces, Excel dates."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import lru_cache

_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\ufeff]+")
# C0 control characters (and DEL) other than tab and newline: a BEL or backspace pasted into a name
# would break every export (XML cannot hold them) and means nothing on paper. Removed where text enters.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Only these need the (slower) folding pass; plain text returns after one strip().
# (NUL is left out here because callers join cells with it to check a whole column at once; clean_text
# looks for it separately.)
_ODD_SPACES = re.compile(r"[\x01-\x1f\x7f\u00a0\u2000-\u200b\u202f\u205f\ufeff\u3000]| {2}")
_PLAIN_CODE = re.compile(r"[0-9A-Z]+")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def to_halfwidth(text: str) -> str:
    return text.translate(_FULLWIDTH)


def strip_controls(text: str) -> str:
    """Free text typed or pasted by a person (a reason, a note): control characters removed, tabs and
    line breaks kept (a lone carriage return becomes a line break)."""
    if _CONTROLS.search(text) is None and "\r" not in text:
        return text
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def clean_text(value: object) -> str:
    """A cell as trimmed text: numbers without a spurious '.0', odd spaces folded to one, control
    characters removed."""
    if type(value) is str:
        text = value.strip()
        if _ODD_SPACES.search(text) is None and "\x00" not in text:
            return text
        return _SPACES.sub(" ", _CONTROLS.sub("", text)).strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = _SPACES.sub(" ", _CONTROLS.sub("", str(value))).strip()
    return text


def number_text(value: float) -> str:
    """A number cell as text: an integral one without a spurious '.0' (up to 15 digits, beyond which the float
    has lost digits and shows as it is)."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def has_odd_spaces(text: str) -> bool:
    """Whether clean_text would change more than the ends (tabs, NBSP, double spaces...)."""
    return _ODD_SPACES.search(text) is not None


def compact_code(value: object) -> str:
    """A number-like code (ID, certificate number, 报名号): half-width, no spaces, upper-case."""
    if type(value) is str and _PLAIN_CODE.fullmatch(value):
        return value
    text = to_halfwidth(clean_text(value))
    return re.sub(r"[\s\-]+", "", text).upper()


def all_match(pattern: re.Pattern[str], texts: Sequence[str | None]) -> bool:
    """Every text is a whole match of `pattern`, a pattern over the texts joined by "|" (one regex pass over a
    whole column): a "|" inside a text adds a separator, so the count of separators proves each match is a whole
    text. A None among the texts: False."""
    try:
        joined = "|".join(texts)  # type: ignore[arg-type]  # not all text: TypeError
    except TypeError:
        return False
    return joined.count("|") == len(texts) - 1 and pattern.fullmatch(joined) is not None


def looks_like_scientific(text: str) -> bool:
    """An ID Excel turned into a float (3.30902E+17) has lost its digits for good."""
    return bool(re.fullmatch(r"\d(\.\d+)?E\+?\d+", text.upper()))


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
# A time after the date (`2010-06-25 00:00:00`, `2010/6/25 0:00`, `2010年6月25日 08:30`): dropped before the
# spaces inside the date are, so it cannot run into the day.
_TIME_OF_DAY = re.compile(r"(?:(?<=\d)[ T]+|(?<=日) *)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?: *[AaPp][Mm])?$")
_MONTH_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
]


def parse_date(value: object) -> dt.date | None:
    """Every date form exports carry, or None when the text is not a date.

    A year-month (`2015.08`) becomes the first of the month: registration records only need the month.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if type(value) is str and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)  # the common case, ten times faster than the patterns
        except ValueError:
            pass
    if isinstance(value, int | float) and not isinstance(value, bool):
        serial = float(value)
        if 1 <= serial < 2958466:  # Excel serials up to 9999-12-31
            if 19000101 <= serial <= 29991231 and serial.is_integer():
                return parse_date(str(int(serial)))
            return EXCEL_EPOCH + dt.timedelta(days=int(serial))
        return None
    text = _TIME_OF_DAY.sub("", to_halfwidth(clean_text(value))).replace(" ", "")
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    for pattern in _MONTH_PATTERNS:
        m = pattern.match(text)
        if m:
            return _safe_date(int(m[1]), int(m[2]), 1)
    if re.fullmatch(r"\d{5}(\.\d+)?", text):  # an Excel serial that arrived as text
        return parse_date(float(text))
    return None


@lru_cache(maxsize=1 << 16)
def parse_date_text(text: str) -> dt.date | None:
    """parse_date of a cell's text, remembered: an export repeats the same few thousand dates in every
    column (the checks ask for each row's dates several times)."""
    return parse_date(text)


@lru_cache(maxsize=1 << 16)
def iso_date_text(text: str) -> str | None:
    """The ISO form of a date given as text (parse_date_text(text).isoformat()), None when no date."""
    day = parse_date(text)
    return day.isoformat() if day is not None else None


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def chinese_date(day: dt.date) -> str:
    """2026年09月24日, as printed papers write a day."""
    return f"{day.year}年{day.month:02d}月{day.day:02d}日"
