"""The applicant list for the UI: the query bar's choices, pages of ids and rows, changes from other seats,
scanner look-ups, and the day's summary for the dashboard."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal, overload

from sqlalchemy.orm import Session

from confirm_desk.services.applicants import listing
from confirm_desk.services.applicants.criteria import ListCriteria
from confirm_desk.services.reports.day_summary import DaySummary, day_summary
from confirm_desk.store.db import BUSY_TIMEOUT_MS, Store, StoreBusy


@dataclass(frozen=True)
class Choices:
    """What the query bar offers: schools and confirmation points met in the data."""

    schools: list[str]
    points: list[str]


@dataclass(frozen=True)
class FirstPage:
    """The first ids of a list, the rows of the first of them (`rows`: what a screen shows, read in the same
    call) and its counts (`total` and the change mark only when asked for; `matching` None when not asked for
    and more than the first ids match: `count_matching` follows). `complete`: the ids are every match."""

    ids: list[int]
    matching: int | None
    total: int | None
    mark: tuple[int, int] | None
    rows: dict[int, dict[str, object]] = field(default_factory=dict)
    complete: bool = False


@dataclass(frozen=True)
class Changes:
    """What other seats changed since `mark` (None when nothing did): stored versions of the cached rows."""

    mark: tuple[int, int]
    versions: dict[int, int] | None
    matching: int


def choices(store: Store) -> Choices:
    with store.session() as session:
        return Choices(listing.distinct_values(session, "school"),
                       listing.distinct_values(session, "confirmation_point"))


# Candidates of a search whose rows a keystroke checks on the GUI thread (a read by id each, ≈1–3 ms in all).
INLINE_BUDGET = 600
# How long a keystroke's read on the GUI thread waits for a store another program holds locked before it is
# handed to a worker thread (which waits as long as any read, the window responsive meanwhile).
INLINE_BUSY_MS = 50


@overload
def first_page(store: Store, criteria: ListCriteria, limit: int, with_total: bool, with_count: bool = ...,
               with_rows: int = ..., *, bounded: Literal[False] = ...) -> FirstPage: ...
@overload
def first_page(store: Store, criteria: ListCriteria, limit: int, with_total: bool, with_count: bool = ...,
               with_rows: int = ..., *, bounded: bool) -> FirstPage | None: ...
def first_page(store: Store, criteria: ListCriteria, limit: int, with_total: bool,
               with_count: bool = True, with_rows: int = 0, *, bounded: bool = False) -> FirstPage | None:
    """The first ids (up to `limit`), the rows of the first `with_rows` of them. `bounded` (a keystroke read on
    the GUI thread): None instead of a read of unknown length (listing.first_ids with a budget) or of a wait for a
    store another program holds locked."""
    if with_total:
        with store.session() as session:
            return _first_page(session, criteria, limit, with_total, with_count, with_rows, bounded)
    if bounded and not store.idle_connections():
        return None  # no connection open to read with at once: opening one is a worker's job
    try:
        with _reader(store, INLINE_BUSY_MS if bounded else BUSY_TIMEOUT_MS) as reader:
            return _first_page(reader, criteria, limit, with_total, with_count, with_rows, bounded)
    except StoreBusy:
        if bounded:  # never a frozen window: read again off the GUI thread
            return None
        raise


def _first_page(reader: listing.Reader, criteria: ListCriteria, limit: int, with_total: bool, with_count: bool,
                with_rows: int, bounded: bool) -> FirstPage | None:
    first = listing.first_ids(reader, criteria, limit, INLINE_BUDGET if bounded else None)
    if first is None:
        return None
    ids, matching = first  # the count when the search told it
    complete = matching is not None and len(ids) == matching
    if matching is None and with_count:
        matching = listing.count_matching(reader, criteria)
    total = mark = None
    if with_total:
        assert isinstance(reader, Session)
        total = listing.count_all(reader)
        # A whole-table sum: once per reload, never per keystroke (a criteria change does not change the store;
        # a change by another seat meanwhile shows at the refresher's next look).
        mark = listing.change_mark(reader)
    rows = listing.fetch_rows(reader, ids[:with_rows]) if with_rows else {}
    return FirstPage(ids, matching, total, mark, rows, complete)


@contextmanager
def _reader(store: Store, busy_ms: int = BUSY_TIMEOUT_MS) -> Iterator[listing.Reader]:
    """The list's reads: on SQLite the driver's own connection (no session; list_sql.py), else a session."""
    if store.is_sqlite:
        with store.reading(busy_ms) as conn:
            yield conn
    else:
        with store.session() as session:
            yield session


def index_new(store: Store, step: int = 20_000) -> int:
    """The search index catches up with applicants imported since the last time, `step` per transaction (a
    seat saving meanwhile waits for one step, not for all); how many were added."""
    added = 0
    while True:
        with store.session() as session:
            done = listing.index_new_applicants(session, step)
        added += done
        if done < step:
            return added


def count_matching(store: Store, criteria: ListCriteria) -> int:
    """The applicants matching the criteria (a full count: asked after the first rows are shown)."""
    with _reader(store) as reader:
        return listing.count_matching(reader, criteria)


def next_page(store: Store, criteria: ListCriteria, after: int | None, limit: int) -> list[int]:
    with _reader(store) as reader:
        return listing.query_page(reader, criteria, after, limit)


def rows(store: Store, ids: Sequence[int]) -> dict[int, dict[str, object]]:
    with _reader(store) as reader:
        return listing.fetch_rows(reader, ids)


def changes_since(store: Store, mark: tuple[int, int] | None, cached: Sequence[int],
                  criteria: ListCriteria) -> Changes:
    """One aggregate query when nothing changed; otherwise the versions of the rows on screen too."""
    with store.session() as session:
        now = listing.change_mark(session)
        if now == mark:
            return Changes(now, None, 0)
        return Changes(now, listing.versions(session, list(cached)), listing.count_matching(session, criteria))


def find_exact(store: Store, code: str) -> int | None:
    """An exact 报名号 or ID number (the scanner's input)."""
    with store.session() as session:
        return listing.find_exact(session, code)


def summary(store: Store) -> DaySummary:
    with store.session() as session:
        return day_summary(session)
