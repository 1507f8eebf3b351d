"""The automatic findings of stored applicants: the rules of domain.checks with the store's context (this
desk's points and registration authorities, other applications under the same ID number, today).

One place builds that context, so the list's flags, `show`, the check dialog and the confirmation guard
all see the same findings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, or_, select, update

from confirm_desk.domain.campaign import parse_point_authorities, parse_point_list
from confirm_desk.domain.check_codes import CodeChecker
from confirm_desk.domain.checks import CheckContext, Finding, OtherApplication, check_applicant
from confirm_desk.domain.statuses import Status
from confirm_desk.preferences import Value
from confirm_desk.services import settings
from confirm_desk.store.tables import applicant_table

if TYPE_CHECKING:
    from confirm_desk.store.units import Unit

t = applicant_table
FLAGS_MAX = 400  # the flags column's width
SCOPE_SETTINGS = frozenset({"desk_points", "point_authorities", "point_name"})


def base_context(session: Unit, today: dt.date | None = None) -> CheckContext:
    """The store-wide part of the context (settings), without other applications."""
    values = settings.load(session)
    points = parse_point_list(str(values.get("desk_points") or "")) or parse_point_list(
        str(values.get("point_name") or ""))
    return CheckContext(
        today=today or dt.date.today(),
        desk_points=points,
        expected_authorities=parse_point_authorities(str(values.get("point_authorities") or "")),
    )


def others_with_same_id(session: Unit, id_number: str, applicant_id: int | None) -> tuple[OtherApplication, ...]:
    """Other applications under this ID number, except rejected ones (SCOPE-3)."""
    if not id_number:
        return ()
    stmt = select(t.c.application_no, t.c.cert_number, t.c.cert_type, t.c.status).where(
        t.c.id_number == id_number, t.c.status != Status.REJECTED.value)
    if applicant_id is not None:
        stmt = stmt.where(t.c.id != applicant_id)
    return tuple(OtherApplication(no, cert or "", kind or "", Status(status).label)
                 for no, cert, kind, status in session.execute(stmt.order_by(t.c.id)))


def findings_for(
    session: Unit,
    values: Mapping[str, str],
    applicant_id: int | None = None,
    *,
    differing: Iterable[str] = (),
    base: CheckContext | None = None,
) -> list[Finding]:
    """Every finding for one applicant's values as stored (or as edited) in this store."""
    return check_applicant(values, context=context_for(session, values, applicant_id, differing=differing,
                                                       base=base))


def context_for(
    session: Unit,
    values: Mapping[str, str],
    applicant_id: int | None = None,
    *,
    differing: Iterable[str] = (),
    base: CheckContext | None = None,
) -> CheckContext:
    """The full context of one applicant's checks (the check dialog keeps it to re-check edited values)."""
    base = base or base_context(session)
    return CheckContext(
        today=base.today, desk_points=base.desk_points, expected_authorities=base.expected_authorities,
        others=others_with_same_id(session, values.get("id_number") or "", applicant_id),
        differing_fields=frozenset(differing),
    )


def flags_text(findings: Iterable[Finding]) -> str:
    """The flags column: the finding codes, sorted, within the column's width."""
    return flags_from_codes({f.code for f in findings})


def flags_from_codes(codes: Collection[str]) -> str:
    """The flags column of these finding codes (domain.check_codes), as flags_text writes it."""
    if not codes:
        return ""
    text = ""
    for code in sorted(set(codes)):
        candidate = f"{text},{code}" if text else code
        if len(candidate) > FLAGS_MAX:
            break
        text = candidate
    return text


def save_settings(session: Unit, values: Mapping[str, Value], operator: str = "") -> list[str]:
    """settings.save, then the list's flags follow this desk's points and authorities when one of them
    changed (SCOPE_SETTINGS). Returns the keys that changed."""
    changed = settings.save(session, values, operator)
    if SCOPE_SETTINGS & set(changed):
        session.flush()
        refresh_flags(session)
    return changed


def refresh_flags(session: Unit, ids: Iterable[int] | None = None) -> int:
    """Recompute the stored flags of the given applicants (all when None); returns how many changed.
    Flags are derived data: the row's version is not touched."""
    from confirm_desk.domain.fields import FIELDS

    base = base_context(session)
    keys = [f.key for f in FIELDS]
    stmt = select(t.c.id, t.c.flags, *[t.c[k] for k in keys])
    if ids is not None:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return 0
        rows: list[Any] = []
        for start in range(0, len(wanted), 500):
            rows += session.execute(stmt.where(t.c.id.in_(wanted[start:start + 500]))).all()
    else:
        rows = list(session.execute(stmt).all())
    id_at = 2 + keys.index("id_number")
    duplicated = _duplicated_numbers(session, None if ids is None else {row[id_at] for row in rows})
    others = _others_by_number(session, duplicated)
    checker = CodeChecker(base)
    changed: list[dict[str, Any]] = []
    for applicant_id, stored, *fields in rows:
        values = {k: v or "" for k, v in zip(keys, fields, strict=True)}
        if values["id_number"] in duplicated:  # SCOPE-3: the context names the other applications
            theirs = tuple(o for other_id, o in others.get(values["id_number"], ()) if other_id != applicant_id)
            context = CheckContext(today=base.today, desk_points=base.desk_points,
                                   expected_authorities=base.expected_authorities, others=theirs)
            flags = flags_text(check_applicant(values, context=context))
        else:
            flags = flags_from_codes(checker.codes(values))
        if flags != stored:
            changed.append({"changed_id": applicant_id, "new_flags": flags})
    if changed:  # one executemany (updated_at follows, as a row's own UPDATE sets it)
        session.execute(update(t).where(t.c.id == bindparam("changed_id")).values(flags=bindparam("new_flags")),
                        changed)
    return len(changed)


def _others_by_number(session: Unit, numbers: Collection[str]) -> dict[str, list[tuple[int, OtherApplication]]]:
    """others_with_same_id for many ID numbers at once: per number, (applicant id, application) in id order,
    rejected ones left out (the caller leaves out the applicant's own)."""
    out: dict[str, list[tuple[int, OtherApplication]]] = {}
    wanted = sorted(n for n in numbers if n)
    for start in range(0, len(wanted), 500):
        stmt = select(t.c.id, t.c.id_number, t.c.application_no, t.c.cert_number, t.c.cert_type, t.c.status).where(
            t.c.id_number.in_(wanted[start:start + 500]), t.c.status != Status.REJECTED.value).order_by(t.c.id)
        for applicant_id, number, no, cert, kind, status in session.execute(stmt):
            out.setdefault(number, []).append(
                (applicant_id, OtherApplication(no, cert or "", kind or "", Status(status).label)))
    return out


def _duplicated_numbers(session: Unit, among: set[str] | None = None) -> set[str]:
    """ID numbers under more than one 报名号 (all of them, or those among the given numbers)."""
    stmt = select(t.c.id_number).where(t.c.id_number != "").group_by(t.c.id_number).having(func.count() > 1)
    if among is None:
        return set(session.scalars(stmt))
    numbers = sorted(n for n in among if n)
    out: set[str] = set()
    for start in range(0, len(numbers), 500):
        out |= set(session.scalars(stmt.where(t.c.id_number.in_(numbers[start:start + 500]))))
    return out


def refresh_duplicate_flags(session: Unit, *, flagged_before: bool = True) -> int:
    """After an import: every applicant sharing an ID number with another, and every one flagged so before.
    `flagged_before=False`: none can be (the store had no applicant before this import, whose rows' flags were
    computed without other applications), so the whole table is not read for them."""
    duplicated = _duplicated_numbers(session)
    ids: list[int] = []
    numbers = sorted(duplicated)
    for start in range(0, len(numbers), 500):
        ids += session.scalars(select(t.c.id).where(t.c.id_number.in_(numbers[start:start + 500])))
    if flagged_before:
        ids += session.scalars(select(t.c.id).where(or_(t.c.flags.like("%duplicate_id%"))))
    return refresh_flags(session, ids)


def refresh_same_id(session: Unit, id_number: str) -> int:
    """After a decision or an edit: the other applications under the same ID number."""
    if not id_number:
        return 0
    ids = list(session.scalars(select(t.c.id).where(t.c.id_number == id_number)))
    return refresh_flags(session, ids) if len(ids) > 1 else 0  # alone: nothing a sibling could change


# The stored flags were computed by the rules of this version; a newer rule set recomputes them once (app start,
# next import) so the list shows what `show` shows. Raise it whenever a rule that sets flags changes.
RULES_VERSION = "19.1"
_RULES_VERSION_KEY = "flags_rules_version"


def ensure_flags_current(session: Unit, *, computed_now: bool = False) -> int:
    """Recompute every applicant's flags when they were computed by older rules; returns how many changed.
    `computed_now`: every stored flag was just computed by these rules (a first import): only note it."""
    if settings.get_setting(session, _RULES_VERSION_KEY) == RULES_VERSION:
        return 0
    changed = 0 if computed_now else refresh_flags(session)
    settings.put_setting(session, _RULES_VERSION_KEY, RULES_VERSION)
    return changed
