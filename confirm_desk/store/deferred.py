"""A store opened on first use: the main window paints its first screen of rows (read with the standard
library's sqlite3, ui/ops/first_screen.py) before SQLAlchemy is even imported; the first real use — the job the
window starts right after that paint, off the GUI thread — opens it (engine, schema check) once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from confirm_desk.store.db import Store
    from confirm_desk.store.units import CoreUnit


class DeferredStore:
    """Acts as the `Store` of `url` (session(), engine, session_factory, is_sqlite, sqlite_path, dispose()) and
    opens it with `open_store(url)` the first time one of them is needed, from whichever thread asks first;
    a failed open raises there (KnownError with the plain message) and is tried again on the next use."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = threading.Lock()
        self._store: Store | None = None

    def opened(self) -> Store:
        with self._lock:
            if self._store is None:
                from confirm_desk.store.db import open_store

                self._store = open_store(self.url)
            return self._store

    @property
    def is_open(self) -> bool:
        return self._store is not None

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.opened().session() as session:
            yield session

    @contextmanager
    def unit(self) -> Iterator[CoreUnit]:
        with self.opened().unit() as unit:
            yield unit

    @property
    def engine(self) -> Engine:
        return self.opened().engine

    @property
    def session_factory(self) -> sessionmaker[Session]:
        return self.opened().session_factory

    @property
    def is_sqlite(self) -> bool:
        return self.url.split(":", 1)[0].split("+", 1)[0] == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        return self.opened().sqlite_path

    def dispose(self) -> None:
        if self._store is not None:
            self._store.dispose()

    def __getattr__(self, name: str) -> Any:  # anything else a Store has
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.opened(), name)
