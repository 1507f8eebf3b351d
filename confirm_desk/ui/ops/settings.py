"""Preferences and the first-run point, for the UI: this seat's preferences in a QSettings INI file in the data
folder, the store-wide ones through services.settings (so every seat and every service sees the same value)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from confirm_desk.paths import data_dir

if TYPE_CHECKING:  # the main window holds a PreferencesStore before SQLAlchemy is loaded (and before its first
    # paint: the preferences' table and QSettings load when a preference is first read)
    from PySide6.QtCore import QSettings

    from confirm_desk.preferences import Value
    from confirm_desk.store.db import Store


def seat_keys() -> tuple[str, ...]:
    from confirm_desk.preferences import PREFERENCES, Scope

    return tuple(p.key for p in PREFERENCES if p.scope is Scope.SEAT)


def settings_path() -> Path:
    """An INI file beside the store, not the registry: tests isolate it with CONFIRM_DESK_HOME and a
    support person can read it."""
    return data_dir() / "preferences.ini"


class PreferencesStore(QObject):
    """`PreferencesStore(store)`; `values()` gives every preference typed, `save(changes, operator)` writes
    and emits `changed(keys)` so the window can apply them (e.g. the idle lock)."""

    changed = Signal(list)

    def __init__(self, store: Store, qsettings: QSettings | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._qsettings = qsettings

    @property
    def qsettings(self) -> QSettings:
        """This seat's INI file, opened on first use (finding the data folder is not free; the main window holds
        a PreferencesStore before its first paint)."""
        if self._qsettings is None:
            from PySide6.QtCore import QSettings

            self._qsettings = QSettings(str(settings_path()), QSettings.Format.IniFormat)
        return self._qsettings

    def values(self) -> dict[str, Value]:
        from confirm_desk.preferences import preference
        from confirm_desk.services import settings

        with self.store.session() as session:
            out = settings.load(session)
        for key in seat_keys():
            out[key] = preference(key).parse(self.qsettings.value(f"seat/{key}"))
        return out

    def value(self, key: str) -> Value:
        from confirm_desk.preferences import Scope, preference

        pref = preference(key)
        if pref.scope is Scope.SEAT:
            return pref.parse(self.qsettings.value(f"seat/{key}"))
        return self.values()[key]

    def number(self, key: str) -> int:
        """A whole-number preference (0 when it holds none)."""
        value = self.value(key)
        return value if isinstance(value, int) else 0

    def text(self, key: str) -> str:
        """A text or folder preference ("" when it holds none)."""
        value = self.value(key)
        return value if isinstance(value, str) else ""

    def save(self, values: Mapping[str, Value], operator: str = "") -> list[str]:
        """Writes what differs; KnownError (nothing written) when a value is out of range."""
        from confirm_desk.preferences import Scope, preference

        seat = {k: preference(k).check(v) for k, v in values.items() if preference(k).scope is Scope.SEAT}
        shared = {k: v for k, v in values.items() if k not in seat}
        from confirm_desk.services.applicants.findings import save_settings

        with self.store.session() as session:
            changed = save_settings(session, shared, operator) if shared else []
        for key, value in seat.items():
            if value != self.value(key):
                self.qsettings.setValue(f"seat/{key}", preference(key).to_text(value))
                changed.append(key)
        self.qsettings.sync()
        if changed:
            self.changed.emit(changed)
        return changed


def needs_first_run(store: Store) -> bool:
    from confirm_desk.services import settings

    with store.session() as session:
        return settings.needs_point(session)


def known_point_names(store: Store) -> list[str]:
    """Confirmation points met in imported data (the first-run dialog offers them)."""
    from confirm_desk.services import settings

    with store.session() as session:
        return list(settings.known_point_names(session))


def save_point(store: Store, name: str, code: str, operator: str) -> None:
    """The point's name and code (store-wide, audited); KnownError when a value is refused."""
    from confirm_desk.services.applicants.findings import save_settings

    with store.session() as session:
        save_settings(session, {"point_name": name, "point_code": code}, operator)
