"""档案袋编号 (manual 001 item 10): a teacher registering again keeps the old bag number; a new one gets the next
number of the point's pattern (preference `bag_number_pattern`). Numbers are kept per ID number."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from confirm_desk.domain.errors import KnownError
from confirm_desk.domain.idnumbers import normalize_id
from confirm_desk.services import audit, settings
from confirm_desk.store.models import archive_bag_table

b = archive_bag_table
# Only these names, so a pattern typed in the preferences can never reach code (str.format would).
PLACEHOLDER = re.compile(r"\{(year|point_code|seq)(?::0?(\d)d)?\}")
MAX_NUMBER = 60


def format_number(pattern: str, year: int, point_code: str, seq: int) -> str:
    def one(match: re.Match[str]) -> str:
        name, width = match.group(1), match.group(2)
        value = {"year": str(year), "point_code": point_code, "seq": str(seq)}[name]
        return value.zfill(int(width)) if width else value

    if "{seq" not in pattern:
        pattern += "{seq:04d}"  # a pattern without the sequence would give every teacher the same number
    text = PLACEHOLDER.sub(one, pattern)
    if "{" in text or "}" in text:
        raise KnownError(f"档案袋编号规则“{pattern}”只能使用 {{year}}、{{point_code}}、{{seq:04d}}")
    return text


def bag_numbers(session: Session, id_numbers: Iterable[str]) -> dict[str, str]:
    """ID number -> bag number, for those that have one."""
    wanted = sorted({normalize_id(n) for n in id_numbers if n})
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        rows = session.execute(select(b.c.id_number, b.c.number).where(b.c.id_number.in_(chunk)))
        found.update((row.id_number, row.number) for row in rows)
    return found


def assign_numbers(session: Session, id_numbers: Iterable[str], operator: str = "",
                   today: dt.date | None = None) -> dict[str, str]:
    """Bag numbers for every ID number, giving the next numbers of the pattern to those without one."""
    wanted = [normalize_id(n) for n in id_numbers if n]
    found = bag_numbers(session, wanted)
    missing = [n for n in dict.fromkeys(wanted) if n not in found]
    if not missing:
        return found
    values = settings.load(session)
    pattern = str(values.get("bag_number_pattern") or "{year}{point_code}{seq:04d}")
    year = (today or dt.date.today()).year
    point_code = str(values.get("point_code") or "")
    taken = set(session.scalars(select(b.c.number)))
    seq, rows = 1, []
    for number in missing:
        candidate = format_number(pattern, year, point_code, seq)
        while candidate in taken:
            seq += 1
            candidate = format_number(pattern, year, point_code, seq)
        taken.add(candidate)
        found[number] = candidate
        rows.append({"id_number": number, "number": candidate, "source": "assigned"})
        seq += 1
    session.execute(insert(b), rows)
    audit.record(session, "bag_numbers", operator, detail=f"新编档案袋编号 {len(rows)} 个")
    return found


def set_numbers(session: Session, numbers: Mapping[str, str], source: str = "typed", operator: str = "") -> int:
    """Keeps the given (old) bag numbers: ID number -> number. A number already used by another teacher is
    refused whole, naming both."""
    clean = {normalize_id(k): str(v).strip() for k, v in numbers.items() if k and str(v).strip()}
    for number in clean.values():
        if len(number) > MAX_NUMBER:
            raise KnownError(f"档案袋编号“{number[:20]}…”过长（最多 {MAX_NUMBER} 个字符）")
    owners = {row.number: row.id_number for row in session.execute(
        select(b.c.number, b.c.id_number).where(b.c.number.in_(list(clean.values()))))}
    for id_number, number in clean.items():
        owner = owners.get(number)
        if owner and owner != id_number:
            raise KnownError(f"档案袋编号 {number} 已属于另一位教师，不能重复使用")
    existing = bag_numbers(session, clean)
    for id_number, number in clean.items():
        if id_number in existing:
            session.execute(b.update().where(b.c.id_number == id_number).values(number=number, source=source))
        else:
            session.execute(insert(b).values(id_number=id_number, number=number, source=source))
    if clean:
        audit.record(session, "bag_numbers", operator, detail=f"登记档案袋编号 {len(clean)} 个（{source}）")
    return len(clean)
