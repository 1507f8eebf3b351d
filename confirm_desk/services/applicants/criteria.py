"""What the clerk asked the list for, as plain values (no SQLAlchemy: the query bar and the list model are built
before the store is opened; services/applicants/listing.py turns it into SQL)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from confirm_desk.domain.text import compact_code, to_halfwidth

# The list's columns as the list model reads them (listing.fetch_rows; ui/ops/first_screen.py for the first
# screen), `id` and the computed sync text aside.
LIST_COLUMNS = ("application_no", "name", "gender", "id_number", "school", "teaching_stage",
                "confirmation_point", "status", "photo_state", "flags", "reprint_needed",
                "version", "synced_batch", "synced_version")


@dataclass(frozen=True)
class ListCriteria:
    """What the clerk asked for. Empty values mean "any"."""

    text: str = ""  # the search box: name, ID number, 报名号 (a scanner types one of these)
    name: str = ""
    id_number: str = ""
    application_no: str = ""
    school: str = ""
    confirmation_point: str = ""
    status: str = ""
    flagged_only: bool = False
    sync_state: str = ""  # SyncState value: never / synced / changed


# The conditions an index can serve, in the order they lead a seek (services/applicants/listing.py).
LEADING_TERMS = ("text", "application_no", "name", "school", "confirmation_point", "status")


def terms(criteria: ListCriteria) -> list[str]:
    """The conditions the criteria set, in the order listing.py writes them."""
    present = (("text", criteria.text.strip()), ("name", criteria.name.strip()),
               ("id_number", criteria.id_number.strip()), ("application_no", criteria.application_no.strip()),
               ("school", criteria.school.strip()), ("confirmation_point", criteria.confirmation_point.strip()),
               ("status", criteria.status), ("flagged_only", criteria.flagged_only),
               ("sync_state", criteria.sync_state))
    return [term for term, value in present if value]


def leading_term(criteria: ListCriteria) -> str | None:
    """The condition that leads a seek: the first of LEADING_TERMS the criteria set."""
    return next(iter(leading_terms(criteria)), None)


def leading_terms(criteria: ListCriteria) -> list[str]:
    """The conditions that may lead a seek, in the order they are tried: LEADING_TERMS the criteria set. When
    more match the first than a seek reads, the next may be rare ("王" with 申请材料不全: a few dozen rows)."""
    present = terms(criteria)
    return [term for term in LEADING_TERMS if term in present]


Others = TypeVar("Others")


def fewest_matches(criteria: ListCriteria, probe: Callable[[str], tuple[set[int], Others]], seek_cap: int,
                   check_cap: int, probed: dict[str, set[int]] | None = None) -> tuple[set[int], Others] | None:
    """The seek that leads (its ids, the other conditions): `probe(lead)` reads one condition's ids from its index
    alone (at most seek_cap + 1), each of leading_terms in turn until one has at most check_cap, and the fewest a
    seek reads whole lead; None when every one has more. SQLite keeps no statistics: this is how "李" (1,900 people)
    with 申请材料不全 (40) reads 40 rows instead of 1,900. `probed` gets each lead's ids as read."""
    best: tuple[set[int], Others] | None = None
    for lead in leading_terms(criteria):
        found, others = probe(lead)
        if probed is not None:
            probed[lead] = found
        if len(found) <= seek_cap and (best is None or len(found) < len(best[0])):
            best = found, others
            if len(found) <= check_cap:
                break
    return best


# Conditions of one value whose index holds its matches in list order (by id after the value): walked, it gives the
# first page of the rows that pass the other conditions with no sort and stops once the page is full, where a scan in
# list order reads every row in between. 申请未通过 with "王" (7% of the names, and 4% of the store have that status):
# the walk reads about 700 index entries and their rows for a page of 50, the scan about 18,000 rows.
LIST_ORDER_TERMS = ("confirmation_point", "status")
# A walk reads each row by its id (≈1.15x a row read in a scan, measured over 100,000 applicants), and a scan reads
# 1/share rows for each the walk reads: it walks only a condition that matches fewer than this share of the rows.
WALK_BELOW = 0.5


def list_order_lead(criteria: ListCriteria, probed: dict[str, set[int]]) -> str | None:
    """When no seek reads every match (fewest_matches gave None): the condition of LIST_ORDER_TERMS whose index to
    walk in list order — the rarest, when it matches fewer than WALK_BELOW of the rows and another condition is
    set; None: a scan in list order. How common a condition is comes from its probe (`probed`): its first matches,
    read from its index in list order, reach as far into the ids as ids/share."""
    if len(terms(criteria)) < 2:
        return None
    best: tuple[float, str] | None = None
    for lead in LIST_ORDER_TERMS:
        found = probed.get(lead)
        if not found:
            continue
        share = len(found) / max(max(found), 1)
        if share < WALK_BELOW and (best is None or share < best[0]):
            best = share, lead
    return None if best is None else best[1]


def quick(criteria: ListCriteria) -> bool:
    """listing.first_ids reads little whatever the data: no condition (the first rows in list order), or a single
    one an index serves (a seek of at most SEEK_CAP index entries, or else a scan that stops within about
    limit × rows / SEEK_CAP rows)."""
    present = terms(criteria)
    return criteria == ListCriteria() or (len(present) == 1 and present[0] in LEADING_TERMS)


# What the search box holds, as the list searches it (search_text).
WHOLE_ID = "whole_id"  # a whole ID number: two exact look-ups
FEW_DIGITS = "few_digits"  # one or two digits: a 报名号 prefix
DIGITS = "digits"  # three or more digits (X): a 报名号 prefix or a fragment of an ID number
WORDS = "words"  # anything else: a name or school prefix
_WHOLE_ID = re.compile(r"\d{17}[\dX]")
_DIGITS = re.compile(r"[\dX]+")


def search_text(text: str) -> tuple[str, str]:
    """(kind, the value searched): the code (half-width, compact, upper-case) for digits, else the text
    half-width and stripped."""
    text = to_halfwidth(text).strip()
    code = compact_code(text)
    if _WHOLE_ID.fullmatch(code):
        return WHOLE_ID, code
    if _DIGITS.fullmatch(code):
        return (FEW_DIGITS if len(code) < 3 else DIGITS), code
    return WORDS, text
