"""Issue 20: search-as-you-type shows the rows first and the full count after; a count for older keystrokes
never overwrites the latest one."""

from __future__ import annotations

from confirm_desk.services.applicants import listing
from confirm_desk.services.applicants.listing import count_matching
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.main import applicant_model
from confirm_desk.ui.main.applicant_list import ApplicantListPanel


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


def test_the_latest_criteria_win_whatever_answers_first(imported_store, qtbot) -> None:
    """Several conditions are read off the GUI thread: an older answer arriving late is not shown."""
    model = applicant_model.ApplicantListModel(imported_store, runner=JobRunner(None, synchronous=False))
    with qtbot.waitSignal(model.loaded):
        model.refresh()
    for typed in ("2", "20", "王", "2025"):
        model.set_criteria(listing.ListCriteria(text=typed, status="pending"))
    qtbot.waitUntil(lambda: not model.runner.busy)
    with imported_store.session() as session:
        expected = list(session.scalars(listing.filtered(model.criteria).order_by(listing.t.c.id)))
    assert model.criteria.text == "2025" and expected
    assert [model.id_at(r) for r in range(model.rowCount())] == expected and model.matching == len(expected)
