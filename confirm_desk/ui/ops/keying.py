"""Keying and verification for the views: every read and write opens its session here (run through the
job runner), never in a widget."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from confirm_desk.services.keying.queue import KeyingItem, KeyingProgress, KeyingResult, keying_progress, keying_queue
from confirm_desk.services.keying.queue import mark_keyed as _mark_keyed
from confirm_desk.services.keying.state import read_state
from confirm_desk.services.keying.verify import NationalReport, Settle, national_report, settle_conflict
from confirm_desk.services.keying.verify import write_national_xlsx as _write_national_xlsx
from confirm_desk.services.progress import ProgressFn
from confirm_desk.store.db import Store


@dataclass(frozen=True)
class KeyingSnapshot:
    queue: list[KeyingItem]
    progress: KeyingProgress


def load_keying(store: Store) -> Callable[[ProgressFn], KeyingSnapshot]:
    def work(_progress: ProgressFn) -> KeyingSnapshot:
        with store.session() as session:
            return KeyingSnapshot(keying_queue(session), keying_progress(session))

    return work


def mark_keyed(store: Store, item: KeyingItem, operator: str) -> Callable[[ProgressFn], KeyingResult]:
    """Marks the item keyed as it was shown (refused when it changed since)."""

    def work(_progress: ProgressFn) -> KeyingResult:
        with store.session() as session:
            return _mark_keyed(session, [item.applicant_id], operator, seen={item.applicant_id: item.event_id})

    return work


def load_national(store: Store) -> Callable[[ProgressFn], NationalReport]:
    def work(_progress: ProgressFn) -> NationalReport:
        with store.session() as session:
            return national_report(session, read_state(session))

    return work


def settle(store: Store, applicant_id: int, choice: Settle, operator: str) -> Callable[[ProgressFn], object]:
    def work(_progress: ProgressFn) -> object:
        with store.session() as session:
            return settle_conflict(session, applicant_id, choice, operator)

    return work


def write_national_xlsx(report: NationalReport, path: Path | str) -> Callable[[ProgressFn], int]:
    """No store needed: the report on screen is written as it stands."""
    return lambda _progress: _write_national_xlsx(report, path)
