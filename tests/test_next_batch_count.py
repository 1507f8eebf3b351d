"""The dashboard's 尚未导出批次 number is counted in SQL (services/batches/rows.count_next_batch), never by planning
the whole batch: it must always equal what `plan_next_batch` would carry."""

from __future__ import annotations

from confirm_desk.domain.statuses import Status
from confirm_desk.services.batches.export import export_batch, preview_next_batch
from confirm_desk.services.batches.rows import count_next_batch
from confirm_desk.services.reports.day_summary import day_summary
from tests.test_batch_export import decide, normalise_photos, pending_numbers


def counted_and_planned(store) -> tuple[int, int]:
    with store.session() as session:
        return count_next_batch(session), len(preview_next_batch(session).items)


def test_count_is_what_the_plan_carries(imported_store, tmp_path) -> None:
    store = imported_store
    first, second = pending_numbers(store, 7)[:4], pending_numbers(store, 7)[4:]
    assert counted_and_planned(store) == (0, 0)
    normalise_photos(store, skip={first[2]})
    decide(store, first[0])
    decide(store, first[1], Status.INCOMPLETE)
    decide(store, first[2], Status.REJECTED)
    decide(store, first[3], None, edits={"teaching_subject": "物理"})  # edited here, not decided
    assert counted_and_planned(store) == (4, 4)
    export_batch(store, tmp_path / "batch1.zip", "clerk")
    assert counted_and_planned(store) == (0, 0)

    for number in second:
        decide(store, number)
    decide(store, first[1], Status.CONFIRMED)  # changed after batch 1
    normalise_photos(store, only={first[0]}, quality=70)  # photo redone after batch 1
    assert counted_and_planned(store) == (5, 5)
    with store.session() as session:
        summary = day_summary(session)
    assert (summary.not_in_batch, summary.next_batch) == (5, 2)
    export_batch(store, tmp_path / "batch2.zip", "clerk")
    assert counted_and_planned(store) == (0, 0)
