"""Citizen ID numbers (GB 11643-1999): rules ID-1 and ID-2."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from operator import mul

from confirm_desk.domain.text import compact_code

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_ZERO_SUM = ord("0") * sum(_WEIGHTS)
# ASCII digits only: `\d` would also take Arabic-Indic and other Unicode digits (ID-4).
_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")
_OLD_SHAPE = re.compile(r"^[0-9]{15}$")
RESIDENT_ID = "居民身份证"
# ID-4 (GB/T 2260): province-level codes, the ID's first two digits; 83: residence permits of Taiwan residents.
PROVINCE_CODES = frozenset(
    ("11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
     "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
     "71", "81", "82", "83")
)
OLD_ID_MESSAGE = "这是15位的第一代身份证号码，不能使用：请提供18位的居民身份证号码"
SHAPE_MESSAGE = "居民身份证号码应为18位：17位数字加1位校验码（数字或X）"


def normalize_id(value: object) -> str:
    """Upper-case X, half-width digits, no spaces (stored form, rule ID-1)."""
    return compact_code(value)


def check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits."""
    if len(first17) != len(_WEIGHTS):
        raise ValueError(f"check_char needs {len(_WEIGHTS)} digits, got {len(first17)}")
    if first17.isascii() and first17.isdigit():  # the bytes are the digits' codes: no int() per character
        return _CHECK_CHARS[(sum(map(mul, first17.encode(), _WEIGHTS)) - _ZERO_SUM) % 11]
    return _CHECK_CHARS[sum(map(mul, map(int, first17), _WEIGHTS)) % 11]


@lru_cache(maxsize=16)
def has_valid_shape(id_number: str) -> bool:
    return bool(_SHAPE.match(id_number))


def is_old_15_digit(id_number: str) -> bool:
    """A first-generation 15-digit number: refused, the 18-digit one is asked for (ID-4)."""
    return bool(_OLD_SHAPE.match(id_number))


def shape_message(id_number: str) -> str:
    """Why an ID number does not have the 18-character shape, in words for the row error."""
    if is_old_15_digit(id_number):
        return OLD_ID_MESSAGE
    if any(ch.isdigit() and not ch.isascii() for ch in id_number):
        return SHAPE_MESSAGE + "；号码中含有非阿拉伯数字（0–9）的数字字符"
    return SHAPE_MESSAGE


def has_known_province(id_number: str) -> bool:
    return id_number[:2] in PROVINCE_CODES


def has_valid_checksum(id_number: str) -> bool:
    return has_valid_shape(id_number) and check_char(id_number[:17]) == id_number[17]


@lru_cache(maxsize=16)  # one row asks several times (checks, derived fields, retirement)
def birth_date(id_number: str) -> dt.date | None:
    """ID-2: chars 7-14 as a real date, or None."""
    if not has_valid_shape(id_number):
        return None
    return _birth_digits(id_number[6:14])


@lru_cache(maxsize=1 << 15)  # many people share a birthday: the date is made once per YYYYMMDD
def _birth_digits(digits: str) -> dt.date | None:
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


@lru_cache(maxsize=16)
def gender(id_number: str) -> str | None:
    """ID-2: char 17 odd = 男, even = 女."""
    if not has_valid_shape(id_number):
        return None
    return "男" if int(id_number[16]) % 2 else "女"


@dataclass(frozen=True)
class IdProblem:
    code: str
    message: str


def id_problems(id_number: str, today: dt.date | None = None) -> list[IdProblem]:
    """What is wrong with a resident ID number; empty when it is valid."""
    if not id_number:
        return [IdProblem("id_missing", "证件号码为空")]
    if not has_valid_shape(id_number):  # (an 18-character shape is never the 15-digit one)
        if is_old_15_digit(id_number):
            return [IdProblem("id_old_15", OLD_ID_MESSAGE)]
        return [IdProblem("id_format", shape_message(id_number))]
    problems = []
    born = birth_date(id_number)
    today = today or dt.date.today()
    if born is None:
        problems.append(IdProblem("id_birth_invalid", "身份证号码中的出生日期不是有效日期"))
    elif born > today:
        problems.append(IdProblem("id_birth_future", "身份证号码中的出生日期在未来"))
    expected = check_char(id_number[:17])
    if expected != id_number[17]:
        problems.append(
            IdProblem("id_checksum", f"身份证号码校验码错误：最后一位应为 {expected}，实际为 {id_number[17]}")
        )
    return problems


def province_problem(id_number: str) -> IdProblem | None:
    """ID-4: the first two digits name no province-level division (a warning: the clerk checks the card)."""
    if not has_valid_shape(id_number) or has_known_province(id_number):
        return None
    return IdProblem("id_province", f"身份证号码前两位“{id_number[:2]}”不是有效的省级行政区划代码，请核对证件")


def mask_id(id_number: str) -> str:
    """3309**********716X: enough to recognise, not enough to misuse."""
    if len(id_number) <= 8:
        return id_number
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]
