"""pytest-qt: the day-at-a-glance panel shows the store's numbers; reprints come first."""

from __future__ import annotations

from sqlalchemy import select, update

from confirm_desk.domain.statuses import Status
from confirm_desk.store.models import applicant_table as t
from tests.printing_helpers import decide_all


def test_dashboard_numbers_and_reprints_first(qtbot, imported_store) -> None:
    from confirm_desk.ui.main.dashboard import DashboardPanel

    ids = decide_all(imported_store, "confirmed", photos=False)
    with imported_store.session() as session:
        session.execute(update(t).where(t.c.id == ids[-1]).values(reprint_needed=True))
        last_no = session.scalar(select(t.c.application_no).where(t.c.id == ids[-1]))
    panel = DashboardPanel(imported_store)
    qtbot.addWidget(panel)
    assert panel.status_labels[Status.CONFIRMED].text() == "57"
    assert panel.status_labels[Status.DRAFT].text() == "3"
    assert panel.today_model.rows == [("王确认", "57", "0", "0", "57")]
    assert "申请表 57 份（其中需重新打印 1 份）" in panel.print_label.text()
    assert panel.queue_model.rows[0][:2] == ("申请表", last_no) and 0 in panel.queue_model.alerts
    assert "申请材料不全 0 人" in panel.follow_label.text()
    assert "57 人，将作为第 1 批导出" in panel.batch_label.text()
    with qtbot.waitSignal(panel.open_applicant) as signal:
        panel.queue_table.doubleClicked.emit(panel.queue_model.index(0, 1))
    assert signal.args == [ids[-1]]


def test_the_stand_in_is_as_wide_as_the_unfilled_panel(qtbot, store) -> None:
    """The dock holds a stand-in until the window's first paint (cold start): the list beside it must keep its
    width when the panel takes its place, so both ask the dock for the same width (as children: a window's own
    layout margins are wider)."""
    from PySide6.QtWidgets import QDockWidget, QMainWindow

    from confirm_desk.ui.jobs import JobRunner
    from confirm_desk.ui.main.dashboard import DashboardPanel, StandIn

    widths = []
    for make in (StandIn, lambda: DashboardPanel(store, load_now=False, runner=JobRunner(None, synchronous=True))):
        window = QMainWindow()
        qtbot.addWidget(window)
        dock = QDockWidget("今日概况", window)
        dock.setWidget(make())
        widths.append(dock.sizeHint().width())
    assert widths[0] == widths[1] > 256


def test_dashboard_on_an_empty_store(qtbot, store) -> None:
    from confirm_desk.ui.main.dashboard import DashboardPanel

    panel = DashboardPanel(store)
    qtbot.addWidget(panel)
    assert panel.status_labels[Status.PENDING].text() == "0"
    assert panel.queue_model.rowCount() == 0


def test_day_pack_from_the_menu(qtbot, imported_store, tmp_path) -> None:
    import zipfile

    from confirm_desk.ui.batches.day_pack import export_day_pack
    from confirm_desk.ui.jobs import JobRunner
    from confirm_desk.ui.widgets import messages

    out = tmp_path / "day.zip"
    export_day_pack(None, imported_store, "clerk", JobRunner(None, synchronous=True), path=str(out))
    assert "manifest.json" in zipfile.ZipFile(out).namelist()
    assert messages.shown[-1][0] == "info" and "尚未导入教职工名单" in messages.shown[-1][1]


def test_printing_from_the_window_takes_the_receipts_off_the_queue(qtbot, imported_store, make_window,
                                                                    tmp_path) -> None:
    """The print recorded, the dashboard's 待打印 follows at once (it waited for 刷新); 另存为 PDF suggests a name
    saying what the file holds, and saving it is not printing."""
    from PySide6.QtGui import QPageSize
    from PySide6.QtPrintSupport import QPrinter

    from confirm_desk.ui.printing.preview_dialog import PrintPreviewDialog
    from confirm_desk.ui.widgets import messages

    ids = decide_all(imported_store, "confirmed", photos=False)
    window = make_window(imported_store)
    qtbot.waitUntil(lambda: "受理凭证 57 份" in window.dashboard.print_label.text())
    window.applicants.select_id(ids[0])
    window.flow.print_selected("receipt")
    preview = next(d for d in window.open_dialogs if isinstance(d, PrintPreviewDialog))
    assert preview.save_name.startswith("受理凭证-1人-") and preview.save_name.endswith(".pdf")
    assert preview.save_as(tmp_path / "copy.pdf") == tmp_path / "copy.pdf"
    assert "受理凭证 57 份" in window.dashboard.print_label.text()  # saved, not printed
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printer.pdf"))
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    assert preview.print_to(printer) == 1
    qtbot.waitUntil(lambda: "受理凭证 56 份" in window.dashboard.print_label.text())
    assert all(kind != "bug" for kind, _text in messages.shown)
