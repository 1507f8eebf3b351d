"""The limits of the SQLite that Python ships on Windows hold here too (Debian's is built more generously)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import event

from confirm_desk.services.applicants.demo import draw_photo, generate
from confirm_desk.services.importing.applicants import import_applicants
from confirm_desk.store.db import open_store
from tests.data.make_bad_inputs import table, xlsx


def test_photo_import_with_few_bind_variables(db_url: str, tmp_path: Path) -> None:
    """SQLite before 3.32 allowed 999 variables per statement (32,766 since): no statement may need one per
    applicant. 600 applicants and a limit of 999 stand for 100,000 and 32,766."""
    store = open_store(db_url)

    @event.listens_for(store.engine, "connect")
    def windows_like(dbapi_connection, _record) -> None:
        dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)

    store.engine.dispose()
    rows = generate(600, seed=5)
    xlsx(tmp_path / "many.xlsx", table(rows))
    photos = tmp_path / "photos"
    photos.mkdir()
    for i, r in enumerate(rows[:3]):
        (photos / f"{r['id_number']}.jpg").write_bytes(draw_photo(i))
    first = import_applicants(store, tmp_path / "many.xlsx", photos)
    again = import_applicants(store, tmp_path / "many.xlsx", photos)
    assert (first.imported, first.photos.attached) == (600, 3)
    assert (again.unchanged, again.photos.unchanged) == (600, 3)
    store.dispose()
