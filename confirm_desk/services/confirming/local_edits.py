"""Which fields were changed here, and what the national system holds for them, read from the audit trail.

The audit trail is the record of every edit (CONF-6), so it is also the store of local edits: no second
copy to keep in step, and edits made before batches existed count too. Per applicant and field, in order:
- `edit` (the check dialog): the field becomes local; its base is the value before the first edit.
  Editing it back to the base makes it follow the national system again.
- `conflict_keep` (old = incoming, new = local): stays local; the incoming value is the new base.
- `conflict_take`, `import_agree`: the field follows the national system again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from confirm_desk.store.tables import audit_table

if TYPE_CHECKING:
    from confirm_desk.store.units import Unit

EDIT_ACTIONS = ("edit", "conflict_keep", "conflict_take", "import_agree")
_CHUNK = 500  # ids per IN (...) list: well under every driver's parameter limit


@dataclass(frozen=True)
class LocalEdit:
    base: str  # the national system's value: what an export reports as the old value
    value: str  # the value set here
    operator: str
    at: dt.datetime


def local_edits(
    session: Unit, applicant_ids: Collection[int] | None = None
) -> dict[int, dict[str, LocalEdit]]:
    """applicant id -> {field key: LocalEdit} for every field that is local now (none: not in the dict)."""
    a = audit_table.c
    cols = (a.applicant_id, a.action, a.field, a.old_value, a.new_value, a.operator, a.at, a.id)
    base = select(*cols).where(a.action.in_(EDIT_ACTIONS), a.applicant_id.is_not(None))
    if applicant_ids is None:
        rows = list(session.execute(base))
    else:
        ids = sorted(set(applicant_ids))
        rows = []
        for start in range(0, len(ids), _CHUNK):
            rows.extend(session.execute(base.where(a.applicant_id.in_(ids[start:start + _CHUNK]))))
    rows.sort(key=lambda r: r.id)
    out: dict[int, dict[str, LocalEdit]] = {}
    for r in rows:
        fields = out.setdefault(r.applicant_id, {})
        current = fields.get(r.field)
        if r.action == "edit":
            origin = current.base if current is not None else r.old_value
            if r.new_value == origin:
                fields.pop(r.field, None)
            else:
                fields[r.field] = LocalEdit(origin, r.new_value, r.operator, r.at)
        elif r.action == "conflict_keep":
            fields[r.field] = LocalEdit(r.old_value, r.new_value, r.operator, r.at)
        else:
            fields.pop(r.field, None)
    return {applicant: fields for applicant, fields in out.items() if fields}
