"""Re-import reconciliation: a newer export updates what the confirmer left alone and never overwrites
what was changed here; each disagreement becomes a pending conflict for the review dialog."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update

from confirm_desk.domain.fields import FIELDS_BY_KEY
from confirm_desk.services.confirming.local_edits import local_edits
from confirm_desk.store.bulk import Row, bulk_update
from confirm_desk.store.tables import applicant_table, utcnow
from confirm_desk.store.tables import import_conflict_table as conflict_table

if TYPE_CHECKING:
    from confirm_desk.store.units import Unit


@dataclass(frozen=True)
class FieldConflict:
    application_no: str
    name: str
    field: str
    local: str
    incoming: str

    @property
    def label(self) -> str:
        return FIELDS_BY_KEY[self.field].label if self.field in FIELDS_BY_KEY else self.field


@dataclass(frozen=True)
class PendingConflict(FieldConflict):
    """A stored conflict awaiting the confirmer's choice (the review dialog's row)."""

    id: int = 0
    applicant_id: int = 0


class Reconciler:
    """Used by store_rows: `merge` the incoming values of each changed applicant, then `finish`."""

    def __init__(self, session: Unit, operator: str, batch_id: int | None) -> None:
        self.operator, self.batch_id = operator, batch_id
        self.edits = local_edits(session)  # few applicants: only those edited here
        self.pending: dict[tuple[int, str], tuple[int, str]] = {
            (r.applicant_id, r.field): (r.id, r.incoming_value)
            for r in session.execute(
                select(conflict_table.c.id, conflict_table.c.applicant_id, conflict_table.c.field,
                       conflict_table.c.incoming_value).where(conflict_table.c.resolution == "")
            )
        }
        self.conflicts: list[FieldConflict] = []
        self._new: list[Row] = []
        self._changed: list[Row] = []  # pending conflicts whose incoming value moved on
        self._closed: list[Row] = []  # pending conflicts the new export settled
        self.events: list[Row] = []

    def merge(self, old: Any, values: dict[str, str]) -> dict[str, str]:
        """The values to store for an existing applicant: incoming, except the fields that are local."""
        edited = self.edits.get(old.id)
        if not edited:
            return values
        merged = dict(values)
        for key, edit in edited.items():
            if key not in merged:
                continue
            incoming, local = values[key], getattr(old, key) or ""
            pending = self.pending.get((old.id, key))
            if incoming == local:  # the national system now holds our value: the field follows it again
                self._event("import_agree", old, key, local, incoming)
                self._close(pending, "agree")
                continue
            merged[key] = local
            if incoming == edit.base:  # unchanged upstream: an ordinary local edit, nothing to ask
                self._close(pending, "superseded")
                continue
            number, name = values["application_no"], values["name"]
            self.conflicts.append(FieldConflict(number, name, key, local, incoming))
            if pending is None:
                self._new.append({"applicant_id": old.id, "field": key, "local_value": local,
                                  "incoming_value": incoming, "import_batch_id": self.batch_id,
                                  "created_at": utcnow(), "resolution": "", "resolved_by": ""})
            elif pending[1] != incoming:
                self._changed.append({"id": pending[0], "incoming_value": incoming, "local_value": local})
            else:
                continue  # the same disagreement as last time: already pending and audited
            self._event("import_conflict", old, key, local, incoming)
        return merged

    def national(self, applicant_id: int, key: str) -> str:
        """What the national system last said of a field edited here: the incoming value of a conflict still
        open, else the edit's base (the value edited, or the one a kept conflict came with)."""
        pending = self.pending.get((applicant_id, key))
        return pending[1] if pending is not None else self.edits[applicant_id][key].base

    def _close(self, pending: tuple[int, str] | None, how: str) -> None:
        if pending is not None:
            self._closed.append({"id": pending[0], "resolution": how})

    def _event(self, action: str, old: Any, key: str, before: str, after: str) -> None:
        self.events.append({"action": action, "operator": self.operator, "applicant_id": old.id,
                            "application_no": old.application_no, "field": key, "old_value": before,
                            "new_value": after, "detail": ""})

    def finish(self, session: Unit) -> None:
        conn = session.connection()
        if self._new:
            session.execute(insert(conflict_table), self._new)
        bulk_update(conn, conflict_table, "id", self._changed)
        now = utcnow()
        bulk_update(conn, conflict_table, "id", self._closed,
                    {"resolved_by": self.operator, "resolved_at": now})


MAX_FAILED_SHARE = 0.1  # a file with more refused rows than this is not taken as a whole list


def flag_missing(
    session: Unit, existing: Mapping[str, Any], numbers: Collection[str], points: Collection[str], count: int,
    failed: Sequence[str] = (),
) -> list[str]:
    """Applicants of the file's confirmation points that the file no longer holds are flagged (never
    deleted); those it holds again lose the flag. Returns the 报名号 newly flagged.

    "Not in the new list" is only said of a whole list: a refused row (`failed`: its 报名号 as read)
    still shows that its applicant is there, and a file with a refused row whose 报名号 is unknown, or
    with many refused rows, or with no stored row at all, flags nobody. `existing`: the stored applicants by
    报名号; `numbers`: the 报名号 of the file's `count` rows read; `points`: the confirmation points they name.
    Only an applicant the file leaves out, or one flagged before, can change: those are the ones looked at."""
    present = set(numbers) | {n for n in failed if n}
    whole = bool(count) and all(failed) and len(failed) <= MAX_FAILED_SHARE * (count + len(failed))
    changes: list[Row] = []
    flagged: list[str] = []
    left_out = existing.keys() - present
    for number, row in existing.items():
        if number not in left_out and not row.missing_from_import:
            continue
        if points and row.confirmation_point not in points:
            continue  # another point's applicants: this file says nothing about them
        missing = row.application_no not in present
        if missing and not whole:
            continue  # no judgement from a partial list: a flag already set stays as it is
        if missing != bool(row.missing_from_import):
            changes.append({"id": row.id, "missing_from_import": missing})
            if missing:
                flagged.append(row.application_no)
    t = applicant_table
    # No version bump: the flag is the file's fact, not a change of the applicant.
    for chunk_start in range(0, len(changes), 500):
        chunk = changes[chunk_start:chunk_start + 500]
        for value in (True, False):
            ids = [c["id"] for c in chunk if c["missing_from_import"] is value]
            if ids:
                session.execute(update(t).where(t.c.id.in_(ids))
                                .values(missing_from_import=value, updated_at=t.c.updated_at))
    return flagged
