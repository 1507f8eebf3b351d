"""Importing the schools' staff list (教职工名单) and reading it back as coverage records."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from operator import itemgetter
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from confirm_desk.domain import idnumbers
from confirm_desk.domain.coverage import StaffRecord
from confirm_desk.domain.errors import FileRefused
from confirm_desk.domain.staff_fields import (
    REQUIRED_STAFF_KEYS,
    STAFF_FIELDS,
    STAFF_FIELDS_BY_KEY,
    STAFF_KEYS,
    is_on_post,
)
from confirm_desk.domain.text import parse_date
from confirm_desk.services import audit
from confirm_desk.services.importing.applicants import ImportResult
from confirm_desk.services.progress import ProgressFn, no_progress
from confirm_desk.services.spreadsheets.columns import (
    HeaderMap,
    Remembered,
    RowError,
    find_header,
    header_notes,
    read_columns,
    specs_for,
)
from confirm_desk.services.spreadsheets.read import read_rows
from confirm_desk.store.bulk import bulk_insert, bulk_update
from confirm_desk.store.db import Store
from confirm_desk.store.models import staff_table, utcnow

t = staff_table
_HINT = "应有“姓名”“身份证号码”“注册有效期至”等列名。请确认这是学校的教职工名单。"


# The columns the coverage rules lean on: a list without them is read, but the GUI offers the mapping step.
NEEDED_STAFF_KEYS = ("school", "on_post", "valid_until")
STAFF_AVOID = {
    "school": ("所在地", "性质", "毕业", "类别", "类型", "地址"),
    "on_post": ("原因",), "off_post_reason": (),
    "id_number": ("证书", "资格"), "cert_number": ("身份", "证件"),
    "post_category": ("状态",),
}
STAFF_SPECS = specs_for(STAFF_FIELDS, needed=NEEDED_STAFF_KEYS, avoid=STAFF_AVOID)


def locate_staff_header(rows: list[list[object]], file_name: str, manual: Mapping[str, str] | None = None,
                        remembered: Remembered | None = None, ask_needed: bool = False) -> HeaderMap:
    return find_header(rows, file_name, STAFF_FIELDS, STAFF_SPECS, _HINT, manual, remembered, ask_needed)


def _located(header: HeaderMap, key: str) -> int:
    """The column of a required field: find_header refuses a list without one."""
    col = header.col_of(key)
    assert col is not None, key
    return col


def parse_staff_rows(
    rows: list[list[object]], file_name: str, manual: Mapping[str, str] | None = None,
    remembered: Remembered | None = None, ask_needed: bool = False,
) -> tuple[list[dict[str, str]], ImportResult]:
    """Registry values per valid row; row errors (skipped) and warnings (kept) in the result."""
    header = locate_staff_header(rows, file_name, manual, remembered, ask_needed)
    table = read_columns(rows[header.row_index + 1:], header)
    result = ImportResult(file=file_name)
    result.warnings += header_notes(header, file_name)
    result.record_columns(header, STAFF_FIELDS_BY_KEY)
    n = len(table.kept)
    columns = [table.values.get(k, [""] * n) for k in STAFF_KEYS]
    id_col = _located(header, "id_number")
    required = [(key, _located(header, key)) for key in REQUIRED_STAFF_KEYS]
    seen: dict[str, int] = {}
    parsed: list[dict[str, str]] = []
    for pos, cells in enumerate(zip(*columns, strict=True)) if n else ():
        values = dict(zip(STAFF_KEYS, cells, strict=True))
        flagged = {c for c, *_ in table.notes[pos]} if pos in table.notes else ()
        for key, col in required:
            if not values[key] and col not in flagged:
                table.note(pos, col, "", f"“{STAFF_FIELDS_BY_KEY[key].label}”不能为空")
        id_number = values["id_number"]
        if id_number and not idnumbers.has_valid_shape(id_number):
            table.note(pos, id_col, id_number, idnumbers.shape_message(id_number))
        # ID-2: gender and birth date follow from the ID number when the list leaves them out.
        values["gender"] = values["gender"] or idnumbers.gender(id_number) or ""
        if not values["birth_date"]:
            born = idnumbers.birth_date(id_number)
            values["birth_date"] = born.isoformat() if born else ""
        problems = table.problems(pos, header, file_name) if pos in table.notes else []
        result.warnings += [p for p in problems if p.level != "error"]
        errors = [p for p in problems if p.level == "error"]
        row_number = table.kept[pos][0]
        if not errors and id_number in seen:
            errors.append(RowError(file_name, row_number, header.labels[id_col], id_number,
                                   f"身份证号码重复：与第 {seen[id_number]} 行相同，本行未导入"))
        if errors:
            result.errors += errors
            continue
        seen[id_number] = row_number
        parsed.append(values)
    return parsed, result


_STAFF_VALUES = itemgetter(*STAFF_KEYS)


def _hash(values: dict[str, str]) -> str:
    return hashlib.blake2b("\x1f".join(_STAFF_VALUES(values)).encode(), digest_size=16).hexdigest()


def import_staff(
    store: Store, path: Path, *, progress: ProgressFn = no_progress, operator: str = "",
    manual: Mapping[str, str] | None = None, ask_needed: bool = False,
) -> ImportResult:
    """One staff list in one transaction: new ID numbers inserted, known ones updated in place. `manual`:
    header -> field key (or "-") where the file's headers say too little; remembered for the same headers."""
    from confirm_desk.services.importing.column_maps import remember_mapping, remembered_in

    path = Path(path)
    progress(0, 0, f"正在读取 {path.name}…")
    rows = read_rows(path)
    parsed, result = parse_staff_rows(rows, path.name, manual, remembered_in(store, "staff"), ask_needed)
    if not parsed and not result.errors:
        raise FileRefused(f"“{path.name}”只有表头，没有教职工数据")
    progress(len(rows), len(rows), "正在保存…")
    with store.session() as session:
        known = session.execute(select(t.c.id, t.c.id_number, t.c.import_hash)).all()
        existing = {r.id_number: r.import_hash for r in known}
        ids = {r.id_number: r.id for r in known}
        now = utcnow()
        inserts, updates = [], []
        for values in parsed:
            digest = _hash(values)
            row = {**values, "import_hash": digest, "source_file": path.name, "updated_at": now}
            if values["id_number"] not in existing:
                inserts.append({**row, "created_at": now})
            elif existing[values["id_number"]] == digest:
                result.unchanged += 1
            else:
                updates.append({**row, "id": ids[values["id_number"]]})
        conn = session.connection()
        bulk_insert(conn, t, inserts)
        bulk_update(conn, t, "id", updates, {})
        result.imported, result.updated = len(inserts), len(updates)
        audit.record(session, "staff_import", operator, detail=f"{path.name}: {result.summary()}")
        if manual:
            remember_mapping(session, "staff", result.header_signature, manual, operator)
        progress(1, 1, "正在提交…")
    return result


def staff_records(session: Session) -> list[StaffRecord]:
    """Every staff member as the coverage rules read them, in list order of school and name."""
    stmt = select(t.c.id_number, t.c.name, t.c.gender, t.c.birth_date, t.c.school, t.c.phone, t.c.on_post,
                  t.c.post_category, t.c.probation_end, t.c.last_registered_on, t.c.valid_until)
    # Plain tuples unpacked by position: named access on 100,000 rows costs seconds.
    rows = session.execute(stmt.order_by(t.c.school, t.c.id)).all()
    return [
        StaffRecord(id_number, name, gender, parse_date(born), school, phone, is_on_post(on_post), post,
                    parse_date(probation), parse_date(last), parse_date(valid))
        for id_number, name, gender, born, school, phone, on_post, post, probation, last, valid in rows
    ]


def staff_count(session: Session) -> int:
    from sqlalchemy import func

    return session.scalar(select(func.count()).select_from(t)) or 0


def staff_schools(session: Session) -> list[tuple[str, int]]:
    """Each school of the staff list with how many teachers it lists, by school name (a blank school: "")."""
    from sqlalchemy import func

    stmt = select(t.c.school, func.count()).group_by(t.c.school).order_by(t.c.school)
    return [(school, count) for school, count in session.execute(stmt)]
