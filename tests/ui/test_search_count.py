"""Issue 20: search-as-you-type shows the rows first and the full count after; a count for older keystrokes
never overwrites the latest one."""

from __future__ import annotations

from confirm_desk.services.applicants import listing
from confirm_desk.services.applicants.listing import count_matching
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.main import applicant_model
from confirm_desk.ui.main.applicant_list import ApplicantListPanel
from confirm_desk.ui.ops import applicants as ops_applicants


def _few_ids_at_a_time(monkeypatch) -> None:
    """60 applicants behave like a big store: more match than an index seek returns whole, 5 ids a step."""
    monkeypatch.setattr(listing, "SEEK_CAP", 3)
    monkeypatch.setattr(applicant_model, "FIRST_CHUNK", 5)
    monkeypatch.setattr(applicant_model, "CHUNK", 5)
    monkeypatch.setattr(applicant_model, "FIRST_ROWS", 3)  # rows read with the ids when no view says


def test_quick_keystrokes_end_with_the_latest_sql_count(imported_store, qtbot, monkeypatch) -> None:
    _few_ids_at_a_time(monkeypatch)
    panel = ApplicantListPanel(imported_store, JobRunner(None, synchronous=False))
    qtbot.addWidget(panel)
    panel.show()
    counts: list[int] = []
    panel.model.counted.connect(lambda: counts.append(panel.model.matching))
    with qtbot.waitSignal(panel.model.loaded):
        panel.model.refresh()
    for key in "2025":  # each key asks at once (the bar's own slot), before earlier answers are back
        qtbot.keyClicks(panel.query.search, key)
        panel.query.emit_criteria()
    qtbot.waitUntil(lambda: not panel.model.count_pending and not panel.runner.busy)
    criteria = panel.query.criteria()
    assert criteria.text == "2025" and panel.model.criteria == criteria
    with imported_store.session() as session:
        expected = count_matching(session, criteria)
    assert expected > 5 and counts and counts[-1] == expected
    assert panel.model.matching == expected
    assert panel.count_label.text() == f"显示 {expected} / 共 60 人"


def test_rows_come_before_the_count(imported_store, qtbot, monkeypatch) -> None:
    _few_ids_at_a_time(monkeypatch)
    panel = ApplicantListPanel(imported_store, JobRunner(None, synchronous=True))
    qtbot.addWidget(panel)
    panel.show()
    panel.model.rows_shown = lambda: 3  # a short list: the first 5 ids
    panel.apply_criteria(panel.query.criteria())
    assert panel.model.rowCount() == 5 and panel.model.count_pending  # the rows, the count not yet
    assert panel.count_label.text() == "显示 5+ / 共 60 人"
    qtbot.waitUntil(lambda: not panel.model.count_pending)
    assert panel.count_label.text() == "显示 60 / 共 60 人"


def test_a_model_no_view_paints_still_gets_its_count(imported_store, qtbot, monkeypatch) -> None:
    _few_ids_at_a_time(monkeypatch)
    model = applicant_model.ApplicantListModel(imported_store, runner=JobRunner(None, synchronous=False))
    with qtbot.waitSignal(model.loaded):
        model.refresh()
    assert model.count_pending and model.matching == 5
    with qtbot.waitSignal(model.counted):
        pass
    assert not model.count_pending and model.matching == 60
    qtbot.waitUntil(lambda: not model.runner.busy)


def test_a_few_matches_come_with_their_rows_and_count(imported_store, qtbot) -> None:
    """An index seek that finds every match shows them, their first screen of rows and their count at once:
    no count query follows, no page of rows is asked."""
    panel = ApplicantListPanel(imported_store, JobRunner(None, synchronous=False))
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignal(panel.model.loaded):
        panel.model.refresh()
    qtbot.waitUntil(lambda: not panel.runner.busy)
    counted: list[int] = []
    panel.model.counted.connect(lambda: counted.append(panel.model.matching))
    for typed in ("王", "2025", "110"):
        panel.query.search.setText(typed)
        with qtbot.waitSignal(panel.model.loaded):
            panel.query.emit_criteria()
        with imported_store.session() as session:
            expected = list(session.scalars(listing.filtered(panel.query.criteria()).order_by(listing.t.c.id)))
        model = panel.model
        assert expected and [model.id_at(r) for r in range(model.rowCount())] == expected and not model.count_pending
        assert model.matching == len(expected) and panel.count_label.text() == f"显示 {len(expected)} / 共 60 人"
        assert all(model.id_at(r) in model._rows for r in range(min(len(expected), panel._rows_shown())))
        assert not panel.runner.busy  # nothing more was asked
    assert counted == []


def test_the_latest_criteria_win_whatever_answers_first(imported_store, qtbot, monkeypatch) -> None:
    """Reads a keystroke should not wait for run off the GUI thread: an older answer arriving late is not shown."""
    monkeypatch.setattr(listing, "CHECK_CAP", 0)  # each candidate's row to check, none within the budget
    monkeypatch.setattr(ops_applicants, "INLINE_BUDGET", 0)
    model = applicant_model.ApplicantListModel(imported_store, runner=JobRunner(None, synchronous=False))
    with qtbot.waitSignal(model.loaded):
        model.refresh()
    for typed in ("2", "20", "王", "2025"):
        model.set_criteria(listing.ListCriteria(text=typed, status="pending"))
    qtbot.waitUntil(lambda: not model.runner.busy and not model.count_pending)
    with imported_store.session() as session:
        expected = list(session.scalars(listing.filtered(model.criteria).order_by(listing.t.c.id)))
    assert model.criteria.text == "2025" and expected and model.rowCount() > 0
    assert [model.id_at(r) for r in range(model.rowCount())] == expected[:model.rowCount()]
    assert model.matching == len(expected)


def test_a_search_with_a_filter_is_read_at_once_when_bounded(imported_store, qtbot, monkeypatch) -> None:
    """A name with the status filter set: its candidates' rows checked in list order within the budget, on the
    GUI thread (no thread round trip); the same rows as the plain query, the count after them."""
    monkeypatch.setattr(listing, "CHECK_CAP", 0)  # every candidate's row checked up to the page
    monkeypatch.setattr(applicant_model, "FIRST_CHUNK", 2)
    panel = ApplicantListPanel(imported_store, JobRunner(None, synchronous=False))
    qtbot.addWidget(panel)
    panel.show()
    panel.model.rows_shown = lambda: 2
    with qtbot.waitSignal(panel.model.loaded):
        panel.model.refresh()
    qtbot.waitUntil(lambda: not panel.runner.busy)
    loaded: list[int] = []
    panel.model.loaded.connect(lambda: loaded.append(panel.model.rowCount()))
    panel.query.search.setText("2025")
    panel.query.set_status_filter("pending")  # the bar's own slot: asks at once
    assert loaded, "read on the GUI thread"
    criteria = panel.query.criteria()
    with imported_store.session() as session:
        expected = list(session.scalars(listing.filtered(criteria).order_by(listing.t.c.id)))
    assert len(expected) > 2 and [panel.model.id_at(r) for r in range(panel.model.rowCount())] == expected[:2]
    assert panel.model.count_pending
    qtbot.waitUntil(lambda: not panel.model.count_pending and not panel.runner.busy)
    assert panel.model.matching == len(expected)


def test_a_rows_cells_are_each_columns_display_text(qtbot) -> None:
    """The cells a row shows, made at once per row, are `_display` of each column (masked and not)."""
    import itertools

    from confirm_desk.domain.statuses import Status

    model = applicant_model.ApplicantListModel(None)  # no store: only what a row shows
    base = {"application_no": "202533010600001", "name": "王伟", "gender": "男", "id_number": "33010219800101123X",
            "school": "abc小学", "teaching_stage": "小学", "confirmation_point": "西湖区", "sync": "未导出",
            "version": 1, "synced_batch": None, "synced_version": 0}
    variants = itertools.product(
        list(Status), (False, True, None), ("none", "original", "normalized", "odd"),
        ("", "id_checksum", "id_checksum,gender_mismatch", "unknown_code", ",,id_missing,"),
        ({}, {"name": None, "school": None, "id_number": "1234", "gender": None}, {"id_number": None, "sync": None},
         {"application_no": None, "teaching_stage": None, "confirmation_point": None, "school": ""}))
    for status, reprint, photo, flags, changed in variants:
        record = {**base, "status": status.value, "reprint_needed": reprint, "photo_state": photo, "flags": flags,
                  **changed}
        for masked in (True, False):
            model.mask_ids = masked
            expected = (*(model._display(record, key) for key in applicant_model.COLUMN_KEYS),
                        applicant_model.STATUS_COLOURS.get(status),
                        applicant_model.FLAGGED_BACKGROUND if flags else None)
            assert model._cells_of(record) == expected, (record, masked)


def test_a_keystroke_on_a_locked_store_is_read_off_the_gui_thread(imported_store, qtbot) -> None:
    """Another program holds the store locked: a keystroke's read on the GUI thread waits only briefly, then the
    read goes to a worker thread (the window stays responsive) and the rows come once the lock is gone; the pooled
    connection waits as long as ever afterwards."""
    import sqlite3

    from sqlalchemy import make_url

    panel = ApplicantListPanel(imported_store, JobRunner(None, synchronous=False))
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignal(panel.model.loaded):
        panel.model.refresh()
    qtbot.waitUntil(lambda: not panel.runner.busy and not panel.model.count_pending)
    loaded: list[int] = []
    panel.model.loaded.connect(lambda: loaded.append(panel.model.rowCount()))
    imported_store.engine.dispose()  # no connection of ours open while the other program takes the store
    holder = sqlite3.connect(make_url(imported_store.url).database, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")  # e.g. a backup or repair tool: no one else reads
        holder.execute("UPDATE applicant SET name = name WHERE id = 1")  # the lock is taken, and kept
        panel.query.search.setText("2025")
        panel.query.emit_criteria()
        assert loaded == [] and panel.runner.busy  # not read here: handed to a worker
        holder.execute("SELECT 1")  # still held: the worker waits for it meanwhile
    finally:
        holder.close()
    qtbot.waitUntil(lambda: loaded != [] and not panel.runner.busy, timeout=20_000)
    with imported_store.session() as session:
        expected = list(session.scalars(listing.filtered(panel.query.criteria()).order_by(listing.t.c.id)))
    assert expected and [panel.model.id_at(r) for r in range(panel.model.rowCount())] == expected
    with imported_store.reading(busy_ms=50) as conn:  # the wait a read on the GUI thread allows itself
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 50
    with imported_store.reading() as conn:
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
