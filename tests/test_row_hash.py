"""The import fingerprint of a row (import_hash) is compared with the one stored by earlier imports, so its
value must never change: a store made by an older version would see every applicant as changed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from confirm_desk.services.importing.applicants import hash_in_order, import_applicants, row_hash
from confirm_desk.services.importing.rows import ALL_KEYS


def test_the_fingerprint_keeps_its_value() -> None:
    values = {k: f"{k}值" for k in reversed(ALL_KEYS)}  # the order of the mapping does not matter
    assert row_hash(values) == "d11efb2d54804b5794183bad16ef00b2"  # blake2b-128 of the values joined by U+001F
    assert hash_in_order(tuple(values[k] for k in ALL_KEYS)) == row_hash(values)


def test_an_inserted_row_stores_the_same_fingerprint_a_reimport_computes(store, samples: Path) -> None:
    result = import_applicants(store, samples / "applicants_export.xlsx")
    assert result.imported == 60
    conn = sqlite3.connect(store.sqlite_path)
    try:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(f"SELECT import_hash, {', '.join(ALL_KEYS)} FROM applicant").fetchall()
    finally:
        conn.close()
    assert len(rows) == 60
    for row in rows:
        assert row["import_hash"] == row_hash({k: row[k] or "" for k in ALL_KEYS})
