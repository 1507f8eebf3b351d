"""A re-import of a list larger than one read of whole rows (more than 500 changed applicants in a chunk):
changed rows update, rows as stored stay `unchanged`, a field edited here is kept and reported, and a file of
fewer columns leaves the fields it lacks as they were. The importer holds only a few columns of every stored
applicant and reads whole rows for the ones the file changes (bench: re-import 100,000)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from confirm_desk.domain.fields import FIELDS
from confirm_desk.services.applicants.demo import generate
from confirm_desk.services.applicants.listing import resolve
from confirm_desk.services.confirming.confirmation import CheckInput, load_check, save_check
from confirm_desk.services.importing.applicants import import_applicants
from confirm_desk.store.models import AuditEvent, applicant_table

COUNT, CHANGED = 1300, 800


def _write(path: Path, rows: list[dict[str, str]], keys: list[str]) -> Path:
    labels = {f.key: f.label for f in FIELDS}
    book = Workbook()
    sheet = book.active
    sheet.append([labels[k] for k in keys])
    for row in rows:
        sheet.append([row[k] for k in keys])
    book.save(path)
    return path


def _stored(store, column: str) -> dict[str, str]:
    with store.session() as session:
        return dict(session.execute(select(applicant_table.c.application_no, applicant_table.c[column])).all())


def _events(store, action: str) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def test_a_large_reimport_updates_changed_rows_and_keeps_local_work(store, tmp_path: Path) -> None:
    keys = [f.key for f in FIELDS]
    rows = generate(COUNT, seed=404)
    import_applicants(store, _write(tmp_path / "first.xlsx", rows, keys), operator="clerk")
    edited = rows[3]["application_no"]
    with store.session() as session:
        state = load_check(session, resolve(session, edited))
        save_check(session, state.applicant_id, CheckInput(edits={"school": "本地修改的学校"}), "clerk",
                   state.version)

    newer = [dict(r) for r in rows]
    for i, row in enumerate(newer[:CHANGED]):
        row["phone"] = f"139{i:08d}"
    newer[3]["school"] = "国家系统的学校"  # the field edited here moved upstream too: a conflict
    result = import_applicants(store, _write(tmp_path / "newer.xlsx", newer, keys), operator="clerk")

    assert (result.imported, result.updated, result.unchanged, len(result.errors)) == (0, CHANGED, COUNT - CHANGED, 0)
    assert [(c.application_no, c.field, c.local, c.incoming) for c in result.conflicts] == [
        (edited, "school", "本地修改的学校", "国家系统的学校")]
    phones = _stored(store, "phone")
    assert all(phones[r["application_no"]] == r["phone"] for r in newer)
    schools = _stored(store, "school")
    assert schools[edited] == "本地修改的学校"
    assert all(schools[r["application_no"]] == r["school"] for r in newer if r["application_no"] != edited)
    assert _events(store, "import_update") == CHANGED  # one changed field each: the phone

    # The list's own 导出 of a few columns: the fields it lacks are neither blanked nor counted as changes.
    few = ["application_no", "name", "id_number", "phone", "confirmation_point", "online_status"]
    fewer = [dict(r) for r in newer]
    for row in fewer[-600:]:
        row["phone"] = "13700000000"
    result = import_applicants(store, _write(tmp_path / "few.xlsx", fewer, few), operator="clerk")

    assert (result.imported, result.updated, result.unchanged, len(result.errors)) == (0, 600, COUNT - 600, 0)
    assert _stored(store, "phone") == {r["application_no"]: r["phone"] for r in fewer}
    assert _stored(store, "school") == schools
    assert _stored(store, "email") == {r["application_no"]: r["email"] for r in rows}
