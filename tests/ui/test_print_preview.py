"""The print preview: generated off the GUI thread (inline here), paged through, printed, saved, recorded."""

from __future__ import annotations

import subprocess
from pathlib import Path

from sqlalchemy import func, select, update

from confirm_desk.store.models import AuditEvent, applicant_table
from tests.printing_helpers import decide_all, pdf_pages, pdftotext

t = applicant_table


def _open_preview(qtbot, store, ids, kind, **kwargs):
    from confirm_desk.ui.jobs import JobRunner
    from confirm_desk.ui.printing.print_ops import print_applicants

    opened = []
    runner = JobRunner(None, synchronous=True)
    print_applicants(None, store, ids, kind, "预览员", runner, on_preview=opened.append, **kwargs)
    assert len(opened) == 1
    qtbot.addWidget(opened[0])
    return opened[0]


def test_preview_pages_through_the_batch_and_prints_it(qtbot, imported_store, tmp_path: Path) -> None:
    from PySide6.QtGui import QPageSize
    from PySide6.QtPrintSupport import QPrinter

    ids = decide_all(imported_store)[:3]
    with imported_store.session() as session:
        session.execute(update(t).where(t.c.id.in_(ids)).values(reprint_needed=True))
    recorded: list[int] = []
    dialog = _open_preview(qtbot, imported_store, ids, "form", on_recorded=recorded.append)
    assert dialog.page_count() == 6  # two copies each
    assert dialog.page_label.text() == "第 1 / 6 页" and not dialog.prev_button.isEnabled()
    dialog.next_button.click()
    assert dialog.current_page() == 1 and dialog.page_label.text() == "第 2 / 6 页"
    dialog.go_to(5)
    assert not dialog.next_button.isEnabled()

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printer.pdf"
    printer.setOutputFileName(str(printed))
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    assert dialog.print_to(printer) == 6
    assert pdf_pages(printed) == 6 and recorded == [3]
    assert "595 x 842 pts" in subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True).stdout
    with imported_store.session() as session:
        assert session.scalar(select(func.count()).where(AuditEvent.action == "print_form")) == 3
        assert not session.scalar(select(func.count()).where(t.c.id.in_(ids), t.c.reprint_needed.is_(True)))

    saved = dialog.save_as(tmp_path / "saved.pdf")
    assert saved is not None and "教师资格定期注册申请表" in pdftotext(saved)
    source = dialog.pdf_path
    dialog.reject()
    assert not source.exists()  # the generated PDF (personal data) does not linger


def test_batch_of_all_confirmed_unprinted_receipts(qtbot, imported_store) -> None:
    from confirm_desk.ui.jobs import JobRunner
    from confirm_desk.ui.printing.print_ops import print_all_unprinted, record_prints
    from confirm_desk.ui.widgets import messages

    ids = decide_all(imported_store)
    runner = JobRunner(None, synchronous=True)
    record_prints(imported_store, ids[:2], "receipt", "预览员", runner)
    opened = []
    print_all_unprinted(None, imported_store, "receipt", "预览员", runner, on_preview=opened.append)
    qtbot.addWidget(opened[0])
    assert opened[0].page_count() == len(ids) - 2
    opened[0].reject()
    with imported_store.session() as session:
        session.execute(update(t).values(status="pending"))
    print_all_unprinted(None, imported_store, "receipt", "预览员", runner, on_preview=opened.append)
    assert len(opened) == 1 and messages.shown[-1] == ("info", "没有需要打印受理凭证的申请人。")


def test_undecided_applicants_are_reported_not_printed(qtbot, imported_store) -> None:
    from confirm_desk.ui.widgets import messages

    ids = decide_all(imported_store)[:2]
    with imported_store.session() as session:
        session.execute(update(t).where(t.c.id == ids[1]).values(status="pending"))
    dialog = _open_preview(qtbot, imported_store, ids, "receipt")
    assert dialog.page_count() == 1
    kind, text = messages.shown[-1]
    assert kind == "info" and "尚未作出确认决定" in text


def test_the_print_menu_makes_the_publicity_list_and_school_papers(qtbot, imported_store, tmp_path: Path) -> None:
    """打印 → 学校证明、档案袋与名单: the list of everyone decided and the selection's ethics certificates."""
    from confirm_desk.ui.jobs import JobRunner
    from confirm_desk.ui.printing.print_ops import print_list

    ids = decide_all(imported_store, photos=False)
    opened = []
    print_list(None, imported_store, "publicity", "预览员", JobRunner(None, synchronous=True),
               on_preview=opened.append)
    assert len(opened) == 1
    qtbot.addWidget(opened[0])
    text = pdftotext(opened[0].pdf_path)
    assert "公示名单" in text and text.count("确认已通过") == len(ids)
    with imported_store.session() as session:
        assert session.scalar(select(func.count()).where(AuditEvent.action == "print_publicity")) == 1
    opened[0].reject()
    ethics = _open_preview(qtbot, imported_store, ids[:2], "ethics")
    assert ethics.page_count() == 2 and "师德表现证明" in pdftotext(ethics.pdf_path)
    ethics.reject()
