"""The list's 导出 (a few columns, Chinese headers) imports back: into the same store it changes nothing and
never blanks the fields it has no column for; a changed cell updates only that field."""

from __future__ import annotations

from openpyxl import load_workbook
from sqlalchemy import select

from confirm_desk.services.applicants.list_export import list_table, write_list_xlsx
from confirm_desk.services.applicants.listing import ListCriteria, get_detail, resolve
from confirm_desk.services.confirming.confirmation import CheckInput, load_check, save_check
from confirm_desk.services.confirming.local_edits import local_edits
from confirm_desk.services.importing.applicants import import_applicants
from confirm_desk.store.models import AuditEvent

KEYS = ("application_no", "name", "gender", "id_number", "school", "teaching_stage", "confirmation_point",
        "status", "photo_state", "flags", "sync")
NUMBER, EDITED = "2025500000002", "2025320000003"


def _detail(store, number):
    with store.session() as session:
        return get_detail(session, resolve(session, number))


def test_list_export_imports_back_without_blanking_other_fields(imported_store, tmp_path) -> None:
    store = imported_store
    with store.session() as session:
        state = load_check(session, resolve(session, EDITED))
        save_check(session, state.applicant_id, CheckInput(edits={"teaching_subject": "历史"}), "li", state.version)
    before = _detail(store, NUMBER).values
    out = tmp_path / "list.xlsx"
    with store.session() as session:
        assert write_list_xlsx(KEYS, list_table(session, ListCriteria(), KEYS), out) == 60
    assert [c.value for c in load_workbook(out).active[1]][:4] == ["报名号", "姓名", "性别", "证件号码"]

    again = import_applicants(store, out, operator="li")
    assert (again.imported, again.updated, again.unchanged, again.errors) == (0, 0, 60, [])
    assert _detail(store, NUMBER).values == before  # phone, major… all kept
    with store.session() as session:
        edits = local_edits(session)
        # A field edited here that the file has no column for stays local (its edit is still to be keyed).
        assert [e.value for e in edits[resolve(session, EDITED)].values()] == ["历史"]
        assert session.scalar(select(AuditEvent.id).where(AuditEvent.action == "import_agree")) is None

    book = load_workbook(out)
    sheet = book.active
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == NUMBER:
            row[4].value = "舟山市第二中学"  # 现任教学校
    book.save(out)
    changed = import_applicants(store, out, operator="li")
    assert (changed.updated, changed.unchanged) == (1, 59)
    after = _detail(store, NUMBER).values
    assert after["school"] == "舟山市第二中学"
    assert {k: v for k, v in after.items() if k != "school"} == {k: v for k, v in before.items() if k != "school"}
