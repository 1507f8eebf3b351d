"""Issue 23 for the windows: the staff photos made ready before online filing, the 网报填写卡 PDF, and the county's
附件1 / 附件4 sheets. Each function returns the work for the job runner (a callable taking a ProgressFn)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from confirm_desk.domain.errors import Cancelled
from confirm_desk.services.photos.readiness import ReadinessResult, prepare_folder
from confirm_desk.services.printing.cards import CardsResult
from confirm_desk.services.progress import ProgressFn
from confirm_desk.services.reports.county import SheetResult
from confirm_desk.ui.ops import Store


def prepare_photos_job(store: Store | None, source: Path, out_dir: Path,
                       by_name: bool) -> Callable[[ProgressFn], ReadinessResult]:
    """prepare_folder into `out_dir`; with `by_name` the staff list matches files named by the teacher's name.
    Cancelled part-way, the files this run added are removed again (no half-made folder is left behind)."""
    def work(progress: ProgressFn) -> ReadinessResult:
        out = Path(out_dir)
        before = {p.name for p in out.iterdir()} if out.is_dir() else set()
        try:
            if by_name and store is not None:
                with store.session() as session:
                    return prepare_folder(Path(source), out, session, progress)
            return prepare_folder(Path(source), out, None, progress)
        except Cancelled:
            if out.is_dir():
                for path in out.iterdir():
                    if path.name not in before and path.is_file():
                        path.unlink(missing_ok=True)
            raise

    return work


def save_report_job(result: ReadinessResult, path: Path) -> Callable[[ProgressFn], Path]:
    from confirm_desk.services.photos.readiness import write_report

    def work(_progress: ProgressFn) -> Path:
        write_report(result, Path(path))
        return Path(path)

    return work


def card_schools(store: Store) -> list[tuple[str, int]]:
    """The staff list's schools and how many teachers each lists: what the 网报填写卡 can be printed for."""
    from confirm_desk.services.coverage.staff import staff_schools

    with store.session() as session:
        return staff_schools(session)


def cards_job(store: Store, out: Path, school: str = "") -> Callable[[ProgressFn], CardsResult]:
    from confirm_desk.services.printing.cards import write_cards

    def work(progress: ProgressFn) -> CardsResult:
        progress(0, 0, "正在生成网报填写卡…")
        with store.session() as session:
            return write_cards(session, Path(out), school)

    return work


def county_sheet_job(store: Store, kind: str, path: Path, operator: str) -> Callable[[ProgressFn], SheetResult]:
    """kind "summary" (附件1 持证情况汇总表) or "county_roster" (附件4 初审花名册)."""
    from confirm_desk.services.reports.county import write_county_roster, write_summary

    write = {"summary": write_summary, "county_roster": write_county_roster}[kind]

    def work(progress: ProgressFn) -> SheetResult:
        progress(0, 0, "正在导出…")
        with store.session() as session:
            return write(session, Path(path), operator=operator)

    return work
