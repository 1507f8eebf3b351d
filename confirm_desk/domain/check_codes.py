"""The codes of domain.checks' findings without their messages: what the list's flags column stores (an import
checks every row of the file, and only the codes are kept).

`CodeChecker(context, today).codes(values)` is exactly `{f.code for f in check_applicant(values, today,
context=context)}`. Each rule either shows quickly that it finds nothing (the common, valid row: a few
comparisons on values already at hand) or, at the slightest doubt, asks the rule itself (check_applicant's own
functions) and keeps the codes of what it found, so every message-bearing path stays in one place. The rules
that depend only on a few repeating values (certificate type and post, the two subjects, confirmation point /
post nature / registration authority) are remembered per combination of values, in a bounded cache that
starts over when full. tests/test_check_codes.py compares both ways over many varied rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from operator import itemgetter

from confirm_desk.domain import certificates
from confirm_desk.domain.certificates import FIRST_YEAR, KIND_DIGITS, SEX_DIGITS, SEX_FROM_YEAR, kind_name
from confirm_desk.domain.checks import (
    _NO_CONTEXT,
    CERT_MIN_AGE,
    CORRECTION_YEARS,
    EARLIEST_RETIREMENT_YEARS,
    WORK_MIN_AGE,
    CheckContext,
    _date_findings,
    _scope_findings,
    _stage_findings_for,
    _subject_findings_for,
    needs_correction_note,
    retired_group,
)
from confirm_desk.domain.fields import CERT_FIELD_KEYS
from confirm_desk.domain.idnumbers import (
    PROVINCE_CODES,
    RESIDENT_ID,
    _birth_digits,
    birth_date,
    check_char,
    gender,
    id_problems,
    province_problem,
)
from confirm_desk.domain.text import parse_date_text

CACHE_LIMIT = 4096  # distinct (certificate, post, subjects, scope) values remembered; starts over when full
_CHECK_DIGITS = frozenset("0123456789X")
# The values the rules read, taken in one C call each (a row missing one of them takes the general path).
_RULE_KEYS = ("id_type", "id_number", "gender", "birth_date", "cert_number", "cert_issue_date", "work_started_on",
              "hired_on", "graduated_on",  # then what the cached rules read (certificate type, post, scope)
              "cert_type", "teaching_stage", "teaching_subject", "school_nature", "cert_subject", "confirmation_point",
              "post_nature", "registration_authority")
_rule_values = itemgetter(*_RULE_KEYS)
_person_values = itemgetter("id_type", "id_number", "gender", "birth_date", "cert_number", "cert_type",
                            "cert_issue_date", "work_started_on", "hired_on", "graduated_on")
_post_values = itemgetter(*_RULE_KEYS[9:])  # the key of the remembered rules (certificate type, post, scope)
_SEX_OF_DIGIT = {d: "男" if int(d) % 2 else "女" for d in "0123456789"}  # ID-2: the 17th digit
_from_iso = dt.date.fromisoformat
_ID_NUMBER = re.compile(f"(?:{'|'.join(sorted(PROVINCE_CODES))})[0-9]{{15}}[0-9X]")
_CERT_NUMBER = re.compile("[0-9]{17}")
_CORRECTION_FROM, _CORRECTION_TO = CORRECTION_YEARS
DAYS_LIMIT = 1 << 15  # distinct date texts and certificate beginnings remembered
_NONE: frozenset[str] = frozenset()


def _day(text: str) -> dt.date | None:
    """parse_date_text(text) for a non-empty text. A date the import wrote (YYYY-MM-DD) is read at once:
    parse_date's own first step for a text of 10 characters (parse_date_text's cache, bounded and shared by
    the whole import, costs more than the reading itself)."""
    if len(text) == 10:
        try:
            return _from_iso(text)
        except ValueError:
            pass
    return parse_date_text(text)


class CodeChecker:
    """The finding codes of many applicants under one context (an import's, a flags refresh's)."""

    def __init__(self, context: CheckContext | None = None, today: dt.date | None = None) -> None:
        self.context = context = context or _NO_CONTEXT
        self.today = today or context.today or dt.date.today()
        self._duplicate = ("duplicate_id",) if context.others else ()
        self._retiring_year = self.today.year - EARLIEST_RETIREMENT_YEARS  # born later: too young (CYC-5)
        # certificate type, post and subjects, point/post nature/authority (raw values) -> their rules' codes
        self._post: dict[tuple[str | None, ...], tuple[str, ...]] = {}
        self._days: dict[str | None, dt.date | None] = {}  # see _read_days
        self._certs: dict[tuple[str, str | None, str], int] = {}  # see _cert_year
        self._retired: dict[tuple[dt.date, str], bool] = {}  # (born, sex) -> past the retirement age by today
        self._marked_cert = bool(context.differing_fields & set(CERT_FIELD_KEYS))  # CERT-6 without a finding

    def codes(self, values: Mapping[str, str | None]) -> AbstractSet[str]:
        """{f.code for f in check_applicant(values, today, context=context)}.

        First the row every import is made of: a resident ID number whose digits are all right, the typed sex
        and birth date agreeing with it (or not given), a 17-digit certificate number whose digits contradict
        nothing, dates that read and fit. Such a row's codes are only those of the remembered rules (post and
        scope), past_retirement, cert_correction_note and duplicate_id; at the first doubt the general path
        (_codes) settles the row."""
        try:
            (id_type, id_number, given_gender, given_birth, cert_number, cert_type, raw_issued, raw_work, raw_hired,
             raw_graduated) = _person_values(values)
            post_key = _post_values(values)
        except KeyError:  # not a full row: every value the rules read, None where it is missing
            return self._codes({k: values.get(k) for k in _RULE_KEYS})
        # ID-1/2/4: 18 ASCII characters of a known province (_ID_NUMBER), the check character right (ISO 7064
        # MOD 11-2: the weights are 2**k mod 11 and 13 = 2 mod 11, so with X read as the digit "a" (10) of base
        # 13, a right number is int(number, 13) = 1 mod 11), a birth date that is a past day (fromisoformat of
        # the 8 digits YYYYMMDD: exactly idnumbers._birth_digits).
        if (id_type != RESIDENT_ID or not id_number or not _ID_NUMBER.fullmatch(id_number)
                or int(id_number.replace("X", "a"), 13) % 11 != 1):
            return self._codes(values)
        try:
            born = _from_iso(id_number[6:14])
        except ValueError:
            return self._codes(values)
        # The typed birth date and DATE-1's dates: remembered per text when they read and none lies ahead
        # (_read_days); any other text goes the general way.
        try:
            typed, issued, work, hired, _graduated = map(self._days.__getitem__, (
                given_birth, raw_issued, raw_work, raw_hired, raw_graduated))
        except KeyError:
            read = self._read_days((given_birth, raw_issued, raw_work, raw_hired, raw_graduated))
            if read is None:
                return self._codes(values)
            typed, issued, work, hired, _graduated = read
        sex = _SEX_OF_DIGIT[id_number[16]]
        if born > self.today or (given_gender != sex and given_gender) or (typed is not None and typed != born):
            return self._codes(values)
        # CERT-1/4: 17 ASCII digits whose year, province, kind and sex digits fit (remembered per the first 11
        # digits, the 资格种类 and the card's sex: _cert_year); CERT-5: the issue date's year is the number's.
        if not cert_number or not _CERT_NUMBER.fullmatch(cert_number):
            return self._codes(values)
        cert_key = (cert_number[:11], cert_type, sex)
        cert_year = self._certs.get(cert_key)
        if cert_year is None:
            cert_year = self._cert_year(cert_key)
        # DATE-1 (as in _codes; the dates read and none lies ahead), CERT-5
        if (not cert_year
                or (work is not None and ((hired is not None and hired < work)
                                          or work.year - born.year <= WORK_MIN_AGE))
                or (issued is not None and (issued.year != cert_year or issued.year - born.year <= CERT_MIN_AGE))):
            return self._codes(values)
        found = self._post.get(post_key)
        if found is None:
            found = self._post_codes(post_key)
        if (_CORRECTION_FROM <= cert_year <= _CORRECTION_TO
                and (self._marked_cert or (found and needs_correction_note(cert_year, found, self.context)))):
            found = (*found, "cert_correction_note")
        if born.year <= self._retiring_year:
            retired = self._retired.get((born, sex))
            if retired is None:
                retired = self._retired[(born, sex)] = retired_group(born, sex, self.today) is not None
            if retired:
                found = (*found, "past_retirement")
        if self._duplicate:
            found = (*found, *self._duplicate)
        return set(found) if found else _NONE

    def _read_days(self, texts: tuple[str | None, ...]) -> list[dt.date | None] | None:
        """The dates of these texts (None for an empty one), remembered; None when one does not read or lies
        ahead of today."""
        days = [_day(text) if text else None for text in texts]
        if any((day is None and text) or (day is not None and day > self.today)
               for text, day in zip(texts, days, strict=True)):
            return None
        if len(self._days) >= DAYS_LIMIT:
            self._days.clear()
        self._days.update(zip(texts, days, strict=True))
        return days

    def _cert_year(self, key: tuple[str, str | None, str]) -> int:
        """The year of a 17-digit certificate number (its first 11 digits) whose digits contradict nothing
        (CERT-4: certificates.layout_problems finds nothing) for this 资格种类 and the card's sex, else 0;
        remembered."""
        head, cert_type, sex = key
        year = int(head[:4])
        fits = (FIRST_YEAR <= year <= self.today.year and head[4:6] in PROVINCE_CODES
                and _kind_fits(head, cert_type or "")
                and (year < SEX_FROM_YEAR or SEX_DIGITS.get(head[10]) == sex))
        if len(self._certs) >= DAYS_LIMIT:
            self._certs.clear()
        self._certs[key] = found = year if fits else 0
        return found

    def _codes(self, values: Mapping[str, str | None]) -> AbstractSet[str]:
        """codes(values) for any row (a full one: every key of _RULE_KEYS present)."""
        picked = _rule_values(values)
        (id_type, id_number, given_gender, given_birth, cert_number, raw_issued, raw_work, raw_hired, raw_graduated,
         cert_type) = picked[:10]
        post_key = picked[9:]
        today = self.today
        out: list[str] = []
        born: dt.date | None = None
        sex: str | None = None
        id_number = id_number or ""
        if id_type == RESIDENT_ID or (id_type or RESIDENT_ID).strip() == RESIDENT_ID:
            # ID-1/2/4 find nothing in an 18-character number of a known province whose birth date is a past
            # day and whose check character is right; anything else is for the rules to say.
            if (len(id_number) == 18 and id_number.isascii() and id_number[:2] in PROVINCE_CODES
                    and (first17 := id_number[:17]).isdigit() and id_number[17] in _CHECK_DIGITS
                    and (born := _birth_digits(id_number[6:14])) is not None and born <= today
                    and check_char(first17) == id_number[17]):
                sex = "男" if int(id_number[16]) % 2 else "女"
            else:
                out += [p.code for p in id_problems(id_number, today)]
                if province_problem(id_number) is not None:
                    out.append("id_province")
                born, sex = birth_date(id_number), gender(id_number)
            if sex and given_gender and given_gender != sex:
                typed_sex = given_gender.strip()
                if typed_sex and typed_sex != sex:
                    out.append("gender_mismatch")
            if born:
                typed = parse_date_text(given_birth or "")
                if typed and typed != born:
                    out.append("birth_mismatch")
        # _birth_and_sex: the card's birth date and sex, else the typed ones
        if born is None:
            born = parse_date_text(given_birth or "")
        if sex is None:
            typed_sex = (given_gender or "").strip()
            sex = typed_sex if typed_sex in ("男", "女") else None

        cert_number = cert_number or ""
        issued = parse_date_text(raw_issued) if raw_issued else None
        cert_year: int | None
        if len(cert_number) == 17 and cert_number.isascii() and cert_number.isdigit():  # CERT-1 holds
            cert_year = int(cert_number[:4])
            if not (FIRST_YEAR <= cert_year <= today.year and cert_number[4:6] in PROVINCE_CODES
                    and _kind_fits(cert_number, cert_type or "")
                    and (cert_year < SEX_FROM_YEAR or not sex or SEX_DIGITS.get(cert_number[10]) == sex)):
                out += [p.code for p in certificates.layout_problems(cert_number, cert_type or "", sex, today)]
            if issued is not None and issued.year != cert_year:
                out.append("cert_year_mismatch")
        else:
            out += [p.code for p in certificates.cert_problems(cert_number)]
            out += [p.code for p in certificates.layout_problems(cert_number, cert_type or "", sex, today)]
            layout = certificates.cert_layout(cert_number)
            cert_year = layout.year if layout is not None else issued.year if issued is not None else None

        # DATE-1: nothing when every date given reads, none lies ahead, the hire follows the first job and the
        # applicant was clearly old enough for both; else the rule's own codes.
        work = parse_date_text(raw_work) if raw_work else None
        hired = parse_date_text(raw_hired) if raw_hired else None
        graduated = parse_date_text(raw_graduated) if raw_graduated else None
        if ((work is None and raw_work) or (hired is None and raw_hired) or (graduated is None and raw_graduated)
                or (issued is None and raw_issued)
                or (work is not None and (work > today or (hired is not None and hired < work)
                                          or (born is not None and work.year - born.year <= WORK_MIN_AGE)))
                or (hired is not None and hired > today) or (graduated is not None and graduated > today)
                or (issued is not None and (issued > today
                                            or (born is not None and issued.year - born.year <= CERT_MIN_AGE)))):
            out += [f.code for f in _date_findings(values, born, today)]

        found = self._post.get(post_key)
        if found is None:
            found = self._post_codes(post_key)
        if found:
            out += found
        if cert_year is not None and CORRECTION_YEARS[0] <= cert_year <= CORRECTION_YEARS[1] \
                and needs_correction_note(cert_year, out, self.context):
            out.append("cert_correction_note")
        if born is not None and born.year <= self._retiring_year and retired_group(born, sex, today) is not None:
            out.append("past_retirement")
        if self._duplicate:
            out += self._duplicate
        return set(out) if out else _NONE

    def _post_codes(self, key: tuple[str | None, ...]) -> tuple[str, ...]:
        """The codes of the rules on certificate and post, subjects and scope (remembered per raw values)."""
        cert_type, stage, subject, nature, cert_subject, point, post, authority = key
        found = (*[f.code for f in _stage_findings_for(cert_type or "", stage or "", subject or "", nature or "")],
                 *[f.code for f in _subject_findings_for((cert_subject or "").strip(), (subject or "").strip())],
                 *[f.code for f in _scope_findings({"confirmation_point": point, "post_nature": post,
                                                    "registration_authority": authority}, self.context)])
        if len(self._post) >= CACHE_LIMIT:
            self._post.clear()
        self._post[key] = found
        return found


def _kind_fits(cert_number: str, cert_type: str) -> bool:
    """CERT-4's kind digit agrees with the 资格种类 (either position of a 19xx number), or the kind is unknown."""
    expected = kind_name(cert_type)
    if expected is None or KIND_DIGITS.get(cert_number[9]) == expected:
        return True
    return cert_number.startswith("19") and KIND_DIGITS.get(cert_number[10]) == expected


def check_codes(values: Mapping[str, str | None], today: dt.date | None = None, *,
                context: CheckContext | None = None) -> AbstractSet[str]:
    """{f.code for f in check_applicant(values, today, context=context)} for one applicant."""
    return CodeChecker(context, today).codes(values)
