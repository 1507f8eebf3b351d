"""The flags' fast path (domain.check_codes) against the full checks (domain.checks.check_applicant): the same
codes for every row, valid or with each kind of fault, under every kind of context."""

from __future__ import annotations

import datetime as dt
import random

from confirm_desk.domain import check_codes
from confirm_desk.domain.check_codes import CodeChecker
from confirm_desk.domain.check_codes import check_codes as codes_of
from confirm_desk.domain.checks import CheckContext, OtherApplication, check_applicant
from confirm_desk.domain.finding_labels import FINDING_LABELS
from confirm_desk.domain.idnumbers import check_char
from confirm_desk.services.applicants.demo import generate
from confirm_desk.services.applicants.findings import flags_from_codes, flags_text

TODAY = dt.date(2026, 3, 1)


def _id(rng: random.Random, born: dt.date, *, province: str = "33", sex: int | None = None,
        check: bool = True) -> str:
    sex_digit = rng.randrange(10) if sex is None else sex
    first17 = f"{province}0902{born:%Y%m%d}{rng.randrange(100):02d}{sex_digit}"
    last = check_char(first17) if check else rng.choice([c for c in "0123456789X" if c != check_char(first17)])
    return first17 + last


def _day(rng: random.Random, start: int, end: int) -> dt.date:
    return dt.date(start, 1, 1) + dt.timedelta(days=rng.randrange((dt.date(end, 12, 31) - dt.date(start, 1, 1)).days))


def _date_text(rng: random.Random, day: dt.date) -> str:
    return rng.choice([day.isoformat(), f"{day.year}/{day.month}/{day.day}", f"{day.year}年{day.month}月{day.day}日",
                       f"{day:%Y%m%d}", f"{day.year}.{day.month:02d}", f"{day.isoformat()} 00:00:00",
                       f"{day.year}-{day.month}-{day.day}"])


def _cert(rng: random.Random, year: int, kind: str, sex: str, province: str = "33") -> str:
    return f"{year}{province}{rng.randrange(1000):03d}{kind}{sex}{rng.randrange(1000000):06d}"


CERT_TYPES = ["幼儿园教师资格", "小学教师资格", "初级中学教师资格", "高级中学教师资格", "中等职业学校教师资格",
              "中等职业学校实习指导教师资格", "高等学校教师资格", "高校教师资格", "特殊教育", "",
              " 小学教师资格 ", None]
STAGES = ["幼儿园", "小学", "初级中学", "初中", "高级中学", "高中", "中等职业学校", "中职", "中等职业学校实习指导",
          "大学", "", None]
SUBJECTS = ["语文", "数学", "英语", "幼儿园", "无", "数控技术实习指导", " 数学 ", "", None]
NATURES = ["公办小学", "公办九年一贯制学校", "民办十二年一贯制学校", "公办高中", "", None]
POINTS = ["定海区教师发展中心确认点", "鼓楼区教师资格确认点", " 定海区教师发展中心确认点 ", "", None]
POSTS = ["在编在岗", "聘用合同制", " 在编在岗", "", None]
AUTHORITIES = ["舟山市定海区教育局", "舟山市普陀区教育局", "浙江省教育厅", "某某省", "", None]


def _fault(rng: random.Random, values: dict, today: dt.date) -> None:
    """One fault (or odd but valid form) in one field."""
    try:
        born = dt.date.fromisoformat(values.get("birth_date") or "")
    except ValueError:
        born = _day(rng, 1960, 2000)
    kind = rng.randrange(40)
    if kind == 0:
        values["id_number"] = rng.choice(["", None, " ", "330902920721261", "٣30902199207212617",
                                          "33090219920721261x", "33090219920721261", "3309021992072126171",
                                          _id(rng, born) + "\n", "３３0902199207212617", "ABCDEFGHIJKLMNOPQR"])
    elif kind == 1:
        values["id_number"] = _id(rng, born, check=False)  # checksum wrong
    elif kind == 2:
        values["id_number"] = _id(rng, born, province=rng.choice(["99", "00", "83", "71", "10"]))
    elif kind == 3:  # a birth date that is no date, or lies ahead
        first17 = rng.choice(["33090219921332", "33090219920230", "33090220991231", "33090200000101"]) + "123"
        values["id_number"] = first17 + check_char(first17)
    elif kind == 4:
        values["id_number"] = _id(rng, dt.date(today.year, today.month, today.day))  # born today
    elif kind == 5:  # near the retirement age, either sex
        values["id_number"] = _id(rng, _day(rng, 1955, 1976))
        values["birth_date"] = ""
    elif kind == 6:
        values["gender"] = rng.choice(["男", "女", "", None, " 男", "未知", "M"])
    elif kind == 7:
        values["birth_date"] = rng.choice(["", None, "1990-01-01", "八月", _date_text(rng, born),
                                           _date_text(rng, born + dt.timedelta(days=1)), "2099-01-01"])
    elif kind == 8:
        values["id_type"] = rng.choice(["护照", " 居民身份证 ", "", None, "港澳居民来往内地通行证"])
    elif kind == 9:
        values["cert_number"] = rng.choice(["", None, "2013339022102293", "201333902210229311", "2013-339022102293",
                                            "193201061090739", "932010610907391", "２0133390221022931",
                                            "2013339022102293X", " 20133390221022931"])
    elif kind == 10:  # a layout fault: year, province, kind or sex digit
        values["cert_number"] = _cert(rng, rng.choice([1985, 1992, 1993, 1997, 2003, 2008, 2009, 2025, 2026, 2027,
                                                       2030]),
                                      str(rng.randrange(10)), str(rng.randrange(4)),
                                      rng.choice(["33", "99", "11", "82", "83", "00"]))
    elif kind == 11:  # an old 19xx number, either kind position
        values["cert_number"] = _cert(rng, rng.choice([1994, 1996, 1999, 2001, 2007]), str(rng.randrange(8)),
                                      str(rng.randrange(8)))
    elif kind == 12:
        values["cert_type"] = rng.choice(CERT_TYPES)
    elif kind == 13:
        values["teaching_stage"] = rng.choice(STAGES)
    elif kind == 14:
        values["teaching_subject"] = rng.choice(SUBJECTS)
    elif kind == 15:
        values["cert_subject"] = rng.choice(SUBJECTS)
    elif kind == 16:
        values["school_nature"] = rng.choice(NATURES)
    elif kind in (17, 18, 19, 20):
        key = ("cert_issue_date", "work_started_on", "hired_on", "graduated_on")[kind - 17]
        values[key] = rng.choice([
            "", None, "八月", "2027-01-01", "2026-03-02", today.isoformat(), "44000", "2015.8", "2015年8月",
            "2015/13/40", _date_text(rng, _day(rng, 1970, 2026)),
            _date_text(rng, born + dt.timedelta(days=365 * 16 + rng.randrange(-3, 4))),
            _date_text(rng, born + dt.timedelta(days=365 * 18 + rng.randrange(-3, 4)))])
    elif kind == 21:  # the issue year against the number's
        year = rng.randrange(1994, 2026)
        values["cert_issue_date"] = f"{year}-06-30"
        number = values.get("cert_number") or "20133390221022931"
        if len(number) == 17 and number.isdigit():
            values["cert_number"] = str(year + rng.choice([0, 0, 1, -1])) + number[4:]
    elif kind == 22:
        values["confirmation_point"] = rng.choice(POINTS)
    elif kind == 23:
        values["post_nature"] = rng.choice(POSTS)
    elif kind == 24:
        values["registration_authority"] = rng.choice(AUTHORITIES)
    elif kind == 25:  # a woman's certificate sex digit on a man's card, and the like
        number = values.get("cert_number") or ""
        if len(number) == 17 and number.isdigit():
            values["cert_number"] = number[:10] + rng.choice("0123") + number[11:]
    elif kind == 26:  # a key missing altogether
        values.pop(rng.choice(list(values)), None)
    elif kind == 27:  # a correction-years certificate with a wrong detail
        year = rng.choice([1996, 2000, 2007, 2008])
        values["cert_number"] = _cert(rng, year, str(rng.randrange(1, 8)), str(rng.randrange(3)))
        values["cert_issue_date"] = rng.choice([f"{year}-07-01", f"{year + 1}-07-01", ""])


def _rows(count: int, seed: int, today: dt.date) -> list[dict]:
    rng = random.Random(seed)
    rows: list[dict] = []
    for values in generate(count, seed=seed):
        values = dict(values)
        for _ in range(rng.choice([0, 0, 1, 1, 1, 2, 3, 5])):
            _fault(rng, values, today)
        rows.append(values)
    return rows


CONTEXTS = [
    CheckContext(),
    CheckContext(today=TODAY, desk_points=("定海区教师发展中心确认点",),
                 expected_authorities={"定海区教师发展中心确认点": "舟山市定海区教育局"}),
    CheckContext(today=TODAY, desk_points=("定海区教师发展中心确认点", "鼓楼区教师资格确认点")),
    CheckContext(today=TODAY, differing_fields=frozenset({"cert_subject"})),
    CheckContext(today=TODAY, differing_fields=frozenset({"phone"})),
    CheckContext(today=TODAY, others=(OtherApplication("2025330000099", "20133390221022931", "小学教师资格",
                                                       "网报待确认"),)),
]


def test_codes_equal_the_full_checks_on_many_varied_rows(monkeypatch) -> None:
    monkeypatch.setattr(check_codes, "CACHE_LIMIT", 64)  # the caches also start over mid-way
    monkeypatch.setattr(check_codes, "DAYS_LIMIT", 64)
    seen: set[str] = set()
    compared = 0
    for n, context in enumerate(CONTEXTS):
        for today in (TODAY, dt.date(2025, 9, 1)) if n == 1 else (None,):
            checker = CodeChecker(context, today)
            for values in _rows(2500, seed=n + 1, today=today or context.today or dt.date.today()):
                expected = check_applicant(values, today, context=context)
                got = checker.codes(values)
                assert got == {f.code for f in expected}, values
                assert flags_from_codes(got) == flags_text(expected)
                seen |= got
                compared += 1
    assert compared > 15_000
    assert seen == set(FINDING_LABELS)  # every kind of finding came up (and was found the same)


def test_codes_of_the_demo_rows_and_of_a_clean_row() -> None:
    checker = CodeChecker(CheckContext(today=TODAY))
    for values in generate(3000, seed=7):
        assert checker.codes(values) == {f.code for f in check_applicant(values, TODAY)}
    assert codes_of({}, TODAY) == {f.code for f in check_applicant({}, TODAY)}


def test_refreshed_flags_equal_each_applicants_own_findings(store) -> None:
    """refresh_flags (the codes for most, one query for every duplicate's other applications) stores what
    findings_for says of each applicant on its own, rejected siblings and shared ID numbers included."""
    from sqlalchemy import select, update

    from confirm_desk.domain.fields import FIELDS
    from confirm_desk.services.applicants.findings import findings_for, refresh_duplicate_flags, refresh_flags
    from confirm_desk.services.importing.applicants import ImportResult, store_rows
    from confirm_desk.store.models import applicant_table as t

    rows = _rows(400, seed=11, today=dt.date.today())
    rows = [{f.key: (r.get(f.key) or "") for f in FIELDS} for r in rows]
    for n, twin in enumerate(rows[:60]):  # the same person under another 报名号, some with another certificate
        rows.append({**twin, "application_no": f"2025339{n:06d}", "cert_number": "" if n % 3 else twin["cert_number"]})
    with store.session() as session:
        store_rows(session, list(enumerate(rows, start=3)), ImportResult("test"))
        ids = list(session.scalars(select(t.c.id).order_by(t.c.id)))
        session.execute(update(t).where(t.c.id.in_(ids[::7])).values(status="rejected"))
        session.execute(update(t).where(t.c.id.in_(ids[::3])).values(flags="stale"))
        refresh_duplicate_flags(session)
        assert refresh_flags(session) > 0
        stored = session.execute(select(t.c.id, t.c.flags, *[t.c[f.key] for f in FIELDS])).all()
        assert sum("duplicate_id" in row.flags for row in stored) > 40
        for row in stored:
            values = {f.key: getattr(row, f.key) or "" for f in FIELDS}
            assert row.flags == flags_text(findings_for(session, values, row.id)), values
        assert refresh_flags(session) == 0


def test_the_check_character_read_in_base_13() -> None:
    """The fast path's checksum (int(number with X as a, 13) mod 11 == 1) says what check_char says."""
    rng = random.Random(5)
    for _ in range(3000):
        first17 = f"{rng.randrange(10 ** 17):017d}"
        for last in "0123456789X":
            number = first17 + last
            assert (int(number.replace("X", "a"), 13) % 11 == 1) == (check_char(first17) == last), number


def test_codes_of_columns_equal_each_rows_codes(monkeypatch) -> None:
    """CodeChecker.codes_of_columns (the import's chunks, column by column) gives each row what codes and the full
    checks give: rows valid or with each kind of fault, values missing (None) or as an import stores them (""),
    chunks of one row up to thousands, the caches starting over mid-way, under every kind of context."""
    from confirm_desk.domain.fields import FIELDS

    monkeypatch.setattr(check_codes, "CACHE_LIMIT", 64)
    monkeypatch.setattr(check_codes, "DAYS_LIMIT", 64)
    keys = [f.key for f in FIELDS]
    plain = 0
    for n, context in enumerate(CONTEXTS):
        for today in (TODAY, dt.date(2025, 9, 1)) if n == 1 else (None,):
            rows = _rows(1500, seed=n + 21, today=today or context.today or dt.date.today())
            rows += [dict(r) for r in generate(600, seed=n + 40)]  # runs of valid rows: whole columns pass
            for stored in (False, True):
                if stored:
                    rows = [{k: r.get(k) or "" for k in keys} for r in rows]
                for size in (1, 7, 600, 2100):
                    columns_way, rows_way = CodeChecker(context, today), CodeChecker(context, today)
                    for start in range(0, len(rows), size):
                        part = rows[start:start + size]
                        got = columns_way.codes_of_columns({k: [r.get(k) for r in part] for k in keys})
                        assert got == [rows_way.codes(r) for r in part]
                        assert got == [{f.code for f in check_applicant(r, today, context=context)} for r in part]
                    plain += 1
    assert plain
    # the column path answers most valid rows itself (the general path is not what makes it right)
    checker = CodeChecker(CheckContext(today=TODAY))
    asked: list[object] = []
    settled = checker._codes
    monkeypatch.setattr(checker, "_codes", lambda values: asked.append(values) or settled(values))
    rows = [dict(r) for r in generate(3000, seed=3)]
    got = checker.codes_of_columns({k: [r.get(k) or "" for r in rows] for k in keys})
    assert got == [{f.code for f in check_applicant(r, TODAY)} for r in rows]
    assert len(asked) < len(rows) // 10, len(asked)
    # rows as dicts (a re-import's changed applicants) get what their columns get
    as_dicts = [{k: r.get(k) or "" for k in keys} for r in rows]
    assert CodeChecker(CheckContext(today=TODAY)).codes_of_rows(as_dicts) == got
