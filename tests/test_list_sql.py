"""Issue 20: on SQLite the list's reads run as SQL text through the driver (services/applicants/list_sql.py). They
must give exactly what listing.py's SQLAlchemy statements give — ids, order, counts, rows and their values — for
every plan (seek, checked seek, scan), condition, edge value and state of the search index."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import text

from confirm_desk.domain.statuses import Status
from confirm_desk.services.applicants import list_sql, listing
from confirm_desk.services.applicants.listing import ListCriteria
from confirm_desk.services.batches.export import export_batch
from confirm_desk.store import search_index
from tests.test_batch_export import decide, normalise_photos, pending_numbers
from tests.test_search_plans import LOWER_X_ID, TEXTS, UPPER_X_ID, fill, reference

OTHERS = [{}, {"status": "pending"}, {"status": "draft"}, {"flagged_only": True}, {"school": "abc"},
          {"name": "王"}, {"application_no": "2025"}, {"id_number": "1968"}, {"confirmation_point": "不存在的确认点"},
          {"sync_state": "never"}, {"sync_state": "synced"}, {"sync_state": "changed"},
          {"status": "pending", "flagged_only": True, "school": "a"}]


def both(session, monkeypatch, call):
    """`call()` by the SQL text (the driver) and by listing.py's SQLAlchemy statements."""
    assert listing._driver(session) is not None  # SQLite: the text path is the one the list takes
    fast = call()
    with monkeypatch.context() as plain:
        plain.setattr(listing, "_driver", lambda _session: None)
        slow = call()
    return fast, slow


def same_everywhere(session, monkeypatch, criteria: ListCriteria, limit: int = 7) -> None:
    fast, slow = both(session, monkeypatch, lambda: listing.first_ids(session, criteria, limit))
    assert fast == slow, criteria
    for budget in (0, 3, 600):  # a keystroke on the GUI thread: the same, or None (read off it instead)
        bounded, slow_bounded = both(session, monkeypatch,
                                     lambda b=budget: listing.first_ids(session, criteria, limit, b))
        assert bounded == slow_bounded and bounded in (None, fast), (criteria, budget)
        if listing.quick(criteria):
            assert bounded == fast, (criteria, budget)  # one condition: always read at once
    fast_count, slow_count = both(session, monkeypatch, lambda: listing.count_matching(session, criteria))
    assert fast_count == slow_count, criteria
    after = None
    while True:  # scrolling: every page by key
        page, slow_page = both(session, monkeypatch,
                               lambda after=after: listing.query_page(session, criteria, after, limit))
        assert page == slow_page, (criteria, after)
        if len(page) < limit:
            break
        after = page[-1]


@pytest.mark.parametrize("index", ["partial", "whole", "missing"])
def test_the_text_gives_the_statements_results(store, monkeypatch, index) -> None:
    fill(store)  # the search index covers the first 150 of 300
    with store.session() as session:  # a typed % or _ is literal: only these match "a_c" and "百%"
        session.execute(text("UPDATE applicant SET school = 'a_c中学' WHERE id = 60"))
        session.execute(text("UPDATE applicant SET name = '百%分' WHERE id = 61"))
    if index == "whole":
        with store.session() as session:
            search_index.catch_up(session)
    if index == "missing":
        monkeypatch.setattr(search_index, "available", lambda _session: False)
    with store.session() as session:
        some = session.execute(text("SELECT id_number, name, school FROM applicant WHERE id IN (50, 200)")).all()
    texts = [*TEXTS, "", "  ", "-", "王伟 ", "\u3000王", "ABC%", "a_c", "A_C", "百%", "12-34", UPPER_X_ID[:17],
             *(r.id_number[5:11] for r in some), *(r.name[:1] for r in some), *(r.school[:2] for r in some)]
    others = OTHERS if index == "partial" else OTHERS[:4]  # the index matters only where the search box leads
    for seek_cap, check_cap in ((2000, 300), (5, 2), (0, 0)):
        monkeypatch.setattr(listing, "SEEK_CAP", seek_cap)
        monkeypatch.setattr(listing, "CHECK_CAP", check_cap)
        with store.session() as session:
            for typed, other in itertools.product(texts, others):
                same_everywhere(session, monkeypatch, ListCriteria(text=typed, **other))
            for other in OTHERS:  # no search text: another condition leads, or none does
                same_everywhere(session, monkeypatch, ListCriteria(**other))
            same_everywhere(session, monkeypatch, ListCriteria(), limit=1000)


def test_rows_are_the_statements_rows(imported_store, tmp_path, monkeypatch) -> None:
    store = imported_store
    numbers = pending_numbers(store, 5)
    normalise_photos(store)
    decide(store, numbers[0])
    decide(store, numbers[1], Status.REJECTED)
    decide(store, numbers[3])  # in step with batch 1
    export_batch(store, tmp_path / "batch1.zip", "clerk")
    decide(store, numbers[1], Status.CONFIRMED)  # changed after batch 1
    normalise_photos(store, only={numbers[0]}, quality=70)  # its photo redone after batch 1
    decide(store, numbers[2], Status.INCOMPLETE)
    with store.session() as session:
        session.execute(text("UPDATE applicant SET reprint_needed = 1 WHERE application_no = :n"), {"n": numbers[4]})
        ids = [i for (i,) in session.execute(text("SELECT id FROM applicant ORDER BY id"))]
        rows, slow = both(session, monkeypatch, lambda: listing.fetch_rows(session, ids))
        assert rows == slow and list(rows) == list(slow)
        for record, expected in zip(rows.values(), slow.values(), strict=True):
            assert list(record) == list(expected)  # the same keys in the same order
            assert all(type(record[k]) is type(expected[k]) for k in record)  # bool as bool, None as None
        assert {r["sync"] for r in rows.values()} >= {"未导出", "第1批后有改动", "已导出（第1批）"}
        assert any(r["reprint_needed"] for r in rows.values())
        assert both(session, monkeypatch, lambda: listing.fetch_rows(session, ids[3:9]))[0] == {
            i: slow[i] for i in ids[3:9]}
        assert both(session, monkeypatch, lambda: listing.fetch_rows(session, [])) == ({}, {})
        for state in ("never", "synced", "changed"):
            same_everywhere(session, monkeypatch, ListCriteria(sync_state=state))
            same_everywhere(session, monkeypatch, ListCriteria(text=numbers[0][:4], sync_state=state))


def test_edge_values_find_the_same_applicants(store, monkeypatch) -> None:
    fill(store)
    with store.session() as session:
        for typed in (LOWER_X_ID, LOWER_X_ID.upper(), UPPER_X_ID.lower(), "002x", "123X", "１２３Ｘ", "abc", "ABCD"):
            ids, matching = listing.first_ids(session, ListCriteria(text=typed), 500)
            assert matching == len(ids) > 0, typed
            same_everywhere(session, monkeypatch, ListCriteria(text=typed))


def test_the_text_is_the_statements_text() -> None:
    """The pieces that carry the search (a prefix, a fragment, an exact number) are bound, never written in."""
    sql, params = list_sql._text_candidates("19%_", trigrams=True, distinct=False)
    assert "19" not in sql and params == ("19\\%\\_%",) * 2
    sql, params = list_sql._text_candidates("1968", trigrams=True, distinct=True)
    assert " UNION " in sql and "UNION ALL" not in sql and params == ("1968%", '"1968"', "%1968%")
    sql, params = list_sql.text_condition(UPPER_X_ID.lower(), indexed=False)
    assert sql == "(+applicant.id_number = ? OR +applicant.application_no = ?)" and params == (UPPER_X_ID,) * 2


def test_a_search_with_a_filter_is_read_within_a_budget(store, monkeypatch) -> None:
    """More candidates than CHECK_CAP and another condition: their rows checked in list order up to the page —
    at once when the budget covers them (or the page fills within it), else None (read off the GUI thread)."""
    fill(store)
    monkeypatch.setattr(listing, "CHECK_CAP", 2)
    with store.session() as session:
        for criteria in (ListCriteria(text="王", status="pending"), ListCriteria(text="2025", status="draft"),
                         ListCriteria(school="abc", flagged_only=True)):
            full = listing.first_ids(session, criteria, 3)
            assert full is not None and full == both(session, monkeypatch,
                                                     lambda c=criteria: listing.first_ids(session, c, 3))[1]
            assert listing.first_ids(session, criteria, 3, 600) == full, criteria  # the budget covers them
            assert listing.first_ids(session, criteria, 3, 0) is None, criteria  # nothing checked: off the thread
        assert listing.first_ids(session, ListCriteria(flagged_only=True, sync_state="never"), 3, 600) is None  # a scan
        monkeypatch.setattr(listing, "SEEK_CAP", 5)  # more match "2025" than a seek reads: a scan for both
        assert listing.first_ids(session, ListCriteria(text="2025", status="draft"), 3, 600) is None
        assert listing.first_ids(session, ListCriteria(text="2025"), 3, 600) is not None  # one condition: a short scan


def test_a_rare_second_condition_leads_when_the_first_is_common(store, monkeypatch) -> None:
    """"2025" matches everyone (more than a seek reads), 申请未通过 three: the status leads the seek, so the three
    are found from its index and counted at once, on both paths — not by reading the whole table in list order."""
    fill(store)
    monkeypatch.setattr(listing, "SEEK_CAP", 50)
    with store.session() as session:
        session.execute(text("UPDATE applicant SET status = 'rejected' WHERE id IN (7, 150, 299)"))
        criteria = ListCriteria(text="2025", status="rejected")
        statements: list[str] = []
        driver = listing._driver(session)
        assert driver is not None
        driver.set_trace_callback(statements.append)
        try:
            fast, slow = both(session, monkeypatch, lambda: listing.first_ids(session, criteria, 7, 0))
        finally:
            driver.set_trace_callback(None)
        assert fast == slow == ([7, 150, 299], 3)  # counted: a seek, read within any budget
        assert not any("ORDER BY applicant.id LIMIT" in s and "IN (" not in s for s in statements), statements
        same_everywhere(session, monkeypatch, criteria)
        same_everywhere(session, monkeypatch, ListCriteria(text="王", status="rejected"))


def test_a_rare_status_is_walked_in_list_order_when_no_seek_reads_every_match(store, monkeypatch) -> None:
    """"2025" (everyone) and 申请未通过 (one in ten) both match more than a seek reads: the status's index is walked
    in list order, each row checked, until the page is full (a scan would read ten rows for each it keeps), on both
    paths; a status most applicants have is not walked: the scan reads no more than the walk would."""
    fill(store)
    monkeypatch.setattr(listing, "SEEK_CAP", 3)
    with store.session() as session:
        session.execute(text("UPDATE applicant SET status = 'rejected' WHERE id % 10 = 0"))
        driver = listing._driver(session)
        assert driver is not None
        for criteria, walked in ((ListCriteria(text="2025", status="rejected"), True),
                                 (ListCriteria(text="2025", status="pending"), False),
                                 (ListCriteria(status="rejected"), False)):  # alone: a seek or a scan stops at once
            statements: list[str] = []
            driver.set_trace_callback(statements.append)
            try:
                fast, slow = both(session, monkeypatch, lambda c=criteria: listing.first_ids(session, c, 7))
            finally:
                driver.set_trace_callback(None)
            expected = reference(session, criteria)
            assert fast == slow == (expected[:7], None), criteria
            walks = [s for s in statements if "(applicant.status = " in s and "ORDER BY applicant.id LIMIT" in s]
            assert bool(walks) == walked, (criteria, statements)
            same_everywhere(session, monkeypatch, criteria)
