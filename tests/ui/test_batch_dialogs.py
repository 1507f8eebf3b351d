"""The batch export dialog (preview, export, again) and the conflict review dialog, on real widgets."""

from __future__ import annotations

from sqlalchemy import select

from confirm_desk.services.applicants.listing import resolve
from confirm_desk.services.confirming.confirmation import load_check
from confirm_desk.services.importing.applicants import import_applicants
from confirm_desk.services.importing.conflicts import Choice, pending_count
from confirm_desk.store.models import AuditEvent
from confirm_desk.ui.batches.export_dialog import BatchExportDialog
from confirm_desk.ui.importing.conflict_dialog import ConflictReviewDialog
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.widgets import messages
from tests.test_batch_export import decide, pending_numbers
from tests.test_reconcile import NUMBER, _edit, changed_export


def test_batch_export_dialog_previews_exports_and_exports_again(qtbot, imported_store, tmp_path) -> None:
    numbers = pending_numbers(imported_store, 2)
    for number in numbers:
        decide(imported_store, number)
    dialog = BatchExportDialog(imported_store, "clerk", JobRunner(None, synchronous=True))
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 2 and "第 1 批，2 人" in dialog.summary.text()
    assert [dialog.model.rows[r][0] for r in range(2)] == numbers
    dialog.path_edit.setText(str(tmp_path / "b1.zip"))
    with qtbot.waitSignal(dialog.exported) as signal:
        dialog.export_button.click()
    assert signal.args == [1] and (tmp_path / "b1.zip").is_file()
    assert messages.shown[-1][0] == "info" and "第 1 批：2 人" in messages.shown[-1][1]
    assert dialog.model.rowCount() == 0 and not dialog.export_button.isEnabled()  # nothing left to export
    assert dialog.previous.count() == 1 and dialog.again_button.isEnabled()
    dialog.export_again(1, tmp_path / "b1-again.zip")
    assert (tmp_path / "b1-again.zip").read_bytes() == (tmp_path / "b1.zip").read_bytes()
    assert "与原批次一致" in messages.shown[-1][1]


def test_conflict_review_dialog_takes_and_keeps_per_field(qtbot, imported_store, samples, tmp_path) -> None:
    _edit(imported_store, NUMBER, {"school": "舟山市第一中学", "teaching_subject": "地理"})
    newer = changed_export(samples, tmp_path / "newer.xlsx", {
        NUMBER: {"现任教学校": "舟山市第二中学", "现任教学科": "历史"},
    })
    import_applicants(imported_store, newer)
    dialog = ConflictReviewDialog(imported_store, "clerk")
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2 and "2 处不一致" in dialog.summary.text()
    assert [dialog.table.item(r, 2).text() for r in range(2)] == ["现任教学校", "现任教学科"]
    dialog.choose_all(Choice.KEEP)
    dialog.set_choice(0, Choice.TAKE)
    with qtbot.waitSignal(dialog.resolved):
        dialog.apply_button.click()
    assert dialog.table.rowCount() == 0 and not dialog.apply_button.isEnabled()
    with imported_store.session() as session:
        values = load_check(session, resolve(session, NUMBER)).values
        assert (values["school"], values["teaching_subject"]) == ("舟山市第二中学", "地理")
        assert pending_count(session) == 0
        assert set(session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("conflict_%")))) == {
            "conflict_take", "conflict_keep"}
