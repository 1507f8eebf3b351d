"""Restore accepts only a sound store (issue 25 item 9): the exact schema of a known revision, an intact
file, photo data matching its hashes. Anything else is refused before the store is touched."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from confirm_desk.domain.errors import FileRefused
from confirm_desk.services.backup import backup, inspect_backup, restore
from tests.conftest import file_digest

TAMPERING = {
    "trigger": ("CREATE TRIGGER quiet AFTER INSERT ON audit_event BEGIN DELETE FROM audit_event "
                "WHERE id = new.id; END", "触发器 quiet"),
    "view": ("CREATE VIEW everyone AS SELECT name, id_number FROM applicant", "视图 everyone"),
    "table": ("CREATE TABLE notes (x TEXT)", "数据表 notes"),
    "index dropped": ("DROP INDEX ix_applicant_name", "索引 ix_applicant_name"),
    "table changed": ("ALTER TABLE operator ADD COLUMN backdoor TEXT", "数据表 operator"),
}


@pytest.fixture
def made(imported_store, tmp_path: Path) -> Path:
    return backup(imported_store, tmp_path / "b.sqlite3").path


def tamper(path: Path, *statements: str) -> None:
    with closing(sqlite3.connect(path)) as conn:
        for statement in statements:
            conn.execute(statement)
        conn.commit()


def test_a_sound_backup_passes(made: Path) -> None:
    assert inspect_backup(made).applicants == 60


@pytest.mark.parametrize("kind", list(TAMPERING))
def test_a_backup_with_a_changed_schema_is_refused(kind: str, imported_store, made: Path) -> None:
    statement, named = TAMPERING[kind]
    tamper(made, statement)
    before = file_digest(imported_store.sqlite_path)
    with pytest.raises(FileRefused, match="数据库结构") as err:
        restore(imported_store.url, made)
    assert named in err.value.message and "b.sqlite3" in err.value.message
    assert file_digest(imported_store.sqlite_path) == before
    assert not (imported_store.sqlite_path.parent / "backups").exists()  # not even a safety copy


def test_photo_data_must_match_its_hash(imported_store, made: Path) -> None:
    tamper(made, "UPDATE photo SET original = x'FFD8FF00' WHERE id = (SELECT min(id) FROM photo)")
    with pytest.raises(FileRefused, match="1 张照片与其记录的 SHA-256 不符"):
        restore(imported_store.url, made)
