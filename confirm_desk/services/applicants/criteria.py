"""What the clerk asked the list for, as plain values (no SQLAlchemy: the query bar and the list model are built
before the store is opened; services/applicants/listing.py turns it into SQL)."""

from __future__ import annotations

from dataclasses import dataclass

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
