"""Batches and the end of the day for the UI: the next batch, its export, re-exports, the day pack, the
roster and statistics sheets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from confirm_desk.services.batches import export as batch_export
from confirm_desk.services.batches.export import BatchResult
from confirm_desk.services.batches.rows import BatchPlan
from confirm_desk.services.importing.conflicts import pending_count
from confirm_desk.services.progress import ProgressFn
from confirm_desk.services.reports.day_pack import DayPack, export_day
from confirm_desk.store.db import Store


@dataclass(frozen=True)
class NextBatch:
    plan: BatchPlan
    conflicts: int  # import conflicts still open (the batch carries the local values)
    batches: list[batch_export.BatchFile]  # earlier batches: number, when, rows, whether the file is still there


def next_batch(store: Store) -> NextBatch:
    with store.session() as session:
        return NextBatch(batch_export.preview_next_batch(session), pending_count(session),
                         batch_export.batch_files(session, check_hash=False))


def export_job(store: Store, path: Path, operator: str) -> Callable[[ProgressFn], BatchResult]:
    """The next batch to a .zip (its own transaction: Cancel leaves no batch and no synced mark)."""
    return lambda progress: batch_export.export_batch(store, path, operator, progress=progress)


def export_again_job(store: Store, number: int, path: Path, operator: str) -> Callable[[ProgressFn], BatchResult]:
    def work(progress: ProgressFn) -> BatchResult:
        with store.session() as session:
            return batch_export.export_again(session, number, path, operator, progress)

    return work


def day_pack_job(store: Store, path: str | Path, operator: str) -> Callable[[ProgressFn], DayPack]:
    return lambda progress: export_day(store, Path(path), operator=operator, progress=progress)


def sheet_job(store: Store, kind: str, path: Path, operator: str = "") -> Callable[[ProgressFn], object]:
    """花名册 ("roster", audited under `operator`) or 统计表 ("stats") to an .xlsx."""

    def work(_progress: ProgressFn) -> object:
        with store.session() as session:
            if kind == "roster":
                from confirm_desk.services.reports.roster import write_roster

                return write_roster(session, path, operator=operator)
            from confirm_desk.services.reports.statistics import write_statistics

            return write_statistics(session, path)

    return work
