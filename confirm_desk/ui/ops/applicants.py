"""The applicant list for the UI: the query bar's choices, pages of ids and rows, changes from other seats,
scanner look-ups, and the day's summary for the dashboard."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from confirm_desk.services.applicants import listing
from confirm_desk.services.applicants.criteria import ListCriteria
from confirm_desk.services.reports.day_summary import DaySummary, day_summary
from confirm_desk.store.db import Store


@dataclass(frozen=True)
class Choices:
    """What the query bar offers: schools and confirmation points met in the data."""

    schools: list[str]
    points: list[str]


@dataclass(frozen=True)
class FirstPage:
    """The first ids of a list and its counts (`total` and the change mark only when asked for; `matching`
    None when not asked for and more than the first ids match: `count_matching` follows)."""

    ids: list[int]
    matching: int | None
    total: int | None
    mark: tuple[int, int] | None


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


def first_page(store: Store, criteria: ListCriteria, limit: int, with_total: bool,
               with_count: bool = True) -> FirstPage:
    with store.session() as session:
        ids = listing.query_page(session, criteria, None, limit)
        matching: int | None = len(ids) if len(ids) < limit else None  # fewer than asked: that is all of them
        if matching is None and with_count:
            matching = listing.count_matching(session, criteria)
        total = listing.count_all(session) if with_total else None
        # A whole-table sum: once per reload, never per keystroke (a criteria change does not change the store;
        # a change by another seat meanwhile shows at the refresher's next look).
        mark = listing.change_mark(session) if with_total else None
        return FirstPage(ids, matching, total, mark)


def count_matching(store: Store, criteria: ListCriteria) -> int:
    """The applicants matching the criteria (a full count: asked after the first rows are shown)."""
    with store.session() as session:
        return listing.count_matching(session, criteria)


def next_page(store: Store, criteria: ListCriteria, after: int | None, limit: int) -> list[int]:
    with store.session() as session:
        return listing.query_page(session, criteria, after, limit)


def rows(store: Store, ids: Sequence[int]) -> dict[int, dict[str, object]]:
    with store.session() as session:
        return listing.fetch_rows(session, ids)


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
