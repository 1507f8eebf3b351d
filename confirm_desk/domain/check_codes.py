"""The codes of domain.checks' findings without their messages: what the list's flags column stores (an import
checks every row of the file, and only the codes are kept).

`CodeChecker(context, today).codes(values)` is exactly `{f.code for f in check_applicant(values, today,
context=context)}`. Each rule either shows quickly that it finds nothing (the common, valid row: a few
comparisons on values already at hand) or, at the slightest doubt, asks the rule itself (check_applicant's own
functions) and keeps the codes of what it found, so every message-bearing path stays in one place. The rules
that depend only on a few repeating values (certificate type and post, the two subjects, confirmation point /
post nature / registration authority) are remembered per combination of values, in a bounded cache that
starts over when full. `codes_of_columns` answers an import's chunk column by column (no dict per row), with
the same tests in C over each column and the general path for any row in doubt. tests/test_check_codes.py
compares every way over many varied rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from itertools import compress, count, repeat
from operator import eq, is_, itemgetter, methodcaller, mod
from typing import Any

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
from confirm_desk.domain.text import all_match, parse_date_text

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
# codes_of_columns: the same tests as codes' fast path, each over a whole column in C
_ID_NUMBERS = re.compile(f"{_ID_NUMBER.pattern}(?:\\|{_ID_NUMBER.pattern})*")  # texts joined by "|", none empty
_CERT_NUMBERS = re.compile("[0-9]{17}(?:\\|[0-9]{17})*")
_BIRTH_DIGITS, _SEX_DIGIT, _CERT_HEAD = itemgetter(slice(6, 14)), itemgetter(16), itemgetter(slice(0, 11))
_X_AS_A = methodcaller("replace", "X", "a")
_iso = dt.date.isoformat
_BAD = object()  # a date text that does not read or lies ahead (codes_of_columns' own cache)
_UNSEEN = object()  # a date text not read yet


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
        self._column_days: dict[str | None, dt.date | object | None] = {}  # see _days_of
        self._frozen: dict[tuple[str, ...], frozenset[str]] = {}  # codes -> one shared frozenset of them

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

    def codes_of_columns(self, columns: Mapping[str, Sequence[str | None]]) -> list[frozenset[str]]:
        """[frozenset(self.codes(row)) for each row of `columns`] (field key -> the rows' values, in row order;
        every key the rules read present), without a dict per row: codes' fast path with each of its tests run
        over a whole column in C (one pattern over the joined ID numbers, the checksums, the birth digits read,
        the certificates' and the post rules' remembered answers looked up by map), then one short loop over the
        rows left for the comparisons between their dates. A row any test doubts is settled by the general path
        (_codes) on its own values. Rows with the same codes share one frozenset."""
        cols: list[Sequence[Any]] = [columns[k] for k in _RULE_KEYS]
        n = len(cols[1])
        out: list[frozenset[str] | None] = [None] * n
        if n:
            self._plain_rows_of(list(range(n)), cols, out)
        for i in compress(count(), map(is_, out, repeat(None))):  # the rows in doubt, one by one
            out[i] = frozenset(self._codes(dict(zip(_RULE_KEYS, [c[i] for c in cols], strict=True))))
        return out  # type: ignore[return-value]  # every position filled

    def codes_of_rows(self, rows: Sequence[Mapping[str, str]]) -> list[frozenset[str]]:
        """codes_of_columns of rows given as dicts (every key the rules read present in each)."""
        return self.codes_of_columns({key: [row[key] for row in rows] for key in _RULE_KEYS})

    def _plain_rows_of(self, pos: list[int], cols: list[Sequence[Any]], out: list[frozenset[str] | None]) -> None:
        """codes_of_columns' fast path: out[pos[j]] for each row j of `cols` (_RULE_KEYS order) that codes' fast
        path would settle; the others stay None."""
        today = self.today
        # ID-1/2/4 and CERT-1, as in codes: a resident ID number of 18 ASCII characters of a known province, a
        # 17-digit certificate number (each column joined and matched at once).
        id_types, ids, certs = cols[0], cols[1], cols[4]
        keep = None
        if id_types.count(RESIDENT_ID) != len(id_types):
            keep = list(map(eq, id_types, repeat(RESIDENT_ID)))
        if not all_match(_ID_NUMBERS, ids):
            keep = _and(keep, map(_is_id_number, ids))
        if not all_match(_CERT_NUMBERS, certs):
            keep = _and(keep, map(_is_cert_number, certs))
        pos, cols = _narrow(pos, cols, keep)
        if not pos:
            return
        ids = cols[1]
        # the check character (base 13: see codes), the birth digits a past day
        remainders = list(map(mod, map(int, map(_X_AS_A, ids), repeat(13)), repeat(11)))
        keep = None if remainders.count(1) == len(remainders) else list(map(eq, remainders, repeat(1)))
        try:
            borns: list[Any] = list(map(_from_iso, map(_BIRTH_DIGITS, ids)))
        except ValueError:
            borns = list(map(_birth_or_none, ids))
        if None in borns or max(borns) > today:
            keep = _and(keep, [born is not None and born <= today for born in borns])
        pos, cols = _narrow(pos, cols, keep, borns)
        if not pos:
            return
        borns = list(cols.pop())
        ids, given_genders, given_births, certs = cols[1], cols[2], cols[3], cols[4]
        # the typed sex and birth date: not given or the card's
        sexes = list(map(_SEX_OF_DIGIT.__getitem__, map(_SEX_DIGIT, ids)))
        keep = None
        if given_genders != sexes:
            keep = list(map(_given_or_none, given_genders, sexes))
        if given_births != (isos := list(map(_iso, borns))):
            keep = _and(keep, map(_given_or_none, given_births, isos))
        # CERT-4 (remembered per the first 11 digits, the 资格种类 and the card's sex: _cert_year)
        cert_keys = list(zip(map(_CERT_HEAD, certs), cols[9], sexes, strict=True))
        years = _remembered(self._certs, cert_keys, self._cert_year)
        if 0 in years:
            keep = _and(keep, map(bool, years))
        # DATE-1's dates read and none lies ahead
        dates = [self._days_of(cols[k]) for k in (5, 6, 7, 8)]
        for days in dates:
            if _BAD in days:
                keep = _and(keep, [day is not _BAD for day in days])
        post_keys = list(zip(*cols[9:], strict=True))
        found = _remembered(self._post, post_keys, self._post_codes)
        pos, cols = _narrow(pos, [borns, sexes, years, *dates[:3], found], keep)
        # DATE-1's comparisons, CERT-5, then what codes adds to the remembered rules' codes
        retiring, retired, duplicate, frozen = self._retiring_year, self._retired, self._duplicate, self._frozen
        for i, born, sex, year, issued, work, hired, codes in zip(pos, *cols, strict=True):
            if ((work is not None and ((hired is not None and hired < work) or work.year - born.year <= WORK_MIN_AGE))
                    or (issued is not None and (issued.year != year or issued.year - born.year <= CERT_MIN_AGE))):
                continue
            if (_CORRECTION_FROM <= year <= _CORRECTION_TO
                    and (self._marked_cert or (codes and needs_correction_note(year, codes, self.context)))):
                codes = (*codes, "cert_correction_note")
            if born.year <= retiring:
                past = retired.get((born, sex))
                if past is None:
                    past = retired[(born, sex)] = retired_group(born, sex, today) is not None
                if past:
                    codes = (*codes, "past_retirement")
            if duplicate:
                codes = (*codes, *duplicate)
            shared = frozen.get(codes)
            if shared is None:
                if len(frozen) >= CACHE_LIMIT:
                    frozen.clear()
                shared = frozen[codes] = frozenset(codes)
            out[i] = shared

    def _days_of(self, texts: Sequence[str | None]) -> list[dt.date | object | None]:
        """Each text's date (None for an empty one, _BAD for one that does not read or lies ahead), remembered."""
        known = self._column_days
        days = list(map(known.get, texts, repeat(_UNSEEN)))
        if _UNSEEN in days:
            for i in compress(count(), map(is_, days, repeat(_UNSEEN))):
                text = texts[i]
                day = known.get(text, _UNSEEN)  # read for an earlier position
                if day is _UNSEEN:
                    day = _day(text) if text else None
                    if (day is None and text) or (day is not None and day > self.today):
                        day = _BAD
                    if len(known) >= DAYS_LIMIT:
                        known.clear()
                    known[text] = day
                days[i] = day
        return days

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


def _remembered(cache: dict[Any, Any], keys: list[Any], answer: Callable[[Any], Any]) -> list[Any]:
    """cache[key] for each key; `answer(key)` (which remembers it in `cache`) where a key is not there yet."""
    found = list(map(cache.get, keys))
    if None in found:
        for i in compress(count(), map(is_, found, repeat(None))):
            value = cache.get(keys[i])  # answered for an earlier position (unless the cache started over)
            found[i] = answer(keys[i]) if value is None else value
    return found


def _is_id_number(text: str | None) -> bool:
    return type(text) is str and _ID_NUMBER.fullmatch(text) is not None


def _is_cert_number(text: str | None) -> bool:
    return type(text) is str and _CERT_NUMBER.fullmatch(text) is not None


def _birth_or_none(id_number: str) -> dt.date | None:
    try:
        return _from_iso(id_number[6:14])
    except ValueError:
        return None


def _given_or_none(given: str | None, derived: str) -> bool:
    """A typed value agrees with the one the ID number gives: none typed, or the same text."""
    return not given or given == derived


def _and(keep: list[bool] | None, more: Iterable[bool]) -> list[bool]:
    """The rows kept by both (None: every row so far)."""
    return list(more) if keep is None else list(map(bool.__and__, keep, more))


def _narrow(pos: list[int], cols: list[Sequence[Any]], keep: list[bool] | None,
            *more: Sequence[Any]) -> tuple[list[int], list[Sequence[Any]]]:
    """The positions and the columns (and `more` columns, appended) of the rows `keep` keeps (all when None)."""
    cols = [*cols, *more]
    if keep is None or all(keep):
        return pos, cols
    return list(compress(pos, keep)), [list(compress(col, keep)) for col in cols]


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
