"""The store-wide preferences (Scope.STORE) in the `setting` table: read as typed values, saved with audit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update

from confirm_desk.preferences import PREFERENCES, Scope, Value, preference
from confirm_desk.services import audit
from confirm_desk.store.tables import confirmation_point_table, setting_table

if TYPE_CHECKING:
    from confirm_desk.store.units import Unit

STORE_KEYS = tuple(p.key for p in PREFERENCES if p.scope is Scope.STORE)


_CACHE = "store_settings"  # session.info key: one read per session (a decision asks several times)
_key, _value = setting_table.c.key, setting_table.c.value


def get_setting(session: Unit, key: str) -> str | None:
    """The stored text of one setting row, None when there is none."""
    return session.scalar(select(_value).where(_key == key))


def put_setting(session: Unit, key: str, value: str) -> None:
    """Stores one setting row's text (the row is added when missing)."""
    if session.scalar(select(_key).where(_key == key)) is None:
        session.execute(insert(setting_table).values(key=key, value=value))
    else:
        session.execute(update(setting_table).where(_key == key).values(value=value))


def load(session: Unit) -> dict[str, Value]:
    """Every store preference, typed; defaults for the ones never set. Read once per session."""
    cached = session.info.get(_CACHE)
    if cached is not None:
        return dict(cached)
    rows = session.execute(select(_key, _value).where(_key.in_(STORE_KEYS))).all()
    raw = {key: value for key, value in rows}
    values = {key: preference(key).parse(raw.get(key)) for key in STORE_KEYS}
    session.info[_CACHE] = values
    return dict(values)


def save(session: Unit, values: Mapping[str, Value], operator: str = "") -> list[str]:
    """Checks and writes the given store preferences; one audit event per changed one. Returns the keys
    that changed. Raises KnownError (nothing written) when a value is out of range. The list's flags depend
    on some of them (the desk's points and authorities): findings.save_settings saves and refreshes them."""
    checked = {key: preference(key).check(value) for key, value in values.items()}
    session.info.pop(_CACHE, None)
    current = load(session)
    _check_calendar({**current, **checked})
    changed = []
    for key, value in checked.items():
        pref = preference(key)
        if pref.scope is not Scope.STORE:
            raise ValueError(f"{key} is kept on this computer, not in the store")
        if value == current[key]:
            continue
        text = pref.to_text(value)
        put_setting(session, key, text)
        audit.record(session, "settings", operator, field=key, old=pref.to_text(current[key]),
                     new=text, detail=pref.label)
        changed.append(key)
    session.info.pop(_CACHE, None)  # read again after the writes
    if {"point_name", "point_code"} & set(changed):
        now = {**current, **checked}
        _remember_point(session, str(now["point_name"]), str(now["point_code"]))
    return changed


def _check_calendar(values: Mapping[str, Value]) -> None:
    """CAL-1: the 网报 and 确认 windows in a possible order (nothing is written otherwise)."""
    from confirm_desk.domain.campaign import Calendar
    from confirm_desk.domain.errors import KnownError

    calendar = Calendar(values.get("online_start"), values.get("online_end"),  # type: ignore[arg-type]
                        values.get("campaign_start"), values.get("campaign_end"))  # type: ignore[arg-type]
    problems = calendar.problems()
    if problems:
        raise KnownError("注册计划日期有误：" + "；".join(problems))


def _remember_point(session: Unit, name: str, code: str) -> None:
    """This desk's point joins the list of points (imports add theirs by name), with its code."""
    if not name:
        return
    points = confirmation_point_table
    session.flush()
    if session.scalar(select(points.c.id).where(points.c.name == name)) is None:
        session.execute(insert(points).values(name=name, code=code))
    else:
        session.execute(update(points).where(points.c.name == name).values(code=code))


def known_point_names(session: Unit) -> list[str]:
    """Confirmation points met in imports: the first-run dialog offers them."""
    return list(session.scalars(select(confirmation_point_table.c.name).order_by(confirmation_point_table.c.name)))


def needs_point(session: Unit) -> bool:
    """First run (after the administrator exists): this desk does not know its confirmation point yet."""
    return not load(session)["point_name"]
