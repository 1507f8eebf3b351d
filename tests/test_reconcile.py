"""Re-import reconciliation: untouched fields update, fields edited here are kept and reported, the
confirmer settles each conflict (audited), applicants missing from the new export are flagged."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from confirm_desk.services.applicants.listing import resolve
from confirm_desk.services.confirming.confirmation import CheckInput, load_check, save_check
from confirm_desk.services.confirming.local_edits import local_edits
from confirm_desk.services.importing.applicants import import_applicants
from confirm_desk.services.importing.conflicts import Choice, list_pending, pending_count
from confirm_desk.services.importing.conflicts import resolve as settle
from confirm_desk.services.importing.reconcile import FieldConflict
from confirm_desk.store.models import AuditEvent, applicant_table

NUMBER = "2025500000002"
DROPPED = "2025330000001"


def changed_export(samples: Path, out: Path, changes: dict[str, dict[str, str]], drop: str = "") -> Path:
    """The sample export with some cells changed (by 报名号 and header label) and one row left out."""
    book = load_workbook(samples / "applicants_export.xlsx")
    sheet = book.active
    headers = [c.value for c in sheet[2]]
    for row in list(sheet.iter_rows(min_row=3)):
        number = row[0].value
        for label, value in changes.get(number, {}).items():
            row[headers.index(label)].value = value
        if number == drop:
            for cell in row:
                cell.value = None  # a blank row is skipped: the applicant is gone from the file
    book.save(out)
    return out


def _values(store, number: str) -> dict[str, str]:
    with store.session() as session:
        return load_check(session, resolve(session, number)).values


def _edit(store, number: str, edits: dict[str, str]) -> None:
    with store.session() as session:
        state = load_check(session, resolve(session, number))
        save_check(session, state.applicant_id, CheckInput(edits=edits), "clerk", state.version)


def test_untouched_field_updates_edited_field_is_kept_and_reported(imported_store, samples, tmp_path) -> None:
    before = _values(imported_store, NUMBER)
    _edit(imported_store, NUMBER, {"school": "舟山市第一中学"})
    newer = changed_export(samples, tmp_path / "newer.xlsx", {
        NUMBER: {"现任教学校": "舟山市第二中学", "现任教学科": "历史"},
    }, drop=DROPPED)

    result = import_applicants(imported_store, newer, operator="clerk")

    after = _values(imported_store, NUMBER)
    assert after["teaching_subject"] == "历史" != before["teaching_subject"]  # untouched: updated
    assert after["school"] == "舟山市第一中学"  # edited here: kept
    assert result.updated == 1 and result.conflicts == [
        FieldConflict(NUMBER, before["name"], "school", "舟山市第一中学", "舟山市第二中学")
    ]
    assert result.missing == [DROPPED]
    with imported_store.session() as session:
        flagged = session.execute(select(applicant_table.c.application_no)
                                  .where(applicant_table.c.missing_from_import)).scalars().all()
        assert flagged == [DROPPED]  # flagged, still there
        [pending] = list_pending(session)
        assert (pending.field, pending.local, pending.incoming) == ("school", "舟山市第一中学", "舟山市第二中学")
        events = session.execute(select(AuditEvent.action, AuditEvent.field, AuditEvent.new_value)
                                 .where(AuditEvent.action.in_(["import_update", "import_conflict"]))).all()
        assert sorted(events) == [("import_conflict", "school", "舟山市第二中学"),
                                  ("import_update", "teaching_subject", "历史")]

    # The same file again: nothing new, the conflict is still pending once.
    again = import_applicants(imported_store, newer)
    assert (again.updated, again.conflicts) == (0, [])
    with imported_store.session() as session:
        assert pending_count(session) == 1


def test_confirmer_settles_conflicts_take_and_keep(imported_store, samples, tmp_path) -> None:
    _edit(imported_store, NUMBER, {"school": "舟山市第一中学", "teaching_subject": "地理"})
    newer = changed_export(samples, tmp_path / "newer.xlsx", {
        NUMBER: {"现任教学校": "舟山市第二中学", "现任教学科": "历史"},
    })
    assert len(import_applicants(imported_store, newer).conflicts) == 2
    with imported_store.session() as session:
        by_field = {c.field: c.id for c in list_pending(session)}
        version = load_check(session, resolve(session, NUMBER)).version
        settle(session, {by_field["school"]: Choice.TAKE, by_field["teaching_subject"]: Choice.KEEP}, "clerk")
    after = _values(imported_store, NUMBER)
    assert (after["school"], after["teaching_subject"]) == ("舟山市第二中学", "地理")
    with imported_store.session() as session:
        assert pending_count(session) == 0
        state = load_check(session, resolve(session, NUMBER))
        assert state.version == version + 1 and state.reprint_needed
        # school follows the national system again; teaching_subject stays local against the new base
        edits = local_edits(session, [state.applicant_id])[state.applicant_id]
        assert set(edits) == {"teaching_subject"} and edits["teaching_subject"].base == "历史"
        actions = session.execute(select(AuditEvent.action, AuditEvent.field, AuditEvent.operator)
                                  .where(AuditEvent.action.like("conflict_%"))).all()
        assert sorted(actions) == [("conflict_keep", "teaching_subject", "clerk"),
                                   ("conflict_take", "school", "clerk")]


def test_national_system_catching_up_ends_the_local_edit(imported_store, samples, tmp_path) -> None:
    _edit(imported_store, NUMBER, {"school": "舟山市第一中学"})
    newer = changed_export(samples, tmp_path / "newer.xlsx", {NUMBER: {"现任教学校": "舟山市第一中学",
                                                                       "现任教学科": "历史"}})
    result = import_applicants(imported_store, newer)
    assert result.conflicts == [] and result.updated == 1
    with imported_store.session() as session:
        assert local_edits(session) == {}
