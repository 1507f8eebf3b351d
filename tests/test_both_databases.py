"""The same work on a SQLite file and on a PostgreSQL server: import, list, search, decide, export, CLI."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from confirm_desk.cli import main
from confirm_desk.domain.decisions import ConditionMark
from confirm_desk.domain.errors import StaleRecord
from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants import listing as applicants
from confirm_desk.services.applicants.listing import ListCriteria, resolve
from confirm_desk.services.audit_trail import AuditFilter, export_audit, list_events
from confirm_desk.services.confirming import seats
from confirm_desk.services.confirming.confirmation import CheckInput, latest_decision, load_check, save_check
from confirm_desk.services.importing.applicants import import_applicants
from confirm_desk.services.photos.applicant_photos import normalize_applicant_photo
from confirm_desk.services.photos.intake import import_photos
from confirm_desk.services.printing.documents import record_printed
from confirm_desk.store.models import Base, Decision, applicant_table
from tests.accounts_helpers import fast_hasher  # noqa: F401

EDITABLE = "2025500000002"
ALL_MET = [ConditionMark(True) for _ in range(7)]


def _decide(store, number: str, who: str, outcome: Status = Status.CONFIRMED, version: int | None = None):
    with store.session() as session:
        state = load_check(session, resolve(session, number))
    with store.session() as session:
        return save_check(session, state.applicant_id, CheckInput(outcome=outcome, conditions=ALL_MET,
                                                                     override_reason="测试：越过检查"), who,
                          state.version if version is None else version)


def test_import_list_search_decide_export(any_imported_store, samples, tmp_path) -> None:
    store = any_imported_store
    with store.session() as session:
        total = applicants.count_all(session)
        first = applicants.fetch_rows(session, applicants.query_page(session, ListCriteria(), None, 5))
        some = next(iter(first.values()))
        # Prefix search matches any case on both databases; a typed % is literal, never a wildcard.
        name_hits = applicants.query_page(session, ListCriteria(text=str(some["name"])[:1]))
        school_lower = applicants.count_matching(session, ListCriteria(school=str(some["school"]).lower()))
        school_exact = applicants.count_matching(session, ListCriteria(school=str(some["school"])))
        percent = applicants.count_matching(session, ListCriteria(name="%"))
        fragment = applicants.query_page(session, ListCriteria(text=str(some["id_number"])[-6:]))
    assert total > 20 and len(first) == 5
    assert some["id"] in name_hits and some["id"] in fragment
    assert school_lower == school_exact >= 1 and percent == 0

    result = _decide(store, EDITABLE, "li")
    assert result.status is Status.CONFIRMED
    with store.session() as session:
        decision = latest_decision(session, resolve(session, EDITABLE))
        counts = applicants.status_counts(session)
    assert decision.operator == "li" and counts[Status.CONFIRMED.value] >= 1

    # A second import of the same file changes nothing and keeps the decision.
    again = import_applicants(store, samples / "applicants_export.xlsx")
    assert again.imported == 0 and again.updated == 0
    with store.session() as session:
        assert load_check(session, resolve(session, EDITABLE)).status is Status.CONFIRMED
        out = tmp_path / "audit.xlsx"
        exported = export_audit(session, out, operator="li")
    rows = list(load_workbook(out).active.iter_rows(min_row=2, values_only=True))
    assert len(rows) == exported and "确认结论" in [r[3] for r in rows]


def test_cli_commands_take_the_database_url(any_imported_store, capsys, monkeypatch) -> None:
    url = any_imported_store.url
    monkeypatch.setenv("CONFIRM_DESK_PASSWORD", "Boss#2026")
    assert main(["--db", url, "user", "add", "boss"]) == 0
    assert main(["--db", url, "list", "--format", "json", "--search", EDITABLE, "--user", "boss"]) == 0
    assert EDITABLE in capsys.readouterr().out
    assert main(["--db", url, "confirm", EDITABLE, "--outcome", "confirmed", "--user", "boss"]) == 2  # guarded
    assert "尚未与原件核对" in capsys.readouterr().err
    assert main(["--db", url, "confirm", EDITABLE, "--outcome", "confirmed", "--user", "boss",
                 "--override-reason", "原件已核对，系统外确认"]) == 0
    assert main(["--db", url, "show", EDITABLE, "--user", "boss"]) == 0
    assert Status.CONFIRMED.label in capsys.readouterr().out
    with any_imported_store.session() as session:
        assert latest_decision(session, resolve(session, EDITABLE)).operator == "boss"


def test_second_save_is_refused_naming_the_first(any_imported_store) -> None:
    store = any_imported_store
    with store.session() as session:
        stale = load_check(session, resolve(session, EDITABLE))
    _decide(store, EDITABLE, "li")
    with pytest.raises(StaleRecord, match=r"li 于 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d（确认结论）"):
        _decide(store, EDITABLE, "wang", Status.REJECTED, version=stale.version)
    with store.session() as session:
        decisions = session.scalar(select(func.count()).select_from(Decision))
        events = list_events(session, AuditFilter(applicant_id=stale.applicant_id))
        now = load_check(session, stale.applicant_id)
    assert decisions == 1 and now.status is Status.CONFIRMED and now.version == stale.version + 1
    decided = [e for e in events if e.action == "decision"]
    refused = [e for e in events if e.action == "conflict"]
    assert [e.operator for e in decided] == ["li"] and [e.operator for e in refused] == ["wang"]
    assert refused[0].old_value == str(stale.version) and refused[0].new_value == str(now.version)
    assert "确认未通过" in refused[0].detail


def test_leases_show_who_else_has_the_applicant_open(any_imported_store) -> None:
    store = any_imported_store
    with store.session() as session:
        applicant_id = resolve(session, EDITABLE)
        assert seats.claim(session, applicant_id, "li", seat="pc1#1") == []
        others = seats.claim(session, applicant_id, "wang", seat="pc2#7")
        assert [(h.operator, h.host) for h in others] == [("li", "pc1")]
        seats.claim(session, applicant_id, "li", seat="pc1#1")  # renewing does not add a second row
        assert [h.operator for h in seats.holders(session, applicant_id)] == ["li", "wang"]
        seats.claim(session, applicant_id, "zhao", minutes=-1, seat="pc3#1")  # lapsed at once
        seats.release(session, applicant_id, "li", seat="pc1#1")
        assert [h.operator for h in seats.holders(session, applicant_id)] == ["wang"]


def test_every_change_to_an_applicant_bumps_its_version(any_imported_store, samples, tmp_path) -> None:
    store = any_imported_store
    with store.session() as session:
        applicant_id = resolve(session, EDITABLE)
        before = load_check(session, applicant_id).version
    # A re-import that changes the row goes through the bulk update ...
    book = load_workbook(samples / "applicants_export.xlsx")
    rows = list(book.active.iter_rows())
    header = next(i for i, r in enumerate(rows) if r[0].value == "报名号")
    column = [c.value for c in rows[header]].index("民族")
    next(r for r in rows if r[0].value == EDITABLE)[column].value = "回族"
    book.save(tmp_path / "changed.xlsx")
    assert import_applicants(store, tmp_path / "changed.xlsx").updated == 1
    # ... and a new photo for the applicant sets its photo state.
    photos = tmp_path / "photos"
    photos.mkdir()
    other = sorted((samples / "photos").glob("*.jpg"))[0]
    (photos / f"{EDITABLE}.jpg").write_bytes(other.read_bytes())
    assert import_photos(store, photos).attached == 1
    with store.session() as session:
        assert load_check(session, applicant_id).version == before + 2
        normalize_applicant_photo(session, applicant_id, operator="li")  # photo normalised
    with store.session() as session:
        assert load_check(session, applicant_id).version == before + 3
        # An edit at the desk flags the form for reprinting; printing it clears the flag.
        save_check(session, applicant_id, CheckInput(edits={"teaching_subject": "化学"}), "li", before + 3)
    with store.session() as session:
        record_printed(session, [applicant_id], "form", "li")
    with store.session() as session:
        after = load_check(session, applicant_id)
    assert after.values["ethnicity"] == "回族" and not after.reprint_needed and after.version == before + 5


def test_migrated_schema_matches_the_models(any_store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with any_store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    # PostgreSQL's lower(column) search indexes live only in migration 0004 (no model can say them), SQLite's
    # trigram index of ID numbers (an FTS5 table and its shadow tables) only in migration 0011.
    leftover = [d for d in diff if not (d[0] == "remove_index" and "lower" in d[1].name)
                and not (d[0] == "remove_table" and d[1].name.startswith("applicant_search"))]
    assert leftover == []
    assert "version" in applicant_table.c
