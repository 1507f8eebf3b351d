"""Print jobs for the main window: PDF generated off the GUI thread, then the preview; prints are recorded."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtWidgets import QWidget

from confirm_desk.paths import data_dir
from confirm_desk.services.printing.documents import PdfResult
from confirm_desk.ui.jobs import JobRunner
from confirm_desk.ui.ops import Store
from confirm_desk.ui.ops import printing as ops
from confirm_desk.ui.printing.preview_dialog import PrintPreviewDialog
from confirm_desk.ui.widgets.messages import show_info

KEEP_SECONDS = 24 * 3600  # generated PDFs hold personal data: left-overs older than a day are removed


def print_dir() -> Path:
    folder = data_dir() / "print"
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - KEEP_SECONDS
    for old in folder.glob("*.pdf"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    return folder


def print_applicants(
    parent: QWidget | None,
    store: Store,
    ids: Sequence[int],
    kind: str,
    operator: str,
    runner: JobRunner,
    copies: int | None = None,
    on_preview: Callable[[PrintPreviewDialog], None] | None = None,
    on_recorded: Callable[[int], None] | None = None,
) -> None:
    """Generate one PDF for `ids` ("receipt" or "form"), then open the preview (non-blocking).

    `on_recorded(n)` runs once a print went to the printer and was recorded (e.g. reload the list).
    """
    _generate(parent, store, kind, operator, runner, list(ids), copies, on_preview, on_recorded)


def print_all_unprinted(parent: QWidget | None, store: Store, kind: str, operator: str, runner: JobRunner,
                        on_preview: Callable[[PrintPreviewDialog], None] | None = None,
                        on_recorded: Callable[[int], None] | None = None) -> None:
    """Every confirmed applicant still waiting for this paper (never printed, or to reprint after an edit)."""
    _generate(parent, store, kind, operator, runner, None, None, on_preview, on_recorded)


def _generate(
    parent: QWidget | None,
    store: Store,
    kind: str,
    operator: str,
    runner: JobRunner,
    ids: list[int] | None,
    copies: int | None,
    on_preview: Callable[[PrintPreviewDialog], None] | None,
    on_recorded: Callable[[int], None] | None = None,
) -> None:
    from confirm_desk.services.printing.documents import paper_kind

    paper = paper_kind(kind)
    out = print_dir() / f"{paper.key}-{dt.datetime.now():%Y%m%d-%H%M%S-%f}.pdf"

    def done(result: PdfResult | None) -> None:
        if result is None:
            show_info(parent, f"没有需要打印{paper.label}的申请人。")
            return
        if result.skipped:
            lines = "\n".join(f"{number}：{reason}" for number, reason in result.skipped[:20])
            show_info(parent, f"以下 {len(result.skipped)} 人未生成{paper.label}：\n{lines}")
        printed, versions = list(result.printed_ids), dict(result.versions)

        def record() -> None:
            record_prints(store, printed, paper.key, operator, runner, versions, on_recorded)

        _preview(parent, result.path, f"打印{paper.label}（{len(printed)} 人，{result.pages} 页）", on_preview, record,
                 save_name=_save_name(paper.label, len(printed)))

    runner.run(f"正在生成{paper.label}", ops.pdf_job(store, ids, paper.key, out, copies), done)


def print_list(parent: QWidget | None, store: Store, kind: str, operator: str, runner: JobRunner,
               on_preview: Callable[[PrintPreviewDialog], None] | None = None) -> None:
    """公示名单 / 材料交接清单 of everyone decided, generated off the GUI thread, then the preview."""
    from confirm_desk.services.printing.lists import LIST_KINDS, ListResult

    label = LIST_KINDS[kind]
    out = print_dir() / f"{kind}-{dt.datetime.now():%Y%m%d-%H%M%S-%f}.pdf"

    def done(result: ListResult | None) -> None:
        if result is None:
            show_info(parent, f"还没有已作出确认结论的申请人，{label}为空。")
            return
        _preview(parent, result.path, f"{label}（{result.rows} 人，{result.pages} 页）", on_preview,
                 save_name=_save_name(label, result.rows))

    runner.run(f"正在生成{label}", ops.list_job(store, kind, out, operator), done)


def print_cards(parent: QWidget | None, store: Store, runner: JobRunner, school: str = "",
                on_preview: Callable[[PrintPreviewDialog], None] | None = None) -> None:
    """网报填写卡: one page per teacher of the staff list, generated off the GUI thread, then the preview."""
    from confirm_desk.services.printing.cards import CardsResult
    from confirm_desk.ui.ops.papers import cards_job

    out = print_dir() / f"cards-{dt.datetime.now():%Y%m%d-%H%M%S-%f}.pdf"

    def done(result: CardsResult) -> None:
        _preview(parent, out, f"网报填写卡（{result.cards} 人，{result.pages} 页）", on_preview,
                 save_name=_save_name("网报填写卡", result.cards))

    runner.run("正在生成网报填写卡", cards_job(store, out, school), done)


def _save_name(label: str, people: int) -> str:
    """What 另存为 PDF suggests: what the file holds, for how many, when (受理凭证-3人-20261204-0915.pdf)."""
    return f"{label}-{people}人-{dt.datetime.now():%Y%m%d-%H%M}.pdf"


def _preview(parent: QWidget | None, pdf: Path, title: str,
             on_preview: Callable[[PrintPreviewDialog], None] | None,
             on_printed: Callable[[], None] | None = None, save_name: str = "") -> None:
    """The generated PDF in a preview that deletes it when closed; `on_preview` sees the dialog first."""
    dialog = PrintPreviewDialog(pdf, title, on_printed=on_printed, delete_on_close=True, parent=parent,
                                save_name=save_name)
    if on_preview is not None:
        on_preview(dialog)
    dialog.open()


def record_prints(
    store: Store,
    ids: Sequence[int],
    kind: str,
    operator: str,
    runner: JobRunner,
    versions: dict[int, int] | None = None,
    on_done: Callable[[int], None] | None = None,
) -> None:
    """Audit the print and clear the reprint flag of printed forms (CONF-3), as a job."""
    runner.run("正在记录打印", ops.record_job(store, ids, kind, operator, versions), on_done or (lambda _n: None))
