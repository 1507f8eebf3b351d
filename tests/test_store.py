"""The store: migrations, SQLite settings, permissions."""

import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from confirm_desk.paths import migrations_dir
from confirm_desk.store.db import SCHEMA_HEAD, current_revision, open_store


def test_schema_head_constant_matches_alembic() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    assert ScriptDirectory.from_config(cfg).get_current_head() == SCHEMA_HEAD


def test_new_store_is_migrated_wal_and_private(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    store = open_store(f"sqlite:///{path}")
    assert current_revision(store.engine) == SCHEMA_HEAD
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    store.dispose()


def test_default_store_lives_in_the_data_dir(isolated_home: Path) -> None:
    store = open_store()
    assert store.sqlite_path == isolated_home / "confirm_desk.sqlite3"
    store.dispose()


def test_a_core_unit_commits_whole_or_not_at_all(tmp_path) -> None:
    """store.unit() (the import process's unit of work, without the ORM) keeps session()'s promise: every write
    of a unit that raises is undone, a unit that ends is committed."""
    from sqlalchemy import func, insert, select

    from confirm_desk.store.db import open_store
    from confirm_desk.store.tables import setting_table

    store = open_store(f"sqlite:///{tmp_path / 'unit.sqlite3'}")
    with pytest.raises(ZeroDivisionError), store.unit() as unit:
        unit.execute(insert(setting_table).values(key="a", value="1"))
        1 / 0  # noqa: B018
    with store.unit() as unit:
        assert unit.scalar(select(func.count()).select_from(setting_table)) == 0
        unit.execute(insert(setting_table).values(key="b", value="2"))
    with store.session() as session:
        assert session.execute(select(setting_table.c.key, setting_table.c.value)).all() == [("b", "2")]
    store.dispose()
