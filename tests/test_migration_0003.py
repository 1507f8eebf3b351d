"""Migration 0003 on a store that already holds applicants: rows kept, nobody synced yet."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from confirm_desk.paths import migrations_dir
from confirm_desk.store.db import SCHEMA_HEAD, create_store_engine, current_revision, migrate


def test_upgrade_from_0002_keeps_applicants(tmp_path: Path) -> None:
    engine = create_store_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
        conn.execute(text("INSERT INTO applicant (application_no, name, id_number, created_at, updated_at, version)"
                          " VALUES ('2025000000001', '张三', '330902197803277160', '2026-01-01', '2026-01-01', 4)"))
    migrate(engine)
    assert current_revision(engine) == SCHEMA_HEAD  # 0003 or any later head
    with engine.connect() as conn:
        row = conn.execute(text("SELECT name, version, synced_batch, synced_version FROM applicant")).one()
        assert tuple(row) == ("张三", 4, None, 0)
        tables = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars())
    assert {"batch_item", "batch_photo", "import_conflict"} <= tables
    engine.dispose()
