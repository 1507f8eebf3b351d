"""Importing the schools' staff list (教职工名单) and reading it back as coverage records."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
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
from confirm_desk.store.bulk import bulk_update, insert_rows
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
    parsed, result = _parse_staff(rows, file_name, manual, remembered, ask_needed)
    return [dict(zip(STAFF_KEYS, values, strict=True)) for values in parsed], result


def _parse_staff(
    rows: list[list[object]], file_name: str, manual: Mapping[str, str] | None = None,
    remembered: Remembered | None = None, ask_needed: bool = False,
) -> tuple[list[tuple[str, ...]], ImportResult]:
    """parse_staff_rows with each valid row as a tuple in STAFF_KEYS order. Column by column: each check runs
    over a whole column and notes its problems per row in the order a row-by-row pass would."""
    header = locate_staff_header(rows, file_name, manual, remembered, ask_needed)
    table = read_columns(rows[header.row_index + 1:], header)
    result = ImportResult(file=file_name)
    result.warnings += header_notes(header, file_name)
    result.record_columns(header, STAFF_FIELDS_BY_KEY)
    n = len(table.kept)
    if not n:
        return [], result
    column = {k: table.values.get(k, [""] * n) for k in STAFF_KEYS}
    id_col = _located(header, "id_number")
    flagged = {pos: {c for c, *_ in found} for pos, found in table.notes.items()}  # the columns' own notes
    for key in REQUIRED_STAFF_KEYS:
        given = column[key]
        if "" in given:
            col, message = _located(header, key), f"“{STAFF_FIELDS_BY_KEY[key].label}”不能为空"
            for pos in [i for i, v in enumerate(given) if not v]:
                if col not in flagged.get(pos, ()):
                    table.note(pos, col, "", message)
    id_numbers = column["id_number"]
    shapes = list(map(idnumbers.has_valid_shape, id_numbers))
    if False in shapes:
        for pos, id_number in enumerate(id_numbers):
            if id_number and not shapes[pos]:
                table.note(pos, id_col, id_number, idnumbers.shape_message(id_number))
    # ID-2: gender and birth date follow from the ID number when the list leaves them out.
    if "" in column["gender"]:
        column["gender"] = [g or idnumbers.gender(i) or "" for g, i in zip(column["gender"], id_numbers, strict=True)]
    if "" in column["birth_date"]:
        column["birth_date"] = [b or _born(i) for b, i in zip(column["birth_date"], id_numbers, strict=True)]
    seen: dict[str, int] = {}
    parsed: list[tuple[str, ...]] = []
    notes, kept = table.notes, table.kept
    for pos, values in enumerate(zip(*(column[k] for k in STAFF_KEYS), strict=True)):
        id_number = id_numbers[pos]
        if pos in notes:
            problems = table.problems(pos, header, file_name)
            result.warnings += [p for p in problems if p.level != "error"]
            errors = [p for p in problems if p.level == "error"]
        else:
            errors = []
        if not errors and id_number in seen:
            errors.append(RowError(file_name, kept[pos][0], header.labels[id_col], id_number,
                                   f"身份证号码重复：与第 {seen[id_number]} 行相同，本行未导入"))
        if errors:
            result.errors += errors
            continue
        seen[id_number] = kept[pos][0]
        parsed.append(values)
    return parsed, result


def _born(id_number: str) -> str:
    born = idnumbers.birth_date(id_number)
    return born.isoformat() if born else ""


_ID_POS = STAFF_KEYS.index("id_number")
INSERT_KEYS = (*STAFF_KEYS, "import_hash")  # then the file's name and the times, the same on every row


def _digest(values: Sequence[str]) -> str:
    """Fingerprint of a row's values in STAFF_KEYS order (unit separator cannot occur in a cell)."""
    return hashlib.blake2b("\x1f".join(values).encode(), digest_size=16).hexdigest()


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
    parsed, result = _parse_staff(rows, path.name, manual, remembered_in(store, "staff"), ask_needed)
    if not parsed and not result.errors:
        raise FileRefused(f"“{path.name}”只有表头，没有教职工数据")
    progress(len(rows), len(rows), "正在保存…")
    file_name = path.name
    with store.session() as session:
        known = session.execute(select(t.c.id, t.c.id_number, t.c.import_hash)).all()
        existing = {r.id_number: r.import_hash for r in known}
        ids = {r.id_number: r.id for r in known}
        now = utcnow()
        inserts: list[tuple[str, ...]] = []
        updates = []
        for values, digest in zip(parsed, map(_digest, parsed), strict=True):
            id_number = values[_ID_POS]
            if id_number not in existing:
                inserts.append((*values, digest))
            elif existing[id_number] == digest:
                result.unchanged += 1
            else:
                updates.append({**dict(zip(STAFF_KEYS, values, strict=True)), "import_hash": digest,
                                "source_file": file_name, "updated_at": now, "id": ids[id_number]})
        conn = session.connection()
        insert_rows(conn, t, INSERT_KEYS, inserts, {"source_file": file_name, "created_at": now, "updated_at": now})
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
