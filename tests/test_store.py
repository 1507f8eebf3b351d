"""The store: migrations, SQLite settings, permissions."""

import stat
from pathlib import Path

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
