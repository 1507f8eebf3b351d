"""Every Qt model of the UI through pytest-qt's model tester (Qt's QAbstractItemModelTester): row and column
counts, parents, data roles and the signals around resets agree with what views expect."""

from __future__ import annotations

from confirm_desk.services.applicants import listing
from confirm_desk.services.applicants.listing import ListCriteria
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.main import applicant_model
from confirm_desk.ui.main.applicant_model import ApplicantListModel
from confirm_desk.ui.ops import photos as photo_ops
from confirm_desk.ui.photos.review_model import PhotoReviewModel, ReviewFilter
from confirm_desk.ui.widgets.rows_model import ID_ROLE, RowsModel


def test_rows_model(qtmodeltester) -> None:
    model = RowsModel(("报名号", "姓名", "说明"))
    qtmodeltester.check(model)
    model.set_rows([("2025500000001", "张三", None), ("2025500000002", "李四", 3)], [11, None], [1])
    qtmodeltester.check(model)
    assert model.cell(0, 2) == "" and model.cell(1, 2) == "3"
    assert model.index(0, 0).data(ID_ROLE) == 11 and model.index(1, 0).data(ID_ROLE) is None
    model.set_rows([])
    qtmodeltester.check(model)


def test_applicant_list_model_on_the_real_pool(qtbot, imported_store, qtmodeltester, monkeypatch) -> None:
    monkeypatch.setattr(listing, "SEEK_CAP", 3)  # 60 applicants like a big store: more than a seek returns
    model = ApplicantListModel(imported_store, runner=JobRunner(None, synchronous=False))
    with qtbot.waitSignal(model.loaded):
        model.refresh()
    model.set_criteria(ListCriteria(text="2"))  # a scan: the first ids, the rest as the list scrolls
    qtbot.waitUntil(lambda: not model.runner.busy)
    assert model.rowCount() == max(applicant_model.FIRST_CHUNK, applicant_model.FIRST_ROWS) < 60
    qtmodeltester.check(model)  # cells not yet read come back empty; their pages arrive later
    qtbot.waitUntil(lambda: not model.runner.busy)
    while model.canFetchMore():
        model.fetchMore()
        qtbot.waitUntil(lambda: not model.runner.busy)
    assert model.rowCount() == 60


def test_photo_review_model_and_its_filter(imported_store, qtmodeltester) -> None:
    model = PhotoReviewModel(lambda ids: photo_ops.load_review_photos(imported_store, ids))
    model.set_items(photo_ops.load_review(imported_store))
    assert model.rowCount() > 0
    qtmodeltester.check(model)
    proxy = ReviewFilter()
    proxy.setSourceModel(model)
    for mode in ("problems", "no_photo", "all"):
        proxy.set_mode(mode)
        qtmodeltester.check(proxy)
