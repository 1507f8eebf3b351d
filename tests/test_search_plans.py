"""Issue 20: the list's search plans (an index seek that returns every match and its count, a scan in list order,
the trigram index of ID numbers) give exactly the rows and the order of the plain query, on every edge."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from confirm_desk.services.applicants import listing
from confirm_desk.services.applicants.demo import generate
from confirm_desk.services.applicants.listing import ListCriteria, count_matching, filtered, first_ids
from confirm_desk.services.importing.applicants import ImportResult, store_rows
from confirm_desk.store import search_index
from confirm_desk.store.models import applicant_table as t
from confirm_desk.ui.ops import applicants as ops

LOWER_X_ID = "11010519491231002x"  # stored with a small x (typed by hand somewhere): LIKE finds it with X
UPPER_X_ID = "33010219800101123X"


def fill(store):
    """300 generated applicants, a few edge values, and (SQLite) the search index covering only the first 150."""
    rows = generate(300, seed=20)
    rows[10].update(name="王伟", school="ABC实验学校")
    rows[11].update(name="王", school="abc小学")
    rows[12].update(name="欧阳娜娜", school="Abcd中学")
    rows[40]["id_number"] = UPPER_X_ID
    with store.session() as session:
        store_rows(session, list(enumerate(rows)), ImportResult("test"))
        session.execute(text("UPDATE applicant SET id_number = :v WHERE id = 30"), {"v": LOWER_X_ID})
        indexed = search_index.catch_up(session, 150)  # the rest is "imported since": checked directly
        assert indexed == (150 if store.is_sqlite else 0)
    return store


@pytest.fixture
def search_store(store):
    return fill(store)


@pytest.fixture
def any_search_store(any_store):
    return fill(any_store)


def reference(session, criteria: ListCriteria) -> list[int]:
    """Every match in list order, by the plain query (the database's own plan, no trigram index)."""
    return list(session.scalars(filtered(criteria).order_by(t.c.id)).all())


TEXTS = ["王", "王伟", "欧阳", "张", "abc", "ABC", "aBcD", "3", "33", "330", "3301", "1968", "19681",
         "002X", "002x", "23X", "x", "X", "2025", "202533", LOWER_X_ID, LOWER_X_ID.upper(), UPPER_X_ID,
         UPPER_X_ID.lower(), "１９８", " 330 ", "%", "_", "9999999"]
OTHERS = [{}, {"status": "pending"}, {"status": "draft"}, {"flagged_only": True}, {"school": "abc"}]


def test_every_plan_gives_the_rows_of_the_plain_query(any_search_store, monkeypatch) -> None:
    search_store = any_search_store
    with search_store.session() as session:
        some = session.execute(select(t.c.id_number, t.c.name, t.c.school).where(t.c.id.in_([50, 200]))).all()
    texts = [*TEXTS, *(r.id_number[5:11] for r in some), *(r.name[:1] for r in some), *(r.school[:2] for r in some)]
    for seek_cap, check_cap in ((2000, 300), (5, 2), (0, 0)):  # seek always, seldom, never
        monkeypatch.setattr(listing, "SEEK_CAP", seek_cap)
        monkeypatch.setattr(listing, "CHECK_CAP", check_cap)
        with search_store.session() as session:
            for typed in texts:
                for other in OTHERS:
                    criteria = ListCriteria(text=typed, **other)
                    expected = reference(session, criteria)
                    ids, matching = first_ids(session, criteria, 7)
                    if matching is None:  # a scan: the first 7, the count asked separately
                        assert ids == expected[:7] and len(expected) >= 7, (typed, other, seek_cap)
                    else:  # a seek (or a short list): every match, counted
                        assert ids == expected and matching == len(expected), (typed, other, seek_cap)
                    assert count_matching(session, criteria) == len(expected), (typed, other, seek_cap)
                    paged, after = list(ids), (ids[-1] if ids else None)
                    while len(paged) < len(expected):  # scrolling: the rest by key
                        page = listing.query_page(session, criteria, after, 7)
                        paged += page
                        after = page[-1]
                    assert paged == expected, (typed, other, seek_cap)


def test_edge_values_are_found(any_search_store) -> None:
    search_store = any_search_store
    def found(**criteria) -> set[int]:
        with search_store.session() as session:
            ids, matching = first_ids(session, ListCriteria(**criteria), 500)
        assert matching == len(ids)
        return set(ids)

    assert {30} <= found(text="002X") and {30} <= found(text="002x")  # a small x, in the trigram index part
    assert {41} <= found(text="123X") and {41} <= found(text="123x")  # an X past the indexed part
    assert found(text=UPPER_X_ID.lower()) == {41}  # a whole ID number, typed with a small x
    if search_store.is_sqlite:  # NOCASE equality (PostgreSQL compares a whole ID number as stored)
        assert found(text=LOWER_X_ID) == {30}
    assert {11, 12, 13} <= found(text="abc") and 13 in found(text="ABCD")  # school prefix, any case
    assert 11 in found(text="王伟") and {11, 12} <= found(text="王") and 13 in found(text="欧阳")
    assert 30 not in found(text="00")  # under 3 characters: a 报名号 prefix only, never an ID fragment


def test_a_fragment_under_three_characters_never_uses_the_trigram_index(search_store) -> None:
    with search_store.session() as session:
        assert search_index.available(session)
        for typed, trigrams in (("19", False), ("196", True), ("王伟", False), (UPPER_X_ID, False)):
            candidates, _others = listing._seek(session, ListCriteria(text=typed))
            assert (search_index.SEARCH_TABLE in str(candidates)) == trigrams, typed


def test_the_index_follows_changed_ids_and_catches_up(search_store) -> None:
    with search_store.session() as session:
        session.execute(text("UPDATE applicant SET id_number = '44030619990909777X' WHERE id = 20"))  # indexed
    with search_store.session() as session:
        assert first_ids(session, ListCriteria(text="0909777"), 50) == ([20], 1)
        assert count_matching(session, ListCriteria(text="0909777")) == 1
    assert ops.index_new(search_store, step=40) == 150  # the 150 not yet indexed, in steps
    assert ops.index_new(search_store) == 0
    with search_store.session() as session:
        indexed = session.scalar(text("SELECT count(*) FROM applicant_search"))
        assert indexed == session.scalar(select(t.c.id).order_by(t.c.id.desc()).limit(1)) == 300
        for typed in ("002X", "123x", "1968", "0909777", "330"):
            expected = reference(session, ListCriteria(text=typed))
            assert first_ids(session, ListCriteria(text=typed), 500) == (expected, len(expected))
