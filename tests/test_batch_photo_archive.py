"""A batch's photos are archived when they change or go, not copied at export (migration 0012): the batch is
written again byte for byte after its photos are redone (through the photo service), deleted, or replaced by a
re-import, on SQLite and PostgreSQL; nothing is archived while nothing changes; a photo cannot change between
the export reading it and the batch being recorded; a store opened by plain sqlite3 keeps the rule; a store
without the triggers archives at export as before; the migration goes up and down on a store with batches."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from PIL import Image
from sqlalchemy import create_engine, delete, func, select, text
from sqlalchemy.exc import OperationalError as SAOperationalError
from sqlalchemy.orm import sessionmaker

from confirm_desk.paths import migrations_dir
from confirm_desk.services.applicants.listing import resolve
from confirm_desk.services.batches.export import export_again, export_batch
from confirm_desk.services.importing.applicants import import_applicants
from confirm_desk.services.photos.applicant_photos import normalize_applicant_photo
from confirm_desk.services.photos.intake import import_photos
from confirm_desk.store.db import SCHEMA_HEAD, Store, create_store_engine, current_revision, migrate
from confirm_desk.store.models import BatchItem, BatchPhoto, Photo, applicant_table
from tests.test_batch_export import decide, normalise_photos

t = applicant_table
TRIGGERS = {"batch_photo_keep_update", "batch_photo_keep_delete", "batch_photo_keep_replace"}


def with_photos(store, count: int) -> list[str]:
    """报名号 of `count` pending applicants that have a photo."""
    with store.session() as session:
        return list(session.scalars(select(t.c.application_no).join(Photo, Photo.applicant_id == t.c.id)
                                    .where(t.c.status == "pending").order_by(t.c.id).limit(count)))


def archived(store) -> dict[str, bytes]:
    with store.session() as session:
        return dict(session.execute(select(BatchPhoto.sha256, BatchPhoto.data)).all())


def same_again(store, number: int, first: Path, tmp_path: Path) -> None:
    """Batch `number` written again is the file first written, and reports nothing mismatched."""
    out = tmp_path / f"again-{number}.zip"
    with store.session() as session:
        result = export_again(session, number, out, "clerk")
    assert result.mismatched == []
    assert out.read_bytes() == first.read_bytes()


def batch_shas(store, number: int) -> dict[str, str]:
    """application_no -> the photo hash batch `number` recorded."""
    with store.session() as session:
        rows = session.execute(text(
            "SELECT a.application_no, bi.photo_sha256 FROM batch_item bi JOIN batch b ON b.id = bi.batch_id "
            "JOIN applicant a ON a.id = bi.applicant_id WHERE b.kind = 'export' AND b.number = :n"), {"n": number})
        return dict(rows.all())


def current_photo(store, number: str) -> bytes | None:
    with store.session() as session:
        return session.scalar(select(Photo.normalized).where(Photo.applicant_id == resolve(session, number)))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_batches_stay_the_same_as_their_photos_change(any_imported_store, tmp_path: Path) -> None:
    store = any_imported_store
    numbers = with_photos(store, 7)
    normalise_photos(store, only=set(numbers))
    for n in numbers[:6]:
        decide(store, n)
    first = tmp_path / "batch1.zip"
    export_batch(store, first, "clerk")
    assert archived(store) == {}  # nothing changed since: nothing copied
    recorded = batch_shas(store, 1)
    assert all(recorded[n] == sha(current_photo(store, n) or b"") for n in numbers[:6])
    same_again(store, 1, first, tmp_path)

    # Redone through the photo service: the bytes batch 1 carried are archived under their hash.
    old = current_photo(store, numbers[0])
    with store.session() as session:
        normalize_applicant_photo(session, resolve(session, numbers[0]), rotation=90, operator="clerk")
    assert current_photo(store, numbers[0]) != old and old is not None
    assert archived(store) == {recorded[numbers[0]]: old}
    same_again(store, 1, first, tmp_path)

    # Deleted (no app path deletes a photo; the database may).
    old_1 = current_photo(store, numbers[1])
    with store.session() as session:
        session.execute(delete(Photo).where(Photo.applicant_id == resolve(session, numbers[1])))
    assert archived(store)[recorded[numbers[1]]] == old_1
    same_again(store, 1, first, tmp_path)

    # Replaced by a re-import of other files (the normalised photo is cleared).
    folder = tmp_path / "again"
    folder.mkdir()
    kept = {}
    for n in numbers[2:4]:
        kept[n] = current_photo(store, n)
        Image.new("RGB", (300, 400), (10, 120, 200)).save(folder / f"{n}.jpg", "JPEG", quality=80 + len(kept))
    assert import_photos(store, folder, operator="clerk").attached == 2
    assert all(current_photo(store, n) is None for n in numbers[2:4])
    assert {recorded[n]: kept[n] for n in numbers[2:4]}.items() <= archived(store).items()
    same_again(store, 1, first, tmp_path)

    # The same photo carried by two batches, then redone: archived once; both batches stay the same.
    decide(store, numbers[6])
    decide(store, numbers[4], edits={"teaching_subject": "物理"})  # a new version: in batch 2, same photo
    # numbers[3]: its photo re-imported (a new version), not normalised yet: in batch 2 without a photo
    normalise_photos(store, only={numbers[0], numbers[2]}, quality=60)
    second = tmp_path / "batch2.zip"
    export_batch(store, second, "clerk")
    two = batch_shas(store, 2)
    assert two[numbers[4]] == recorded[numbers[4]] and set(two) == {numbers[i] for i in (0, 2, 3, 4, 6)}
    count = len(archived(store))
    old_4, old_0 = current_photo(store, numbers[4]), current_photo(store, numbers[0])
    normalise_photos(store, only={numbers[4], numbers[0]}, quality=50)
    assert len(archived(store)) == count + 2
    assert archived(store)[two[numbers[4]]] == old_4 and archived(store)[two[numbers[0]]] == old_0
    same_again(store, 1, first, tmp_path)
    same_again(store, 2, second, tmp_path)

    # Every hash a batch recorded is archived, or is the applicant's current photo (the invariant).
    shas = archived(store)
    for number in (1, 2):
        for n, h in batch_shas(store, number).items():
            assert h == "" or h in shas or h == sha(current_photo(store, n) or b""), (number, n)
    for h, data in shas.items():
        assert sha(data) == h

    # An applicant deleted (no app path does) takes its batch items with it (the schema's cascade since 0003):
    # the re-export says what no longer matches instead of failing.
    with store.session() as session:
        session.execute(delete(t).where(t.c.id == resolve(session, numbers[5])))
    with store.session() as session:
        result = export_again(session, 1, tmp_path / "again-gone.zip", "clerk")
    assert "results.xlsx" in result.mismatched and result.rows == 5


def test_a_photo_cannot_change_while_its_batch_is_recorded(any_imported_store, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Read under the batch's write lock (SQLite) or FOR SHARE (PostgreSQL): another seat's change of an exported
    photo, tried right after the export read the photos and again once the items are recorded, waits for the
    batch to commit (here: gives up), and a change after the commit has its trigger archive the bytes carried."""
    from confirm_desk.services.batches import export

    store = any_imported_store
    numbers = with_photos(store, 2)
    normalise_photos(store, only=set(numbers))
    for n in numbers:
        decide(store, n)
    with store.session() as session:
        target = resolve(session, numbers[0])
    tried: list[str] = []

    def other_seat(when: str) -> None:
        if store.is_sqlite:
            with closing(sqlite3.connect(store.sqlite_path, timeout=0.05)) as conn:
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    conn.execute("UPDATE photo SET normalized = x'00' WHERE applicant_id = ?", (target,))
        else:
            engine = create_engine(store.url)
            try:
                with engine.begin() as conn, pytest.raises(SAOperationalError, match="lock timeout"):
                    conn.exec_driver_sql("SET LOCAL lock_timeout = '100ms'")
                    conn.execute(text("UPDATE photo SET normalized = '\\x00' WHERE applicant_id = :a"), {"a": target})
            finally:
                engine.dispose()
        tried.append(when)

    read = export._current_photos

    def read_then_other_seat(session, ids):  # the moment right after the export read the photos
        photos = read(session, ids)
        other_seat("read")
        return photos

    monkeypatch.setattr(export, "_current_photos", read_then_other_seat)
    first = tmp_path / "batch1.zip"
    export_batch(store, first, "clerk",
                 progress=lambda _d, _t, message: other_seat("recorded") if message == "正在写入文件…" else None)
    assert tried == ["read", "recorded"]
    old = current_photo(store, numbers[0])
    with store.session() as session:
        session.execute(Photo.__table__.update().where(Photo.applicant_id == target).values(normalized=b"\x00"))
    assert archived(store) == {batch_shas(store, 1)[numbers[0]]: old}
    same_again(store, 1, first, tmp_path)


def test_plain_sqlite3_keeps_the_rule(imported_store, tmp_path: Path) -> None:
    """The triggers are plain SQL: another program's UPDATE, DELETE or INSERT OR REPLACE archives too."""
    store = imported_store
    numbers = with_photos(store, 3)
    normalise_photos(store, only=set(numbers))
    for n in numbers:
        decide(store, n)
    first = tmp_path / "batch1.zip"
    export_batch(store, first, "clerk")
    recorded = batch_shas(store, 1)
    with store.session() as session:
        ids = [resolve(session, n) for n in numbers]
    olds = [current_photo(store, n) for n in numbers]
    with closing(sqlite3.connect(store.sqlite_path)) as conn:
        conn.execute("UPDATE photo SET normalized = x'01' WHERE applicant_id = ?", (ids[0],))
        conn.execute("DELETE FROM photo WHERE applicant_id = ?", (ids[1],))
        conn.execute("INSERT OR REPLACE INTO photo (applicant_id, original, updated_at) VALUES (?, x'02', "
                     "'2026-01-01 00:00:00')", (ids[2],))
        conn.commit()
    assert archived(store) == {recorded[n]: old for n, old in zip(numbers, olds, strict=True)}
    same_again(store, 1, first, tmp_path)
    # An unchanged value written again archives nothing.
    with closing(sqlite3.connect(store.sqlite_path)) as conn:
        assert conn.execute("UPDATE photo SET normalized = normalized").rowcount > 0
        conn.commit()
    assert len(archived(store)) == 3


def test_a_store_without_the_triggers_archives_at_export(imported_store, tmp_path: Path) -> None:
    store = imported_store
    numbers = with_photos(store, 3)
    normalise_photos(store, only=set(numbers))
    for n in numbers:
        decide(store, n)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER batch_photo_keep_update")
    first = tmp_path / "batch1.zip"
    export_batch(store, first, "clerk")
    assert archived(store) == {h: current_photo(store, n) for n, h in batch_shas(store, 1).items()}
    normalise_photos(store, only=set(numbers), quality=50)
    same_again(store, 1, first, tmp_path)


def _at(engine, revision: str, down: bool = False) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def _triggers(engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                        "AND tbl_name = 'photo'").scalars())


def test_migration_0012_up_and_down_on_a_store_with_batches(tmp_path: Path, samples: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_store_engine(url)
    _at(engine, "0011")
    store = Store(engine, sessionmaker(engine, expire_on_commit=False), url)
    import_applicants(store, samples / "applicants_export.xlsx", samples / "photos")
    numbers = with_photos(store, 4)
    normalise_photos(store, only=set(numbers))
    decide(store, numbers[0])
    decide(store, numbers[1])
    first = tmp_path / "batch1.zip"
    export_batch(store, first, "clerk")  # at 0011: no triggers, so every photo is archived at export
    assert len(archived(store)) == 2 and _triggers(engine) == set()

    migrate(engine)
    assert current_revision(engine) == SCHEMA_HEAD and TRIGGERS <= _triggers(engine)
    same_again(store, 1, first, tmp_path)
    decide(store, numbers[2])
    decide(store, numbers[3])
    second = tmp_path / "batch2.zip"
    export_batch(store, second, "clerk")
    assert len(archived(store)) == 2  # batch 2's photos stay in `photo`
    with store.session() as session:
        before = (session.scalar(select(func.count()).select_from(t)),
                  session.scalar(select(func.count()).select_from(BatchItem)))

    _at(engine, "0011", down=True)  # the code before 0012 reads batch_photo only: batch 2's photos go there
    assert current_revision(engine) == "0011" and _triggers(engine) == set()
    two = batch_shas(store, 2)
    assert archived(store).keys() == set(batch_shas(store, 1).values()) | set(two.values())
    assert all(archived(store)[h] == current_photo(store, n) for n, h in two.items())
    with store.session() as session:
        assert before == (session.scalar(select(func.count()).select_from(t)),
                          session.scalar(select(func.count()).select_from(BatchItem)))

    migrate(engine)
    assert TRIGGERS <= _triggers(engine)
    normalise_photos(store, only=set(numbers), quality=40)
    same_again(store, 1, first, tmp_path)
    same_again(store, 2, second, tmp_path)
    engine.dispose()
