"""Issue 20: search-as-you-type shows the rows first and the full count after; a count for older keystrokes
never overwrites the latest one."""

from __future__ import annotations

from confirm_desk.services.applicants.listing import count_matching
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.main import applicant_model
from confirm_desk.ui.main.applicant_list import ApplicantListPanel


def test_quick_keystrokes_end_with_the_latest_sql_count(imported_store, qtbot, monkeypatch) -> None:
    monkeypatch.setattr(applicant_model, "CHUNK", 5)  # 60 applicants: more than the first ids match
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
    monkeypatch.setattr(applicant_model, "CHUNK", 5)
    panel = ApplicantListPanel(imported_store, JobRunner(None, synchronous=True))
    qtbot.addWidget(panel)
    panel.show()
    panel.apply_criteria(panel.query.criteria())
    assert panel.model.rowCount() == 5 and panel.model.count_pending  # the rows, the count not yet
    assert panel.count_label.text() == "显示 5+ / 共 60 人"
    qtbot.waitUntil(lambda: not panel.model.count_pending)
    assert panel.count_label.text() == "显示 60 / 共 60 人"


def test_a_model_no_view_paints_still_gets_its_count(imported_store, qtbot, monkeypatch) -> None:
    monkeypatch.setattr(applicant_model, "CHUNK", 5)
    model = applicant_model.ApplicantListModel(imported_store, runner=JobRunner(None, synchronous=False))
    with qtbot.waitSignal(model.loaded):
        model.refresh()
    assert model.count_pending and model.matching == 5
    with qtbot.waitSignal(model.counted):
        pass
    assert not model.count_pending and model.matching == 60
    qtbot.waitUntil(lambda: not model.runner.busy)
